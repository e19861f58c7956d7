from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
HEBEI = DATA / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"


@pytest.fixture(scope="session")
def hebei_path() -> Path:
    return HEBEI


@pytest.fixture(scope="session")
def hebei_text() -> str:
    return HEBEI.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def hebei():
    from budgetkg.graph.parse import parse_document

    return parse_document(HEBEI)


@pytest.fixture(scope="session")
def model():
    """The embedding model, loaded once for the whole test session."""
    from budgetkg.embed.service import LazyModel

    lazy = LazyModel()
    lazy()
    return lazy


@pytest.fixture(scope="session")
def searcher(model):
    """A searcher over an in-memory store and index holding the text documents of data/."""
    from budgetkg.embed.service import open_searcher
    from budgetkg.graph.store import BudgetStore

    store = BudgetStore(None)
    for path in sorted(DATA.glob("*.txt")):
        store.ingest(path)
    return open_searcher(store, model)


@pytest.fixture(scope="session")
def corpus_store():
    """An in-memory store holding every document of data/ (text and PDF) and the ontology."""
    from budgetkg.graph.store import BudgetStore

    store = BudgetStore(None)
    store.ensure_ontology()
    for path in sorted(DATA.iterdir()):
        if path.suffix in (".txt", ".pdf"):
            store.ingest(path)
    return store


@pytest.fixture(scope="session")
def web_app(corpus_store, model):
    """The Flask app over the whole corpus, its searcher built once for the session."""
    from budgetkg.embed.service import open_searcher
    from budgetkg.server.app import create_app, resources

    app = create_app({"TESTING": True, "STORE": "unused-in-memory"})
    res = resources(app)
    res._store, res._searcher = corpus_store, open_searcher(corpus_store, model)
    return app


@pytest.fixture(scope="module")
def ontology():
    """ontology/budgetkg.ttl as an rdflib graph, parsed per test module (pyshacl may add to the
    graphs it is given, so modules do not share them)."""
    from rdflib import Graph

    from budgetkg.ontology import ONTOLOGY

    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes():
    """ontology/shapes.ttl (the SHACL shapes) as an rdflib graph, parsed per test module."""
    from rdflib import Graph

    from budgetkg.ontology import SHAPES

    return Graph().parse(SHAPES, format="turtle")
