"""Reusable indicator wording: normalisation, clustering (exact, then near duplicates), the
clusters in the graph, suggestions for a new project, and their CLI, API and pages."""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pytest
from bs4 import BeautifulSoup

from budgetkg.embed.wording import NEAR_DUPLICATE, cluster, normalise
from budgetkg.server.cli import main

BASE = "https://w3id.org/budgetkg/id/"
BROWSER = {"Accept": "text/html"}


# ---- normalisation and clustering ---------------------------------------------------------------
@pytest.mark.parametrize("a,b", [
    ("根据宣传活动需要,制作宣传资料和物品,保障合格率", "根据宣传活动需要，制作宣传资料和物品，保障合格率。"),
    ("寒托班、暑托班 完成班级数", "寒托班暑托班完成班级数"),
    ("“9+X”网格员", "\"9+X\"网格员"),
    ("ＡＢＣ１２３", "abc123"),
])
def test_normalise_ignores_punctuation_spaces_and_width(a, b):
    assert normalise(a) == normalise(b)


def test_normalise_keeps_what_changes_the_meaning():
    assert normalise("≥90%") != normalise("≥95%") and normalise("次数") != normalise("天数")


def unit(*components: float) -> np.ndarray:
    vector = np.array(components, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def at(cosine: float, base: np.ndarray, other: np.ndarray) -> np.ndarray:
    """A unit vector at the given cosine from ``base``, towards ``other`` (orthogonal to it)."""
    return (cosine * base + np.sqrt(1 - cosine ** 2) * other).astype(np.float32)


def test_exact_groups_then_near_duplicates_join_the_most_used():
    e1, e2, e3 = unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)
    texts = {1: ("高效率的完成视频监控点位的建设", 4), 2: ("高效率的完成视频监控点位的建设。", 1),
             3: ("高质量的完成视频监控点位的建设", 2), 4: ("见义勇为人数", 1), 5: ("见义勇为天数", 1)}
    vectors = {1: e1, 2: e1, 3: at(NEAR_DUPLICATE + 0.005, e1, e2), 4: e3, 5: at(NEAR_DUPLICATE - 0.01, e3, e2)}
    out = cluster(texts, vectors)
    assert out[1] == out[2] == out[3] and out[1][1] == "高效率的完成视频监控点位的建设"  # the most used spelling leads
    assert out[4] != out[5] and out[4] != out[1]  # below the threshold: two wordings


def test_no_chaining_through_a_member():
    """a–b and b–c are near duplicates, a–c is not: c does not join a's wording through b."""
    e1, e2, e3 = unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)
    b = at(0.992, e1, e2)
    c = (0.992 * b + np.sqrt(1 - 0.992 ** 2) * e3).astype(np.float32)
    assert float(c @ e1) < NEAR_DUPLICATE
    out = cluster({1: ("a", 3), 2: ("b", 2), 3: ("c", 1)}, {1: e1, 2: b, 3: c})
    assert out[1] == out[2] and out[3] != out[1]


# ---- on the real corpus ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wordings(web_app):
    from budgetkg.server.app import resources

    return resources(web_app).searcher.index.wordings


def by_text(wordings, text):
    key = wordings.containing(text)[0]
    return wordings.detail(key)


def test_boilerplate_of_the_hebei_sample(wordings):
    top = wordings.ranked(0, 5)
    assert top[0]["representative"] == "满意群众占总人数的比重" and top[0]["projects"] == 14
    detail = by_text(wordings, "满意群众占总人数的比重")
    assert detail["values"] == [{"op": ">=", "number": 90, "unit": "%", "raw": None, "count": 14}]
    assert detail["level1"] == [{"name": "满意度指标", "count": 14}]
    assert {"人民群众对社会治安满意度", "满意度"} <= {c["name"] for c in detail["level3"]}
    assert any(b["canonical"] == "冀综治办〔2017〕6号" for b in detail["bases"])


def test_variants_are_one_wording(wordings):
    video = by_text(wordings, "视频监控点位")
    assert {v["text"] for v in video["variants"]} == {"高效率的完成视频监控点位的建设", "高质量的完成视频监控点位的建设"}
    assert video["indicators"] == 6 and sum(v["count"] for v in video["values"]) == 6
    punctuation = by_text(wordings, "根据宣传活动需要")
    assert len(punctuation["variants"]) == 2  # with and without the final 。
    # different indicators stay apart, however alike their embeddings
    assert wordings.containing("重大行政决策的次数") != wordings.containing("重大行政决策的预算数")


