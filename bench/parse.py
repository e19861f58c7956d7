"""Parser speed on the real documents of data/.

Text: milliseconds per document for the Hebei sample (target: well under 50 ms), against the
cost of only reading the file and splitting it into lines and cells (baseline, same run).
PDF: seconds per document and pages per second for each PDF (target: a 35-page disclosure in
under 2 s), against pdfium's bare text extraction of the same pages (baseline, same run).

    .venv/bin/python bench/parse.py [--repeat N] [--pdf-repeat N]
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


def pdf_baseline(path: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    for page in document:
        page.get_textpage().get_text_range()
    document.close()


def bench_pdfs(repeat: int) -> None:
    print("\nPDF (median of runs):")
    print(f"{'file':<40} {'pages':>5} {'parse s':>8} {'pages/s':>8} {'pdfium text s':>14} {'ratio':>6}")
    for path in sorted((SAMPLE.parent).glob("*.pdf")):
        doc = parse_document(path)
        parse_s = statistics.median(_time(lambda: parse_document(path), repeat)) / 1000
        base_s = statistics.median(_time(lambda: pdf_baseline(path), repeat)) / 1000
        print(f"{path.name:<40} {doc.source.pages:>5} {parse_s:>8.2f} {doc.source.pages / parse_s:>8.1f} "
              f"{base_s:>14.3f} {parse_s / base_s:>5.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--pdf-repeat", type=int, default=3)
    args = parser.parse_args()
    path = SAMPLE
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
    bench_pdfs(args.pdf_repeat)


if __name__ == "__main__":
    main()
