"""Writing the wording graph three ways: one SPARQL update (DROP + INSERT DATA), a drop and an
N-Triples load in one transaction, and a drop and a bulk load (``replace_derived_graph``).

The index sync writes the wording clusters into the store as a graph of its own (1.44 million
triples at 10,000 documents). This takes that graph from a store's wording index and writes it,
in one run, into a new store twice (new, then replaced) each way, printing the time, the CPU and
the peak memory of each way (each way runs in a process of its own) and their ratios.

    .venv/bin/python bench/derived_graph.py STORE      # a store with its wording index (STORE/index)
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

GRAPH = "https://w3id.org/budgetkg/id/graph/wording"


def wording_ntriples(store: Path) -> str:
    from budgetkg.embed.wording import Wordings

    class Index:  # what Wordings reads of an index: its SQLite file, read-only
        db = sqlite3.connect(f"file:{store / 'index' / 'index.sqlite'}?mode=ro", uri=True)

    wordings = Wordings.__new__(Wordings)
    wordings.index, wordings.db = Index, Index.db
    return wordings.graph_ntriples("https://w3id.org/budgetkg/id/")


def _write(way: str, ntriples: str, out) -> None:
    from budgetkg.graph.store import BudgetStore

    folder = Path(tempfile.mkdtemp(prefix=f"derived-{way}-"))
    try:
        store = BudgetStore(folder / "store")

        def transaction(iri: str, ntriples: str) -> None:
            import pyoxigraph as ox

            store.store.remove_graph(ox.NamedNode(iri))
            store.store.load(ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))

        write = {"update": store.replace_graph, "transaction": transaction, "bulk": store.replace_derived_graph}[way]
        times = []
        for _ in ("new", "replaced"):
            wall, cpu = time.perf_counter(), time.process_time()
            write(GRAPH, ntriples)
            times.append((time.perf_counter() - wall, time.process_time() - cpu))
        out.put((times, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, len(store)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    args = parser.parse_args()
    ntriples = wording_ntriples(args.store)
    print(f"wording graph of {args.store}: {ntriples.count(chr(10)) + 1} triples, {len(ntriples.encode()) >> 20} MB")
    context = multiprocessing.get_context("spawn")
    results = {}
    for way in ("update", "transaction", "bulk"):
        out = context.Queue()
        process = context.Process(target=_write, args=(way, ntriples, out))
        process.start()
        results[way] = out.get()
        process.join()
        (new, new_cpu), (again, again_cpu) = results[way][0]
        print(f"{way:>6}: new graph {new:.1f} s (CPU {new_cpu:.1f}), replaced {again:.1f} s (CPU {again_cpu:.1f}), "
              f"peak {results[way][1]:.2f} GB, {results[way][2]} quads")
    update = results["update"]
    for way in ("transaction", "bulk"):
        mine = results[way]
        print(f"{way} / update: new {mine[0][0][0] / update[0][0][0]:.2f}×, replaced {mine[0][1][0] / update[0][1][0]:.2f}×, "
              f"peak memory {mine[1] / update[1]:.2f}×")


if __name__ == "__main__":
    main()
