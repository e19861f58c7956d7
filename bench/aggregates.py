"""The corpus-wide named queries (bases, reused_wording, documents), which read counts the graph
build and the index sync materialise, against the GROUP BY forms they replaced: p50 latency of
both in the same run, and whether they return the same rows.

    .venv/bin/python bench/aggregates.py --store STORE [--repeat 5] [--fill-counts]

The store's index must be synced (``budgetkg ingest`` does it). A store built before
bkg:parsedProjectCount has no document counts: ``--fill-counts`` writes them into each
document's graph by one SPARQL update (what graph/rdf.py now writes; it changes the store).
"""

from __future__ import annotations

import argparse
import statistics
import time

from budgetkg.graph.queries import QUERIES
from budgetkg.graph.store import BudgetStore
from budgetkg.graph.vocab import PREFIXES

#: The queries as they were, grouping the union of all graphs at query time.
ORIGINAL = {
    "bases": """SELECT ?basis ?canonical ?kind (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?unit) AS ?units) (SUM(?cost) AS ?amount)
WHERE {
  { SELECT DISTINCT ?basis ?canonical ?kind WHERE { ?basis skos:prefLabel ?canonical ; bkg:basisKind ?kind } }
  OPTIONAL {
    SELECT DISTINCT ?basis ?project ?unit ?cost WHERE {
      ?project bkg:legalBasis ?basis ; dcterms:publisher ?unit . OPTIONAL { ?project bkg:cost ?cost } }
  }
}
GROUP BY ?basis ?canonical ?kind
ORDER BY DESC(?projects) ?canonical""",
    "reused_wording": """SELECT ?wording ?text ?uses (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?unit) AS ?units)
WHERE {
  ?wording a bkg:Wording ; skos:prefLabel ?text ; bkg:useCount ?uses .
  ?indicator bkg:wording ?wording ; bkg:project ?project .
  ?project dcterms:publisher ?unit .
}
GROUP BY ?wording ?text ?uses
ORDER BY DESC(?projects) DESC(?uses) ?text
LIMIT 100""",
    "documents": """SELECT ?document ?file ?unitName ?year ?kind ?format (COUNT(DISTINCT ?project) AS ?projects)
WHERE {
  ?document a bkg:BudgetDocument ; bkg:fileName ?file ; bkg:fiscalYear ?year ; bkg:budgetKind ?kind ;
            bkg:sourceFormat ?format ; dcterms:publisher/skos:prefLabel ?unitName .
  OPTIONAL { ?project dcterms:isPartOf ?document ; a bkg:Project }
}
GROUP BY ?document ?file ?unitName ?year ?kind ?format
ORDER BY ?unitName ?year""",
}

FILL_COUNTS = """INSERT { GRAPH ?document { ?document bkg:parsedProjectCount ?n } }
WHERE {
  { SELECT ?document (COUNT(DISTINCT ?project) AS ?n) WHERE {
      GRAPH ?document { ?document a bkg:BudgetDocument . OPTIONAL { ?project dcterms:isPartOf ?document ; a bkg:Project } }
    } GROUP BY ?document }
  FILTER NOT EXISTS { GRAPH ?document { ?document bkg:parsedProjectCount ?any } }
}"""


def rows(store, sparql: str) -> list[tuple]:
    results = store.query(sparql)
    names = [v.value for v in results.variables]
    return [tuple(None if s[n] is None else s[n].value for n in names) for s in results]


def p50(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def same_ignoring_ties(new: list[tuple], old: list[tuple], keys: list[int]) -> bool:
    """The same rows in the same order, rows the old ORDER BY leaves tied in any order."""
    return ([tuple(r[k] for k in keys) for r in new] == [tuple(r[k] for k in keys) for r in old]
            and sorted(new, key=repr) == sorted(old, key=repr))


#: The columns of each query's original ORDER BY.
ORDER_KEYS = {"bases": [3, 1], "reused_wording": [3, 2, 1], "documents": [2, 3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fill-counts", action="store_true", help="write the documents' bkg:parsedProjectCount first")
    args = parser.parse_args()

    store = BudgetStore(args.store, read_only=not args.fill_counts)
    if args.fill_counts:
        start = time.perf_counter()
        store.store.update(FILL_COUNTS, prefixes=PREFIXES)
        store.flush()
        print(f"document counts written in {time.perf_counter() - start:.1f} s")
    print(f"{store.stats()['documents']} documents")
    print(f"\n{'named query':<16} {'rows':>5} {'original p50 ms':>16} {'materialised p50 ms':>20} {'speed-up':>9}  same rows")
    for name, original in ORIGINAL.items():
        sparql = QUERIES[name].render()
        old, new = rows(store, original), rows(store, sparql)
        before = p50(lambda query=original: rows(store, query), args.repeat)
        after = p50(lambda query=sparql: rows(store, query), args.repeat)
        same = same_ignoring_ties(new, old, ORDER_KEYS[name])
        print(f"{name:<16} {len(new):>5} {before:>16.1f} {after:>20.1f} {before / after:>8.0f}x  {same}")


if __name__ == "__main__":
    main()
