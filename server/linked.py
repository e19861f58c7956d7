"""Linked Data: every IRI the graph mints under the base dereferences at /id/<path>.

Browsers get the entity's page; RDF clients get the resource's description (its triples, the
triples pointing at it, its neighbours' labels) as Turtle, JSON-LD, N-Triples or RDF/XML, by the
Accept header or ?format=, always with ``Vary: Accept``. Unknown IRIs are a real 404."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request

from budgetkg.graph import views
from budgetkg.graph.vocab import BKG, ORG

from . import entities
from .app import resources
from .negotiation import GRAPHS, HTML, negotiate, prefers_html
from .pages import page, unit_charts
from .sparql_pool import _graph_format, _prefixes

linked = Blueprint("linked", __name__)

BASIS_TYPES = {str(BKG.NumberedDocument), str(BKG.Law), str(BKG.Regulation), str(BKG.Charter), str(BKG.InternalDecision)}


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


@linked.get("/id/<path:rest>")
def resource(rest: str):
    """A resource of the graph, as a page or as RDF. :raise 404: no such IRI in the store.
    :raise 406: none of the Accept header's types can be produced."""
    store = entities.store()
    iri = store.iris.base + rest
    try:
        known = views.exists(store, iri)
    except ValueError:
        known = False
    if not known:
        abort(404, description=f"nothing in the store is named {iri}")
    accept = request.headers.get("Accept")
    wanted = request.args.get("format")
    if (wanted and wanted.lower() in (HTML.key, HTML.media_type)) or (not wanted and prefers_html(accept, GRAPHS)):
        return _vary(_page(store, iri))
    fmt = negotiate(GRAPHS, accept, wanted)
    triples = list(views.describe(store, iri))
    body = ox.serialize(triples, format=_graph_format(fmt.key), prefixes=_prefixes(fmt.key))
    response = Response(body, mimetype=fmt.media_type)
    if fmt.media_type.startswith("text/"):
        response.headers["Content-Type"] = f"{fmt.media_type}; charset=utf-8"
    api = entities.links().api(iri)
    if api:
        response.headers["Link"] = f'<{api}>; rel="alternate"; type="application/json"'
    return _vary(response)


def _page(store, iri: str) -> Response:
    kinds = views.types(store, iri)
    links = entities.links()
    api = links.api(iri)
    rdf = {"turtle": f"{links.page(iri)}?format=turtle", "jsonld": f"{links.page(iri)}?format=jsonld",
           "nt": f"{links.page(iri)}?format=nt"}
    if str(BKG.Project) in kinds:
        return page("project.html", entities.project_detail(iri, iri), api, iri=iri, rdf=rdf)
    if str(BKG.Indicator) in kinds:
        data = entities.indicator_detail(iri, iri)
        return page("indicator.html", data, api, iri=iri, rdf=rdf, similar=_similar(iri))
    if kinds & BASIS_TYPES:
        return page("basis.html", entities.basis_detail(iri, iri), api, iri=iri, rdf=rdf)
    if str(BKG.BudgetDocument) in kinds:
        return page("document.html", entities.document_detail(iri, iri), api, iri=iri, rdf=rdf,
                    lint=_lint(iri))
    if str(BKG.Wording) in kinds:
        return page("wording.html", entities.wording_detail(iri), api, iri=iri, rdf=rdf)
    if str(ORG.Organization) in kinds and views.unit(store, iri) is not None:
        data = entities.unit_detail(iri, iri)
        return page("unit.html", data, api, iri=iri, rdf=rdf, charts=unit_charts(data))
    outgoing, incoming = views.statements(store, iri)
    data: dict[str, Any] = {"iri": iri, "label": views.label(store, iri), "types": sorted(kinds),
                            "outgoing": outgoing, "incoming": incoming}
    return page("resource.html", data, None, iri=iri, rdf=rdf, page_of=links.page)


def _similar(iri: str) -> dict[str, Any] | None:
    """Indicators worded like this one in other units and projects (None when it has no
    wording in the search index)."""
    from budgetkg.embed.search import SearchError

    try:
        searcher = resources(current_app).searcher
        result = searcher.similar(iri, 8)
    except SearchError:
        return None
    from .api import link_hits

    return link_hits(result)


def _lint(iri: str) -> dict[str, Any]:
    """The document's lint for its page; a lint that cannot run says why instead."""
    from .errors import Problem

    try:
        return entities.document_lint(iri, iri)
    except Problem as err:
        return {"error": err.detail}
