"""The JSON API: search and similar indicators (more endpoints come with the web issue)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from budgetkg.embed.search import SearchError

from .app import resources
from .errors import Problem

api = Blueprint("api", __name__, url_prefix="/api")


def _searcher():
    return resources(current_app).searcher


@api.get("/search")
def search():
    """Indicators worded like ``q``: groups of identical wording with their hits.

    Query parameters: q (required), k (1–100, default 10), field (description|name), level1,
    level2, unit, year, basis (any spelling), lexical_weight (0–1).
    :raise 400: empty query, bad k, unknown filter value. :raise 413: query too long.
    """
    args = request.args
    searcher = _searcher()
    try:
        filters = searcher.clean_filters(args.get("level1"), args.get("level2"), args.get("unit"),
                                         args.get("year"), args.get("basis"))
        weight = args.get("lexical_weight")
        if weight is not None:
            try:
                weight = float(weight)
            except ValueError:
                raise SearchError(f"lexical_weight must be a number in 0..1, not {weight!r}", "lexical_weight") from None
            if not 0 <= weight <= 1:
                raise SearchError(f"lexical_weight must be in 0..1, not {weight}", "lexical_weight")
        result = searcher.search(args.get("q", ""), searcher.clean_k(args.get("k")), args.get("field", "description"),
                                 filters, weight)
    except SearchError as err:
        raise Problem(err.status, err.message, err.param) from None
    return jsonify(result)


@api.get("/indicators/<path:indicator_id>/similar")
def similar(indicator_id: str):
    """Indicators worded like this one (its IRI, or its path under the base), other units first.

    :raise 404: no such indicator.
    """
    base = resources(current_app).store.iris.base
    iri = indicator_id if "://" in indicator_id else base + indicator_id.lstrip("/")
    searcher = _searcher()
    try:
        return jsonify(searcher.similar(iri, searcher.clean_k(request.args.get("k"))))
    except SearchError as err:
        raise Problem(err.status, err.message, err.param) from None
