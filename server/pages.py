"""The HTML pages: search, lists of units, legal bases and documents, and the original
documents. Entity pages (unit, project, indicator, basis, document) are the Linked Data views of
their IRIs (linked.py). Each page renders the same dict its JSON twin returns."""

from __future__ import annotations

import mimetypes
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request

from budgetkg.embed.search import SearchError

from . import entities
from .app import resources
from .charts import bars, split
from .errors import Problem
from .links import with_query

pages = Blueprint("pages", __name__)

FIGURE_LABELS = {
    "IncomeTotal": "收入总计", "FiscalAppropriation": "财政拨款收入", "ExpenditureTotal": "支出总计",
    "BasicExpenditure": "基本支出", "PersonnelExpenditure": "人员经费", "PublicExpenditure": "公用经费",
    "ProjectExpenditure": "项目支出", "OperatingExpenses": "机关运行经费", "ProcurementTotal": "政府采购预算",
    "AssetsTotal": "资产总额", "SangongTotal": "“三公”经费合计", "SangongAbroad": "因公出国（境）费",
    "SangongVehicle": "公务用车购置及运行费", "SangongVehiclePurchase": "公务用车购置费",
    "SangongVehicleOperation": "公务用车运行维护费", "SangongReception": "公务接待费",
    "ChangeTotal": "比上年增减", "ChangeBasicExpenditure": "基本支出增减", "ChangeProjectExpenditure": "项目支出增减",
    "ProcurementGoods": "采购：货物", "ProcurementWorks": "采购：工程", "ProcurementServices": "采购：服务",
    "PerformanceFunds": "绩效目标覆盖资金",
}
BASIS_KIND_LABELS = {
    "document_number": "发文字号 numbered document", "law": "法律 law", "regulation": "法规 regulation",
    "charter": "章程 charter", "internal_decision": "内部决定 internal decision",
}


@pages.app_template_filter("amount")
def amount(value: Any) -> str:
    """An amount as printed (万元), with thousands separators; '—' when unknown."""
    if value is None:
        return "—"
    text = f"{value:,f}" if not isinstance(value, str) else value
    return text


@pages.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"figure_label": lambda key, label=None: label or FIGURE_LABELS.get(key, key),
            "kind_label": lambda kind: BASIS_KIND_LABELS.get(kind, kind), "with_query": with_query}


def page(template: str, data: dict[str, Any], api: str | None, status: int = 200, **context: Any) -> Response:
    """Render a page; its JSON twin is named in a Link header and a <link rel=alternate>."""
    alternates = [{"type": "application/json", "href": api}] if api else []
    body = render_template(template, data=data, alternates=alternates, **context)
    response = Response(body, status=status, mimetype="text/html")
    if api:
        response.headers["Link"] = f'<{api}>; rel="alternate"; type="application/json"'
    return response


def _searcher():
    return resources(current_app).searcher


@pages.get("/")
def home():
    """One query box, filters, results grouped by identical wording."""
    args = request.args
    q = (args.get("q") or "").strip()
    searcher = _searcher()
    facets = {
        "level1": searcher.index.known_values("level1"),
        "level2": searcher.index.known_values("level2"),
        "unit": searcher.index.known_values("unit_name"),
        "year": searcher.index.known_values("year"),
        "basis": searcher.index.known_values("basis"),
    }
    result, error = None, None
    if q:
        try:
            filters = searcher.clean_filters(args.get("level1"), args.get("level2"), args.get("unit"),
                                             args.get("year"), args.get("basis"))
            k = searcher.clean_k(args.get("k"))
            page_number = entities._int_param("page", 1, 1, 10)
            from .api import search_page

            result = search_page(searcher.search(q, k * page_number, args.get("field", "description"), filters,
                                                 hits_per_group=args.get("hits_per_group")), k, page_number)
        except SearchError as err:
            error = err.message
        except Problem as err:
            error = err.detail
    api = with_query("/api/search", dict(args.items())) if q else None
    return page("home.html", result or {}, api, 400 if error else 200, q=q, facets=facets, error=error, args=args)


