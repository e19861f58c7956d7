"""Corpus-wide aggregates materialised at write time: the named queries ``documents``,
``reused_wording`` and ``bases`` read counts that graph/rdf.py (bkg:parsedProjectCount) and the
index sync (graph/wording, graph/statistics: embed/statistics.py) keep, and return exactly what
their original GROUP BY forms return, before and after a document goes."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from budgetkg.graph.queries import QUERIES
from budgetkg.graph.store import BudgetStore, StoreError

BASE = "https://w3id.org/budgetkg/id/"
BKG = "https://w3id.org/budgetkg/ontology#"

#: The named queries as they were, grouping the union of all graphs at query time: the reference,
#: kept in bench/aggregates.py (which times them against the named queries).
def _original():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "aggregates.py"
    spec = importlib.util.spec_from_file_location("bench_aggregates", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ORIGINAL


ORIGINAL = _original()
#: The variables of each original ORDER BY: rows equal on all of them may come in either order.
ORDER_BY = {"bases": ("projects", "canonical"), "reused_wording": ("projects", "uses", "text"),
            "documents": ("unitName", "year")}


def solutions(store, sparql: str) -> list[dict]:
    results = store.query(sparql)
    names = [v.value for v in results.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in results]


def variables(store, sparql: str) -> list[str]:
    return [v.value for v in store.query(sparql).variables]


def assert_as_original(store, name: str) -> list[dict]:
    """The named query returns the original's variables and rows, in its order (rows its ORDER BY
    leaves tied in any order); returns the rows."""
    assert variables(store, QUERIES[name].render()) == variables(store, ORIGINAL[name])
    new, old = solutions(store, QUERIES[name].render()), solutions(store, ORIGINAL[name])
    keys = ORDER_BY[name]
    assert [[row[k] for k in keys] for row in new] == [[row[k] for k in keys] for row in old]
    assert sorted(map(repr, new)) == sorted(map(repr, old))
    return new


@pytest.fixture(scope="module")
def synced(corpus_store, web_app):
    """Every document of data/, with the index synced (the web app's searcher syncs it once)."""
    return corpus_store


# ---- on the real corpus -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["documents", "reused_wording", "bases"])
def test_named_query_returns_what_the_original_aggregate_returns(synced, name):
    assert "COUNT" not in QUERIES[name].sparql and "GROUP BY" not in QUERIES[name].sparql  # it reads, not counts
    rows = assert_as_original(synced, name)
    assert len(rows) == {"documents": 9, "reused_wording": 100, "bases": 20}[name]


def test_bases_overview(synced):
    found = {r["canonical"]: r for r in solutions(synced, QUERIES["bases"].render())}
    assert found["河北省行政执法证件和行政执法监督检查证件管理办法"]["projects"] == "3"
    assert D(found["新增管委已批，必保项目"]["amount"]) == D("44.1") + D("27.2") + D(104) + D("11.9")


def test_documents_count_their_projects(synced):
    found = {r["file"]: r["projects"] for r in solutions(synced, QUERIES["documents"].render())}
    assert found["hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"] == "25"
    assert found["sh_putuo_wanli_street_2023_dept.pdf"] == "5" and found["sh_putuo_justice_2026_unit.pdf"] == "0"


def test_a_document_from_before_the_count_lists_no_count(hebei_path):
    store = BudgetStore(None)
    store.ingest(hebei_path)
    store.store.update(f"DELETE WHERE {{ GRAPH ?g {{ ?d <{BKG}parsedProjectCount> ?n }} }}")
    (row,) = solutions(store, QUERIES["documents"].render())
    assert row["file"] == "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt" and row["projects"] is None


def test_statistics_conform_to_the_shapes(synced):
    """The counted wordings and bases pass bkgsh:UseCountShape, which bites when a count is missing."""
    import pyoxigraph as ox
    import pyshacl
    import rdflib

    from budgetkg.ontology import SHAPES

    data = rdflib.Graph().parse(data=synced.store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ <{BASE}graph/statistics> <{BASE}graph/wording> }} "
        f"GRAPH ?g {{ ?s ?p ?o FILTER (?p IN (<{BKG}projectUseCount>, <{BKG}unitUseCount>, <{BKG}useRank>, "
        f"<{BKG}projectCostSum>)) }} }}").serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    shapes = rdflib.Graph().parse(SHAPES)
    shape = rdflib.URIRef("https://w3id.org/budgetkg/shapes#UseCountShape")
    own = {shape, *shapes.objects(shape, rdflib.SH.property)}

    def violations(graph):
        _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
        return [r for r, source in results.subject_objects(rdflib.SH.sourceShape) if source in own]

    bases = set(data.subjects(rdflib.URIRef(BKG + "projectCostSum")))
    assert len(bases) == 20 and len(set(data.subjects())) > 100
    assert violations(data) == []
    broken = rdflib.Graph() + data
    broken.remove((next(iter(bases)), rdflib.URIRef(BKG + "unitUseCount"), None))
    assert len(violations(broken)) == 1


