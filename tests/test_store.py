"""The graph store: ingest, replace, remove, stats, export round trips, named queries."""

from __future__ import annotations

import io
import re
import shutil
from datetime import datetime, timezone
from decimal import Decimal as D

import numpy as np
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import compare

from budgetkg.graph import rdf as rdf_module
from budgetkg.graph.queries import QUERIES
from budgetkg.graph.parse import parse_document
from budgetkg.graph.records import DocumentError
from budgetkg.graph.store import EXPORT_FORMATS, BudgetStore, StoreError
from budgetkg.server.cli import main

DOC = "https://w3id.org/budgetkg/id/document/hebei_qinhuangdao_etdz_zhengfawei_2021_unit"
INGESTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, hebei_path):
    folder = tmp_path_factory.mktemp("store")
    store = BudgetStore(folder)
    store.ensure_ontology()
    assert store.ingest(hebei_path).status == "added"
    del store
    return folder


@pytest.fixture(scope="module")
def store(store_dir):
    return BudgetStore(store_dir, read_only=True)


def rows(store, name, **params):
    results = store.query(QUERIES[name].render(**params))
    names = [v.value for v in results.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in results]


def quads(store):
    return sorted(str(q) for q in store)


# ---- contents -----------------------------------------------------------------------------------------
def test_stats(store):
    stats = store.stats()
    assert stats["documents"] == 1 and stats["units"] == 1
    assert stats["projects"] == 25 and stats["indicators"] == 156
    assert stats["bases"] == 20
    assert stats["triples"] == len(store) > 4000


def test_one_named_graph_per_document_plus_the_ontology_and_the_shared_nodes(store):
    graphs = {g.value for g in store.store.named_graphs()}
    assert graphs == {DOC, "https://w3id.org/budgetkg/id/graph/ontology", "https://w3id.org/budgetkg/id/graph/shared"}
    # units, legal bases and classification concepts live in the shared graph, the rest in the document's
    shared = {q.subject.value.split("/id/", 1)[1].split("/", 1)[0]
              for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(store.shared_graph))}
    assert shared == {"unit", "basis", "indicator-class"}
    (doc,) = store.documents()
    assert doc["file"] == "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"
    assert (doc["unit"], doc["year"], doc["kind"], doc["format"]) == (
        "中共秦皇岛经济技术开发区工委政法委员会", "2021", "单位预算", "text",
    )
    assert len(doc["sha"]) == 64


def test_provenance_of_every_indicator(store):
    result = store.query("""
        SELECT ?indicator ?line ?doc ?version ?time WHERE {
          GRAPH ?g { ?indicator a bkg:Indicator ; bkg:project ?p ; prov:wasDerivedFrom ?doc ; bkg:sourceLine ?line .
                     ?doc bkg:parserVersion ?version ; prov:generatedAtTime ?time } }""")
    found = list(result)
    assert len(found) == 156
    assert {s["doc"].value for s in found} == {DOC}
    assert {int(s["line"].value) for s in found} >= {254, 435, 529}


def test_money_is_decimal_in_wan_yuan_and_text_is_zh(store):
    (row,) = list(store.query(f"""
        SELECT ?amount ?unit WHERE {{ <{DOC}/figure/income_total> bkg:amount ?amount ; bkg:amountUnit ?unit }}"""))
    assert row["amount"].datatype.value == "http://www.w3.org/2001/XMLSchema#decimal"
    assert D(row["amount"].value) == D("1099.98")
    assert (row["unit"].value, row["unit"].language) == ("万元", "zh")


# ---- named queries -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["冀综治办〔2017〕6号", "冀综治办（2017）6号", "冀综治办(2017) 6 号"])
def test_projects_by_document_number(store, spelling):
    (row,) = rows(store, "projects_by_basis", basis=spelling)
    assert row["canonical"] == "冀综治办〔2017〕6号" and row["kind"] == "document_number"
    assert row["projectName"] == "综治工作专项经费" and row["project"].endswith("/project/9")
    assert row["unitName"] == "中共秦皇岛经济技术开发区工委政法委员会" and row["year"] == "2021"
    assert D(row["cost"]) == D(12) and row["indicators"] == "7"


