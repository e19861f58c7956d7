"""The OpenAPI document (server/openapi.json): valid OpenAPI 3.1, in step with the app's routes, and
every documented /api operation answering as documented, checked with openapi-core's request and
response validation on real requests over the real sample documents (the Hebei text and three
Shanghai PDFs), error responses included."""

from __future__ import annotations

import json
import re
from importlib import resources as importlib_resources
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate as validate_spec

from budgetkg.graph.store import BudgetStore
from budgetkg.server.app import create_app, resources

DATA = Path(__file__).resolve().parent.parent / "data"
BASE = "https://w3id.org/budgetkg/id/"
HEBEI = "hebei_qinhuangdao_etdz_zhengfawei_2021_unit"
WANLI_2023 = "sh_putuo_wanli_street_2023_dept"
WANLI_2024 = "sh_putuo_wanli_street_2024_dept"
JUSTICE = "sh_putuo_justice_2026_unit"
FILES = (f"{HEBEI}.txt", f"{WANLI_2023}.pdf", f"{WANLI_2024}.pdf", f"{JUSTICE}.pdf")
HEBEI_UNIT = "中共秦皇岛经济技术开发区工委政法委员会"
WANLI_UNIT = "上海市普陀区人民政府万里街道办事处"
# project 3 of the Hebei sample, 执法证年检考试; its 6th row is 行政执法人员满意度 (line 281),
# citing 《河北省行政执法证件和行政执法监督检查证件管理办法》
PROJECT = f"document/{HEBEI}/project/3"
INDICATOR = f"{PROJECT}/indicator/6"
PDF_PROJECT = f"document/{WANLI_2023}/project/1"
BASIS_KEY = "冀综治办-2017-6"  # 冀综治办〔2017〕6号, cited as 冀综治办（2017）6号
BASIS_CANONICAL = "冀综治办〔2017〕6号"
LAW = "中华人民共和国禁毒法"  # cited as 《禁毒法》
LIST_PATHS = ("/api/projects", "/api/units", "/api/bases", "/api/documents", "/api/wording")


# ---- the document ------------------------------------------------------------------------------
def load_spec() -> dict:
    text = importlib_resources.files("budgetkg.server").joinpath("openapi.json").read_text(encoding="utf-8")
    return json.loads(text)


SPEC = load_spec()
OPENAPI = OpenAPI.from_dict(SPEC, config=Config(extra_media_type_deserializers={
    "application/problem+json": lambda value, **params: json.loads(value),
    "application/ld+json": lambda value, **params: json.loads(value),
}))
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operations(spec: dict = SPEC):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def deref(node: dict, spec: dict = SPEC) -> dict:
    """A local $ref followed to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_the_document_is_valid_openapi_3_1():
    assert SPEC["openapi"].startswith("3.1.")
    validate_spec(SPEC)  # raises OpenAPIValidationError, naming the place, when it is not


def test_the_document_is_utf8_with_chinese_unescaped():
    raw = importlib_resources.files("budgetkg.server").joinpath("openapi.json").read_bytes()
    text = raw.decode("utf-8")
    assert HEBEI_UNIT in text and "\\u4e" not in text.lower()


def test_the_document_follows_its_own_conventions():
    ids = [op["operationId"] for _, _, op in operations()]
    assert len(ids) == len(set(ids)), "operationIds are unique"
    for path, method, op in operations():
        if not path.startswith("/api/"):
            continue
        responses = op["responses"]
        ok = deref(responses["200"])
        assert list(ok["content"]) == ["application/json"], (path, method)
        for status, response in responses.items():
            if status != "200":
                assert list(deref(response)["content"]) == ["application/problem+json"], (path, method, status)
        schema_ref = ok["content"]["application/json"]["schema"].get("$ref", "")
        params = {deref(p)["name"] for p in op.get("parameters", []) + SPEC["paths"][path].get("parameters", [])}
        if schema_ref.endswith("List"):  # the paginated lists
            assert {"page", "per_page"} <= params, path
            assert "Link" in ok.get("headers", {}), path
            assert "400" in responses, path
        if "{" in path:
            assert "404" in responses, path
    list_envelope = SPEC["components"]["schemas"]["ListEnvelope"]
    assert set(list_envelope["required"]) == {"items", "page", "per_page", "total", "next", "prev"}
    assert set(SPEC["components"]["schemas"]["Ref"]["required"]) == {"iri", "label", "page", "api"}
    assert set(SPEC["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail"}


# ---- the app ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store_and_searcher(model):
    from budgetkg.embed.service import open_searcher

    store = BudgetStore(None)
    for name in FILES:
        store.ingest(DATA / name)
    return store, open_searcher(store, model)


@pytest.fixture(scope="module")
def app(store_and_searcher):
    app = create_app({"TESTING": True, "STORE": "unused-in-memory"})
    res = resources(app)
    res._store, res._searcher = store_and_searcher
    return app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def _flask_template(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([A-Za-z_]\w*)>", r"{\1}", rule)


def _shape(template: str) -> str:
    """A path template with its parameters' names left out: /api/units/{} (names may differ)."""
    return re.sub(r"\{[^}]*\}", "{}", template)


