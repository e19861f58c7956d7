"""The web app in front of hostile input: text from a document (a project name, an indicator
description carrying <script> and quotes) is escaped wherever a page shows it; no URL reaches a
file outside the stored originals; unknown IRIs get a 404 (an HTML page a person can use)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from budgetkg.graph.parse import parse_document
from budgetkg.graph.store import BudgetStore
from budgetkg.server.app import create_app, resources

PAYLOAD = '<script>alert("x")</script>"\''
NAME = "执法证年检考试" + PAYLOAD  # project 3 of the Hebei sample, renamed
DESCRIPTION = "行政执法人员满意度" + PAYLOAD  # its 6th indicator row (line 281)
STEM = "xss_probe_2021_unit"
PROJECT = f"document/{STEM}/project/3"
INDICATOR = f"{PROJECT}/indicator/6"


# ---- the hostile document -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def injected(tmp_path_factory, hebei_text):
    """A copy of the Hebei sample with the payload in a project name and an indicator description."""
    lines = hebei_text.split("\n")
    assert lines[271] == "3、执法证年检考试绩效目标表"
    assert lines[280].split("\t")[3] == "行政执法人员满意度"
    lines[271] = f"3、{NAME}绩效目标表"
    cells = lines[280].split("\t")
    cells[3] = DESCRIPTION
    lines[280] = "\t".join(cells)
    path = tmp_path_factory.mktemp("hostile") / f"{STEM}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_the_parser_keeps_the_hostile_text_as_it_is(injected):
    document = parse_document(injected)
    project = next(p for p in document.projects if p.no == 3)
    assert project.name == NAME
    assert [i.description for i in project.indicators][5] == DESCRIPTION


@pytest.fixture(scope="module")
def app(injected, tmp_path_factory, model):
    from budgetkg.embed.service import open_searcher

    folder = tmp_path_factory.mktemp("store") / "store"
    store = BudgetStore(folder)
    store.ensure_ontology()
    assert store.ingest(injected).status == "added"
    app = create_app({"TESTING": True, "STORE": str(folder)})
    res = resources(app)
    res._store, res._searcher = store, open_searcher(store, model)
    return app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


# ---- reading a page as a browser would ------------------------------------------------------------------------
class Page(HTMLParser):
    """What a browser builds from the HTML: elements with their attributes, script contents, text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)

    def attribute_values(self) -> list[str]:
        return [value for _, attrs in self.elements for _, value in attrs if value]


ATTRIBUTE_NAME = re.compile(r"^[a-z_:][-a-z0-9_:.]*$")


def assert_safe(html: str, shown: str) -> Page:
    """The page shows ``shown`` (which carries PAYLOAD) as text, and nothing of it runs."""
    page = Page(html)
    assert not any("alert(" in script for script in page.scripts), "the payload became a script"
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html or "&#60;script&#62;" in html or "&#x3c;script&#x3e;" in html.lower()
    assert shown in page.visible, "the text is shown, escaped, as it is"
    for tag, attrs in page.elements:
        for name, value in attrs:
            assert ATTRIBUTE_NAME.match(name), f"<{tag}> has an attribute {name!r}: a quote broke out of a value"
            assert not (name.startswith("on") and value and "alert" in value), f"<{tag} {name}={value!r}>"
            if value and "alert(" in value:
                # an attribute holding the payload holds all of it: no quote ended the value early
                assert PAYLOAD in value or quote(PAYLOAD) in value or "%3Cscript%3E" in value, f"<{tag} {name}={value!r}>"
    return page


def html_of(client, url: str) -> str:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_the_project_page_escapes_its_name(client):
    assert_safe(html_of(client, f"/id/{PROJECT}"), NAME)


def test_the_indicator_page_escapes_its_description_and_project_name(client):
    page = assert_safe(html_of(client, f"/id/{INDICATOR}"), DESCRIPTION)
    assert NAME in page.visible


def test_the_document_page_escapes_project_names(client):
    assert_safe(html_of(client, f"/id/document/{STEM}"), NAME)


def test_search_results_escape_the_query_and_the_hits(client):
    html = html_of(client, "/?" + "q=" + quote(DESCRIPTION))
    page = assert_safe(html, DESCRIPTION)
    boxes = [dict(attrs) for tag, attrs in page.elements if tag in ("input", "textarea") and dict(attrs).get("name") == "q"]
    for box in boxes:  # the query box shows the query back, inside a correctly quoted value
        if "value" in box:
            assert box["value"] == DESCRIPTION
    assert NAME in page.visible, "the hit's project is listed"


def test_the_json_carries_the_text_as_it_is(client):
    response = client.get(f"/api/projects/{PROJECT}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(response.get_data(as_text=True))
    assert body["label"] == NAME
    assert DESCRIPTION in [indicator["description"] for indicator in body["indicators"]]


# ---- paths outside the stored originals ---------------------------------------------------------------------------
TRAVERSALS = [
    "/files/../../etc/passwd",
    "/files/%2e%2e/%2e%2e/etc/passwd",
    "/files/..%2f..%2fetc%2fpasswd",
    "/files/..%2fpyproject.toml",
    "/files/%2e%2e%2fpyproject.toml",
    "/files/..%5cpyproject.toml",
    "/files/%2fetc%2fpasswd",
    "/static/../app.py",
    "/static/..%2fapp.py",
    "/static/%2e%2e/app.py",
    "/source/..%2fpyproject.toml",
    "/source/../../etc/passwd",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_no_path_reaches_outside_the_served_files(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), f"GET {url}: {response.status_code}"
    body = response.get_data()
    for secret in (b"root:", b"[build-system]", b"def create_app", b"budgetkg.server"):
        assert secret not in body, f"GET {url} served {secret!r}"


def test_the_stored_original_is_served(client, injected):
    response = client.get(f"/files/{STEM}.txt")
    assert response.status_code == 200 and response.data == injected.read_bytes()


# ---- unknown IRIs ---------------------------------------------------------------------------------------------
def test_an_unknown_iri_is_a_404_page_for_people(client):
    response = client.get("/id/unit/不存在的单位", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = Page(response.get_data(as_text=True))
    text = page.visible.lower()
    assert "404" in text and any(word in text for word in ("未找到", "找不到", "不存在", "not found")), text
    assert any(tag == "a" and dict(attrs).get("href") == "/" for tag, attrs in page.elements), "a link home"


def test_an_unknown_iri_is_a_404_in_rdf_too(client):
    assert client.get("/id/unit/不存在的单位", headers={"Accept": "text/turtle"}).status_code == 404


def test_the_404_page_escapes_the_path_it_echoes(client):
    response = client.get("/id/unit/" + quote(PAYLOAD, safe=""), headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    page = Page(html)
    assert not any("alert(" in script for script in page.scripts) and "<script>alert" not in html
    for tag, attrs in page.elements:
        for name, _ in attrs:
            assert ATTRIBUTE_NAME.match(name), f"<{tag}> has an attribute {name!r}"
