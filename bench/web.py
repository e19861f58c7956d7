"""Pages and JSON API: p50/p99 latency of each page kind in-process (Flask's test client), on
the real documents and on the real data replicated to --docs documents, against a baseline
measured in the same run (the static stylesheet: routing and response overhead alone).

    .venv/bin/python bench/web.py [--docs 200] [--requests 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import numpy as np

from budgetkg.embed.service import LazyModel, open_searcher
from budgetkg.graph.store import BudgetStore
from budgetkg.server.app import create_app, resources

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replica import replicas  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"
BASE = "https://w3id.org/budgetkg/id/"
HEBEI = "hebei_qinhuangdao_etdz_zhengfawei_2021_unit"
HTML = {"Accept": "text/html"}


def pages(doc: str) -> dict[str, tuple[str, dict]]:
    unit = quote("中共秦皇岛经济技术开发区工委政法委员会")
    return {
        "baseline: /static/css": ("/static/css/budgetkg.css", {}),
        "search page": ("/?q=" + quote("群众对平安建设是否满意"), HTML),
        "api search": ("/api/search?q=" + quote("群众对平安建设是否满意"), {}),
        "unit page": (f"/id/unit/{unit}", HTML),
        "project page": (f"/id/document/{doc}/project/9", HTML),
        "indicator page": (f"/id/document/{doc}/project/9/indicator/2", HTML),
        "basis page": ("/id/basis/" + quote("冀综治办-2017-6"), HTML),
        "bases list": ("/bases", HTML),
        "api bases lookup": ("/api/bases/lookup?text=" + quote("禁毒法"), {}),
        "api projects by basis": ("/api/projects?basis=" + quote("冀综治办（2017）6号"), {}),
        "unit as turtle": (f"/id/unit/{unit}", {"Accept": "text/turtle"}),
        "basis as turtle": ("/id/basis/" + quote("冀综治办-2017-6"), {"Accept": "text/turtle"}),
    }


def measure(client, url: str, headers: dict, n: int) -> tuple[float, float]:
    client.get(url, headers=headers)  # warm
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return statistics.median(times), float(np.percentile(times, 99))


def run(store: BudgetStore, model: LazyModel, label: str, n: int, doc: str) -> None:
    app = create_app({"STORE": "unused"})
    res = resources(app)
    res._store = store
    res._searcher = open_searcher(store, model)
    client = app.test_client()
    print(f"\n{label}: {store.stats()['documents']} documents, {len(store)} triples")
    print(f"{'page':28} {'p50 ms':>8} {'p99 ms':>8} {'× baseline':>11}")
    baseline = None
    for name, (url, headers) in pages(doc).items():
        p50, p99 = measure(client, url, headers, n)
        baseline = baseline or p50
        print(f"{name:28} {p50:8.1f} {p99:8.1f} {p50 / baseline:10.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="replicas of the real data for the larger run")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    model = LazyModel()
    real = BudgetStore(None)
    real.ensure_ontology()
    for path in sorted(DATA.iterdir()):
        if path.suffix in (".txt", ".pdf"):
            real.ingest(path)
    run(real, model, "real documents", args.requests, HEBEI)
    if args.docs:
        big = BudgetStore(None)
        big.ensure_ontology()
        for path in sorted(DATA.iterdir()):
            if path.suffix in (".txt", ".pdf"):
                big.ingest(path)
        for iri, own, shared in replicas(args.docs):
            big.replace_graph(iri, own, shared)
        run(big, model, f"real documents + {args.docs} replicas of the Hebei sample", args.requests, HEBEI)


if __name__ == "__main__":
    main()