def test_every_api_route_is_documented_and_every_documented_api_path_is_served(app):
    served: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/openapi.json":
            methods = {m.lower() for m in rule.methods} - {"head", "options"}
            served.setdefault(_shape(_flask_template(rule.rule)), set()).update(methods)
    documented: dict[str, set[str]] = {}
    for path, method, _ in operations():
        if path.startswith("/api/") or path == "/openapi.json":
            documented.setdefault(_shape(path), set()).add(method)
    undocumented = {path: sorted(methods - documented.get(path, set())) for path, methods in served.items()
                    if methods - documented.get(path, set())}
    unserved = {path: sorted(methods - served.get(path, set())) for path, methods in documented.items()
                if methods - served.get(path, set())}
    assert not undocumented, f"served but not in openapi.json: {undocumented}"
    assert not unserved, f"in openapi.json but not served: {unserved}"


# ---- validating one exchange -------------------------------------------------------------------------
_TEMPLATES = sorted(
    ((re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "(.+)", re.escape(path)) + "$"), path) for path in SPEC["paths"]),
    key=lambda pair: -len(re.sub(r"\{[^}]*\}", "", pair[1])),
)


def template_of(path: str) -> tuple[str | None, tuple[str, ...]]:
    """The documented path template a request path falls under (the most specific), and the
    values of its parameters."""
    for pattern, template in _TEMPLATES:
        match = pattern.match(path)
        if match:
            return template, match.groups()
    return None, ()


def spec_path(path: str) -> str:
    """The request path as the document's templates match it: a parameter may hold slashes (an
    IRI's path), which OpenAPI path templating expects percent-encoded."""
    template, values = template_of(path)
    if template is None:
        return path
    values = iter(values)
    return re.sub(r"\{[^}]*\}", lambda _: next(values).replace("/", "%2F"), template)


class SpecRequest(WerkzeugOpenAPIRequest):
    @property
    def path(self) -> str:
        return spec_path(self.request.path)


def _problems(errors) -> str:
    """openapi-core's errors, each schema error on its own line with where it is."""
    lines = []
    for error in errors:
        cause = error.__cause__
        schema_errors = list(getattr(cause, "schema_errors", None) or [])
        if not schema_errors:
            lines.append(f"{type(error).__name__}: {str(error)[:300]}"
                         + (f" ({type(cause).__name__}: {str(cause)[:300]})" if cause is not None else ""))
            continue
        lines.append(f"{type(error).__name__}:")
        for schema_error in schema_errors:
            for leaf in _leaves(schema_error):
                where = "/".join(str(p) for p in leaf.absolute_path)
                lines.append(f"  at {where or '(root)'}: {leaf.message[:200]}")
    lines = list(dict.fromkeys(lines))
    return "\n".join(lines[:30] + ([f"  … and {len(lines) - 30} more"] if len(lines) > 30 else []))


def _leaves(error):
    """The innermost errors of an allOf/anyOf failure, where the fault is."""
    if not error.context:
        yield error
    for sub in error.context:
        yield from _leaves(sub)


