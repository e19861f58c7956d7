"""Building a new store and its index: encoding after the build against encoding during it.

    .venv/bin/python bench/ingest_overlap.py 300        # synthetic documents (bench/synth.py)

Both runs build the same synthetic corpus into a fresh store and sync the wording index; the
second feeds each parsed document's text to an encoder process while the store is built
(what `budgetkg ingest` does for a new store). Prints wall times and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def run(files: list[Path], store: Path, prefetch: bool) -> dict:
    from budgetkg.embed.model import default_model_spec
    from budgetkg.embed.prefetch import Prefetcher, PrefetchedModel
    from budgetkg.embed.service import LazyModel, open_index
    from budgetkg.graph.store import BudgetStore

    start = time.perf_counter()
    model = LazyModel()
    if prefetch:
        with Prefetcher(default_model_spec()) as prefetcher:
            BudgetStore.build(store, files, workers=2, texts=prefetcher.feed)
            built = time.perf_counter() - start
            name, vectors = prefetcher.collect()
        model = PrefetchedModel(model, vectors)
    else:
        BudgetStore.build(store, files, workers=2)
        built = time.perf_counter() - start
    waited = time.perf_counter() - start
    index = open_index(store, model)
    report = index.sync(BudgetStore(store))
    total = time.perf_counter() - start
    return {"build_s": round(built, 1), "encoder_done_s": round(waited, 1), "total_s": round(total, 1),
            "texts": index.text_count(), "embedded": report.embedded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("documents", type=int, nargs="?", default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="budgetkg-overlap-"))
    try:
        subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(args.documents), "--out", str(work / "corpus"),
                        "--seed", str(args.seed)], check=True, capture_output=True)
        files = sorted((work / "corpus").glob("*.txt"))
        after = run(files, work / "after", prefetch=False)
        during = run(files, work / "during", prefetch=True)
        print(f"{len(files)} documents, {after['texts']} texts")
        print(f"encode after the build : {after}")
        print(f"encode during the build: {during}")
        print(f"end to end: {after['total_s'] / during['total_s']:.2f}× faster with encoding during the build")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
