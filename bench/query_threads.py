"""Encoding a search query on one core against every core when nothing else encodes.

A serving process is limited to its share of the cores (``OMP_NUM_THREADS``); embed/model.py
widens a single query's OpenMP team when no other encoding runs on the machine. This prints,
in one run and alternating, the p50 of encoding the 50 judged queries narrow and widened, and
of a whole search through the app in process when a store is given (its query cache emptied
before each round), as ratios; and checks that the vectors are identical.

    .venv/bin/python bench/query_threads.py [--store STORE] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import urllib.parse
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as in a process of a multi-process server
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a store to search (default: encoding only)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from budgetkg.embed.model import load_model, query_threads_limit

    queries = [q["query"] for q in json.loads((ROOT / "bench" / "search_eval.json").read_text("utf-8"))["queries"]]
    embedder = load_model()
    module = embedder.model[0]
    wide = max(2, query_threads_limit())
    print(f"narrow: {module.narrow} thread(s), widened: {wide}")

    def encode() -> float:
        times = []
        for query in queries:
            start = time.perf_counter()
            embedder.encode_query([query])
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    search = None
    if args.store:
        from budgetkg.server.app import create_app, resources

        app = create_app({"STORE": args.store, "READ_ONLY": True, "SPARQL_WORKERS": 1})
        client = app.test_client()
        client.get("/api/search?q=%E6%BB%A1%E6%84%8F%E5%BA%A6")
        searcher = resources(app).searcher
        module = searcher.embedder_loader().model[0]
        embedder = searcher.embedder_loader()

        def search() -> float:
            searcher.query_cache.clear()
            times = []
            for query in queries:
                start = time.perf_counter()
                assert client.get("/api/search?" + urllib.parse.urlencode({"q": query, "k": 10})).status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            return statistics.median(times)

    encode()
    for round_ in range(1, args.rounds + 1):
        figures = {}
        for label, threads in (("narrow", module.narrow), ("widened", wide)):
            module.wide = threads
            figures[label] = (encode(), search() if search else None)
        (en, sn), (ew, sw) = figures["narrow"], figures["widened"]
        line = f"round {round_}: encode p50 {en:.1f} → {ew:.1f} ms ({ew / en:.2f}×)"
        if sn is not None:
            line += f"; search in process p50 {sn:.1f} → {sw:.1f} ms ({sw / sn:.2f}×)"
        print(line, flush=True)
    module.wide = 1
    narrow = np.vstack([embedder.encode_query([q]) for q in queries])
    module.wide = wide
    widened = np.vstack([embedder.encode_query([q]) for q in queries])
    print("vectors identical:", bool(np.array_equal(narrow, widened)))


if __name__ == "__main__":
    main()
