"""Load time and named-query latency: the chosen store (Oxigraph on disk) against rdflib's
in-memory store, in the same run, on the real data replicated to N documents (default 200).

Each replica is the real Hebei document under another file name, unit name and year, so the
graph has the real shape and the selective queries stay selective.

    .venv/bin/python bench/graph.py [--docs 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import signal
import sys
import statistics
import tempfile
import time
from pathlib import Path

import rdflib

from budgetkg.graph.queries import QUERIES
from budgetkg.graph.store import BudgetStore
from budgetkg.graph.vocab import PREFIXES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replica import replicas  # noqa: E402


class Budget(Exception):
    pass


def bounded(function, seconds: int):
    """Run ``function``; give up after ``seconds`` (rdflib's evaluator can run for minutes)."""

    def expire(signum, frame):
        raise Budget

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        return function()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=int, default=60, help="seconds allowed per rdflib query")
    args = parser.parse_args()

    started = time.perf_counter()
    docs = replicas(args.docs)
    triples = sum(own.count("\n") + shared.count("\n") for _, own, shared in docs)
    print(f"{args.docs} documents, {triples} triples (built in {time.perf_counter() - started:.1f} s)")

    with tempfile.TemporaryDirectory() as folder:
        store = BudgetStore(Path(folder) / "store")
        start = time.perf_counter()
        for iri, own, shared in docs:
            store.replace_graph(iri, own, shared)
        store.flush()
        ox_load = time.perf_counter() - start

        memory = BudgetStore(None)
        start = time.perf_counter()
        for iri, own, shared in docs:
            memory.replace_graph(iri, own, shared)
        ox_memory_load = time.perf_counter() - start

        dataset = rdflib.Dataset(default_union=True)
        start = time.perf_counter()
        shared_graph = dataset.graph(rdflib.URIRef(store.shared_graph))
        for iri, own, shared in docs:
            dataset.graph(rdflib.URIRef(iri)).parse(data=own, format="nt")
            shared_graph.parse(data=shared, format="nt")
        rdf_load = time.perf_counter() - start

        print(f"\nload (one transaction per document): oxigraph on disk {ox_load:.2f} s, oxigraph in memory "
              f"{ox_memory_load:.2f} s, rdflib in memory {rdf_load:.2f} s")
        print(f"  rdflib-memory / oxigraph-memory = {rdf_load / ox_memory_load:.1f}x, "
              f"rdflib-memory / oxigraph-disk = {rdf_load / ox_load:.1f}x")
        print(f"\n{'named query':<20} {'rows':>5} {'oxigraph p50 ms':>16} {'rdflib p50 ms':>14} {'ratio':>7}")
        namespaces = {prefix: rdflib.Namespace(iri) for prefix, iri in PREFIXES.items()}
        for name, query in QUERIES.items():
            sparql = query.render(**(query.example or {}))
            rows = len(list(store.query(sparql)))
            ox_ms = statistics.median(timed(lambda: list(store.query(sparql)), args.repeat))
            try:
                rdf_ms = statistics.median(bounded(
                    lambda: timed(lambda: list(dataset.query(sparql, initNs=namespaces)), 1), args.budget))
                rdf_text, ratio = f"{rdf_ms:.1f}", f"{rdf_ms / ox_ms:.0f}x"
            except Budget:
                rdf_text, ratio = f"> {args.budget * 1000}", f"> {args.budget * 1000 / ox_ms:.0f}x"
            print(f"{name:<20} {rows:>5} {ox_ms:>16.1f} {rdf_text:>14} {ratio:>7}")


if __name__ == "__main__":
    main()
