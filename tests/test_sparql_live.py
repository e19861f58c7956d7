"""The endpoint as real clients meet it: a live `budgetkg serve` process on a free port, queried
by SPARQLWrapper, rdflib's SPARQLStore and raw HTTP; a runaway query beside normal ones."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from budgetkg.graph.store import BudgetStore

BIN = Path(sys.executable).parent / "budgetkg"
DOC = "https://w3id.org/budgetkg/id/document/hebei_qinhuangdao_etdz_zhengfawei_2021_unit"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROJECTS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a bkg:Project }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, hebei_path):
    folder = tmp_path_factory.mktemp("live") / "store"
    store = BudgetStore(folder)
    store.ensure_ontology()
    store.ingest(hebei_path)
    store.flush()
    del store
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    log = folder.parent / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN), "serve", "--store", str(folder), "--port", str(port), "--timeout", "3", "--workers", "2",
             "--max-rows", "50"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:  # refused, or accepted but not answered yet (the server warms search up first)
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(log.read_text())
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _get(url, accept=None, data=None, content_type=None, method=None):
    request = urllib.request.Request(url, data=data, method=method)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _query_url(url, query, **params):
    return url + "?" + urllib.parse.urlencode({"query": query, **params})


# ---- real clients ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper(server, fmt):
    client = SPARQLWrapper(server)
    client.setQuery("PREFIX bkg: <https://w3id.org/budgetkg/ontology#>\n" + PROJECTS)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    if fmt == JSON:
        assert result["results"]["bindings"][0]["n"]["value"] == "25"
    else:
        assert result.getElementsByTagName("literal")[0].firstChild.data == "25"


def test_sparqlwrapper_post_and_ask(server):
    client = SPARQLWrapper(server)
    client.setMethod("POST")
    client.setQuery(f"ASK {{ <{DOC}> a <https://w3id.org/budgetkg/ontology#BudgetDocument> }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(server):
    graph = rdflib.Graph(store=SPARQLStore(server))
    rows = list(graph.query(
        "PREFIX bkg: <https://w3id.org/budgetkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name WHERE { ?p a bkg:Project ; bkg:projectNumber 9 ; rdfs:label ?name }"))
    assert [str(row.name) for row in rows] == ["综治工作专项经费"]


# ---- raw HTTP, every format ---------------------------------------------------------------------------
@pytest.mark.parametrize("accept, media_type", [
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+json", "application/sparql-results+json"),
])
def test_select_formats(server, accept, media_type):
    query = "SELECT ?no ?name WHERE { ?p a bkg:Project ; bkg:projectNumber ?no ; rdfs:label ?name } ORDER BY ?no LIMIT 3"
    status, headers, body = _get(_query_url(server, query), accept)
    assert status == 200 and headers.get_content_type() == media_type
    text = body.decode("utf-8")
    assert "维护稳定工作专项经费" in text and "法学会工作专项经费" in text
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["no", "name"] and rows[1] == ["1", "维护稳定工作专项经费"]


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_construct_formats(server, accept, rdflib_format):
    query = f"CONSTRUCT {{ ?p rdfs:label ?name }} WHERE {{ ?p a bkg:Project ; rdfs:label ?name ; dcterms:isPartOf <{DOC}> }}"
    status, headers, body = _get(_query_url(server, query), accept)
    assert status == 200 and headers.get_content_type() == accept
    graph = rdflib.Graph().parse(data=body, format=rdflib_format)
    assert len(graph) == 25


def test_describe_and_format_parameter(server):
    status, headers, body = _get(_query_url(server, f"DESCRIBE <{DOC}/project/9>", format="nt"))
    assert status == 200 and headers.get_content_type() == "application/n-triples"
    assert "综治工作专项经费" in body.decode("utf-8")


def test_protocol_dataset_addresses_a_documents_graph(server):
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a bkg:Project }"
    _, _, body = _get(_query_url(server, query, **{"default-graph-uri": DOC}), "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "25"
    _, _, body = _get(_query_url(server, query, **{"default-graph-uri": "http://nothing.example/g"}),
                      "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    _, _, body = _get(_query_url(server, graphs), "application/sparql-results+json")
    assert {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]} >= {DOC}


# ---- safety ------------------------------------------------------------------------------------------------
def test_a_runaway_query_is_stopped_while_others_are_served(server):
    outcome = {}

    def runaway():
        start = time.monotonic()
        outcome["reply"] = _get(_query_url(server, RUNAWAY), "application/sparql-results+json")
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    served = []
    for _ in range(5):
        start = time.monotonic()
        status, _, body = _get(_query_url(server, PROJECTS), "application/sparql-results+json")
        served.append((status, time.monotonic() - start, thread.is_alive()))
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "25"
    thread.join(timeout=30)
    assert all(status == 200 and seconds < 2.5 for status, seconds, _ in served), served
    assert served[0][2], "the normal queries ran while the runaway one was still running"
    status, headers, body = outcome["reply"]
    assert status == 503 and headers.get_content_type() == "application/problem+json"
    assert "3 s limit" in json.loads(body)["detail"] and 2.5 < outcome["seconds"] < 15
    status, _, _ = _get(_query_url(server, PROJECTS))  # a fresh worker took the stopped one's place
    assert status == 200


def test_the_row_cap_is_stated(server):
    status, headers, body = _get(_query_url(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 80"),
                                 "application/sparql-results+json")
    data = json.loads(body)
    assert status == 200 and len(data["results"]["bindings"]) == 50
    assert headers["X-SPARQL-Truncated"] == "true" and headers["X-SPARQL-Row-Limit"] == "50"
    assert data["budgetkg"] == {"truncated": True, "row_limit": 50}
    status, headers, body = _get(_query_url(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 10"), "text/csv")
    assert "X-SPARQL-Truncated" not in headers and len(body.decode().strip().splitlines()) == 11


@pytest.mark.parametrize("query, status, words", [
    ("INSERT DATA { <a:b> <a:c> <a:d> }", 403, "read-only"),
    ("DROP ALL", 403, "read-only"),
    ("LOAD <http://example.org/data.ttl>", 400, "LOAD"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400, "SERVICE"),
    ("SELECT * WHERE { ?s ?p }", 400, "1:"),
])
def test_refusals(server, query, status, words):
    code, headers, body = _get(server, data=urllib.parse.urlencode({"query": query}).encode(),
                               content_type="application/x-www-form-urlencoded")
    assert code == status and headers.get_content_type() == "application/problem+json"
    assert words in json.loads(body)["detail"]


def test_update_by_post_is_refused(server):
    code, _, body = _get(server, data=b"INSERT DATA { <a:b> <a:c> <a:d> }", content_type="application/sparql-update")
    assert code == 403 and "read-only" in json.loads(body)["detail"]


def test_huge_request_is_refused(server):
    body = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * (2 << 20)}).encode()
    code, _, _ = _get(server, data=body, content_type="application/x-www-form-urlencoded")
    assert code == 413


def test_cors(server):
    status, headers, _ = _get(server, method="OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    _, headers, _ = _get(_query_url(server, "ASK {}"))
    assert headers["Access-Control-Allow-Origin"] == "*" and "Accept" in headers["Vary"]


# ---- the query page ---------------------------------------------------------------------------------------
def test_query_page_for_browsers(server):
    status, headers, body = _get(server, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    page = body.decode("utf-8")
    assert status == 200 and headers.get_content_type() == "text/html"
    assert "yasgui.min.js" in page and "projects_by_basis" in page and "PREFIX" not in page.split("<script")[0]
    assert "https://w3id.org/budgetkg/ontology#" in page  # prefixes prefilled
    assert "cdn" not in page.lower()
    base = server.rsplit("/", 1)[0]
    for asset in ("yasgui.min.js", "yasgui.min.css"):
        status, _, content = _get(f"{base}/static/yasgui/{asset}")
        assert status == 200 and len(content) > 10_000
