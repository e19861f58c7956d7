"""Milliseconds per document for the text parser on the real sample (target: well under 50 ms).

Prints the parser's median and p90 over repeated runs, and as a baseline measured in the same
run the cost of only reading the file and splitting it into lines and cells, so the figure can
be read as a ratio on a noisy machine.

    .venv/bin/python bench/parse.py [--repeat N] [FILE]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from budgetkg.graph.parse import parse_document

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"


def _time(function, repeat: int) -> list[float]:
    function()  # warm-up: imports, compiled regexes
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def baseline(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    [line.split("\t") for line in text.split("\n")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(SAMPLE))
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    path = Path(args.file)
    doc = parse_document(path)
    parse_ms = _time(lambda: parse_document(path), args.repeat)
    base_ms = _time(lambda: baseline(path), args.repeat)
    median, base = statistics.median(parse_ms), statistics.median(base_ms)
    p90 = statistics.quantiles(parse_ms, n=10)[-1]
    print(f"document: {path.name} ({doc.source.lines} lines, {len(doc.projects)} tables, "
          f"{sum(len(p.indicators) for p in doc.projects)} indicators)")
    print(f"parse:    median {median:.2f} ms/document, p90 {p90:.2f} ms (target < 50 ms: "
          f"{'met' if median < 50 else 'NOT met'})")
    print(f"baseline: read + split into cells, median {base:.3f} ms")
    print(f"ratio:    parse / baseline = {median / base:.0f}x")


if __name__ == "__main__":
    main()
