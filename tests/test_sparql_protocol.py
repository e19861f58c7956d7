"""The W3C SPARQL 1.1 Protocol and Service Description tests, replayed against /sparql.

Every query test must pass as written. The endpoint is read-only, so every update request must
get a 4xx, and a well-formed update exactly the 403 of read-only mode; requests that follow an
update in the same test only have to be answered (their expected results assume the update).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Namespace
from rdflib.collection import Collection

from budgetkg.server.app import create_app

W3C = Path(__file__).resolve().parent / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}


def _manifest():
    graph = rdflib.Graph().parse(W3C / "protocol" / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(test).rsplit("#", 1)[1]
        data = [(str(graph.value(d, rdflib.RDFS.label)), str(graph.value(d, UT.graph)).rsplit("/", 1)[1])
                for d in graph.objects(test, UT.graphData)]
        action = graph.value(test, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body = graph.value(req, HT.body)
            chars = encoding = None
            if body is not None:
                chars = str(graph.value(body, CNT.chars))
                encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
            resp = graph.value(req, HT.resp)
            requests.append({
                "method": str(graph.value(req, HT.methodName)),
                "path": str(graph.value(req, HT.absolutePath)),
                "headers": headers,
                "body": None if chars is None else chars.encode(encoding.lower().replace("utf-16", "utf-16-le")),
                "status": {str(s).rsplit("#", 1)[1] for s in graph.objects(resp, MF.expectedStatus)},
                "format": str(graph.value(resp, MF.expectedFormat) or "") or None,
                "boolean": graph.value(resp, MF.expectedBoolean),
            })
        tests.append({"name": name, "data": data, "requests": requests})
    return tests


TESTS = _manifest()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("w3c-store")
    store = ox.Store(str(folder))
    graphs = {label: file for test in TESTS for label, file in test["data"]}
    for label, file in graphs.items():
        store.load(path=str(W3C / "protocol" / file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(label))
    store.flush()
    del store
    app = create_app({"TESTING": True, "STORE": str(folder), "SPARQL_WORKERS": 2, "SPARQL_TIMEOUT": 20})
    yield app.test_client()
    app.extensions["budgetkg.sparql_pool"].close()


def _status_ok(code: int, expected: set[str]) -> bool:
    return any(re.fullmatch(e.replace("StatusCode", "").replace("xx", r"\d\d"), str(code)) for e in expected)


def _boolean(response) -> bool:
    if response.mimetype == "application/sparql-results+json":
        return json.loads(response.get_data(as_text=True))["boolean"]
    root = ET.fromstring(response.get_data())
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_the_manifest_was_read():
    assert len(TESTS) == 34
    assert sum("update" in t["name"] for t in TESTS) == 14


@pytest.mark.parametrize("test", TESTS, ids=[t["name"] for t in TESTS])
def test_w3c_protocol(client, test):
    is_update = "update" in test["name"]
    after_update = False
    for request in test["requests"]:
        headers = {k: v for k, v in request["headers"].items() if k.lower() != "content-type"}
        response = client.open(
            request["path"].replace("/sparql/", "/sparql/"),
            method=request["method"],
            data=request["body"],
            headers=headers,
            content_type=request["headers"].get("content-type"),
        )
        code = response.status_code
        is_update_request = "update" in request["path"] or "sparql-update" in request["headers"].get("content-type", "") \
            or (request["body"] is not None and request["body"].startswith(b"update="))
        if is_update and is_update_request:
            assert 400 <= code < 500, (code, response.get_data(as_text=True))
            if test["name"].startswith("update"):
                assert code == 403 and "read-only" in response.get_json()["detail"]
            after_update = True
            continue
        if after_update:  # its expected result assumes the update happened
            assert code == 200
            continue
        assert _status_ok(code, request["status"]), (code, response.get_data(as_text=True)[:300])
        if request["format"] == "boolean":
            assert response.mimetype in RESULT_TYPES
            if request["boolean"] is not None:
                assert _boolean(response) == bool(request["boolean"].toPython())
        elif request["format"] == "tabular":
            assert response.mimetype in RESULT_TYPES
        elif request["format"] == "RDF":
            assert response.mimetype in RDF_TYPES
            rdflib.Graph().parse(data=response.get_data(), format={"application/rdf+xml": "xml", "text/turtle": "turtle",
                                                                    "application/n-triples": "nt"}[response.mimetype])


# ---- service description ----------------------------------------------------------------------------
SD_TERMS = {  # the classes and properties of the Service Description vocabulary (W3C REC 2013)
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime", "EntailmentProfile",
    "GraphCollection", "Dataset", "Graph", "NamedGraph", "endpoint", "feature", "defaultEntailmentRegime",
    "entailmentRegime", "defaultSupportedEntailmentProfile", "supportedEntailmentProfile", "extensionFunction",
    "extensionAggregate", "languageExtension", "supportedLanguage", "propertyFeature", "defaultDataset",
    "availableGraphs", "resultFormat", "inputFormat", "defaultGraph", "namedGraph", "name", "graph",
    # instances
    "SPARQL10Query", "SPARQL11Query", "SPARQL11Update", "DereferencesURIs", "UnionDefaultGraph",
    "RequiresDataset", "EmptyGraphs", "BasicFederatedQuery",
}


def _description(client, accept="text/turtle"):
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    return response, rdflib.Graph().parse(data=response.get_data(), format={
        "text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt",
        "application/ld+json": "json-ld"}[response.mimetype])


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json", "*/*"])
def test_service_description_returns_rdf(client, accept):
    response, graph = _description(client, accept)
    assert len(graph) > 10
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description_has_a_matching_endpoint_triple(client):
    _, graph = _description(client)
    assert (None, SD.endpoint, rdflib.URIRef("http://localhost/sparql")) in graph


def test_service_description_conforms_to_the_schema(client):
    _, graph = _description(client)
    used = {str(t).split("#", 1)[1] for triple in graph for t in triple
            if isinstance(t, rdflib.URIRef) and str(t).startswith(str(SD))}
    assert used <= SD_TERMS, used - SD_TERMS
    (service,) = graph.subjects(rdflib.RDF.type, SD.Service)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in graph
    names = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    assert "http://kasei.us/2009/09/sparql/data/data1.rdf" in names
    for named in graph.objects(dataset, SD.namedGraph):
        assert (named, rdflib.RDF.type, SD.NamedGraph) in graph
