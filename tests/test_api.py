"""The Flask app's JSON API: search and similar, and the one error shape."""

from __future__ import annotations

import pytest

from budgetkg.graph.store import BudgetStore
from budgetkg.server.app import create_app, resources


@pytest.fixture(scope="module")
def client(searcher):
    app = create_app({"TESTING": True, "STORE": "unused"})
    res = resources(app)
    res._store, res._searcher = BudgetStore(None), searcher  # the session's in-memory searcher
    return app.test_client()


def test_app_factory_config():
    app = create_app({"STORE": "/tmp/x", "BASE": "http://e.org/"})
    assert app.config["STORE"] == "/tmp/x" and app.config["MAX_CONTENT_LENGTH"] == 1 << 20
    assert "budgetkg" in app.extensions


def test_search(client):
    response = client.get("/api/search", query_string={"q": "老百姓对治安满不满意", "k": 3})
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["query"] == "老百姓对治安满不满意" and len(data["groups"]) == 3
    assert all(group["count"] == len(group["hits"]) for group in data["groups"])
    assert "满意" in data["groups"][0]["text"]
    assert "中共秦皇岛" in response.get_data(as_text=True)  # not ASCII-escaped


def test_search_filters(client):
    data = client.get("/api/search", query_string={"q": "预算", "level2": "成本指标", "basis": "冀财行[2013]80 号"}).get_json()
    hits = [h for g in data["groups"] for h in g["hits"]]
    assert hits and {h["project_no"] for h in hits} == {25} and {h["level2"] for h in hits} == {"成本指标"}


@pytest.mark.parametrize("params, status, param", [
    ({}, 400, "q"),
    ({"q": " "}, 400, "q"),
    ({"q": "长" * 10000}, 413, "q"),
    ({"q": "满意度", "k": "0"}, 400, "k"),
    ({"q": "满意度", "k": "many"}, 400, "k"),
    ({"q": "满意度", "level1": "没有这个"}, 400, "level1"),
    ({"q": "满意度", "year": "abc"}, 400, "year"),
    ({"q": "满意度", "unit": "某局"}, 400, "unit"),
    ({"q": "满意度", "basis": "冀财行〔1999〕1号"}, 400, "basis"),
    ({"q": "满意度", "lexical_weight": "2"}, 400, "lexical_weight"),
    ({"q": "满意度", "field": "x"}, 400, "field"),
])
def test_bad_requests_are_problem_details(client, params, status, param):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["param"] == param and body["detail"] and body["title"]


def test_huge_k_is_clamped(client):
    data = client.get("/api/search", query_string={"q": "满意度", "k": "100000"}).get_json()
    assert data["k"] == 100


def test_similar(client):
    hit = client.get("/api/search", query_string={"q": "满意群众占总人数的比重", "k": 1}).get_json()["groups"][0]["hits"][0]
    path = hit["indicator"].split("/id/", 1)[1]
    response = client.get(f"/api/indicators/{path}/similar", query_string={"k": 3})
    assert response.status_code == 200
    data = response.get_json()
    assert data["indicator"] == hit["indicator"] and data["groups"][0]["text"] == "满意群众占总人数的比重"
    missing = client.get("/api/indicators/document/none/project/1/indicator/1/similar")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_unknown_route_and_method(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.get_json()["status"] == 404
    response = client.post("/api/search")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
