"""The JSON API: search, similar indicators, and the units, projects, indicators, legal bases and
documents of the graph (the same dicts the pages render), documented in /openapi.json."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from budgetkg.embed.search import SearchError

from .app import resources
from . import entities
from .errors import Problem
from .links import Links, with_query

api = Blueprint("api", __name__, url_prefix="/api")


def _searcher():
    return resources(current_app).searcher


@api.get("/search")
def search():
    """Indicators worded like ``q``: groups of identical wording with their hits.

    Query parameters: q (required), k (1–100, default 10), field (description|name), level1,
    level2, unit, year, basis (any spelling), lexical_weight (0–1), hits_per_group (rows listed
    per group, 1–500, default 20; ``count`` has them all, the wording's page lists every one).
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
        k = searcher.clean_k(args.get("k"))
        page = entities._int_param("page", 1, 1, 10)
        result = searcher.search(args.get("q", ""), k * page, args.get("field", "description"), filters, weight,
                                 args.get("hits_per_group"))
    except SearchError as err:
        raise Problem(err.status, err.message, err.param) from None
    return jsonify(search_page(result, k, page))


def search_page(result: dict, k: int, page: int) -> dict:
    """The page-th k groups of a search that ranked k·page, with links for every hit."""
    groups = result["groups"]
    more = len(groups) > k * page or (len(groups) == k * page and page < 10)
    result = {**result, "k": k, "page": page, "groups": groups[(page - 1) * k:page * k]}
    result["total_hits"] = sum(group["count"] for group in result["groups"])
    params = {key: value for key, value in request.args.items() if key != "page"}
    result["next"] = with_query(request.path, {**params, "page": page + 1}) if more and page < 10 else None
    result["prev"] = with_query(request.path, {**params, "page": page - 1}) if page > 1 else None
    return link_hits(result)


def link_hits(result: dict) -> dict:
    """Search or similar results with the page of every hit's indicator, project, unit and basis."""
    base = resources(current_app).store.iris.base
    links = Links(base)
    for group in result["groups"]:
        if group.get("wording"):
            group["wording_page"] = links.page(base + "wording/" + group["wording"])
            group["wording_api"] = links.api(base + "wording/" + group["wording"])
        for hit in group["hits"]:
            hit["indicator_page"] = links.page(hit["indicator"])
            hit["project_page"] = links.page(hit["project"]) if hit.get("project") else None
            hit["unit_page"] = links.page(hit["unit"]) if hit.get("unit") else None
            hit["bases"] = links.decorate(hit.get("bases", []))
    return result


@api.get("/indicators/<path:indicator_id>/similar")
def similar(indicator_id: str):
    """Indicators worded like this one (its IRI, or its path under the base), other units first.

    :raise 404: no such indicator.
    """
    base = resources(current_app).store.iris.base
    iri = indicator_id if "://" in indicator_id else base + indicator_id.lstrip("/")
    searcher = _searcher()
    try:
        return jsonify(link_hits(searcher.similar(iri, searcher.clean_k(request.args.get("k")),
                                                  request.args.get("hits_per_group"))))
    except SearchError as err:
        raise Problem(err.status, err.message, err.param) from None


def _json(data: dict) -> Response:
    response = jsonify(data)
    links = [f'<{data[rel]}>; rel="{rel}"' for rel in ("next", "prev") if data.get(rel)]
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


@api.get("/indicators/<path:indicator_id>")
def indicator(indicator_id: str):
    """An indicator row in its context (project or goal, unit, year, document, source line or
    page), its value, legal bases and notes. :raise 404: no such indicator."""
    return _json(entities.indicator_detail(indicator_id))


@api.get("/projects")
def projects():
    """Projects, filtered by unit (name or IRI), year, basis (any spelling) and q (in the name)."""
    return _json(entities.project_list())


@api.get("/projects/<path:project_id>")
def project(project_id: str):
    """A project: goals, indicator table, legal bases, source. :raise 404: no such project."""
    return _json(entities.project_detail(project_id))


@api.get("/units")
def units():
    return _json(entities.unit_list())


@api.get("/units/<path:unit_id>")
def unit(unit_id: str):
    """A unit: its documents by year, budget figures, 功能分类 spending, projects (paginated)."""
    return _json(entities.unit_detail(unit_id))


@api.get("/bases")
def bases():
    """Legal bases cited by stored projects, filtered by kind, issuer and q."""
    return _json(entities.basis_list())


@api.get("/bases/lookup")
def basis_lookup():
    """A legal basis by any spelling of it. :raise 404: not cited by any stored document."""
    return _json(entities.basis_lookup())


@api.get("/bases/<path:basis_id>")
def basis(basis_id: str):
    """A legal basis: canonical form, kind, issuer, year, variants, and every citing project."""
    return _json(entities.basis_detail(basis_id))


@api.get("/documents")
def documents():
    return _json(entities.document_list())


@api.get("/documents/<path:document_id>")
def document(document_id: str):
    """A stored document: its unit, year, projects, checks that fail, warnings, the original."""
    return _json(entities.document_detail(document_id))


@api.get("/wording")
def wording():
    """Reusable indicator wordings, most reused first; ?q= finds those containing or worded like it."""
    return _json(entities.wording_list())


@api.get("/wording/suggest")
def wording_suggest():
    """Indicators to consider for a new project (?name=, ?goals=): the wordings most used by the
    most similar projects, with their typical categories and target values."""
    return _json(entities.wording_suggest())


@api.get("/wording/<path:key>")
def wording_detail(key: str):
    """A wording: variants, how many indicators, projects, units and years use it, its categories,
    target values and the legal bases cited beside it, and every use (paginated)."""
    return _json(entities.wording_detail(key))


@api.get("/lint/<path:document_id>")
def document_lint(document_id: str):
    """The quality lint of a stored document's performance targets: findings (rule, severity,
    evidence, explanation), counts by severity, the boilerplate rate. :raise 404: no such document."""
    return _json(entities.document_lint(document_id))
