"""Near-duplicate texts for the wording clusters: FAISS's exact k-nearest search of every text
against ``near_neighbours`` (the similarity matrix a block at a time, kept above the threshold).

Takes the text vectors of a store's wording index, times both ways in one run, alternating, on
the threads asked for, and checks that they find the same neighbours.

    .venv/bin/python bench/near_duplicates.py STORE [--threads 1] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a store with its wording index (STORE/index)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    import faiss
    from threadpoolctl import threadpool_limits

    from budgetkg.embed.wording import NEAR_DUPLICATE, near_neighbours

    db = sqlite3.connect(f"file:{args.store / 'index' / 'index.sqlite'}?mode=ro", uri=True)
    matrix = np.stack([np.frombuffer(v, dtype=np.float32) for (v,) in db.execute("SELECT vector FROM texts ORDER BY id")])
    k = 11
    print(f"{len(matrix)} texts, cosine ≥ {NEAR_DUPLICATE}, {k} neighbours, {args.threads} thread(s)")
    faiss.omp_set_num_threads(args.threads)
    times: dict[str, list[float]] = {"faiss": [], "blocks": []}
    with threadpool_limits(args.threads):
        for _ in range(args.rounds):
            start = time.perf_counter()
            flat = faiss.IndexFlatIP(matrix.shape[1])
            flat.add(matrix)
            scores, positions = flat.search(matrix, k)
            times["faiss"].append(time.perf_counter() - start)
            start = time.perf_counter()
            near = near_neighbours(matrix, NEAR_DUPLICATE, k)
            times["blocks"].append(time.perf_counter() - start)
    expected = [{int(p) for s, p in zip(row_s, row_p) if s >= NEAR_DUPLICATE} for row_s, row_p in zip(scores, positions)]
    same = sum(expected[row] == {p for _, p in hits} for row, hits in enumerate(near))
    faiss_s, blocks_s = min(times["faiss"]), min(times["blocks"])
    print(f"FAISS exact k-nearest: {faiss_s:.1f} s; near_neighbours: {blocks_s:.1f} s ({blocks_s / faiss_s:.2f}×); "
          f"the same neighbours for {same} of {len(matrix)} texts")


if __name__ == "__main__":
    main()