def test_near_neighbours_are_those_of_an_exact_faiss_search(wordings, monkeypatch):
    """On the corpus's own text vectors, computed in blocks of rows that do not divide them
    evenly: each text's neighbours at or above a cosine are FAISS's exact nearest ones (up to
    rounding, for scores within 1e-5 of the threshold or of the last one kept)."""
    import faiss

    from budgetkg.embed import wording as module

    index = wordings.index
    ids = [row[0] for row in index.db.execute("SELECT id FROM texts ORDER BY id")]
    matrix = np.stack([index.vector(i) for i in ids]).astype(np.float32)
    threshold, k = 0.95, 6  # below NEAR_DUPLICATE: more pairs to compare
    flat = faiss.IndexFlatIP(matrix.shape[1])
    flat.add(matrix)
    scores, positions = flat.search(matrix, k)
    monkeypatch.setattr(module, "BLOCK_FLOATS", 7 * len(ids) + 3)
    near = module.near_neighbours(matrix, threshold, k)
    assert len(near) == len(ids) and sum(len(row) for row in near) > 2 * len(ids)  # more than each text itself
    for row, hits in enumerate(near):
        assert [score for score, _ in hits] == sorted((score for score, _ in hits), reverse=True)
        assert all(score >= threshold for score, _ in hits) and len(hits) <= k
        expected = {int(p): float(s) for s, p in zip(scores[row], positions[row]) if s >= threshold}
        got = {p: score for score, p in hits}
        last = min(list(expected.values()) + list(got.values()), default=threshold)
        for position in set(expected) ^ set(got):
            score = expected.get(position, got.get(position))
            assert abs(score - threshold) < 1e-5 or abs(score - last) < 1e-5, (row, position, score)


