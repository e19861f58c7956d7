"""How the near-duplicate threshold of reusable wording (embed/wording.py NEAR_DUPLICATE) was
chosen: the most similar pairs of distinct (normalised) indicator wordings of the real corpus,
judged by hand in bench/wording_pairs.json (same indicator reworded, or a different indicator),
and the precision and recall of merging at each threshold.

    .venv/bin/python bench/wording_threshold.py            # evaluate the judged pairs
    .venv/bin/python bench/wording_threshold.py --list 60  # print the top pairs (to judge new data)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from budgetkg.embed.service import LazyModel
from budgetkg.embed.wording import NEAR_DUPLICATE, normalise
from budgetkg.graph.parse import parse_document

DATA = Path(__file__).resolve().parent.parent / "data"
PAIRS = Path(__file__).resolve().parent / "wording_pairs.json"


def wordings() -> list[str]:
    seen: dict[str, str] = {}
    for path in sorted(DATA.iterdir()):
        if path.suffix not in (".txt", ".pdf"):
            continue
        for project in parse_document(path).projects:
            for indicator in project.indicators:
                text = indicator.description or indicator.level3
                if text:
                    seen.setdefault(normalise(text), text)
    return list(seen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", type=int, default=0, help="print the N most similar pairs and stop")
    args = parser.parse_args()
    model = LazyModel()()
    if args.list:
        texts = wordings()
        vectors = model.encode_document(texts)
        scores = vectors @ vectors.T
        pairs = sorted(((float(scores[i, j]), texts[i], texts[j]) for i in range(len(texts)) for j in range(i + 1, len(texts))),
                       reverse=True)
        print(f"{len(texts)} distinct normalised wordings")
        for score, a, b in pairs[: args.list]:
            print(f"{score:.4f}\t{a}\t{b}")
        return
    judged = json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"]
    a = model.encode_document([p["a"] for p in judged])
    b = model.encode_document([p["b"] for p in judged])
    scored = [(float(x @ y), p["same"]) for x, y, p in zip(a, b, judged)]
    positives = sum(same for _, same in scored)
    print(f"{len(scored)} judged pairs, {positives} rewordings of one indicator, {len(scored) - positives} different indicators")
    print(f"{'threshold':>9} {'merged':>7} {'wrong':>6} {'precision':>10} {'recall':>7}")
    for threshold in (0.95, 0.96, 0.97, 0.975, 0.98, 0.9825, 0.985, 0.99, 0.995):
        merged = [same for score, same in scored if score >= threshold]
        right = sum(merged)
        precision = right / len(merged) if merged else 1.0
        mark = "  ← NEAR_DUPLICATE" if abs(threshold - NEAR_DUPLICATE) < 1e-9 else ""
        print(f"{threshold:9.4f} {len(merged):7d} {len(merged) - right:6d} {precision:10.3f} {right / positives:7.3f}{mark}")


if __name__ == "__main__":
    main()
