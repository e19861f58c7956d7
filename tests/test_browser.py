"""End to end in a real browser: Debian's headless Chromium, driven by Playwright, against a live
`budgetkg serve` over every document in data/ (fixtures in tests/browser.py). Each step leaves a
full-page screenshot in $BUDGETKG_ARTIFACTS (default tests/artifacts/), a failure one more."""

from __future__ import annotations

import re
import urllib.parse
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytest_plugins = ["browser"]
pytestmark = pytest.mark.slow

UNIT = "中共秦皇岛经济技术开发区工委政法委员会"
BASIS = "冀综治办〔2017〕6号"
BASIS_IRI = "https://w3id.org/budgetkg/id/basis/"
# A paraphrase of 高效率的完成视频监控点位的建设, a wording the 综治工作专项经费 project (which cites
# 冀综治办（2017）6号) shares with other 综治 projects: its result group holds that project's indicator.
QUERY = "视频监控点位是否高效建成"


@pytest.fixture(scope="module")
def citing_projects(hebei):
    """The Hebei sample's projects with an indicator citing 冀综治办〔2017〕6号: {name: cost in 万元}."""
    projects = {}
    for project in hebei.projects:
        for indicator in project.indicators:
            if any(ref["canonical"] == BASIS for ref in indicator.basis.refs):
                projects[project.name] = project.cost
    assert projects, "the sample cites 冀综治办〔2017〕6号"
    return projects


def test_sparql_page_runs_a_named_query(web, live_server):
    page = web.page
    page.goto(live_server + "/sparql")
    button = page.locator("button[data-example]", has_text=re.compile(r"^\s*projects_by_basis\s*$"))
    expect(button).to_have_count(1)
    expect(page.locator("#yasgui .CodeMirror")).to_be_visible()
    web.shot("sparql-page")

    button.click()
    rows = page.locator(".yasr .yasr_results table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator(".yasr_response_chip")).to_contain_text("result")
    web.shot("projects-by-basis-results")

    ellipse = page.get_by_label("Ellipse")  # YASR's cut-off cells, off for a readable screenshot
    if ellipse.count() == 1 and ellipse.is_checked():
        ellipse.uncheck()
        web.shot("results-full-cells")
    text = " ".join(rows.all_text_contents())
    assert UNIT in text and "综治工作专项经费" in text and BASIS in text, text
    assert "冀综治办-2017-6" in urllib.parse.unquote(text)
    foreign = web.foreign_requests()
    assert not foreign, f"the page reached beyond this machine: {foreign}"
    assert any(url.startswith(live_server) and "/static/yasgui/" in url for url in web.requests)
    assert not web.errors, web.errors


def test_search_to_indicator_to_basis(web, live_server, citing_projects):
    page = web.page
    page.goto(live_server + "/")
    form = page.locator("form#search")
    box = form.locator("input[name=q]")
    expect(box).to_be_visible()
    web.shot("home")

    box.fill(QUERY)
    web.shot("query-typed")
    box.press("Enter")
    groups = page.locator(".result-group")
    expect(groups.first).to_be_visible()
    web.shot("search-results")
    assert groups.count() >= 1
    for number in range(groups.count()):
        assert groups.nth(number).locator("a.hit-indicator").count() >= 1, f"result group {number + 1} has no hit"

    # the first hit: its indicator page, with its legal bases as links
    hits = page.locator(".result-group a.hit-indicator")
    targets = [hits.nth(number).evaluate("a => a.href") for number in range(hits.count())]
    hits.first.click()
    page.wait_for_url(re.compile(r"/id/document/[^/]+/.*indicator/"))
    assert page.url == targets[0]
    bases = page.locator("a.basis-link")
    expect(bases.first).to_be_visible()
    web.shot("indicator")

    # the hit whose indicator cites 冀综治办〔2017〕6号 (several projects share a wording, the
    # citing one need not be the first hit of its group)
    wanted = page.locator("a.basis-link", has_text=BASIS)
    for target in targets[1:]:
        if wanted.count():
            break
        page.goto(target)
        expect(bases.first).to_be_visible()
    assert wanted.count(), f"no hit for {QUERY!r} leads to an indicator citing {BASIS}: {targets}"
    web.shot("indicator-citing-basis")

    wanted.first.click()
    page.wait_for_url(re.compile(r"/id/basis/"))
    rows = page.locator("table#citing-projects tbody tr")
    expect(rows.first).to_be_visible()
    web.shot("basis")

    texts = rows.all_inner_texts()
    listed = {name for name in citing_projects if any(name in text for text in texts)}
    assert listed == set(citing_projects), texts
    for text in texts:
        assert UNIT in text and "2021" in text, text
        name = next(name for name in citing_projects if name in text)
        amounts = {Decimal(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text.replace(name, ""))}
        cost = citing_projects[name]
        assert cost in amounts or cost * 10_000 in amounts, f"{name}: {cost} 万元 not in {text!r}"

    iri = page.locator("code.iri").first.inner_text().strip()
    assert iri.startswith(BASIS_IRI), iri
    assert "冀综治办" in urllib.parse.unquote(iri), iri
    assert not web.foreign_requests(), web.foreign_requests()