@pages.get("/units")
def units():
    return page("units.html", entities.unit_list(), with_query("/api/units", dict(request.args.items())))


@pages.get("/bases")
def bases():
    data = entities.basis_list()
    from budgetkg.graph.views import BASIS_KINDS, issuers

    return page("bases.html", data, with_query("/api/bases", dict(request.args.items())),
                kinds=BASIS_KINDS, issuers=issuers(entities.store()))


@pages.get("/wording")
def wording():
    """The most reused wordings, searchable; and indicator suggestions for a new project."""
    args = request.args
    suggestion, error = None, None
    if args.get("name") or args.get("goals"):
        try:
            suggestion = entities.wording_suggest()
        except Problem as err:
            error = err.detail
    data = entities.wording_list()
    api = with_query("/api/wording", {"q": args.get("q")})
    return page("wording_list.html", data, api, 400 if error else 200, suggestion=suggestion, error=error, args=args)


@pages.get("/documents")
def documents():
    return page("documents.html", entities.document_list(), with_query("/api/documents", dict(request.args.items())))


def _source(name: str) -> bytes:
    data = entities.store().source(name)
    if data is None:
        abort(404, description=f"no original document named {name!r} is kept in the store")
    return data


@pages.get("/files/<name>")
def original(name: str):
    """The original document as ingested (PDF or text), byte for byte."""
    data = _source(name)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = Response(data, mimetype=media_type)
    if media_type.startswith("text/"):
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@pages.get("/source/<name>")
def source(name: str):
    """A text document with numbered lines (anchors #L12) so that provenance links land on
    the line; PDFs are linked at their page (#page=N) instead."""
    data = _source(name)
    if name.lower().endswith(".pdf"):
        abort(404, description="PDF documents are served as they are, at /files/<name>")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    highlight = request.args.get("line", type=int)
    return render_template("source.html", name=name, lines=lines, highlight=highlight,
                           raw=f"/files/{name}")


def unit_charts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """For each of the unit's documents: how its money splits (基本 vs 项目, 三公, 功能分类)."""
    charts = []
    for document in data["documents"]:
        figures = {f["figure"]: f["amount"] for f in data["figures"]
                   if f["document"] == document["iri"] and f["year"] == document["year"]}
        svgs = []
        svgs.append(split([("基本支出", figures.get("BasicExpenditure")), ("项目支出", figures.get("ProjectExpenditure"))],
                          "基本支出与项目支出 basic vs project"))
        if figures.get("SangongVehiclePurchase") is not None or figures.get("SangongVehicleOperation") is not None:
            vehicle = [("公务用车购置费", figures.get("SangongVehiclePurchase")),
                       ("公务用车运行维护费", figures.get("SangongVehicleOperation"))]
        else:
            vehicle = [("公务用车购置及运行费", figures.get("SangongVehicle"))]
        svgs.append(bars([("因公出国（境）费", figures.get("SangongAbroad")), *vehicle,
                          ("公务接待费", figures.get("SangongReception"))], "“三公”经费 three public expenses"))
        classes = [(f"{row['code']} {row['name']}", row["total"]) for row in data["functional"]
                   if row["document"] == document["iri"] and len(row["code"]) == 3 and row["total"] is not None]
        svgs.append(bars(sorted(classes, key=lambda item: -item[1]), "功能分类（类） by function"))
        svgs = [svg for svg in svgs if svg]
        if svgs:
            charts.append({"document": document, "svgs": svgs})
    return charts


@pages.get("/openapi.json")
def openapi():
    """The OpenAPI document of the JSON API (server/openapi.json, checked against the routes by
    tests/test_openapi.py)."""
    from pathlib import Path

    body = (Path(__file__).parent / "openapi.json").read_bytes()
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