# ---- the statistics follow the corpus -------------------------------------------------------------
def test_statistics_follow_the_corpus(tmp_path, hebei, hebei_path, model):
    """A second unit's document citing the same bases doubles their counts; once it is removed and
    the index synced, the counts are the first document's again; once the last citing document
    goes, the bases stay (the shared graph keeps them) with 0 projects and no amount."""
    from budgetkg.embed.service import open_searcher
    from budgetkg.embed.statistics import sync_statistics
    from budgetkg.graph.rdf import document_ntriples

    from conftest import DATA

    store = BudgetStore(tmp_path / "store")
    store.ingest(hebei_path)
    store.ingest(DATA / "sh_putuo_wanli_street_2023_dept.pdf")
    twin = dataclasses.replace(
        hebei, source=dataclasses.replace(hebei.source, file="twin_2022_unit.txt", sha256="1" * 64),
        unit=dataclasses.replace(hebei.unit, name="秦皇岛经济技术开发区司法所", aliases=()), year=2022)
    store.replace_graph(store.document_iri("twin_2022_unit.txt"), *document_ntriples(twin))
    index = open_searcher(store, model).index

    def basis(name: str = "新增管委已批，必保项目") -> tuple:
        (row,) = [r for r in solutions(store, QUERIES["bases"].render()) if r["canonical"] == name]
        return row["projects"], row["units"], row["amount"] and D(row["amount"])

    def wording(text: str = "满意群众占总人数的比重") -> tuple:
        (row,) = [r for r in solutions(store, QUERIES["reused_wording"].render()) if r["text"] == text]
        return row["uses"], row["projects"], row["units"]

    for name in ORIGINAL:
        assert_as_original(store, name)
    assert basis() == ("8", "2", 2 * D("187.2")) and wording() == ("28", "28", "2")
    assert sync_statistics(index, store) is False  # nothing changed: the graph is not rewritten

    store.remove("twin_2022_unit.txt")
    assert basis() == ("8", "2", 2 * D("187.2"))  # stale until the sync: what the sync is for
    with pytest.raises(AssertionError):
        assert_as_original(store, "bases")
    index.sync(store)
    for name in ORIGINAL:
        assert_as_original(store, name)
    assert basis() == ("4", "1", D("187.2")) and wording() == ("14", "14", "1")

    store.remove("hebei_qinhuangdao_etdz_zhengfawei_2021_unit")
    index.sync(store)
    bases = assert_as_original(store, "bases")
    assert len(bases) == 20 and {(r["projects"], r["units"], r["amount"]) for r in bases} == {("0", "0", None)}
    assert not store.query(f"ASK {{ GRAPH <{BASE}graph/statistics> {{ ?basis <{BKG}projectUseCount> ?n }} }}")
    assert_as_original(store, "reused_wording")
    assert_as_original(store, "documents")