@pytest.mark.parametrize("spelling", ["中华人民共和国禁毒法", "《禁毒法》", "禁毒法"])
def test_projects_by_law(store, spelling):
    (row,) = rows(store, "projects_by_basis", basis=spelling)
    assert row["canonical"] == "中华人民共和国禁毒法" and row["kind"] == "law"
    # the drug-rehabilitation project, whatever its (copied) title says
    assert row["project"].endswith("/project/17") and D(row["cost"]) == D(15)
    assert row["projectName"] == "防范和处理邪教问题工作专项经费"


def test_a_basis_cited_by_title_and_by_number_is_one_entity(store):
    found = rows(store, "projects_by_basis", basis="秦开工办〔2017〕22号")
    assert sorted(int(r["project"].rsplit("/", 1)[1]) for r in found) == [7, 18]
    by_title = rows(store, "projects_by_basis", basis="关于印发《秦皇岛经济技术开发区机关事业单位工作人员学法制度》的通知")
    assert {r["project"] for r in by_title} == {r["project"] for r in found}


def test_internal_decisions_are_not_legal_resources(store):
    found = rows(store, "projects_by_basis", basis="新增管委已批, 必保项目")
    assert sorted(int(r["project"].rsplit("/", 1)[1]) for r in found) == [6, 8, 12, 20]
    assert {r["kind"] for r in found} == {"internal_decision"}
    assert not bool(store.query("ASK { ?b bkg:basisKind \"internal_decision\" ; a eli:LegalResource }"))


def test_bases_overview_lists_every_basis(store):
    """(Their counts come from the index sync: tests/test_statistics.py.)"""
    assert len({r["canonical"] for r in rows(store, "bases")}) == 20


def test_unit_budget_by_alias(store):
    found = rows(store, "unit_budget", unit="政法委")
    figures = {(r["year"], r["figure"].rsplit("#", 1)[1]): D(r["amount"]) for r in found}
    assert figures[("2021", "IncomeTotal")] == D("1099.98")
    assert figures[("2021", "ProjectExpenditure")] == D("515.82")
    assert figures[("2021", "SangongTotal")] == D("11.22")
    assert figures[("2020", "SangongTotal")] == D("5.61")
    assert figures[("2020", "AssetsTotal")] == D("314.78")
    assert all(r["line"] for r in found)


def test_wording_usage(store, hebei):
    found = rows(store, "wording_usage", text="满意群众占总人数的比重")
    expected = sorted(
        (p.no, i.line) for p in hebei.projects for i in p.indicators if i.description == "满意群众占总人数的比重"
    )
    assert len(found) == len(expected) == 14
    assert {r["level2Label"] for r in found} == {"服务对象满意度指标"}


def test_named_query_parameters_are_escaped(store):
    assert rows(store, "wording_usage", text='" } ; DROP ALL ; #') == []
    with pytest.raises(KeyError):
        QUERIES["wording_usage"].render()


def test_every_named_query_runs(store):
    for name, query in QUERIES.items():
        list(store.query(query.render(**(query.example or {}))))


# ---- export round trip -----------------------------------------------------------------------------------
def _rdflib(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    datatype = term.datatype.value
    if term.language or datatype == "http://www.w3.org/2001/XMLSchema#string":
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))


