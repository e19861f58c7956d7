"""The whole corpus of data/ (text and PDF) through ingest, the graph, search and the CLI."""

from __future__ import annotations

import shutil
from decimal import Decimal as D

import pytest

from budgetkg.embed.service import open_searcher
from budgetkg.graph.queries import QUERIES
from budgetkg.graph.store import BudgetStore
from budgetkg.server.cli import main


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, hebei_path, model):
    folder = tmp_path_factory.mktemp("corpus") / "store"
    assert main(["ingest", str(hebei_path.parent), "--store", str(folder), "--quiet"]) == 0
    store = BudgetStore(folder)
    return store, open_searcher(store, model)


def rows(store, name, **params):
    results = store.query(QUERIES[name].render(**params))
    names = [v.value for v in results.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in results]


def test_every_document_is_in_the_graph(corpus):
    store, _ = corpus
    stats = store.stats()
    assert stats["documents"] == 9 and stats["units"] == 5
    formats = sorted(d["format"] for d in store.documents())
    assert formats == ["pdf"] * 8 + ["text"]


def test_budget_figures_of_a_pdf_unit(corpus):
    store, _ = corpus
    found = rows(store, "unit_budget", unit="上海市普陀区司法局")
    income = {(r["year"], r["document"].rsplit("/", 1)[1]): D(r["amount"]) for r in found
              if r["figure"].endswith("#IncomeTotal")}
    assert income == {("2026", "sh_putuo_justice_2026_dept"): D("9628.22"),  # the 部门: 局 and the units under it
                      ("2026", "sh_putuo_justice_2026_unit"): D("8695.94")}
    assert all(r["line"] is None for r in found) and all(r["page"] for r in found if "Income" in r["figure"])


def test_functional_classification_as_skos(corpus):
    store, _ = corpus
    (row,) = list(store.query("""
        SELECT DISTINCT ?label ?parent ?top WHERE {
          ?c skos:notation "2040601" ; skos:prefLabel ?label ; skos:broader ?p .
          ?p skos:notation ?parent ; skos:broader/skos:notation ?top }"""))
    assert (row["label"].value, row["parent"].value, row["top"].value) == ("行政运行", "20406", "204")
    spending = list(store.query("""
        SELECT DISTINCT ?f ?amount WHERE {
          ?f bkg:functionalClass/skos:notation "2040604" ; bkg:spendingKind "total" ; bkg:amount ?amount ;
             prov:wasDerivedFrom/bkg:fileName "sh_putuo_justice_2026_unit.pdf" }"""))
    assert [D(s["amount"].value) for s in spending] == [D("2170.3947")]


def test_pdf_indicators_are_searchable_by_their_wording(corpus):
    _, searcher = corpus
    result = searcher.search("社区公共服务中心建筑面积有多大", k=3)
    hits = [h for g in result["groups"] for h in g["hits"]]
    assert any(h["level3"] == "规划建筑面积" and h["page"] == 31 and h["line"] is None for h in hits)
    assert all(h["unit_name"] for h in hits)


def test_a_broken_pdf_in_a_batch(tmp_path, hebei_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    real = hebei_path.parent / "sh_putuo_justice_2026_unit.pdf"
    shutil.copy(real, folder)
    (folder / "cut.pdf").write_bytes(real.read_bytes()[: len(real.read_bytes()) // 3])
    (folder / "notes.pdf").write_text("这不是PDF", encoding="utf-8")
    store = tmp_path / "store"
    assert main(["ingest", str(folder), "--store", str(store), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "1 added, 0 replaced, 0 unchanged, 2 failed" in captured.out
    assert "cut.pdf" in captured.err and "notes.pdf" in captured.err and "Traceback" not in captured.err
    assert BudgetStore(store).stats()["documents"] == 1