def test_a_store_that_cannot_be_written_keeps_its_graph(hebei_path):
    """As for the wording graph: the statistics wait for the next writable sync, no error."""
    from budgetkg.embed.index import WordingIndex
    from budgetkg.embed.statistics import sync_statistics

    store = BudgetStore(None)
    store.ingest(hebei_path)
    index = WordingIndex(None, "unused")
    index.db.execute("INSERT INTO documents SELECT ?, ?", (store.documents()[0]["doc"], store.documents()[0]["sha"]))

    def refuse(*args, **kwargs):
        raise StoreError("read-only")

    store.replace_derived_graph = refuse
    assert sync_statistics(index, store) is False
    assert index.db.execute("SELECT COUNT(*) FROM citations").fetchone()[0] > 0


# ---- the ranks and sums, on rows made to tell the orders apart --------------------------------------
def ranks(ntriples: str) -> dict[str, int]:
    return {line.split()[0][1:-1]: int(line.split()[2].split('"')[1])
            for line in ntriples.splitlines() if f"<{BKG}useRank>" in line}


def test_bases_rank_by_projects_then_label_and_sum_exactly():
    import sqlite3

    from budgetkg.embed.statistics import SCHEMA, statistics_ntriples

    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO citations VALUES (?,?,?,?,?)", [
        ("d1", "http://x/1", "http://x/p1", "http://x/u1", "0.1"),  # label B, 2 projects
        ("d1", "http://x/1", "http://x/p2", "http://x/u1", "0.2"),
        ("d1", "http://x/2", "http://x/p1", "http://x/u1", "0.1"),  # label A, 2 projects: before x/1 by label
        ("d1", "http://x/2", "http://x/p3", "http://x/u1", None),   # (a citing project without a cost)
        ("d1", "http://x/3", "http://x/p1", "http://x/u1", "0.1"),  # label C, 3 projects of 2 units
        ("d2", "http://x/3", "http://x/p4", "http://x/u2", "0.1"),
        ("d2", "http://x/3", "http://x/p5", "http://x/u2", "0.1"),
    ])
    out = statistics_ntriples(db, {"http://x/1": "B", "http://x/2": "A", "http://x/3": "C"})
    assert ranks(out) == {"http://x/3": 1, "http://x/2": 2, "http://x/1": 3}
    decimal = "^^<http://www.w3.org/2001/XMLSchema#decimal> ."
    assert f'<http://x/1> <{BKG}projectCostSum> "0.3"{decimal}' in out  # exact: not 0.30000000000000004
    assert f'<http://x/3> <{BKG}projectCostSum> "0.3"{decimal}' in out
    assert f'<http://x/3> <{BKG}unitUseCount> "2"' in out and f'<http://x/3> <{BKG}projectUseCount> "3"' in out
    assert f"<http://x/2> <{BKG}projectCostSum>" not in out  # SUM over an unbound cost is unbound


def test_wordings_rank_by_projects_then_uses_then_text():
    from budgetkg.embed.index import WordingIndex

    index = WordingIndex(None, "unused")
    db, vector = index.db, b"\0" * 4
    wordings = {"a": "甲", "b": "乙", "c": "丙"}  # 丙 < 乙 < 甲 by code point
    db.executemany("INSERT INTO texts VALUES (?, ?, ?)", [(n, text, vector) for n, text in enumerate(wordings.values())])
    index.wordings.db.executemany("INSERT INTO wordings VALUES (?, ?, ?)", [(k, t, t) for k, t in wordings.items()])
    db.executemany("INSERT INTO text_wording VALUES (?, ?)", [(n, k) for n, k in enumerate(wordings)])
    rows = [  # 甲: 3 rows of 1 project; 乙 and 丙: 1 row each of 2 projects (tied: 丙 first by text)
        ("i1", 0, "p1"), ("i2", 0, "p1"), ("i3", 0, "p1"), ("i4", 1, "p1"), ("i5", 1, "p2"), ("i6", 2, "p1"),
        ("i7", 2, "p3")]
    db.executemany("INSERT INTO items (indicator, document, text_id, project, unit, year) VALUES (?, 'd', ?, ?, 'u', 2021)",
                   rows)
    out = index.wordings.graph_ntriples(BASE)
    assert ranks(out) == {BASE + "wording/c": 1, BASE + "wording/b": 2, BASE + "wording/a": 3}