def test_clusters_are_in_the_graph(corpus_store, wordings):
    count = int(next(iter(corpus_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?i a bkg:Indicator ; bkg:wording ?w }")))["n"].value)
    assert count == corpus_store.stats()["indicators"] == wordings.db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    rows = list(corpus_store.query("""SELECT ?w ?n (COUNT(?i) AS ?uses) WHERE { ?w a bkg:Wording ; bkg:useCount ?n .
        ?i bkg:wording ?w } GROUP BY ?w ?n"""))
    assert len(rows) == wordings.count() and all(int(r["n"].value) == int(r["uses"].value) for r in rows)
    alt = list(corpus_store.query('SELECT ?w WHERE { ?w skos:altLabel "高质量的完成视频监控点位的建设"@zh }'))
    assert len(alt) == 1


def test_wording_graph_conforms_to_the_shapes(corpus_store, wordings):
    """The wording nodes pass bkgsh:WordingShape, and the shape bites when a use count is missing."""
    import pyoxigraph as ox
    import pyshacl
    import rdflib

    from budgetkg.ontology import ONTOLOGY, SHAPES

    data = rdflib.Graph().parse(data=corpus_store.store.query(
        f"CONSTRUCT {{ ?s ?p ?o . ?i a ?t }} WHERE {{ GRAPH <{BASE}graph/wording> {{ ?s ?p ?o }} "
        "OPTIONAL { ?s <https://w3id.org/budgetkg/ontology#wording> ?w . GRAPH ?g { ?s a ?t } } }",
    ).serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    shapes, ontology = rdflib.Graph().parse(SHAPES), rdflib.Graph().parse(ONTOLOGY)
    shape = rdflib.URIRef("https://w3id.org/budgetkg/shapes#WordingShape")
    assert (shape, None, None) in shapes

    own = {shape, *shapes.objects(shape, rdflib.SH.property)}  # the node shape and its property shapes

    def wording_violations(graph):
        _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
        return [r for r, source in results.subject_objects(rdflib.SH.sourceShape) if source in own]

    assert wording_violations(data) == []
    broken = rdflib.Graph() + data
    some = next(broken.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/budgetkg/ontology#Wording")))
    broken.remove((some, rdflib.URIRef("https://w3id.org/budgetkg/ontology#useCount"), None))
    assert len(wording_violations(broken)) == 1, wording_violations(broken)


def test_clusters_follow_the_corpus(tmp_path, hebei_path, model):
    """Removing a document re-clusters and replaces the wording graph; nothing stale is left."""
    from budgetkg.embed.service import open_searcher
    from budgetkg.graph.store import BudgetStore

    from conftest import DATA

    store = BudgetStore(tmp_path / "store")
    store.ingest(hebei_path)
    store.ingest(DATA / "sh_putuo_wanli_street_2023_dept.pdf")
    searcher = open_searcher(store, model)
    before = searcher.index.wordings.count()
    store.remove("sh_putuo_wanli_street_2023_dept")
    searcher.index.sync(store)
    after = searcher.index.wordings.count()
    assert after < before
    graph_count = int(next(iter(store.query("SELECT (COUNT(?w) AS ?n) WHERE { ?w a bkg:Wording }")))["n"].value)
    assert graph_count == after
    assert not list(store.query('SELECT ?w WHERE { ?w skos:prefLabel "居民满意度"@zh ; a bkg:Wording }'))  # a Shanghai wording


def test_suggestions_come_from_similar_projects(wordings, model):
    vector = model().encode_query(["法律援助工作经费：为困难群众提供法律援助服务"])[0]
    result = wordings.suggest(vector, 5, 5)
    assert result["similar_projects"][0]["name"] == "法律援助工作经费"
    assert result["suggestions"] and all(s["projects"] >= 1 and s["level1"] for s in result["suggestions"])
    assert result["suggestions"][0]["score"] >= result["suggestions"][-1]["score"]


# ---- CLI, API and pages ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(web_app):
    return web_app.test_client()


def test_api_wording_list_search_and_detail(client):
    data = client.get("/api/wording", query_string={"per_page": 3}).get_json()
    assert data["total"] > 100 and len(data["items"]) == 3 and data["next"]
    first = data["items"][0]
    assert first["label"] == "满意群众占总人数的比重" and first["iri"].startswith(BASE + "wording/") and first["api"]
    found = client.get("/api/wording", query_string={"q": "视频监控"}).get_json()
    assert found["items"][0]["label"] == "高效率的完成视频监控点位的建设"
    detail = client.get(first["api"], query_string={"per_page": 5}).get_json()
    assert detail["indicators"] == 14 and detail["uses"]["total"] == 14 and len(detail["uses"]["items"]) == 5
    assert detail["uses"]["items"][0]["indicator_page"].startswith("/id/document/")
    assert client.get("/api/wording/nope").status_code == 404


def test_api_suggest(client):
    data = client.get("/api/wording/suggest", query_string={"name": "社区矫正", "goals": "对社区矫正对象实行有效监管教育"}).get_json()
    assert data["similar_projects"][0]["name"] == "社区矫正工作经费"
    assert data["suggestions"][0]["page"].startswith("/id/wording/")
    error = client.get("/api/wording/suggest")
    assert error.status_code == 400 and error.get_json()["param"] == "name"
    assert client.get("/api/wording/suggest", query_string={"name": "x" * 3000}).status_code == 413


def test_wording_pages(client):
    soup = BeautifulSoup(client.get("/wording?q=" + quote("满意"), headers=BROWSER).get_data(as_text=True), "html.parser")
    links = soup.select("#wordings a.wording-link")
    assert links and all("满意" in a.get_text() for a in links[:3])
    page = BeautifulSoup(client.get(links[0]["href"], headers=BROWSER).get_data(as_text=True), "html.parser")
    assert page.select("#uses tbody tr") and page.select("#values tbody tr")
    suggested = BeautifulSoup(client.get("/wording?name=" + quote("法律援助"), headers=BROWSER).get_data(as_text=True), "html.parser")
    assert suggested.select("#suggestions tbody tr")


def test_cli_wording(web_app, tmp_path, hebei_path, capsys):
    store = tmp_path / "store"
    assert main(["ingest", str(hebei_path), "--store", str(store), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["wording", "--store", str(store), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "满意群众占总人数的比重" in out.splitlines()[1]
    assert main(["wording", "视频监控", "--store", str(store), "--json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["representative"] == "高效率的完成视频监控点位的建设" and rows[0]["variants"] == 2
    assert main(["wording", "--key", rows[0]["key"], "--store", str(store)]) == 0
    assert "高质量的完成视频监控点位的建设 ×2" in capsys.readouterr().out
    assert main(["wording", "--project", "法律援助", "--store", str(store)]) == 0
    assert "法律援助工作经费" in capsys.readouterr().out.splitlines()[0]
    assert main(["wording", "--key", "nope", "--store", str(store)]) == 1
