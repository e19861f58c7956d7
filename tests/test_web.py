"""The web UI, the JSON API and dereferenceable IRIs, on every document of data/ (HTML is
checked by parsing it)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote, unquote

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from budgetkg.graph.vocab import BKG

from conftest import DATA

BASE = "https://w3id.org/budgetkg/id/"
HEBEI = "hebei_qinhuangdao_etdz_zhengfawei_2021_unit"
HEBEI_UNIT = "中共秦皇岛经济技术开发区工委政法委员会"
JUSTICE = "上海市普陀区司法局"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(web_app):
    return web_app.test_client()


def page(client, url, status=200):
    response = client.get(url, headers=BROWSER)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def api(client, url, status=200, **params):
    response = client.get(url, query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_json()


def local(iri: str) -> str:
    return "/id/" + quote(iri.removeprefix(BASE))


# ---- search page ------------------------------------------------------------------------------
def test_search_page_groups_identical_wording_and_links_every_hit(client):
    soup = page(client, "/?q=" + quote("老百姓对治安满不满意"))
    groups = soup.select(".result-group")
    assert len(groups) == 10
    biggest = max(groups, key=lambda g: len(g.select("li.hit")))
    assert biggest.select_one(".wording").get_text() == "满意群众占总人数的比重"
    assert "14 次使用" in biggest.get_text()  # 14 projects use this wording
    for hit in soup.select("li.hit"):
        for css in ("a.hit-indicator", "a.hit-unit"):
            href = hit.select_one(css)["href"]
            assert href.startswith("/id/") and client.get(href, headers=BROWSER).status_code == 200
    # the form keeps the query, and offers the filters with what the index holds
    assert soup.select_one("form#search input[name=q]")["value"] == "老百姓对治安满不满意"
    levels = [o.get_text() for o in soup.select("select[name=level1] option")]
    assert "满意度指标" in levels and "产出指标" in levels
    assert soup.select_one('link[rel=alternate][type="application/json"]')["href"].startswith("/api/search?q=")


def test_search_page_filters_and_errors(client):
    soup = page(client, "/?q=%E6%BB%A1%E6%84%8F&unit=" + quote(JUSTICE) + "&level1=" + quote("满意度指标"), status=400)
    assert "unknown unit" in soup.select_one("#search-error").get_text()  # the justice bureau has no indicators
    soup = page(client, "/?q=" + quote("经费") + "&basis=" + quote("冀综治办（2017）6号"))
    projects = {a.get_text() for a in soup.select("a.hit-project")}
    assert projects == {"综治工作专项经费"}


def test_search_paginates(client):
    first = api(client, "/api/search", q="满意度", k=3)
    second = api(client, "/api/search", q="满意度", k=3, page=2)
    assert first["page"] == 1 and first["next"].endswith("page=2") and first["prev"] is None
    assert second["prev"] is not None and len(second["groups"]) == 3
    assert not {g["text"] for g in first["groups"]} & {g["text"] for g in second["groups"]}
    hit = first["groups"][0]["hits"][0]
    assert hit["indicator_page"].startswith("/id/document/") and hit["unit_page"].startswith("/id/unit/")



def test_search_lists_hits_per_group_and_links_every_use(client):
    soup = page(client, "/?q=培训持续的天数&hits_per_group=2")
    group = soup.select_one("section.result-group")
    assert group.select_one("span.wording").get_text() == "培训持续的天数"
    assert len(group.select("li.hit")) == 2
    more = group.select_one("li.more")
    assert "4" in more.get_text() and more.a["href"].startswith("/id/wording/")
    twin = api(client, "/api/search", q="培训持续的天数", hits_per_group=2)["groups"][0]
    assert twin["more"] == 4 and twin["wording_page"] == more.a["href"]
    uses = api(client, twin["wording_api"], per_page=50)["uses"]
    assert uses["total"] >= 6  # the wording's page lists every use the group counted


# ---- entity pages ------------------------------------------------------------------------------
def test_unit_page_has_documents_summary_charts_and_projects(client):
    soup = page(client, local(BASE + "unit/" + JUSTICE))
    assert soup.h1.get_text().startswith(JUSTICE)
    assert soup.select_one("code.iri").get_text() == BASE + "unit/" + JUSTICE
    documents = [row.get_text(" ", strip=True) for row in soup.select("#unit-documents tbody tr")]
    assert len(documents) == 2 and all("2026" in d for d in documents)
    charts = soup.select("svg.chart")
    assert len(charts) == 6  # 基本 vs 项目, 三公, 功能分类 for each of the two documents
    text = " ".join(c.get_text(" ") for c in charts)
    assert "基本支出 2,574.17（26.7%）" in text and "项目支出 7,054.05（73.3%）" in text  # the 部门预算, page 13
    assert "204 公共安全支出" in text and "公务用车运行维护费" in text
    assert soup.select("#functional tbody tr")
    hebei = page(client, local(BASE + "unit/" + HEBEI_UNIT))
    assert len(hebei.select("#unit-projects tbody tr")) == 25
    assert "政法委" in hebei.get_text()  # aliases


def test_project_page_shows_goals_indicator_table_bases_and_source(client):
    soup = page(client, local(f"{BASE}document/{HEBEI}/project/9"))
    assert soup.h1.get_text().startswith("综治工作专项经费")
    assert len(soup.select("#goals li")) >= 1
    rows = soup.select("table.indicators tbody tr")
    data = api(client, f"/api/projects/document/{HEBEI}/project/9")
    assert len(rows) == len(data["indicators"]) > 0
    assert "冀综治办〔2017〕6号" in [a.get_text() for a in soup.select("#project-bases a.basis-link")]
    source = soup.select_one("a.source-link")["href"]
    assert source.startswith(f"/source/{HEBEI}.txt?line=") and f"#L{data['source']['line']}" in source
    lines = page(client, source.split("#")[0])
    assert lines.select_one(f"#L{data['source']['line']}") is not None
    assert "综治工作专项经费" in lines.select_one(f"#L{data['source']['line']}").get_text() or \
        "综治工作专项经费" in " ".join(lines.select_one(f"#L{n}").get_text() for n in range(data["source"]["line"], data["source"]["line"] + 3))


def test_indicator_page_in_context_with_similar(client):
    iri = f"{BASE}document/{HEBEI}/project/9/indicator/2"
    soup = page(client, local(iri))
    assert soup.select_one("tr.current") is not None
    assert len(soup.select("#context tbody tr")) == len(api(client, f"/api/projects/document/{HEBEI}/project/9")["indicators"])
    similar = soup.select("#similar li a")
    assert similar and all(a["href"].startswith("/id/") for a in similar)
    assert not any(a["href"] == local(iri) for a in similar)  # not itself


def test_basis_page_lists_every_citing_project(client):
    soup = page(client, local(BASE + "basis/冀综治办-2017-6"))
    assert soup.h1.get_text().startswith("冀综治办〔2017〕6号")
    assert "冀综治办（2017）6号" in soup.select_one("#variants").get_text()  # the spelling in the document
    rows = soup.select("#citing-projects tbody tr")
    assert len(rows) == 1
    cells = [td.get_text(strip=True) for td in rows[0].select("td")]
    assert cells[:4] == [HEBEI_UNIT, "2021", "综治工作专项经费", "12"]


def test_bases_list_filters_by_kind_and_issuer(client):
    soup = page(client, "/bases?kind=law")
    assert [a.get_text() for a in soup.select("#bases a.basis-link")] == ["中华人民共和国禁毒法"]
    soup = page(client, "/bases?issuer=" + quote("冀综治办"))
    assert [a.get_text() for a in soup.select("#bases a.basis-link")] == ["冀综治办〔2017〕6号"]
    everything = api(client, "/api/bases", per_page=200)
    assert everything["total"] == len(everything["items"]) == 20
    assert {b["kind"] for b in everything["items"]} == {"document_number", "law", "regulation", "charter", "internal_decision"}


def test_document_page_links_the_original(client):
    soup = page(client, local(f"{BASE}document/sh_putuo_wanli_street_2023_dept"))
    href = soup.select_one("a#original")["href"]
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == (DATA / "sh_putuo_wanli_street_2023_dept.pdf").read_bytes()
    failed = soup.select("#failed-checks tbody tr")
    assert any("3,328.13" in row.get_text() and "3,351.3343" in row.get_text() for row in failed)  # the 绩效 sentence that does not add up


def test_lists_render_and_paginate(client):
    soup = page(client, "/units?per_page=2")
    assert len(soup.select("#units tbody tr")) == 2 and soup.select_one("a[rel=next]")["href"].endswith("page=2&per_page=2")
    soup = page(client, "/documents")
    assert len(soup.select("#documents tbody tr")) == 9


# ---- Linked Data ---------------------------------------------------------------------------------
def test_every_kind_of_iri_dereferences(client, corpus_store):
    """One IRI of every class the graph uses, plus every unit and basis: 200 as a page and as Turtle."""
    found = corpus_store.query(f"""SELECT ?type (SAMPLE(?s) AS ?example) WHERE {{ ?s a ?type
        FILTER(STRSTARTS(STR(?s), "{BASE}")) }} GROUP BY ?type""")
    examples = {row["example"].value for row in found}
    examples |= {row["s"].value for row in corpus_store.query(
        "SELECT DISTINCT ?s WHERE { { ?s a org:Organization } UNION { ?s bkg:basisKind ?k } }")}
    assert len(examples) > 30
    for iri in sorted(examples):
        assert client.get(local(iri), headers=BROWSER).status_code == 200, iri
        response = client.get(local(iri), headers={"Accept": "text/turtle"})
        assert response.status_code == 200 and URIRef(iri) in set(Graph().parse(data=response.data, format="turtle").all_nodes())


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_resource_description_by_content_negotiation(client, accept, fmt):
    iri = URIRef(BASE + "basis/中华人民共和国禁毒法")
    response = client.get(local(iri), headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.data, format=fmt)
    assert (iri, RDF.type, BKG.Law) in graph
    citing = {s for s, _, _ in graph.triples((None, BKG.legalBasis, iri))}
    assert citing  # the triples pointing at it …
    assert any(graph.value(s, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) for s in citing)  # … with their labels
    assert response.headers["Link"].startswith("</api/bases/")


def test_format_parameter_html_for_browsers_and_errors(client):
    url = local(BASE + "unit/" + HEBEI_UNIT)
    assert client.get(url + "?format=nt").mimetype == "application/n-triples"
    response = client.get(url, headers=BROWSER)
    assert response.mimetype == "text/html" and "Accept" in response.headers["Vary"]
    assert client.get(url, headers={"Accept": "image/png"}).status_code == 406
    missing = client.get("/id/unit/" + quote("不存在的单位"), headers=BROWSER)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    soup = BeautifulSoup(missing.get_data(as_text=True), "html.parser")
    assert "不存在的单位" in soup.select_one("#error-detail").get_text() and soup.select_one('a[href="/"]')
    missing = client.get("/id/unit/" + quote("不存在的单位"), headers={"Accept": "text/turtle"})
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert client.get("/id/unit/%3Cbad%3E", headers={"Accept": "text/turtle"}).status_code == 404


def test_generic_resource_page(client):
    soup = page(client, local(f"{BASE}document/{HEBEI}/figure/expenditure_total"))
    statements = {tr.select("td")[0].get_text(): tr.select("td")[1] for tr in soup.select("#statements tbody tr")}
    amount = statements["https://w3id.org/budgetkg/ontology#amount"]
    assert "decimal" in amount.get_text()
    unit_link = statements["http://data.openbudgets.eu/ontology/dsd/dimension/organization"].a
    assert unit_link.get_text() == HEBEI_UNIT and unquote(unit_link["href"]) == "/id/unit/" + HEBEI_UNIT


# ---- JSON API ------------------------------------------------------------------------------------
def test_api_units_and_unit(client):
    data = api(client, "/api/units")
    assert data["total"] == 5 and {u["label"] for u in data["items"]} >= {HEBEI_UNIT, JUSTICE}
    unit = api(client, "/api/units/" + quote(JUSTICE))
    assert unit == api(client, "/api/units/" + quote("unit/" + JUSTICE)) == api(client, "/api/units/" + quote(BASE + "unit/" + JUSTICE, safe=":/"))
    assert [d["year"] for d in unit["documents"]] == [2026, 2026]
    basic = {(f["document"], f["amount"]) for f in unit["figures"] if f["figure"] == "BasicExpenditure"}
    assert (BASE + "document/sh_putuo_justice_2026_dept", Decimal("2574.166644")) in basic
    assert '"amount": 2574.166644,' in client.get("/api/units/" + quote(JUSTICE)).get_data(as_text=True)  # a number
    assert unit["projects"]["total"] == 0 and unit["functional"]


def test_api_projects_filters(client):
    by_basis = api(client, "/api/projects", basis="冀综治办（2017）6号")
    assert [p["label"] for p in by_basis["items"]] == ["综治工作专项经费"] and by_basis["items"][0]["cost"] == 12
    by_law = api(client, "/api/projects", basis="禁毒法")
    assert by_law["total"] == 1 and by_law["items"][0]["unit"]["label"] == HEBEI_UNIT
    assert api(client, "/api/projects", unit="上海市普陀区人民政府万里街道办事处", year=2023)["total"] == 5
    assert api(client, "/api/projects", q="综治")["total"] == 5
    error = api(client, "/api/projects", 400, basis="国务院令第999号")
    assert error["param"] == "basis" and "国务院令第999号" in error["detail"]
    assert api(client, "/api/projects", 400, unit="没有这个单位")["param"] == "unit"
    assert api(client, "/api/projects", 400, year="二〇二一")["param"] == "year"


def test_api_project_and_indicator(client):
    project = api(client, f"/api/projects/document/{HEBEI}/project/9")
    assert project["label"] == "综治工作专项经费" and project["cost"] == 12 and project["year"] == 2021
    assert project["source"]["url"] == f"/files/{HEBEI}.txt" and project["source"]["line"]
    assert [b["label"] for b in project["bases"]] == ["冀综治办〔2017〕6号"]
    first = project["indicators"][0]
    indicator = api(client, first["api"])
    assert indicator["description"] == first["description"] and indicator["project"]["label"] == "综治工作专项经费"
    assert indicator["value"]["raw"] == first["value"]["raw"] and indicator["similar"].endswith("/similar")
    assert client.get(indicator["similar"]).status_code == 200
    assert api(client, f"/api/projects/document/{HEBEI}/project/999", 404)["status"] == 404
    assert api(client, "/api/indicators/document/nope/project/1/indicator/1", 404)["title"] == "Not Found"


@pytest.mark.parametrize("spelling", ["冀综治办（2017）6号", "冀综治办〔2017〕6号", "冀综治办[2017]6号"])
def test_api_basis_lookup_by_any_spelling(client, spelling):
    data = api(client, "/api/bases/lookup", text=spelling)
    assert data["canonical"] == "冀综治办〔2017〕6号" and data["matched"] == spelling
    assert data["citing"]["items"][0]["project"]["label"] == "综治工作专项经费"


def test_api_basis_lookup_law_and_errors(client):
    for text in ("禁毒法", "《禁毒法》", "中华人民共和国禁毒法"):
        assert api(client, "/api/bases/lookup", text=text)["iri"] == BASE + "basis/中华人民共和国禁毒法"
    missing = api(client, "/api/bases/lookup", 404, text="冀综治办（2099）1号")
    assert "冀综治办〔2099〕1号" in missing["detail"]  # says what it understood
    assert api(client, "/api/bases/lookup", 400)["param"] == "text"


def test_api_documents(client):
    data = api(client, "/api/documents", per_page=4)
    assert data["total"] == 9 and len(data["items"]) == 4 and data["next"]
    document = api(client, "/api/documents/sh_putuo_wanli_street_2023_dept")
    assert document["format"] == "pdf" and document["source_url"] == "/files/sh_putuo_wanli_street_2023_dept.pdf"
    assert any(c["expected"] == Decimal("3328.13") for c in document["checks"]["failed"])
    assert api(client, f"/api/documents/{HEBEI}.txt")["iri"] == BASE + "document/" + HEBEI  # by file name too


@pytest.mark.parametrize("params,param", [({"page": "0"}, "page"), ({"per_page": "500"}, "per_page"),
                                          ({"page": "x"}, "page"), ({"kind": "decree"}, "kind")])
def test_pagination_and_filter_errors(client, params, param):
    response = client.get("/api/bases", query_string=params)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["param"] == param


def test_pagination_link_header_and_pages(client):
    seen = []
    url = "/api/bases?per_page=7"
    while url:
        response = client.get(url)
        data = response.get_json()
        seen += [b["iri"] for b in data["items"]]
        if data["next"]:
            assert f'<{data["next"]}>; rel="next"' in response.headers["Link"]
        url = data["next"]
    assert len(seen) == len(set(seen)) == 20


def test_page_has_json_twin(client):
    response = client.get("/bases?kind=law", headers=BROWSER)
    assert response.headers["Link"] == '</api/bases?kind=law>; rel="alternate"; type="application/json"'
    assert api(client, "/api/bases", kind="law")["items"][0]["label"] == "中华人民共和国禁毒法"


def test_graph_labels_match_pages(corpus_store):
    """The page shows what the graph says: the unit's preferred label."""
    label = corpus_store.store.query(f"SELECT ?l WHERE {{ GRAPH ?g {{ <{BASE}unit/{JUSTICE}> <{SKOS.prefLabel}> ?l }} }}")
    assert Literal(JUSTICE, lang="zh") in {Literal(row["l"].value, lang=row["l"].language) for row in label}
