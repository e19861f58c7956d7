"""Semantic search over indicator wording, with filters, lexical fusion and grouping.

Dense scores come from the embedding model and FAISS; a character n-gram TF-IDF score catches
exact terms (names, rare words). They are fused by weight: ``score = (1 − w)·dense + w·lexical``,
with ``w`` chosen on the evaluation set in bench/search_eval.json (see bench/search_quality.py).
Filters restrict the candidate texts before the nearest-neighbour search (FAISS ID selectors), so
no hit is lost to filtering. Hits with identical wording are grouped, with their count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from .index import HNSW_THRESHOLD, WordingIndex

MAX_QUERY_CHARS = 500
MAX_K = 100
#: Rows listed per group of identical wording: a boilerplate wording is used by thousands of rows in
#: a province's corpus, and listing them all made one search answer megabytes.
DEFAULT_HITS_PER_GROUP = 20
MAX_HITS_PER_GROUP = 500
#: Lexical weight in the fusion; measured on bench/search_eval.json (see bench/search_quality.py).
DEFAULT_LEXICAL_WEIGHT = 0.2
FIELDS = ("description", "name")


class SearchError(ValueError):
    """A request search cannot answer as asked: says which parameter and why (an HTTP 4xx)."""

    def __init__(self, message: str, param: str | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.param, self.status = message, param, status


@dataclass
class Searcher:
    index: WordingIndex
    embedder_loader: Callable[[], Any]  # returns the loaded Embedder (loaded once, lazily)
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT
    #: Recent query vectors: paging through results or changing a filter re-ranks the same query,
    #: and encoding it is most of a search's time (a few kB per entry).
    query_cache: OrderedDict = field(default_factory=OrderedDict, repr=False)
    query_cache_size: int = 1024
    _cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def query_vector(self, query: str):
        """The query's embedding, from the cache of recent queries when it is there."""
        with self._cache_lock:
            vector = self.query_cache.get(query)
            if vector is not None:
                self.query_cache.move_to_end(query)
                return vector
        vector = self.embedder_loader().encode_query([query])[0]
        with self._cache_lock:
            self.query_cache[query] = vector
            while len(self.query_cache) > self.query_cache_size:
                self.query_cache.popitem(last=False)
        return vector

    # ---- validation --------------------------------------------------------------------------
    def clean_query(self, query: str | None) -> str:
        query = (query or "").strip()
        if not query:
            raise SearchError("the query is empty", "q")
        if len(query) > MAX_QUERY_CHARS:
            raise SearchError(f"the query has {len(query)} characters; at most {MAX_QUERY_CHARS} are allowed", "q", 413)
        return query

    @staticmethod
    def clean_k(k: Any, default: int = 10) -> int:
        """k as an integer in 1..MAX_K: larger values are clamped, others refused."""
        return _whole(k, "k", default, MAX_K)

    @staticmethod
    def clean_hits_per_group(value: Any) -> int:
        """How many rows a group lists (its ``count`` has them all): 1..MAX_HITS_PER_GROUP."""
        return _whole(value, "hits_per_group", DEFAULT_HITS_PER_GROUP, MAX_HITS_PER_GROUP)

    def clean_filters(self, level1=None, level2=None, unit=None, year=None, basis=None) -> dict[str, Any]:
        """Filters checked against what the index holds; an unknown value is a clear error."""
        filters: dict[str, Any] = {}
        for key, value, column in (("level1", level1, "level1"), ("level2", level2, "level2"), ("unit", unit, "unit_name")):
            if value:
                value = str(value).strip()
                known = self.index.known_values(column)
                if value not in known:
                    raise SearchError(f"unknown {key} {value!r}; known: {_some(known)}", key)
                filters[key] = value
        if year not in (None, ""):
            try:
                year = int(year)
            except (TypeError, ValueError):
                raise SearchError(f"year must be a year like 2021, not {year!r}", "year") from None
            known = self.index.known_values("year")
            if year not in known:
                raise SearchError(f"no indicators for the year {year}; known: {_some(known)}", "year")
            filters["year"] = year
        if basis:
            from budgetkg.graph.queries import basis_spellings

            known = set(self.index.known_values("basis"))
            matches = [name for name in basis_spellings(str(basis)) if name in known]
            if not matches:
                raise SearchError(f"no indicator cites a legal basis {basis!r}", "basis")
            filters["basis"] = matches[:1]
        return filters

    # ---- search -----------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, field: str = "description", filters: dict[str, Any] | None = None,
               lexical_weight: float | None = None, hits_per_group: int | None = None) -> dict[str, Any]:
        query, k = self.clean_query(query), self.clean_k(k)
        if field not in FIELDS:
            raise SearchError(f"field must be one of {', '.join(FIELDS)}, not {field!r}", "field")
        filters = filters or {}
        weight = self.lexical_weight if lexical_weight is None else float(lexical_weight)
        ranked = self.rank(query, k, field, filters, weight)
        hits_per_group = self.clean_hits_per_group(hits_per_group)
        groups = self._groups(ranked, field, filters, hits_per_group)
        return {"query": query, "k": k, "field": field, "filters": filters, "lexical_weight": weight,
                "hits_per_group": hits_per_group, "groups": groups, "total_hits": sum(g["count"] for g in groups)}

    def rank(self, query: str, k: int, field: str, filters: dict[str, Any], weight: float) -> list[tuple[int, float, float, float]]:
        """The k best texts as (text id, fused, dense, lexical)."""
        allowed = self.index.allowed_texts(field, filters)
        pool = max(4 * k, 50)
        candidates: dict[int, float] = {}
        query_vector = None
        if weight < 1:
            query_vector = self.query_vector(query)
            candidates.update(self.index.dense(query_vector, pool, allowed))
        lexical: dict[int, float] = {}
        if weight > 0:
            # a full lexical scan finds exact terms the dense search missed; above the size where
            # FAISS goes approximate it would cost more than the search, so only the dense
            # candidates are rescored there
            if self.index.faiss.ntotal <= HNSW_THRESHOLD or weight == 1:
                lexical = dict(self.index.lexical_top(query, pool, allowed))
            lexical.update(self.index.lexical_scores(query, [i for i in candidates if i not in lexical]))
            for text_id in lexical:
                if text_id not in candidates:
                    candidates[text_id] = (float(self.index.vector(text_id) @ query_vector) if query_vector is not None else 0.0)
        dense_norm = _min_max(candidates)
        lexical_norm = _min_max({text_id: lexical.get(text_id, 0.0) for text_id in candidates})
        scored = [
            (text_id, (1 - weight) * dense_norm[text_id] + weight * lexical_norm[text_id], dense, lexical.get(text_id, 0.0))
            for text_id, dense in candidates.items()
        ] if 0 < weight < 1 else [
            (text_id, dense if weight == 0 else lexical.get(text_id, 0.0), dense, lexical.get(text_id, 0.0))
            for text_id, dense in candidates.items()
        ]
        scored.sort(key=lambda row: (-row[1], row[0]))
        return scored[:k]

    def _groups(self, ranked, field: str, filters: dict[str, Any], hits_per_group: int,
                prefer: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """One group per ranked text: all its rows counted, the first ``hits_per_group`` listed."""
        text_ids = [text_id for text_id, *_ in ranked]
        exclude = prefer["indicator"] if prefer is not None else None
        items = self.index.items_for(field, text_ids, filters, limit=hits_per_group, exclude=exclude, prefer=prefer)
        counts = self.index.group_counts(field, text_ids, filters, exclude=exclude)
        keys = self.index.wording_keys(text_ids) if field == "description" else {}
        by_text: dict[int, list[dict[str, Any]]] = {}
        column = "text_id" if field == "description" else "name_id"
        for item in items:
            by_text.setdefault(item[column], []).append(_hit(item))
        groups = []
        for text_id, fused, dense, lexical in ranked:
            hits = by_text.get(text_id, [])
            if not hits:
                continue
            count, units = counts.get(text_id, (len(hits), len({h["unit"] for h in hits})))
            groups.append({
                "text": hits[0]["description"] if field == "description" else hits[0]["level3"],
                "score": round(fused, 6), "dense": round(dense, 6), "lexical": round(lexical, 6),
                "count": count,
                "units": units,
                "more": count - len(hits),
                "wording": keys.get(text_id),
                "hits": hits,
            })
        return groups

    def similar(self, indicator: str, k: int = 10, hits_per_group: int | None = None) -> dict[str, Any]:
        """Indicators worded like this one: other units' and projects' first, itself left out."""
        k, hits_per_group = self.clean_k(k), self.clean_hits_per_group(hits_per_group)
        item = self.index.item(indicator)
        if item is None:
            raise SearchError(f"no indicator {indicator!r} in the index", "indicator", 404)
        if item["text_id"] is None:
            return {"indicator": indicator, "groups": []}
        vector = self.index.vector(item["text_id"])
        ranked = [(text_id, score, score, 0.0) for text_id, score in self.index.dense(vector, k + 1, None)]
        groups = self._groups(ranked, "description", {}, hits_per_group, prefer=item)[:k]
        return {"indicator": indicator, "description": item["description"], "groups": groups}


def _whole(value: Any, name: str, default: int, maximum: int) -> int:
    """A request parameter as a whole number in 1..maximum: larger values clamped, others refused."""
    if value is None or value == "":
        return default
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise SearchError(f"{name} must be a whole number, not {value!r}", name) from None
    if value <= 0:
        raise SearchError(f"{name} must be at least 1, not {value}", name)
    return min(value, maximum)


def _min_max(scores: dict[int, float]) -> dict[int, float]:
    """Scores rescaled to 0..1 over the candidates, so that two scales can be weighed."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    span = high - low
    return {key: (value - low) / span if span else 1.0 for key, value in scores.items()}


def _hit(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "indicator": item["indicator"],
        "description": item["description"],
        "level1": item["level1"],
        "level2": item["level2"],
        "level3": item["level3"],
        "value": item["value"],
        "project": item["project"],
        "project_name": item["project_name"],
        "project_no": item["project_no"],
        "unit": item["unit"],
        "unit_name": item["unit_name"],
        "year": item["year"],
        "document": item["document"],
        "line": item["line"],
        "page": item["page"],
        "bases": item.get("bases", []),
    }


def _some(values: list[Any], limit: int = 12) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f", … ({len(values)} in all)" if len(values) > limit else "") if values else "none"
