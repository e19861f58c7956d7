"""One dict per page: the pages render it, the JSON API returns it (datasette's "one page, two
formats"). Each builder reads the request's parameters, asks graph.views, adds links and raises
Problem (400/404) with a message that says what was wrong."""

from __future__ import annotations

from typing import Any, Callable

from flask import current_app, request

from budgetkg.graph import views

from .app import resources
from .errors import Problem
from .links import Links, source_url, with_query

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


def store():
    return resources(current_app).store


def links() -> Links:
    return Links(store().iris.base)


def _int_param(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Problem(400, f"{name} must be a whole number, not {raw!r}", name) from None
    if value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f"≥ {low}"
        raise Problem(400, f"{name} must be in {bounds}, not {value}", name)
    return value


def paging() -> tuple[int, int]:
    """(page, per_page) from the request: page ≥ 1, per_page 1..200."""
    return _int_param("page", 1, 1, 100_000), _int_param("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)


def paginated(fetch: Callable[[int, int], tuple[list[dict], int]], path: str | None = None) -> dict[str, Any]:
    """A list response: items of the requested page, the total and the next/prev URLs."""
    page, per_page = paging()
    items, total = fetch((page - 1) * per_page, per_page)
    path = path or request.path
    params = {key: value for key, value in request.args.items() if key not in ("page", "per_page")}

    def url(number: int) -> str:
        return with_query(path, {**params, "page": number, "per_page": per_page})

    return {
        "items": links().decorate(items), "page": page, "per_page": per_page, "total": total,
        "next": url(page + 1) if page * per_page < total else None,
        "prev": url(page - 1) if page > 1 and total else None,
    }


def _view_call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except views.ViewError as err:
        raise Problem(400, err.message, err.param) from None
    except ValueError as err:  # an id that is no valid IRI
        raise Problem(404, f"not a valid identifier: {err}") from None


def _found(value: dict | None, what: str, ident: str) -> dict:
    if value is None:
        raise Problem(404, f"no {what} {ident!r} in the store")
    return value


def _year() -> int | None:
    raw = request.args.get("year")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Problem(400, f"year must be a year like 2021, not {raw!r}", "year") from None


# ---- lists ----------------------------------------------------------------------------------------
def unit_list() -> dict[str, Any]:
    q = request.args.get("q")
    return {"q": q, **paginated(lambda offset, limit: views.units(store(), q, offset, limit))}


def document_list() -> dict[str, Any]:
    data = paginated(lambda offset, limit: views.documents(store(), offset, limit))
    for item in data["items"]:
        item["source_url"] = source_url(item["file"])
    return data


def project_list() -> dict[str, Any]:
    args = request.args
    year = _year()
    return paginated(lambda offset, limit: _view_call(
        views.projects, store(), args.get("unit"), year, args.get("basis"), args.get("q"), offset, limit))


def basis_list() -> dict[str, Any]:
    args = request.args
    data = paginated(lambda offset, limit: _view_call(
        views.bases, store(), args.get("kind"), args.get("issuer"), args.get("q"), offset, limit))
    return {"kind": args.get("kind"), "issuer": args.get("issuer"), "q": args.get("q"), **data}


# ---- entities ---------------------------------------------------------------------------------------
def unit_detail(ident: str, iri: str | None = None) -> dict[str, Any]:
    iri = iri or links().iri("units", ident)
    data = _found(_view_call(views.unit, store(), iri), "unit", ident)
    data = links().decorate(data)
    for document in data["documents"]:
        document["source_url"] = source_url(document["file"])
    for row in data["figures"] + data["functional"]:
        row["document_page"] = links().page(row["document"])
    data["projects"] = paginated(lambda offset, limit: views.projects(store(), iri, None, None, None, offset, limit))
    return data


def project_detail(ident: str, iri: str | None = None) -> dict[str, Any]:
    iri = iri or links().iri("projects", ident)
    data = _found(_view_call(views.project, store(), iri), "project", ident)
    data["source"]["url"] = source_url(data["source"]["file"])
    for indicator in data["indicators"]:
        indicator["source"] = {"file": data["source"]["file"], **indicator["source"], "url": data["source"]["url"]}
        indicator["year"] = data["year"]
        indicator["similar"] = _similar_url(indicator["iri"])
    return links().decorate(data)


def _similar_url(iri: str) -> str | None:
    api = links().api(iri)
    return api + "/similar" if api and api.startswith("/api/indicators/") else None


def indicator_detail(ident: str, iri: str | None = None) -> dict[str, Any]:
    iri = iri or links().iri("indicators", ident)
    data = _found(_view_call(views.indicator, store(), iri), "indicator", ident)
    data["source"]["url"] = source_url(data["source"]["file"])
    data["similar"] = _similar_url(iri)
    return links().decorate(data)


def basis_detail(ident: str, iri: str | None = None) -> dict[str, Any]:
    iri = iri or links().iri("bases", ident)
    data = _found(_view_call(views.basis, store(), iri), "legal basis", ident)
    data = links().decorate(data)
    data["citing"] = paginated(lambda offset, limit: views.basis_citing(store(), iri, offset, limit))
    return data


def basis_lookup() -> dict[str, Any]:
    text = (request.args.get("text") or request.args.get("q") or "").strip()
    if not text:
        raise Problem(400, "give the basis to look up as ?text= (any spelling: 冀综治办（2017）6号, 《禁毒法》, 禁毒法)", "text")
    if len(text) > 500:
        raise Problem(413, f"text is {len(text)} characters; a legal basis is at most 500", "text")
    iri, canonical = views.resolve_basis(store(), text)
    if iri is None:
        recognised = f" (recognised as {canonical})" if canonical and canonical != text else ""
        raise Problem(404, f"no stored document cites a legal basis {text!r}{recognised}", "text")
    data = basis_detail(iri, iri)
    data["matched"] = text
    return data


def document_detail(ident: str, iri: str | None = None) -> dict[str, Any]:
    iri = iri or links().iri("documents", ident)
    if "://" not in ident and iri is not None and not _view_call(views.exists, store(), iri):
        resolved = store().resolve_document(ident)  # a file name works too
        iri = resolved or iri
    data = _found(_view_call(views.document, store(), iri), "document", ident)
    data["source_url"] = source_url(data["file"])
    return links().decorate(data)


# ---- reusable wording -----------------------------------------------------------------------------
def _wordings():
    searcher = resources(current_app).searcher
    return searcher, searcher.index.wordings


def _wording_ref(row: dict[str, Any]) -> dict[str, Any]:
    iri = store().iris.base + "wording/" + row["key"]
    return links().decorate({"iri": iri, "label": row["representative"], **row})


def wording_list() -> dict[str, Any]:
    """The most reused wordings; with ``q``, the wordings containing it first, then those worded
    like it (semantic search)."""
    q = (request.args.get("q") or "").strip()
    if len(q) > 500:
        raise Problem(413, f"q is {len(q)} characters; at most 500", "q")
    searcher, wordings = _wordings()
    keys = None
    if q:
        keys = wordings.containing(q)
        ranked = searcher.rank(q, 50, "description", {}, searcher.lexical_weight)
        keys = list(dict.fromkeys(keys + wordings.keys_for_texts([text_id for text_id, *_ in ranked])))

    def fetch(offset: int, limit: int):
        rows = wordings.ranked(offset, limit, keys)
        return [_wording_ref(row) for row in rows], wordings.count(keys)

    return {"q": q or None, **paginated(fetch)}


def wording_detail(key: str) -> dict[str, Any]:
    key = key.rsplit("/", 1)[-1]
    _, wordings = _wordings()
    data = wordings.detail(key)
    if data is None:
        raise Problem(404, f"no wording {key!r} in the index")
    uses = data.pop("uses")
    lk = links()
    for use in uses:
        use["indicator_page"] = lk.page(use["indicator"])
        use["project_page"] = lk.page(use["project"])
        use["unit_page"] = lk.page(use["unit"])
        use["bases"] = lk.decorate(use["bases"])
    data["bases"] = lk.decorate(data["bases"])
    data = _wording_ref({"key": data.pop("key"), "representative": data.pop("representative"), **data})
    fields = ("indicator", "indicator_page", "description", "wording_text", "level1", "level2", "level3", "value",
              "parsed", "project", "project_page", "project_name", "unit", "unit_page", "unit_name", "year",
              "document", "line", "page", "bases")
    data["uses"] = paginated(lambda offset, limit: ([{k: u.get(k) for k in fields} for u in uses[offset:offset + limit]], len(uses)))
    return data


def wording_suggest() -> dict[str, Any]:
    """Indicators for a new project: the wordings most used by the projects most like its name
    and goals."""
    args = request.args
    name, goals = (args.get("name") or "").strip(), (args.get("goals") or "").strip()
    if not name and not goals:
        raise Problem(400, "give the new project's name (?name=) and, better, its goals (?goals=)", "name")
    if len(name) + len(goals) > 2000:
        raise Problem(413, "name and goals are more than 2000 characters together", "goals")
    k = _int_param("k", 10, 1, 50)
    projects = _int_param("projects", 10, 1, 50)
    searcher, wordings = _wordings()
    text = name + ("：" + goals if goals else "")
    result = wordings.suggest(searcher.query_vector(text), projects, k)
    lk = links()
    for project in result["similar_projects"]:
        project["page"] = lk.page(project["project"])
    result["suggestions"] = [_wording_ref(s) for s in result["suggestions"]]
    return {"name": name, "goals": goals or None, **result}


# ---- lint ---------------------------------------------------------------------------------------
class _Lints:
    """Per app: the similarity over the search model (its vectors cached by text) and the lint
    reports of recently linted documents, by sha256 (a document is re-parsed once)."""

    def __init__(self):
        import threading
        from collections import OrderedDict

        self.lock = threading.Lock()
        self.reports: OrderedDict[str, Any] = OrderedDict()
        self.similarity = None
        self.model_error: str | None = None


def _lints() -> _Lints:
    return current_app.extensions.setdefault("budgetkg.lint", _Lints())


def _lint_similarity(lints: _Lints):
    """The embedding model's similarity, or None when the model cannot load (the rule is skipped)."""
    if lints.similarity is None and lints.model_error is None:
        from budgetkg.embed.index import IndexError_
        from budgetkg.embed.model import ModelError
        from budgetkg.graph.lint import embedding_similarity

        try:
            loader = resources(current_app).searcher.embedder_loader
            loader()
            lints.similarity = embedding_similarity(lambda texts: loader().encode_query(texts))
        except (ModelError, IndexError_) as err:
            lints.model_error = str(err)
    return lints.similarity


def _lint_report(file: str, sha256: str):
    """The lint of a stored document, from its original (cached by sha256)."""
    from budgetkg.graph.lint import lint, parse_original
    from budgetkg.graph.records import DocumentError

    lints = _lints()
    with lints.lock:
        if sha256 in lints.reports:
            lints.reports.move_to_end(sha256)
            return lints.reports[sha256]
        data = store().source(file)
        if data is None:
            raise Problem(404, f"the store keeps no original of {file}: ingest it again to lint it")
        try:
            report = lint(parse_original(file, data), _lint_similarity(lints))
        except DocumentError as err:
            raise Problem(422, f"the original of {file} cannot be parsed: {err}") from None
        lints.reports[sha256] = report
        while len(lints.reports) > 64:
            lints.reports.popitem(last=False)
        return report


def _evidence_url(file: str, line: int | None, page: int | None) -> str | None:
    from urllib.parse import quote

    if line:
        return f"/source/{quote(file)}?line={line}#L{line}"
    return f"{source_url(file)}#page={page}" if page else None


def document_lint(ident: str, iri: str | None = None) -> dict[str, Any]:
    """The quality lint of a stored document: findings (with links to their evidence), counts by
    severity, the boilerplate rate, the rules skipped."""
    document = document_detail(ident, iri)
    report = _lint_report(document["file"], document["sha256"])
    projects = {str(p["number"]): p for p in document["projects"]}
    findings = []
    for finding in report.findings:
        data = finding.to_dict()
        evidence = data["evidence"]
        evidence["url"] = _evidence_url(document["file"], evidence["line"], evidence["page"])
        if evidence["project"]:
            project = projects.get(str(evidence["project"]["no"]))
            evidence["project"]["page"] = project["page"] if project else None
        findings.append(data)
    return {
        "document": {key: document[key] for key in ("iri", "label", "page", "api")},
        "file": document["file"], "findings": findings, "counts": report.counts,
        "boilerplate_rate": round(report.boilerplate_rate, 4), "rows": report.rows, "copied_rows": report.copied_rows,
        "skipped": [{"rule": rule, "reason": why} for rule, why in report.skipped],
    }