def check(client, url: str, status: int = 200, *, valid_request: bool = True, headers: dict | None = None):
    """GET url; the status must be ``status`` and the exchange must be as documented."""
    response = client.get(url, headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == status, f"GET {url}: {response.status_code} (expected {status}): {body[:600]}"
    request = SpecRequest(response.request)
    if valid_request:
        errors = list(OPENAPI.iter_request_errors(request))
        assert not errors, f"GET {url}: the request itself is not as documented:\n{_problems(errors)}"
    errors = list(OPENAPI.iter_response_errors(request, WerkzeugOpenAPIResponse(response)))
    assert not errors, f"GET {url} → {response.status_code}: not as documented:\n{_problems(errors)}\n{body[:600]}"
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        assert json.loads(body)["status"] == status
    else:
        assert response.mimetype == "application/json"
    assert not re.search(r"\\u[4-9][0-9a-fA-F]{3}", body), f"GET {url}: Chinese is escaped in the JSON"
    return response


def data(response) -> dict:
    return json.loads(response.get_data(as_text=True))


def link_header(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]*)>\s*;\s*rel="?([A-Za-z]+)"?', response.headers.get("Link", ""))}


# ---- every documented operation, and its errors --------------------------------------------------------
CASES = [
    # path template, URL, status, param named by the problem (errors), whether the request is valid
    ("/api/search", "/api/search?q=老百姓对治安满不满意&k=3", 200, None),
    ("/api/search", "/api/search?q=满意度&k=2&page=2", 200, None),
    ("/api/search", "/api/search?q=预算&field=name&level1=产出指标&level2=成本指标&year=2021&lexical_weight=0.5", 200, None),
    ("/api/search", f"/api/search?q=预算&unit={HEBEI_UNIT}&basis=冀综治办（2017）6号", 200, None),
    ("/api/search", "/api/search", 400, "q"),
    ("/api/search", "/api/search?q=" + "长" * 600, 413, "q"),
    ("/api/search", "/api/search?q=满意度&k=0", 400, "k"),
    ("/api/search", "/api/search?q=满意度&page=0", 400, "page"),
    ("/api/search", "/api/search?q=满意度&field=x", 400, "field"),
    ("/api/search", "/api/search?q=满意度&lexical_weight=2", 400, "lexical_weight"),
    ("/api/search", "/api/search?q=满意度&unit=某局", 400, "unit"),
    ("/api/indicators/{id}/similar", f"/api/indicators/{INDICATOR}/similar?k=3", 200, None),
    ("/api/indicators/{id}/similar", f"/api/indicators/{BASE}{INDICATOR}/similar", 200, None),
    ("/api/indicators/{id}/similar", f"/api/indicators/{INDICATOR}/similar?k=0", 400, "k"),
    ("/api/indicators/{id}/similar", "/api/indicators/document/none/project/1/indicator/1/similar", 404, None),
    ("/api/indicators/{id}", f"/api/indicators/{INDICATOR}", 200, None),
    ("/api/indicators/{id}", f"/api/indicators/{PDF_PROJECT}/indicator/1", 200, None),
    ("/api/indicators/{id}", "/api/indicators/document/none/project/1/indicator/1", 404, None),
    ("/api/projects", "/api/projects", 200, None),
    ("/api/projects", f"/api/projects?unit={HEBEI_UNIT}&year=2021&q=执法&per_page=5", 200, None),
    ("/api/projects", "/api/projects?basis=冀综治办（2017）6号", 200, None),
    ("/api/projects", "/api/projects?unit=不存在的单位", 400, "unit"),
    ("/api/projects", "/api/projects?year=abc", 400, "year"),
    ("/api/projects", "/api/projects?basis=冀财行〔1999〕1号", 400, "basis"),
    ("/api/projects/{id}", f"/api/projects/{PROJECT}", 200, None),
    ("/api/projects/{id}", f"/api/projects/{PDF_PROJECT}", 200, None),
    ("/api/projects/{id}", "/api/projects/document/none/project/1", 404, None),
    ("/api/units", "/api/units", 200, None),
    ("/api/units", "/api/units?q=普陀&per_page=1", 200, None),
    ("/api/units/{id}", f"/api/units/{HEBEI_UNIT}", 200, None),
    ("/api/units/{id}", f"/api/units/{WANLI_UNIT}?per_page=2", 200, None),
    ("/api/units/{id}", "/api/units/不存在的单位", 404, None),
    ("/api/bases", "/api/bases", 200, None),
    ("/api/bases", "/api/bases?kind=law", 200, None),
    ("/api/bases", "/api/bases?issuer=冀综治办&q=2017", 200, None),
    ("/api/bases", "/api/bases?kind=treaty", 400, "kind"),
    ("/api/bases/lookup", "/api/bases/lookup?text=冀综治办（2017）6号", 200, None),
    ("/api/bases/lookup", "/api/bases/lookup?text=《禁毒法》", 200, None),
    ("/api/bases/lookup", "/api/bases/lookup?text=冀财行〔1999〕1号", 404, None),
    ("/api/bases/lookup", "/api/bases/lookup", 400, "text"),
    ("/api/bases/{id}", f"/api/bases/{BASIS_KEY}", 200, None),
    ("/api/bases/{id}", f"/api/bases/basis/{LAW}?per_page=1", 200, None),
    ("/api/bases/{id}", "/api/bases/不存在的依据", 404, None),
    ("/api/documents", "/api/documents", 200, None),
    ("/api/documents/{id}", f"/api/documents/{HEBEI}", 200, None),
    ("/api/documents/{id}", f"/api/documents/{JUSTICE}", 200, None),
    ("/api/documents/{id}", "/api/documents/no_such_document", 404, None),
    ("/api/wording", "/api/wording?per_page=3", 200, None),
    ("/api/wording", "/api/wording?q=视频监控", 200, None),
    ("/api/wording", "/api/wording?q=" + "长" * 600, 413, "q"),
    ("/api/wording/suggest", "/api/wording/suggest?name=法律援助&goals=为困难群众提供法律援助&k=3", 200, None),
    ("/api/wording/suggest", "/api/wording/suggest", 400, "name"),
    ("/api/wording/{key}", "/api/wording/f3bc591fd7?per_page=2", 200, None),
    ("/api/wording/{key}", "/api/wording/no-such-wording", 404, None),
    ("/api/lint/{id}", f"/api/lint/{HEBEI}", 200, None),
    ("/api/lint/{id}", f"/api/lint/{WANLI_2023}.pdf", 200, None),
    ("/api/lint/{id}", "/api/lint/no_such_document", 404, None),
    ("/openapi.json", "/openapi.json", 200, None),
]


