"""Retrieval quality on the hand-judged queries of bench/search_eval.json: recall@5 and nDCG@10
for dense (embedding) search, lexical (character n-gram TF-IDF) search and their weighted fusion.

Relevance is judged per distinct description text; a query's ranked list is the list of groups
(identical wordings) search returns. The tests import :func:`evaluate` to hold a floor.

    .venv/bin/python bench/search_quality.py
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "bench" / "search_eval.json"
WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0]


def load_eval() -> dict:
    return json.loads(EVAL.read_text(encoding="utf-8"))


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    gains = sum(1 / math.log2(rank + 2) for rank, text in enumerate(ranked[:k]) if text in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def recall(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant)


def evaluate(searcher, weight: float, queries: list[dict]) -> dict[str, float]:
    """Mean recall@5 and nDCG@10 over ``queries`` at lexical weight ``weight``."""
    scores = {"recall@5": 0.0, "ndcg@10": 0.0}
    for query in queries:
        result = searcher.search(query["query"], k=10, lexical_weight=weight)
        ranked = [group["text"] for group in result["groups"]]
        relevant = set(query["relevant"])
        scores["recall@5"] += recall(ranked, relevant)
        scores["ndcg@10"] += ndcg(ranked, relevant)
    return {name: value / len(queries) for name, value in scores.items()}


def build_searcher():
    """An in-memory store and index over the text documents in data/."""
    from budgetkg.embed.service import LazyModel, open_searcher
    from budgetkg.graph.store import BudgetStore

    store = BudgetStore(None)
    for path in sorted((ROOT / "data").glob("*.txt")):
        store.ingest(path)
    return open_searcher(store, LazyModel())


def main() -> None:
    data = load_eval()
    searcher = build_searcher()
    kinds = {
        "all": data["queries"],
        "paraphrase": [q for q in data["queries"] if q["kind"] == "paraphrase"],
        "exact": [q for q in data["queries"] if q["kind"] == "exact"],
    }
    print(f"{len(data['queries'])} queries ({len(kinds['paraphrase'])} paraphrase, {len(kinds['exact'])} exact); "
          f"{searcher.index.text_count()} texts indexed")
    print(f"{'lexical weight':>14}  {'method':<8}" + "".join(f"  {k + ' R@5':>15}  {k + ' nDCG@10':>18}" for k in kinds))
    for weight in WEIGHTS:
        method = "dense" if weight == 0 else "lexical" if weight == 1 else "fused"
        row = [evaluate(searcher, weight, queries) for queries in kinds.values()]
        print(f"{weight:>14.1f}  {method:<8}" + "".join(f"  {r['recall@5']:>15.3f}  {r['ndcg@10']:>18.3f}" for r in row))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