def _stored_graphs(store) -> dict[str, rdflib.Graph]:
    graphs: dict[str, rdflib.Graph] = {}
    for q in store:
        graph = graphs.setdefault(q.graph_name.value, rdflib.Graph())
        graph.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    return graphs


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_round_trip(store, fmt):
    """export → parse the export with rdflib → the same triples (graphs compared up to blank nodes)."""
    buffer = io.BytesIO()
    store.export(buffer, fmt)
    rdflib_format = {"turtle": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
    stored = _stored_graphs(store)
    if fmt in ("nq", "trig", "jsonld"):  # dataset formats: one named graph per document
        dataset = rdflib.Dataset()
        dataset.parse(data=buffer.getvalue(), format=rdflib_format)
        exported: dict[str, rdflib.Graph] = {}
        for s, p, o, g in dataset.quads():
            exported.setdefault(str(getattr(g, "identifier", g)), rdflib.Graph()).add((s, p, o))
        assert set(exported) == set(stored)
        for name, graph in stored.items():
            assert compare.isomorphic(exported[name], graph), name
    else:
        exported = rdflib.Graph().parse(data=buffer.getvalue(), format=rdflib_format)
        union = rdflib.Graph()
        for graph in stored.values():
            union += graph
        assert len(exported) == len(union) and compare.isomorphic(exported, union)


# ---- writing: unchanged, replaced, failed, removed ----------------------------------------------------------
@pytest.fixture
def fresh(tmp_path, hebei_path):
    store = BudgetStore(tmp_path / "store")
    store.ingest(hebei_path)
    return store


def test_reingest_unchanged_changes_nothing(fresh, hebei_path):
    before = quads(fresh)
    result = fresh.ingest(hebei_path)
    assert result.status == "unchanged" and quads(fresh) == before


def test_changed_document_replaces_its_graph(fresh, tmp_path, hebei_text):
    changed = tmp_path / "v2" / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"
    changed.parent.mkdir()
    changed.write_text(hebei_text.replace("收入为1099.98万元", "收入为1100.00万元"), encoding="utf-8")
    assert fresh.ingest(changed).status == "replaced"
    amounts = [s["a"].value for s in fresh.query(f"SELECT ?a WHERE {{ <{DOC}/figure/income_total> bkg:amount ?a }}")]
    assert [D(a) for a in amounts] == [D("1100.00")]
    assert fresh.stats()["documents"] == 1


def test_failed_document_leaves_the_store_exactly_as_it_was(fresh, tmp_path, hebei_text):
    before = quads(fresh)
    broken = tmp_path / "bad" / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"
    broken.parent.mkdir()
    broken.write_text(hebei_text[:20000] + "\n产出指标\t数量指标\t截断", encoding="utf-8")
    with pytest.raises(DocumentError):
        fresh.ingest(broken)
    assert quads(fresh) == before


def test_failure_while_building_the_graph_leaves_the_store_unchanged(fresh, tmp_path, hebei_text, monkeypatch):
    before = quads(fresh)
    changed = tmp_path / "v3" / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"
    changed.parent.mkdir()
    changed.write_text(hebei_text.replace("1099.98", "1099.99"), encoding="utf-8")

    def explode(*args, **kwargs):
        raise RuntimeError("simulated crash in the middle of building the graph")

    monkeypatch.setattr("budgetkg.graph.store.document_ntriples", explode)
    with pytest.raises(RuntimeError):
        fresh.ingest(changed)
    assert quads(fresh) == before


def test_invalid_update_is_rejected_whole(fresh):
    before = quads(fresh)
    with pytest.raises(Exception):
        fresh.replace_graph(DOC, "<http://a> <http://b> <http://c> .\nthis is not n-triples")
    assert quads(fresh) == before


@pytest.mark.parametrize("path", [None, "disk"])
def test_a_derived_graph_is_replaced_whole_or_left_absent(tmp_path, path, monkeypatch):
    """The wording and statistics graphs: dropped, then bulk-loaded, then marked; a load that
    fails leaves no part of the new graph and no marker, so the next sync writes it again."""
    store = BudgetStore(None if path is None else tmp_path / "store")
    graph = "https://example.org/graph/derived"
    other = "<http://a> <http://b> <http://c> ."
    store.replace_graph("https://example.org/graph/other", other)
    marker = f'<{graph}> <http://example.org/sha256> "v1" .'

    def triples() -> set[str]:
        return {str(q.triple) for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}

    store.replace_derived_graph(graph, "<http://s> <http://p> \"1\"@zh .\n<http://s> <http://p> <http://o> .", marker)
    assert triples() == {'<http://s> <http://p> "1"@zh', "<http://s> <http://p> <http://o>",
                         f'<{graph}> <http://example.org/sha256> "v1"'}
    store.replace_derived_graph(graph, "<http://s> <http://q> <http://o> .")  # replaced, nothing stale
    assert triples() == {"<http://s> <http://q> <http://o>"}
    # a syntax error after valid lines: what the bulk loader had loaded of them is dropped again
    lines = "\n".join(f"<http://s> <http://r> <http://o{n}> ." for n in range(2000))
    with pytest.raises(StoreError, match="cannot write the graph https://example.org/graph/derived"):
        store.replace_derived_graph(graph, lines + "\nthis is not n-triples", marker)
    assert triples() == set()  # neither the old graph nor part of the new one, nor the marker
    assert len(store.store) == 1  # the other graph untouched

    # the marker fails to be written: the loaded graph is dropped with it
    store.replace_derived_graph(graph, "<http://s> <http://q> <http://o> .")
    with pytest.raises(StoreError):
        store.replace_derived_graph(graph, "<http://s> <http://p> <http://o> .", "<http://not a marker")
    assert triples() == set() and len(store.store) == 1


def test_same_unit_and_basis_from_two_documents_are_one_node(fresh, tmp_path, hebei_text):
    second = tmp_path / "hebei_qinhuangdao_etdz_zhengfawei_2022_unit.txt"
    second.write_text(hebei_text.replace("2021", "2022"), encoding="utf-8")
    assert fresh.ingest(second).status == "added"
    stats = fresh.stats()
    assert (stats["documents"], stats["units"], stats["bases"], stats["projects"]) == (2, 1, 20, 50)
    found = rows(fresh, "projects_by_basis", basis="冀综治办〔2017〕6号")
    assert sorted(r["year"] for r in found) == ["2021", "2022"]
    # described by both documents, met once in the union of all graphs
    unit = "https://w3id.org/budgetkg/id/unit/中共秦皇岛经济技术开发区工委政法委员会"
    assert len(list(fresh.query(f"SELECT ?name WHERE {{ <{unit}> skos:prefLabel ?name }}"))) == 1
    assert len(list(fresh.query("SELECT ?l WHERE { ?c skos:prefLabel ?l ; skos:topConceptOf ?s }"))) == 3
    # removing one document keeps what the other still needs
    fresh.remove("hebei_qinhuangdao_etdz_zhengfawei_2021_unit")
    assert [r["year"] for r in rows(fresh, "projects_by_basis", basis="冀综治办〔2017〕6号")] == ["2022"]


def test_remove(fresh):
    with pytest.raises(KeyError):
        fresh.remove("nothing-like-this")
    assert fresh.remove("hebei_qinhuangdao_etdz_zhengfawei_2021_unit") == DOC
    assert fresh.stats()["documents"] == 0 and len(fresh) == 0


def test_configurable_base(tmp_path, hebei_path):
    store = BudgetStore(tmp_path / "s", base="http://example.org/kg")
    store.ingest(hebei_path)
    assert store.document_iri("x.txt") == "http://example.org/kg/document/x"
    assert bool(store.query("ASK { <http://example.org/kg/unit/中共秦皇岛经济技术开发区工委政法委员会> a org:Organization }"))


def test_iri_slugs():
    iris = rdf_module.IRIs("http://e.org/")
    assert str(iris.basis("冀综治办-2017-6")) == "http://e.org/basis/冀综治办-2017-6"
    assert str(iris("unit", "a b/c")) == "http://e.org/unit/a-b-c"


# ---- the command line ---------------------------------------------------------------------------------------
def test_cli_ingest_batch_goes_on_after_a_bad_document(tmp_path, hebei_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(hebei_path, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    (folder / "empty.txt").write_text("")
    store = tmp_path / "store"
    assert main(["ingest", str(folder), "--store", str(store), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "1 added, 0 replaced, 0 unchanged, 2 failed" in captured.out
    assert "broken.txt:1: binary data" in captured.err and "empty.txt: the file is empty" in captured.err
    assert main(["ingest", str(folder / hebei_path.name), "--store", str(store), "--quiet"]) == 0
    assert "0 added, 0 replaced, 1 unchanged, 0 failed" in capsys.readouterr().out

    assert main(["stats", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "documents: 1" in out and "indicators: 156" in out

    assert main(["sparql", "--named", "projects_by_basis", "--param", "basis=冀财行[2013]80 号",
                 "--store", str(store), "--format", "csv"]) == 0
    csv = capsys.readouterr().out
    assert "冀财行〔2013〕80号" in csv and "法律援助工作经费" in csv

    assert main(["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s a bkg:Project }", "--store", str(store),
                 "--format", "json"]) == 0
    assert '"value":"25"' in capsys.readouterr().out.replace(" ", "")

    assert main(["sparql", "SELECT * WHERE { ?s ?p }", "--store", str(store)]) == 2
    assert "not valid SPARQL" in capsys.readouterr().err

    out_file = tmp_path / "all.nq"
    assert main(["export", "--store", str(store), "--format", "nq", "-o", str(out_file)]) == 0
    assert out_file.stat().st_size > 100_000

    assert main(["remove", "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt", "--store", str(store)]) == 0
    assert main(["remove", "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt", "--store", str(store)]) == 1
    assert "no document" in capsys.readouterr().err


# ---- the originals, kept for the app to serve --------------------------------------------------------------
def test_originals_are_kept_replaced_and_removed_with_their_graph(fresh, tmp_path, hebei_path, hebei_text):
    name = hebei_path.name
    assert fresh.source(name) == hebei_path.read_bytes()
    assert sorted(p.name for p in fresh.sources_folder.iterdir()) == [name]
    changed = tmp_path / "v4" / name
    changed.parent.mkdir()
    changed.write_text(hebei_text.replace("1099.98", "1099.97"), encoding="utf-8")
    fresh.ingest(changed)
    assert fresh.source(name) == changed.read_bytes()
    fresh.remove(name)
    assert fresh.source(name) is None and list(fresh.sources_folder.iterdir()) == []


def test_a_failed_write_keeps_the_old_original_and_leaves_no_staged_file(fresh, tmp_path, hebei_path, hebei_text, monkeypatch):
    changed = tmp_path / "v5" / hebei_path.name
    changed.parent.mkdir()
    changed.write_text(hebei_text.replace("1099.98", "1099.96"), encoding="utf-8")

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fresh, "replace_graph", refuse)
    with pytest.raises(Exception, match="disk full"):
        fresh.ingest(changed)
    assert fresh.source(hebei_path.name) == hebei_path.read_bytes()
    assert [p.name for p in fresh.sources_folder.iterdir()] == [hebei_path.name]


@pytest.mark.parametrize("name", ["../pyproject.toml", ".hidden", "", "a/b.txt", "..\\x.txt"])
def test_source_names_cannot_leave_the_folder(fresh, name):
    assert fresh.source(name) is None


def test_an_in_memory_store_keeps_originals_in_memory(hebei_path):
    store = BudgetStore(None)
    store.ingest(hebei_path)
    assert store.source(hebei_path.name) == hebei_path.read_bytes() and store.sources_folder is None


def test_the_store_holds_exactly_the_documents_graph(tmp_path):
    """The N-Triples written straight from the terms (what ingest stores) are the graph
    document_graph builds, for every document of data/."""
    from budgetkg.graph.parse import parse_document
    from budgetkg.graph.rdf import document_graph, document_ntriples

    from conftest import DATA

    for path in sorted(DATA.iterdir()):
        if path.suffix not in (".txt", ".pdf"):
            continue
        document = parse_document(path)
        own, shared = document_ntriples(document, ingested_at=INGESTED)
        written = rdflib.Graph().parse(data=own + "\n" + shared, format="nt")
        assert compare.isomorphic(written, document_graph(document, ingested_at=INGESTED)), path.name


# ---- many documents: workers, and building a new store by bulk loading -------------------------------------
@pytest.fixture(scope="module")
def copies(tmp_path_factory, hebei_path):
    """Twelve copies of the sample under other names, and one broken document among them."""
    folder = tmp_path_factory.mktemp("copies")
    text = hebei_path.read_text(encoding="utf-8")
    files = []
    for n in range(12):
        path = folder / f"copy_{n:02d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    broken = folder / "copy_broken.txt"
    broken.write_text(text[:20000] + "\n产出指标\t数量指标\t截断", encoding="utf-8")
    files.insert(5, broken)
    return files


def test_ingest_many_with_workers_reports_each_document_in_order(tmp_path, copies):
    store = BudgetStore(tmp_path / "store")
    results = list(store.ingest_many(copies, workers=2))
    assert [None if isinstance(r, DocumentError) else r.file for r in results] == \
        [p.name if p.name != "copy_broken.txt" else None for p in copies]
    assert isinstance(results[5], DocumentError) and "copy_broken.txt" in str(results[5])
    assert {r.status for r in results if not isinstance(r, DocumentError)} == {"added"}
    assert store.stats()["documents"] == 12
    again = list(store.ingest_many(copies, workers=2))
    assert {r.status for r in again if not isinstance(r, DocumentError)} == {"unchanged"}


@pytest.mark.parametrize("batch", [300, 3])
def test_a_built_store_equals_one_ingested_document_by_document(tmp_path, copies, batch, monkeypatch):
    """Also when loaded in several batches, where what each copy says of the shared nodes (the
    same unit, bases and classes) is loaded with the first batch only."""
    from budgetkg.graph import store as store_module

    monkeypatch.setattr(store_module, "BULK_BATCH", batch)
    shared_sizes = []
    real_bulk_write = BudgetStore._bulk_write

    def bulk_write(self, items, shared_written):
        real_bulk_write(self, items, shared_written)
        shared_sizes.append(len(shared_written))

    monkeypatch.setattr(BudgetStore, "_bulk_write", bulk_write)
    results = BudgetStore.build(tmp_path / "built", copies, workers=2)
    assert len(shared_sizes) == (1 if batch == 300 else 4)
    assert shared_sizes[0] > 100 and len(set(shared_sizes)) == 1  # nothing new after the first batch
    assert sum(isinstance(r, DocumentError) for r in results) == 1
    assert not (tmp_path / "built.building").exists()
    built = BudgetStore(tmp_path / "built")
    one_by_one = BudgetStore(None)
    one_by_one.ensure_ontology()
    for path in copies:
        try:
            one_by_one.ingest(path)
        except DocumentError:
            pass

    def triples(store):  # all but the ingest times and the ontology's blank nodes
        return {(q.subject, q.predicate, q.object, q.graph_name) for q in store
                if q.predicate.value != "http://www.w3.org/ns/prov#generatedAtTime"
                and not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    assert triples(built) == triples(one_by_one)
    assert built.source("copy_03.txt") == copies[3].read_bytes()


def test_a_failed_build_leaves_no_store(tmp_path, copies, monkeypatch):
    def fail(self, items, shared_written):
        raise OSError("disk full")

    monkeypatch.setattr(BudgetStore, "_bulk_write", fail)
    with pytest.raises(OSError):
        BudgetStore.build(tmp_path / "built", copies)
    assert not (tmp_path / "built").exists() and not (tmp_path / "built.building").exists()


def test_build_refuses_a_store_that_has_data(tmp_path, copies, hebei_path):
    BudgetStore(tmp_path / "full").ingest(hebei_path)
    from budgetkg.graph.store import StoreError

    with pytest.raises(StoreError, match="not empty"):
        BudgetStore.build(tmp_path / "full", copies)


def test_cli_builds_a_new_store_in_bulk(tmp_path, hebei_path, capsys, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(21):
        (folder / f"copy_{n:02d}.txt").write_bytes(hebei_path.read_bytes())
    asked = []  # what this process asks the store: the workers hand the index its rows instead
    real_query = BudgetStore.query
    monkeypatch.setattr(BudgetStore, "query", lambda self, sparql, **kw: asked.append(sparql) or real_query(self, sparql, **kw))
    assert main(["ingest", str(folder), "--store", str(tmp_path / "store"), "--quiet", "--workers", "2"]) == 0
    monkeypatch.undo()
    out = capsys.readouterr().out
    assert "21 added, 0 replaced, 0 unchanged, 0 failed" in out
    assert re.search(r"store compacted in [0-9.]+ s", out), out
    from budgetkg.embed.index import INDICATORS_QUERY
    from budgetkg.embed.statistics import CITATIONS_QUERY

    assert not [q for q in asked if INDICATORS_QUERY.split("WHERE")[0] in q or CITATIONS_QUERY.split("WHERE")[0] in q]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "store"]  # no .building left
    # the texts were encoded while the store was built, and the index holds the model's own vectors
    assert "while the store was built" in out, out
    from budgetkg.embed.service import LazyModel, open_index
    from budgetkg.graph.store import document_texts

    index = open_index(tmp_path / "store", LazyModel())
    stored = dict(index.db.execute("SELECT text, vector FROM texts"))
    assert stored and set(stored) <= set(document_texts(parse_document(hebei_path)))
    sample = sorted(stored)[:8]
    direct = LazyModel()().encode_document(sample)
    assert np.allclose(np.stack([np.frombuffer(stored[t], dtype=np.float32) for t in sample]), direct, atol=1e-5)
    # an index read back from the store holds the very rows the workers handed over
    items = ("SELECT t.text, n.text, description, level1, level2, level3, value, project, project_name, project_no, "
             "unit, unit_name, year, line, page, document, indicator FROM items LEFT JOIN texts t ON t.id = text_id "
             "LEFT JOIN texts n ON n.id = name_id ORDER BY indicator")
    tables = (items, "SELECT * FROM item_bases ORDER BY indicator, basis",
              "SELECT * FROM citations ORDER BY document, basis, project", "SELECT * FROM citation_documents ORDER BY iri")
    handed = [index.db.execute(sql).fetchall() for sql in tables]
    assert all(handed)
    index.close()
    from budgetkg.embed.index import WordingIndex

    reread = WordingIndex(tmp_path / "reread", index.model_name, LazyModel())
    reread.sync(BudgetStore(tmp_path / "store", read_only=True))
    assert [reread.db.execute(sql).fetchall() for sql in tables] == handed
    reread.close()
    assert main(["ingest", str(folder), "--store", str(tmp_path / "store"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "0 added, 0 replaced, 21 unchanged" in out
    assert "compacted" not in out  # only a bulk build is compacted


def test_bulk_prepared_quads_give_back_each_graphs_triples(hebei_path):
    """A document prepared for a bulk load carries N-Quads only; written one by one (a file
    name given twice) its own and shared triples are taken back out of them unchanged."""
    from budgetkg.graph.store import _ntriples, prepare

    base = "https://example.org/id/"
    plain, bulk = prepare(hebei_path, base), prepare(hebei_path, base, quads=True)
    assert bulk.own == bulk.shared == "" and bulk.quads
    shared_graph = base + "graph/shared"
    lines = lambda text: sorted(line for line in text.split("\n") if line and "generatedAtTime" not in line)
    assert lines(_ntriples(bulk.quads, plain.iri)) == lines(plain.own)
    assert lines(_ntriples(bulk.shared_quads, shared_graph)) == lines(plain.shared)


def test_parse_workers_stop_when_the_reader_stops(copies, monkeypatch):
    """The workers run at most a backlog ahead; a reader that stops early closes the pool
    rather than leaving the pool's task thread waiting for room (closing would then hang)."""
    import threading

    from budgetkg.graph import store as store_module

    monkeypatch.setattr(store_module, "BACKLOG", 1)  # at least 8 per worker: 16 documents ahead
    todo = [(path, path.read_bytes(), None) for path in copies * 3]
    outcome = []

    def read_one_then_stop():
        prepared = store_module._prepared(todo, "https://example.org/id/", workers=2)
        outcome.append(next(prepared).path)
        prepared.close()
        outcome.append("closed")

    reader = threading.Thread(target=read_one_then_stop, daemon=True)
    reader.start()
    reader.join(timeout=180)
    assert outcome == [copies[0], "closed"]


@pytest.fixture(scope="module")
def bulk_folder(tmp_path_factory, hebei_path):
    """Enough copies of the sample for the command line to build a new store in bulk."""
    from budgetkg.server.cli import BULK_MINIMUM

    folder = tmp_path_factory.mktemp("bulk")
    for n in range(BULK_MINIMUM):
        (folder / f"copy_{n:02d}.txt").write_bytes(hebei_path.read_bytes())
    return folder


def test_a_bulk_built_store_is_compacted_once_the_index_sync_has_written(tmp_path, bulk_folder, capsys, monkeypatch):
    seen = []
    real_compact = BudgetStore.compact

    def compact(self):
        # the wording and statistics graphs the sync writes are in the store when it is compacted
        graphs = {str(g.value) for g in self.store.named_graphs()}
        seen.append({self.iris.base + "graph/wording", self.iris.base + "graph/statistics"} <= graphs)
        real_compact(self)

    monkeypatch.setattr(BudgetStore, "compact", compact)
    assert main(["ingest", str(bulk_folder), "--store", str(tmp_path / "store"), "--quiet", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert seen == [True]
    assert out.index("wording index:") < out.index("store compacted in")
    monkeypatch.undo()
    store = BudgetStore(tmp_path / "store", read_only=True)
    rows = list(store.query(QUERIES["projects_by_basis"].render(basis="冀综治办〔2017〕6号")))
    assert rows and len({row["document"] for row in rows}) == len(list(bulk_folder.iterdir()))


def test_a_failed_compaction_is_a_warning_and_the_store_is_whole(tmp_path, bulk_folder, capsys, monkeypatch):
    def compact(self):
        raise StoreError(f"cannot compact the store {self.path}: IO error: No space left on device")

    monkeypatch.setattr(BudgetStore, "compact", compact)
    assert main(["ingest", str(bulk_folder), "--store", str(tmp_path / "store"), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "compacted in" not in captured.out
    assert "warning: the new store was not compacted" in captured.err and "No space left on device" in captured.err
    store = BudgetStore(tmp_path / "store", read_only=True)
    assert len(store.documents()) == len(list(bulk_folder.iterdir()))


def test_compacting_keeps_every_quad(tmp_path, copies):
    BudgetStore.build(tmp_path / "built", copies, workers=2)
    store = BudgetStore(tmp_path / "built")
    before = sorted(map(str, store))
    store.compact()
    assert sorted(map(str, store)) == before and before
    BudgetStore(None).compact()  # an in-memory store has nothing to compact


def test_a_failed_bulk_build_from_the_command_line_ends_its_encoder(tmp_path, bulk_folder, capsys, monkeypatch):
    """The build fails (a full disk while loading): the command says so, leaves no store, and the
    encoder that ran beside the build is ended at once rather than left encoding."""
    import multiprocessing

    def fail(self, items, shared_written):
        raise StoreError("cannot bulk-load into the new store: IO error: No space left on device")

    monkeypatch.setattr(BudgetStore, "_bulk_write", fail)
    before = set(multiprocessing.active_children())
    assert main(["ingest", str(bulk_folder), "--store", str(tmp_path / "store"), "--quiet"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not (tmp_path / "store").exists() and not (tmp_path / "store.building").exists()
    assert set(multiprocessing.active_children()) <= before