def test_the_cases_cover_every_documented_api_operation():
    documented = {path for path, _, _ in operations() if path.startswith("/api/") or path == "/openapi.json"}
    assert {case[0] for case in CASES if case[2] == 200} == documented
    assert {case[0] for case in CASES if case[2] == 404} == {path for path in documented if "{" in path} | {"/api/bases/lookup"}


@pytest.mark.parametrize("template, url, status, param", CASES, ids=[f"{c[2]}-{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_operation_answers_as_documented(client, template, url, status, param):
    assert template_of(urlsplit(url).path)[0] == template
    response = check(client, url, status, valid_request=status < 400)
    if param is not None:
        assert data(response).get("param") == param, data(response)


def test_the_served_document_is_this_file(client):
    assert data(check(client, "/openapi.json")) == SPEC


# ---- pagination -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", LIST_PATHS)
def test_lists_page_through_everything_with_next_and_prev_links(client, path):
    url, seen, pages = f"{path}?per_page=2", [], []
    while url and len(pages) < 100:
        response = check(client, url)
        body = data(response)
        pages.append(body)
        assert body["per_page"] == 2 and body["page"] == len(pages) and len(body["items"]) <= 2
        expected_links = {rel: body[rel] for rel in ("next", "prev") if body[rel]}
        assert link_header(response) == expected_links, response.headers.get("Link")
        assert (body["prev"] is None) == (body["page"] == 1)
        seen += [item["iri"] for item in body["items"]]
        url = body["next"]
    assert len(pages) >= 2, "the sample has more than two of each"
    assert len(seen) == len(set(seen)) == pages[0]["total"]
    assert all(p["total"] == pages[0]["total"] for p in pages)
    assert len(pages[-1]["items"]) >= 1
    back = data(check(client, pages[-1]["prev"]))
    assert back["items"] == pages[-2]["items"]
    everything = data(check(client, f"{path}?per_page=200"))
    assert [item["iri"] for item in everything["items"]] == seen and everything["next"] is None
    default = data(check(client, path))
    assert default["page"] == 1 and default["per_page"] == 50


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("query, param", [
    ("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=1.5", "page"),
    ("per_page=0", "per_page"), ("per_page=201", "per_page"), ("per_page=many", "per_page"),
])
def test_bad_page_parameters_are_400_naming_the_parameter(client, path, query, param):
    response = check(client, f"{path}?{query}", 400, valid_request=False)
    assert data(response)["param"] == param


def test_search_pages(client):
    first = check(client, "/api/search?q=满意度&k=2")
    body = data(first)
    assert body["page"] == 1 and body["next"] and len(body["groups"]) == 2
    second = data(check(client, body["next"]))
    direct = data(check(client, "/api/search?q=满意度&k=2&page=2"))
    assert second["page"] == 2 and second["groups"] == direct["groups"]
    assert not {g["text"] for g in second["groups"]} & {g["text"] for g in body["groups"]}
    assert all(g["count"] == len(g["hits"]) for g in body["groups"] + second["groups"])
    assert body["total_hits"] == sum(g["count"] for g in body["groups"])


# ---- identifiers: every documented spelling names the same thing ------------------------------------------
ID_VARIANTS = [
    ("indicators", BASE + INDICATOR, [INDICATOR, BASE + INDICATOR, quote(INDICATOR, safe="")]),
    ("projects", BASE + PROJECT, [PROJECT, BASE + PROJECT, quote(PROJECT, safe="")]),
    ("units", BASE + "unit/" + HEBEI_UNIT, [HEBEI_UNIT, "unit/" + HEBEI_UNIT, BASE + "unit/" + HEBEI_UNIT, quote(HEBEI_UNIT)]),
    ("bases", BASE + "basis/" + BASIS_KEY, [BASIS_KEY, "basis/" + BASIS_KEY, BASE + "basis/" + BASIS_KEY]),
    ("documents", BASE + "document/" + HEBEI, [HEBEI, "document/" + HEBEI, BASE + "document/" + HEBEI]),
]


@pytest.mark.parametrize("kind, iri, variants", ID_VARIANTS, ids=[v[0] for v in ID_VARIANTS])
def test_every_id_spelling_names_the_same_entity(client, kind, iri, variants):
    for ident in variants:
        body = data(check(client, f"/api/{kind}/{ident}"))
        assert body["iri"] == iri, ident
        assert data(check(client, body["api"]))["iri"] == iri


# ---- what the bodies say ------------------------------------------------------------------------------
def test_search_hits_link_to_their_pages(client):
    body = data(check(client, "/api/search?q=行政执法人员满意度&k=1"))
    hit = body["groups"][0]["hits"][0]
    assert body["groups"][0]["text"] == "行政执法人员满意度"
    for key in ("indicator_page", "project_page", "unit_page"):
        assert client.get(hit[key], headers={"Accept": "text/html"}).status_code == 200, hit[key]
    assert "/id/" in hit["indicator_page"]


def test_indicator_detail(client):
    body = data(check(client, f"/api/indicators/{INDICATOR}"))
    assert body["description"] == "行政执法人员满意度" and body["level1"] == "满意度指标"
    assert body["value"]["raw"] == "≥90%" and body["value"]["number"] == 90 and isinstance(body["value"]["number"], (int, float))
    assert body["source"] == {**body["source"], "file": f"{HEBEI}.txt", "line": 281, "page": None}
    assert body["project"]["iri"] == BASE + PROJECT and body["unit"]["label"] == HEBEI_UNIT
    assert body["document"]["iri"] == BASE + "document/" + HEBEI and body["year"] == 2021
    assert any(b["kind"] == "regulation" and "行政执法证件" in b["label"] for b in body["bases"])
    similar = data(check(client, body["similar"]))
    assert similar["indicator"] == BASE + INDICATOR
    assert all(hit["indicator"] != BASE + INDICATOR for group in similar["groups"] for hit in group["hits"])
    pdf = data(check(client, f"/api/indicators/{PDF_PROJECT}/indicator/1"))
    assert pdf["source"]["line"] is None and isinstance(pdf["source"]["page"], int)


def test_project_detail(client):
    body = data(check(client, f"/api/projects/{PROJECT}"))
    assert body["label"].startswith("执法证年检考试") and body["number"] == "3" and body["year"] == 2021
    assert body["cost"] == pytest.approx(2.1)
    assert body["source"]["line"] == 272 and body["source"]["page"] is None
    assert [g["number"] for g in body["goals"]] == list(range(1, len(body["goals"]) + 1))
    rows = [indicator["row"] for indicator in body["indicators"]]
    assert rows == sorted(rows) and len(rows) >= 6
    cited = sum(1 for indicator in body["indicators"] for _ in indicator["bases"])
    assert sum(b["indicators"] for b in body["bases"]) == cited
    for indicator in body["indicators"][:2]:
        assert data(check(client, indicator["api"]))["iri"] == indicator["iri"]


def test_project_filters(client):
    everything = data(check(client, "/api/projects?per_page=200"))
    hebei = data(check(client, f"/api/projects?unit={HEBEI_UNIT}&per_page=200"))
    by_iri = data(check(client, f"/api/projects?unit={quote(BASE + 'unit/' + HEBEI_UNIT)}&per_page=200"))
    assert hebei["total"] == by_iri["total"] == 25 and everything["total"] == 30
    assert {item["unit"]["label"] for item in hebei["items"]} == {HEBEI_UNIT}
    wanli = data(check(client, "/api/projects?year=2023"))
    assert wanli["total"] == 5 and {item["year"] for item in wanli["items"]} == {2023}
    named = data(check(client, "/api/projects?q=执法&per_page=200"))
    assert named["total"] >= 1 and all("执法" in item["label"] for item in named["items"])
    for spelling in ("冀综治办（2017）6号", BASIS_CANONICAL, BASE + "basis/" + BASIS_KEY):
        citing = data(check(client, f"/api/projects?basis={quote(spelling)}&per_page=200"))
        assert citing["total"] >= 1, spelling
        for item in citing["items"]:
            project = data(check(client, item["api"]))
            assert BASE + "basis/" + BASIS_KEY in {b["iri"] for b in project["bases"]}


def test_unit_detail(client):
    body = data(check(client, f"/api/units/{WANLI_UNIT}"))
    assert {d["year"] for d in body["documents"]} == {2023, 2024}
    assert {d["file"] for d in body["documents"]} == {f"{WANLI_2023}.pdf", f"{WANLI_2024}.pdf"}
    assert body["figures"] and all(isinstance(f["amount"], (int, float)) for f in body["figures"])
    assert body["functional"] and all(re.fullmatch(r"\d+", row["code"]) for row in body["functional"])
    listed = data(check(client, f"/api/projects?unit={WANLI_UNIT}"))
    assert body["projects"]["total"] == listed["total"] == 5
    units = data(check(client, "/api/units?q=普陀"))
    assert units["total"] == 2 and all("普陀" in item["label"] for item in units["items"])
    wanli = next(item for item in units["items"] if item["label"] == WANLI_UNIT)
    assert wanli["documents"] == 2 and sorted(wanli["years"]) == [2023, 2024] and wanli["projects"] == 5


def test_bases_and_lookup(client):
    laws = data(check(client, "/api/bases?kind=law&per_page=200"))
    assert laws["total"] >= 1 and {item["kind"] for item in laws["items"]} == {"law"}
    assert LAW in {item["label"] for item in laws["items"]}
    issued = data(check(client, "/api/bases?issuer=冀综治办&per_page=200"))
    assert BASIS_CANONICAL in {item["label"] for item in issued["items"]}
    assert all(item["issuer_code"] == "冀综治办" or "冀综治办" in (item["issuer"] or "") for item in issued["items"])
    for text, iri in (("冀综治办（2017）6号", BASIS_KEY), (BASIS_CANONICAL, BASIS_KEY), ("《禁毒法》", LAW), ("禁毒法", LAW), (LAW, LAW)):
        body = data(check(client, f"/api/bases/lookup?text={quote(text)}"))
        assert body["iri"] == BASE + "basis/" + iri and body["matched"] == text
    detail = data(check(client, f"/api/bases/{BASIS_KEY}"))
    assert detail["canonical"] == BASIS_CANONICAL and detail["kind"] == "document_number"
    assert detail["issuer_code"] == "冀综治办" and detail["year"] == 2017
    assert "冀综治办（2017）6号" in "".join(detail["variants"])
    assert detail["citing"]["total"] >= 1
    assert all(item["indicators"] >= 1 for item in detail["citing"]["items"])
    missing = data(check(client, "/api/bases/lookup?text=冀财行（1999）1号", 404))
    assert "冀财行〔1999〕1号" in missing["detail"], "the detail says the canonical form recognised"
    assert data(check(client, "/api/bases/lookup?text=", 400, valid_request=False))["param"] == "text"


def test_documents_and_their_originals(client):
    listed = data(check(client, "/api/documents"))
    assert {item["file"] for item in listed["items"]} == set(FILES)
    for item in listed["items"]:
        original = client.get(item["source_url"])
        assert original.status_code == 200 and original.data == (DATA / item["file"]).read_bytes(), item["source_url"]
    justice = data(check(client, f"/api/documents/{JUSTICE}"))
    assert justice["format"] == "pdf" and justice["year"] == 2026 and len(justice["sha256"]) == 64
    assert len(justice["checks"]["failed"]) == 2 and justice["checks"]["passed"] > 0
    assert all(isinstance(c["page"], int) and c["line"] is None for c in justice["checks"]["failed"])
    assert justice["warnings"]
    hebei = data(check(client, f"/api/documents/{HEBEI}"))
    assert len(hebei["projects"]) == 25 and hebei["format"] == "text"
    project = data(check(client, f"/api/projects/{PROJECT}"))
    assert client.get(project["source"]["url"]).data == (DATA / f"{HEBEI}.txt").read_bytes()


def _refs(value, found: dict[str, str]) -> dict[str, str]:
    if isinstance(value, dict):
        if isinstance(value.get("iri"), str) and "page" in value and "api" in value:
            for url in (value["page"], value["api"]):
                if isinstance(url, str):
                    found[url] = value["iri"]
        for item in value.values():
            _refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _refs(item, found)
    return found


def test_every_reference_resolves(client):
    found: dict[str, str] = {}
    for url in (f"/api/projects/{PROJECT}", f"/api/units/{WANLI_UNIT}", f"/api/bases/{BASIS_KEY}", f"/api/documents/{JUSTICE}"):
        _refs(data(check(client, url)), found)
    assert len(found) > 10
    for url, iri in sorted(found.items()):
        if url.startswith("/api/"):
            assert data(check(client, url))["iri"] == iri
        else:
            response = client.get(url, headers={"Accept": "text/html"})
            assert response.status_code == 200 and response.mimetype == "text/html", url


# ---- the documented non-JSON views ---------------------------------------------------------------------
def documented_media_types(path: str, status: int) -> set[str]:
    responses = SPEC["paths"][path]["get"]["responses"]
    return set(deref(responses.get(str(status), responses.get("default", {}))).get("content", {}))


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json", "application/n-triples"])
def test_linked_data_by_content_negotiation(client, accept):
    response = client.get(f"/id/unit/{HEBEI_UNIT}", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert response.mimetype in documented_media_types("/id/{path}", 200)
    assert "accept" in response.headers.get("Vary", "").lower()
    assert HEBEI_UNIT in response.get_data(as_text=True)


def test_unknown_iris_are_404(client):
    response = client.get("/id/unit/不存在的单位", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype in documented_media_types("/id/{path}", 404)
    assert client.get("/id/unit/不存在的单位", headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_ontology(client, accept):
    response = client.get("/ontology", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert response.mimetype in documented_media_types("/ontology", 200)


def test_unknown_files_are_404(client):
    response = client.get("/files/no_such_file.pdf")
    assert response.status_code == 404 and response.mimetype in documented_media_types("/files/{name}", 404)
