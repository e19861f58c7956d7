"""The SPARQL endpoint over HTTP against the same queries run directly on the store, in one run:
requests per second and p50/p99 latency of the named queries, on the real data and on the real
data replicated to 200 documents, to show what HTTP (and the worker processes) add.

    .venv/bin/python bench/sparql_http.py [--docs 200] [--requests 100] [--clients 8]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from budgetkg.graph.queries import QUERIES
from budgetkg.graph.store import BudgetStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replica import replicas  # noqa: E402

BIN = Path(sys.executable).parent / "budgetkg"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> float:
    start = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def try_fetch(url: str) -> bool:
    """Under load the endpoint may answer 503 (every worker busy, or the time limit): count it."""
    try:
        fetch(url)
        return True
    except urllib.error.HTTPError:
        return False


def measure(folder: Path, label: str, requests: int, clients: int) -> None:
    store = BudgetStore(folder, read_only=True)
    queries = {name: q.render(**(q.example or {})) for name, q in QUERIES.items()}
    direct = {}
    for name, sparql in queries.items():
        list(store.query(sparql))
        times = []
        for _ in range(max(5, requests // 5)):
            start = time.perf_counter()
            list(store.query(sparql))
            times.append((time.perf_counter() - start) * 1000)
        direct[name] = statistics.median(times)
    del store
    port = free_port()
    log = open(folder.parent / "serve.log", "wb")
    server = subprocess.Popen([str(BIN), "serve", "--store", str(folder), "--port", str(port), "--workers", "2"],
                              stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    endpoint = f"http://127.0.0.1:{port}/sparql"
    try:
        for _ in range(300):
            try:
                fetch(endpoint + "?query=ASK%7B%7D")
                break
            except OSError:
                time.sleep(0.1)
        print(f"\n{label}")
        print(f"{'named query':<20} {'direct p50':>11} {'http p50':>9} {'http p99':>9} {'http/direct':>12} {'req/s (' + str(clients) + ' clients)':>20}")
        for name, sparql in queries.items():
            url = endpoint + "?" + urllib.parse.urlencode({"query": sparql})
            fetch(url)
            times = [fetch(url) for _ in range(requests)]
            with ThreadPoolExecutor(clients) as pool:
                start = time.perf_counter()
                answered = list(pool.map(try_fetch, [url] * requests))
                rate = sum(answered) / (time.perf_counter() - start)
                refused = len(answered) - sum(answered)
            p50, p99 = statistics.median(times), float(np.percentile(times, 99))
            print(f"{name:<20} {direct[name]:>9.1f}ms {p50:>7.1f}ms {p99:>7.1f}ms {p50 / direct[name]:>11.1f}x {rate:>20.1f}"
                  + (f"   ({refused} of {requests} answered 503 under load)" if refused else ""))
            sys.stdout.flush()
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real" / "store"
        store = BudgetStore(real)
        store.ensure_ontology()
        for path in sorted((Path(__file__).resolve().parent.parent / "data").iterdir()):
            if path.suffix in (".txt", ".pdf"):
                store.ingest(path)
        store.flush()
        del store
        measure(real, "real data (the nine documents of data/)", args.requests, args.clients)

        replica = Path(tmp) / "replica" / "store"
        store = BudgetStore(replica)
        store.ensure_ontology()
        for iri, own, shared in replicas(args.docs):
            store.replace_graph(iri, own, shared)
        store.flush()
        del store
        measure(replica, f"real data replicated to {args.docs} documents", args.requests, args.clients)


if __name__ == "__main__":
    main()
