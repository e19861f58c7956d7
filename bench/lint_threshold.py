"""The threshold of the description-off-project lint rule, on the hand-judged pairs of
bench/lint_fit_eval.json: precision and recall of "off its project" at each margin threshold,
for the fit graph/lint.py computes and, as baselines measured in the same run, for the absolute
similarity to the project (name + goals, or name alone) and for other name weights.

A row is flagged when its fit to its own project minus its fit to the best other project of the
document is below the threshold; the pairs judged "does not fit" are the positives. The tests
import :func:`evaluate` to hold a floor.

    .venv/bin/python bench/lint_threshold.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "bench" / "lint_fit_eval.json"
THRESHOLDS = [round(-0.060 + 0.0025 * step, 4) for step in range(17)]  # -0.060 … -0.020
NAME_WEIGHTS = [0.0, 0.25, 0.5, 0.75, 1.0]


def load_eval() -> list[dict]:
    return json.loads(EVAL.read_text(encoding="utf-8"))["pairs"]


def build_similarity():
    """The similarity the CLI and the server use: cosines of the embedding model's vectors."""
    from budgetkg.embed.service import LazyModel
    from budgetkg.graph.lint import embedding_similarity

    model = LazyModel()
    return embedding_similarity(lambda texts: model().encode_query(texts))


def scored_pairs(pairs: list[dict], similarity, name_weight: float) -> list[tuple[dict, object]]:
    """Each judged pair the rule scores (成本指标 rows are not) with its Fit."""
    from budgetkg.graph.lint import fit_scores, wording
    from budgetkg.graph.parse import parse_document

    scored = []
    by_document: dict[str, list[dict]] = {}
    for pair in pairs:
        by_document.setdefault(pair["document"], []).append(pair)
    for name, judged in by_document.items():
        doc = parse_document(ROOT / "data" / name)
        fits = fit_scores(doc, similarity, name_weight)
        for pair in judged:
            p_index = next(i for i, p in enumerate(doc.projects) if p.no == pair["project"])
            r_index = next(i for i, row in enumerate(doc.projects[p_index].indicators)
                           if wording(row) == pair["description"] and (row.line, row.page) == (pair["line"], pair["page"]))
            if (p_index, r_index) in fits:
                scored.append((pair, fits[p_index, r_index]))
    return scored


def counts(scored: list[tuple[dict, float]], threshold: float) -> dict[str, float]:
    """Flagged, true and false positives, precision and recall of 'score < threshold'."""
    tp = sum(score < threshold and not pair["fits"] for pair, score in scored)
    fp = sum(score < threshold and pair["fits"] for pair, score in scored)
    positives = sum(not pair["fits"] for pair, _ in scored)
    return {"flagged": tp + fp, "tp": tp, "fp": fp, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / positives if positives else 1.0}


def auc(scored: list[tuple[dict, float]]) -> float:
    """The chance that a pair that does not fit scores lower than one that fits."""
    off = [score for pair, score in scored if not pair["fits"]]
    fit = [score for pair, score in scored if pair["fits"]]
    return sum((a < b) + 0.5 * (a == b) for a in off for b in fit) / (len(off) * len(fit))


def precise_point(scored: list[tuple[dict, float]], floor: float = 0.8) -> tuple[float | None, dict | None]:
    """The threshold of highest recall at precision ≥ ``floor`` (ties: the higher precision), or
    (None, None) when no threshold reaches it."""
    candidates = [(t, counts(scored, t)) for t in sorted({round(score + 1e-9, 6) for _, score in scored})]
    good = [(t, c) for t, c in candidates if c["precision"] >= floor and c["tp"]]
    return max(good, key=lambda tc: (tc[1]["recall"], tc[1]["precision"]), default=(None, None))


def evaluate(similarity=None, threshold: float | None = None) -> dict[str, float]:
    """Precision and recall of the rule as graph/lint.py runs it (its weight and threshold)."""
    from budgetkg.graph.lint import FIT_THRESHOLD, NAME_WEIGHT

    similarity = similarity or build_similarity()
    scored = [(pair, fit.margin) for pair, fit in scored_pairs(load_eval(), similarity, NAME_WEIGHT)]
    return {**counts(scored, FIT_THRESHOLD if threshold is None else threshold), "auc": auc(scored), "pairs": len(scored)}


def main() -> None:
    from budgetkg.graph.lint import FIT_THRESHOLD, NAME_WEIGHT

    pairs = load_eval()
    similarity = build_similarity()
    by_weight = {weight: scored_pairs(pairs, similarity, weight) for weight in NAME_WEIGHTS}
    chosen = by_weight[NAME_WEIGHT]
    off = sum(not pair["fits"] for pair, _ in chosen)
    print(f"{len(pairs)} judged pairs; {len(chosen)} scored ({off} do not fit), "
          f"{len(pairs) - len(chosen)} 成本指标 rows not scored by the rule\n")
    print("AUC (a pair that does not fit scores lower than one that fits), and the best recall at precision ≥ 0.8:")
    variants = [("absolute similarity to name + goals (baseline)", [(p, f.context) for p, f in chosen]),
                ("absolute similarity to the name (baseline)", [(p, f.name) for p, f in chosen])]
    variants += [(f"margin over the best other project, name weight {weight:.2f}"
                  + ("  <- graph/lint.py" if weight == NAME_WEIGHT else ""),
                  [(p, f.margin) for p, f in by_weight[weight]]) for weight in NAME_WEIGHTS]
    for label, scores in variants:
        threshold, c = precise_point(scores)
        point = (f"recall {c['recall']:.2f} at precision {c['precision']:.2f} (score < {threshold:+.4f})"
                 if c else "precision never reaches 0.8".ljust(46))
        print(f"  AUC {auc(scores):.3f}  {point}  {label}")
    scored = [(pair, fit.margin) for pair, fit in chosen]
    print(f"\nflagged when margin < threshold (name weight {NAME_WEIGHT}):")
    print(f"  {'threshold':>9} {'flagged':>7} {'tp':>3} {'fp':>3} {'precision':>9} {'recall':>6}")
    for threshold in sorted({*THRESHOLDS, FIT_THRESHOLD}):
        c = counts(scored, threshold)
        mark = "   <- FIT_THRESHOLD" if threshold == FIT_THRESHOLD else ""
        print(f"  {threshold:>+9.4f} {c['flagged']:>7} {c['tp']:>3} {c['fp']:>3} {c['precision']:>9.2f} {c['recall']:>6.2f}{mark}")
    print("\nthe lowest margins:")
    for pair, score in sorted(scored, key=lambda item: item[1])[:15]:
        verdict = "fits     " if pair["fits"] else "DOES NOT "
        print(f"  {score:+.4f} {verdict} table {pair['project']:>2} {pair['project_name'][:14]:<14} {pair['description'][:34]}")


if __name__ == "__main__":
    sys.exit(main())
