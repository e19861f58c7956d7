"""The figures at scale, in one command: for each corpus size (synthetic documents from
bench/synth.py), parse and end-to-end ingest throughput, re-ingest, store and index size, peak
ingest memory, named SPARQL queries in-process and over HTTP (selective and corpus-wide apart),
search over HTTP, and throughput under load (wrk, 16 and 64 connections; the selective SPARQL mix
draws legal bases cited by few projects, and the most cited bases, whose answers have thousands
of rows, are measured apart); rdflib's in-memory store answers the same selective queries at the
smallest size, in the same run. Prints a table, writes bench/results/<date>.json and a PNG
chart, and says which targets are met.

    .venv/bin/python bench/run.py [--sizes 100,1000,10000] [--seed 1] [--load-seconds 15]

Needs wrk (Debian package `wrk`) for the load test and matplotlib for the chart (both optional:
without them those parts are skipped and the report says so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from aggregates import ORIGINAL  # noqa: E402  (bench/ is not a package)
BIN = Path(sys.executable).parent / "budgetkg"
RESULTS = ROOT / "bench" / "results"
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")

SELECTIVE = ("projects_by_basis", "unit_budget")
AGGREGATES = ("bases", "documents", "reused_wording", "failed_checks")
#: The corpus-wide aggregates as they were computed before their figures were materialised at
#: write time: run once per size, as the baseline (bench/aggregates.py compares them in detail).
LIVE_AGGREGATES = {name: ORIGINAL[name] for name in ("bases", "documents", "reused_wording")}

#: The selective load mix: legal bases cited by at most this many projects (projects_by_basis
#: returns a row per citing project, ~0.7 ms each at 10,000 documents), and units with at most this
#: many documents (unit_budget returns ~20 rows per document). More is a corpus-wide question,
#: measured apart (HEAVY).
SELECTIVE_MAX_PROJECTS = 50
SELECTIVE_MAX_DOCUMENTS = 10
#: The most cited bases (and units with the most documents) measured apart: latency and a small load run.
HEAVY = 8
HEAVY_CONNECTIONS = 16

TARGETS = {
    "ingest_10k_minutes": 30, "reingest_10k_minutes": 3, "selective_p50_ms": 20, "aggregate_p50_ms": 2000,
    "search_http_p50_ms": 30, "load_search_rps": 100, "load_sparql_rps": 200, "server_memory_gb": 4,
}


# ---- helpers --------------------------------------------------------------------------------------------
def percentiles(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)
    return {"p50": round(statistics.median(ordered), 2),
            "p99": round(ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))], 2),
            "n": len(ordered)}


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_watched(command: list[str], lines: list[tuple[float, str]] | None = None) -> tuple[float, int, str]:
    """Run a command; (seconds, peak resident memory of its process tree in bytes, stdout). With
    ``lines``, each line of stdout is also appended as (seconds since the start, line) as it comes."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(ENV, PYTHONUNBUFFERED="1"))
    peak = 0
    stop = threading.Event()
    if lines is not None:
        kept: list[str] = []

        def read_stdout() -> None:
            for line in process.stdout:
                lines.append((round(time.perf_counter() - start, 1), line.rstrip("\n")))
                kept.append(line)

        reader = threading.Thread(target=read_stdout, daemon=True)
        reader.start()

    def watch() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(process.pid))
            stop.wait(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    if lines is not None:
        err = process.stderr.read()
        process.wait()
        reader.join()
        out = "".join(kept)
    else:
        out, err = process.communicate()
    stop.set()
    watcher.join()
    seconds = time.perf_counter() - start
    if process.returncode not in (0,):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{err[-3000:]}")
    return seconds, peak, out


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, accept: str | None = None, timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


# ---- the measurements ------------------------------------------------------------------------------------
def measure_parse(files: list[Path], limit: int = 200) -> dict:
    from budgetkg.graph.parse import parse_document

    sample = files[:limit]
    start = time.perf_counter()
    for path in sample:
        parse_document(path)
    seconds = time.perf_counter() - start
    return {"documents": len(sample), "seconds": round(seconds, 2), "docs_per_s": round(len(sample) / seconds, 1)}


def measure_ingest(corpus: Path, store: Path, documents: int) -> dict:
    lines: list[tuple[float, str]] = []
    seconds, peak, out = run_watched([str(BIN), "ingest", str(corpus), "--store", str(store), "--quiet"], lines)
    # when each phase ended: the build (the writer done; in the results of 2026-11-28 and in
    # 2026-11-29-10000-e68f3d1, whose sync waited for the encoder, also the encoder's tail), the
    # index sync (since then beside the encoder's tail), then the compaction
    ended = {phase: next((at for at, line in lines if line.startswith(prefix)), None)
             for phase, prefix in (("build", "ingested into"), ("index_sync", "wording index"))}
    compacted = re.search(r"store compacted in ([0-9.]+) s", out)
    embedded = re.search(r"(\d+) new texts embedded(?: \((\d+) texts and project names encoded while the store "
                         r"was built\))?, (\d+) texts in all", out)
    again, _, out_again = run_watched([str(BIN), "ingest", str(corpus), "--store", str(store), "--quiet"])
    assert f"{documents} unchanged" in out_again, out_again
    index = store / "index"
    return {
        "seconds": round(seconds, 1), "docs_per_s": round(documents / seconds, 2),
        "texts_embedded": int(embedded[1]) if embedded else None,
        "encoded_during_build": int(embedded[2]) if embedded and embedded[2] else 0,
        "peak_rss_mb": round(peak / 2**20), "reingest_seconds": round(again, 1),
        "build_ended_s": ended["build"], "index_sync_ended_s": ended["index_sync"],
        "compaction_seconds": float(compacted[1]) if compacted else None,
        "store_mb": round((folder_size(store) - folder_size(index)) / 2**20, 1),
        "index_mb": round(folder_size(index) / 2**20, 1),
    }


def measure_reingest(corpus: Path, store: Path, documents: int) -> dict:
    """With --reuse: the store exists, so only re-ingesting it unchanged is measured (the first
    ingest's figures are those of the run that built it)."""
    again, peak, out_again = run_watched([str(BIN), "ingest", str(corpus), "--store", str(store), "--quiet"])
    assert f"{documents} unchanged" in out_again, out_again
    index = store / "index"
    return {"seconds": None, "docs_per_s": None, "texts_embedded": None, "peak_rss_mb": None,
            "reingest_seconds": round(again, 1), "reingest_peak_rss_mb": round(peak / 2**20),
            "store_mb": round((folder_size(store) - folder_size(index)) / 2**20, 1),
            "index_mb": round(folder_size(index) / 2**20, 1), "reused": str(store)}


def query_params(store) -> dict[str, dict[str, str]]:
    """Parameters for the single selective queries (kept as they were, for comparison between
    runs): the least cited real basis among the first dozen in the bases list (by kind and
    label), and one unit."""
    from budgetkg.graph.views import bases

    items, _ = bases(store, None, None, None, 0, 12)
    cited = sorted((b for b in items if b["projects"]), key=lambda b: b["projects"])
    basis = cited[0]["label"] if cited else "冀综治办〔2017〕6号"
    unit = store.documents()[0]["unit"]
    return {"projects_by_basis": {"basis": basis}, "unit_budget": {"unit": unit}}


def measure_queries_in_process(store, params: dict, repeat: int) -> dict:
    from budgetkg.graph.queries import QUERIES

    out = {}
    for name in SELECTIVE + AGGREGATES:
        sparql = QUERIES[name].render(**params.get(name, {}))
        rows = len(list(store.query(sparql)))
        times = []
        for _ in range(repeat if name in SELECTIVE else max(3, repeat // 5)):
            start = time.perf_counter()
            for _row in store.query(sparql):
                pass
            times.append((time.perf_counter() - start) * 1000)
        out[name] = {**percentiles(times), "rows": rows}
    for name, sparql in LIVE_AGGREGATES.items():  # the baseline: one run each, they are slow
        start = time.perf_counter()
        rows = sum(1 for _row in store.query(sparql))
        out[f"{name}_live"] = {"ms": round((time.perf_counter() - start) * 1000, 1), "rows": rows}
    return out


def measure_rdflib(store, params: dict, repeat: int) -> dict:
    """The selective queries on rdflib's in-memory Dataset holding the same quads."""
    import io

    import rdflib

    from budgetkg.graph.queries import QUERIES
    from budgetkg.graph.vocab import PREFIXES

    buffer = io.BytesIO()
    store.export(buffer, "nq")
    start = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=buffer.getvalue(), format="nquads")
    load = time.perf_counter() - start
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    out = {"load_seconds": round(load, 1)}
    for name in SELECTIVE:
        sparql = header + QUERIES[name].render(**params.get(name, {}))
        times = []
        for _ in range(max(3, repeat // 5)):
            begin = time.perf_counter()
            list(dataset.query(sparql))
            times.append((time.perf_counter() - begin) * 1000)
        out[name] = percentiles(times)
    return out


class Server:
    def __init__(self, store: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(store.parent / "server.log", "wb")
        self.process = subprocess.Popen([str(BIN), "serve", "--store", str(store), "--port", str(self.port)],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=ENV)
        # ready when search answers and a SPARQL query does too (its workers have opened the store)
        probes = [self.url + "/api/search?q=%E6%BB%A1%E6%84%8F%E5%BA%A6",
                  self.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})]
        deadline = time.monotonic() + 600
        while True:
            try:
                if all(get(probe, timeout=600)[0] == 200 for probe in probes):
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((store.parent / "server.log").read_text())
            time.sleep(0.5)

    def rss(self) -> int:
        return tree_rss(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def sparql_url(server: Server, sparql: str) -> str:
    return server.url + "/sparql?" + urllib.parse.urlencode({"query": sparql})


def measure_queries_http(server: Server, params: dict, repeat: int) -> dict:
    from budgetkg.graph.queries import QUERIES

    out = {}
    for name in SELECTIVE + AGGREGATES:
        url = sparql_url(server, QUERIES[name].render(**params.get(name, {})))
        times = []
        for _ in range(repeat if name in SELECTIVE else max(3, repeat // 5)):
            start = time.perf_counter()
            status, _ = get(url, "application/sparql-results+json")
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200, (name, status)
        out[name] = percentiles(times)
    return out


def measure_heavy_http(server: Server, heavy: dict[str, list[dict[str, str]]]) -> dict:
    """The selective queries for the most cited bases (units with the most documents), apart:
    each once, with its status (a query past the server's time limit gets a 503) and rows."""
    from budgetkg.graph.queries import QUERIES

    out = {}
    for name, values in heavy.items():
        if not values:
            continue
        each = []
        for value in values:
            start = time.perf_counter()
            status, body = get(sparql_url(server, QUERIES[name].render(**value)), "application/sparql-results+json")
            ms = (time.perf_counter() - start) * 1000
            rows = len(json.loads(body)["results"]["bindings"]) if status == 200 else None
            each.append({**value, "ms": round(ms, 1), "status": status, "rows": rows})
        times = [e["ms"] for e in each]
        out[name] = {**percentiles(times), "max": max(times), "errors": sum(e["status"] != 200 for e in each),
                     "each": each}
    return out


def search_queries() -> list[str]:
    judged = json.loads((ROOT / "bench" / "search_eval.json").read_text(encoding="utf-8"))
    return [q["query"] for q in judged["queries"]]


def measure_search_http(server: Server) -> dict:
    """Each judged query once (its embedding computed: the cold figure), then again (cached)."""
    cold, warm = [], []
    for runs in (cold, warm):
        for query in search_queries():
            start = time.perf_counter()
            status, _ = get(server.url + "/api/search?" + urllib.parse.urlencode({"q": query, "k": 10}))
            runs.append((time.perf_counter() - start) * 1000)
            assert status == 200
    return {"cold": percentiles(cold), "warm": percentiles(warm)}


def wrk(url_paths: list[str], base: str, connections: int, seconds: int) -> dict:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write("local paths = {" + ",".join(json.dumps(p) for p in url_paths) + "}\n"
                 "local i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
    script.close()
    result = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                             "--latency", "-s", script.name, base], capture_output=True, text=True)
    os.unlink(script.name)
    text = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])
    non2xx = int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0
    socket_errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", text)
    return {"connections": connections, "requests_per_s": round(rps, 1), "errors": non2xx + socket_errors,
            "p50": f"{p50[1]}{p50[2]}" if p50 else None}


def basis_citations(store) -> tuple[dict[str, int], str]:
    """Distinct projects citing each legal basis, by canonical label, and where the counts come
    from: the statistics graph the index sync keeps (embed/statistics.py), else (a store whose
    index was never synced) counted live, which takes a while at scale."""
    from budgetkg.embed.statistics import statistics_graph
    from budgetkg.graph.views import rows

    labels = f"GRAPH <{store.shared_graph}> {{ ?b bkg:basisKind ?kind ; skos:prefLabel ?label }}"
    found = rows(store, f"""SELECT ?b ?label ?projects WHERE {{ {labels}
        GRAPH <{statistics_graph(store.iris.base)}> {{ ?b bkg:projectUseCount ?projects }} }}""")
    source = "statistics graph"
    if not found:
        found = rows(store, f"""SELECT ?b ?label (COUNT(DISTINCT ?p) AS ?projects) WHERE {{ {labels}
            ?p a bkg:Project ; bkg:legalBasis ?b }} GROUP BY ?b ?label""")
        source = "counted live"
    counts: dict[str, int] = {}
    for row in found:  # bases that share a label are asked for together
        counts[row["label"]] = counts.get(row["label"], 0) + int(row["projects"])
    return counts, source


def spread(items: list, limit: int) -> list:
    """At most ``limit`` of ``items``, evenly spaced over them (deterministic).

    >>> spread(list(range(10)), 3)
    [0, 3, 6]
    """
    if len(items) <= limit:
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def load_params(store, limit: int = 200) -> dict[str, list[dict[str, str]]]:
    """Many values for each selective query, so that a load test is not a loop over one cached
    answer, and each answer small: up to ``limit`` legal bases (canonical labels) cited by at
    most SELECTIVE_MAX_PROJECTS projects and units with at most SELECTIVE_MAX_DOCUMENTS
    documents, each spread evenly over the corpus in label order. Under ``heavy``, apart: the
    HEAVY most cited bases and the units with the most documents beyond those bounds; under
    ``summary``, what was chosen, for the report."""
    counts, source = basis_citations(store)
    by_label = sorted(counts)
    bases = spread([b for b in by_label if counts[b] <= SELECTIVE_MAX_PROJECTS], limit)
    heavy_bases = sorted((b for b in by_label if counts[b] > SELECTIVE_MAX_PROJECTS), key=lambda b: -counts[b])[:HEAVY]
    documents: dict[str, int] = {}
    for document in store.documents():
        documents[str(document["unit"])] = documents.get(str(document["unit"]), 0) + 1
    units = spread([u for u in sorted(documents) if documents[u] <= SELECTIVE_MAX_DOCUMENTS], limit)
    heavy_units = sorted((u for u in documents if documents[u] > SELECTIVE_MAX_DOCUMENTS),
                         key=lambda u: (-documents[u], u))[:HEAVY]
    chosen = sorted(counts[b] for b in bases)
    return {
        "projects_by_basis": [{"basis": b} for b in bases], "unit_budget": [{"unit": u} for u in units],
        "heavy": {"projects_by_basis": [{"basis": b} for b in heavy_bases], "unit_budget": [{"unit": u} for u in heavy_units]},
        "summary": {
            "counts_from": source, "max_projects": SELECTIVE_MAX_PROJECTS, "max_documents": SELECTIVE_MAX_DOCUMENTS,
            "bases": len(bases), "bases_cited": len(counts),
            "bases_over_max": sum(n > SELECTIVE_MAX_PROJECTS for n in counts.values()),
            "projects_per_basis": {"min": chosen[0], "median": chosen[len(chosen) // 2], "max": chosen[-1]} if chosen else None,
            "units": len(units), "units_over_max": sum(n > SELECTIVE_MAX_DOCUMENTS for n in documents.values()),
            "heavy_bases": [{"basis": b, "projects": counts[b]} for b in heavy_bases],
            "heavy_units": [{"unit": u, "documents": documents[u]} for u in heavy_units],
        },
    }


def distinct_queries(store, limit: int = 3000) -> list[str]:
    """Search queries never asked before: indicator wordings of the corpus (their embeddings are
    not in the server's cache, so each request encodes its query)."""
    from budgetkg.graph.views import rows

    return [r["d"] for r in rows(store, f"""SELECT DISTINCT ?d WHERE {{ ?i a bkg:Indicator ; dcterms:description ?d }}
        LIMIT {limit}""")]


def measure_load(server: Server, params: dict, seconds: int) -> dict:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    from budgetkg.graph.queries import QUERIES

    search_paths = ["/api/search?" + urllib.parse.urlencode({"q": q, "k": 10}) for q in search_queries()]
    # the two selective queries in turn, each time with another basis or unit
    many = params["load"]
    sparql_paths = [
        "/sparql?" + urllib.parse.urlencode({"query": QUERIES[name].render(**many[name][n % len(many[name])])})
        for n in range(max(len(many[name]) for name in SELECTIVE)) for name in SELECTIVE
    ]
    fresh_paths = ["/api/search?" + urllib.parse.urlencode({"q": q, "k": 10}) for q in params["fresh_queries"]]
    before = server.rss()
    runs = {}
    for connections in (16, 64):
        runs[f"search_{connections}"] = wrk(search_paths, server.url, connections, seconds)
        runs[f"sparql_{connections}"] = wrk(sparql_paths, server.url, connections, seconds)
    # every request a query not seen before: bound by encoding queries (reported, not a target)
    runs["search_uncached_64"] = wrk(fresh_paths, server.url, 64, seconds)
    after = server.rss()
    sizes = {"server_rss_mb_before": round(before / 2**20), "server_rss_mb_after": round(after / 2**20)}
    # the most cited bases, apart and last (reported, not a target): each answer is thousands of rows
    heavy = many["heavy"]
    heavy_paths = ["/sparql?" + urllib.parse.urlencode({"query": QUERIES[name].render(**value)})
                   for name in SELECTIVE for value in heavy[name]]
    key = f"sparql_heavy_{HEAVY_CONNECTIONS}"
    if heavy_paths:
        runs[key] = wrk(heavy_paths, server.url, HEAVY_CONNECTIONS, seconds)
        sizes["server_rss_mb_after_heavy"] = round(server.rss() / 2**20)
    else:
        runs[key] = {"skipped": f"no basis cited by more than {SELECTIVE_MAX_PROJECTS} projects, no unit with more "
                                f"than {SELECTIVE_MAX_DOCUMENTS} documents"}
    return {**runs, **sizes}


# ---- one size, the report --------------------------------------------------------------------------------
def run_size(size: int, args, smallest: bool) -> dict:
    from budgetkg.graph.store import BudgetStore

    work = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix=f"budgetkg-bench-{size}-"))
    corpus, store_path = work / "corpus", work / "store"
    try:
        start = time.perf_counter()
        if not args.reuse:
            subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(size), "--out", str(corpus),
                            "--seed", str(args.seed)], check=True, capture_output=True, env=ENV)
        generated = time.perf_counter() - start
        files = sorted(corpus.glob("*.txt"))
        result: dict = {"documents": len(files), "generate_seconds": None if args.reuse else round(generated, 1)}
        print(f"\n== {len(files)} documents " + (f"(reusing {work})" if args.reuse else f"(generated in {generated:.0f} s)"),
              flush=True)
        result["parse"] = measure_parse(files)
        print(f"parse: {result['parse']['docs_per_s']} documents/s", flush=True)
        result["ingest"] = (measure_reingest(corpus, store_path, len(files)) if args.reuse
                            else measure_ingest(corpus, store_path, len(files)))
        print(f"ingest: {result['ingest']}", flush=True)
        store = BudgetStore(store_path, read_only=True)
        params = query_params(store)
        result["query_params"] = params
        load = {"load": load_params(store), "fresh_queries": distinct_queries(store)}
        result["load_mix"] = load["load"]["summary"]
        result["sparql_in_process"] = measure_queries_in_process(store, params, args.repeat)
        if smallest and size <= 1000:  # rdflib would need hours to load more into memory
            result["rdflib_in_memory"] = measure_rdflib(store, params, args.repeat)
        del store
        server = Server(store_path)
        try:
            result["sparql_http"] = measure_queries_http(server, params, args.repeat)
            result["sparql_http_heavy"] = measure_heavy_http(server, load["load"]["heavy"])
            result["search_http"] = measure_search_http(server)
            result["load"] = measure_load(server, {**params, **load}, args.load_seconds)
        finally:
            server.stop()
        print(json.dumps({k: result[k] for k in ("load_mix", "sparql_in_process", "sparql_http", "sparql_http_heavy",
                                                 "search_http", "load")},
                         ensure_ascii=False), flush=True)
        return result
    finally:
        if not args.keep and not args.reuse:
            shutil.rmtree(work, ignore_errors=True)


def targets(results: dict[int, dict]) -> list[tuple[str, str, bool | None]]:
    """(target, figure, met) for the targets of issue 10, at the largest size measured."""
    size = max(results)
    r = results[size]
    scale = 10_000 / size
    out = []
    label = "" if size == 10_000 else f" (extrapolated ×{scale:g} from {size})"
    if r["ingest"]["seconds"] is None:
        out.append((f"10k documents ingest end to end < {TARGETS['ingest_10k_minutes']} min",
                    f"not measured: the store of an earlier run was reused ({r['ingest']['reused']})", None))
    else:
        ingest_min = r["ingest"]["seconds"] * scale / 60
        out.append((f"10k documents ingest end to end < {TARGETS['ingest_10k_minutes']} min{label}",
                    f"{ingest_min:.1f} min", ingest_min < TARGETS["ingest_10k_minutes"]))
    reingest_min = r["ingest"]["reingest_seconds"] * scale / 60
    out.append((f"re-ingest unchanged < {TARGETS['reingest_10k_minutes']} min{label}", f"{reingest_min:.1f} min",
                reingest_min < TARGETS["reingest_10k_minutes"]))
    for name in SELECTIVE:
        p50 = r["sparql_in_process"][name]["p50"]
        out.append((f"selective SPARQL {name} p50 ≤ {TARGETS['selective_p50_ms']} ms at {size}", f"{p50} ms",
                    p50 <= TARGETS["selective_p50_ms"]))
    for name in AGGREGATES:
        p50 = r["sparql_in_process"][name]["p50"]
        out.append((f"aggregate SPARQL {name} ≤ {TARGETS['aggregate_p50_ms']} ms at {size}", f"{p50} ms",
                    p50 <= TARGETS["aggregate_p50_ms"]))
    p50 = r["search_http"]["cold"]["p50"]
    out.append((f"search p50 ≤ {TARGETS['search_http_p50_ms']} ms over HTTP at {size} (query not cached)", f"{p50} ms",
                p50 <= TARGETS["search_http_p50_ms"]))
    load = r.get("load", {})
    if "search_64" in load:
        s, q = load["search_64"], load["sparql_64"]
        out.append(("64 connections: /api/search ≥ 100 req/s, no errors", f"{s['requests_per_s']} req/s, {s['errors']} errors",
                    s["requests_per_s"] >= TARGETS["load_search_rps"] and s["errors"] == 0))
        out.append(("64 connections: /sparql selective ≥ 200 req/s, no errors", f"{q['requests_per_s']} req/s, {q['errors']} errors",
                    q["requests_per_s"] >= TARGETS["load_sparql_rps"] and q["errors"] == 0))
        heavy = load.get(f"sparql_heavy_{HEAVY_CONNECTIONS}", {})
        if "requests_per_s" in heavy:  # reported apart, no target: not counted in the selective one
            out.append((f"{HEAVY_CONNECTIONS} connections: /sparql for the most cited bases, apart (reported, no target)",
                        f"{heavy['requests_per_s']} req/s, {heavy['errors']} errors, p50 {heavy['p50']}", None))
        before, after = load["server_rss_mb_before"], load["server_rss_mb_after"]
        out.append(("server memory flat and < 4 GB under load", f"{before} → {after} MB",
                    after < TARGETS["server_memory_gb"] * 1024 and after <= before * 1.25 + 50))
    return out


def chart(results: dict[int, dict], path: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: no chart"
    sizes = sorted(results)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name in SELECTIVE + AGGREGATES:
        left.plot(sizes, [results[s]["sparql_in_process"][name]["p50"] for s in sizes], marker="o", label=f"SPARQL {name}")
    left.plot(sizes, [results[s]["search_http"]["cold"]["p50"] for s in sizes], marker="s", linestyle="--", label="search over HTTP")
    left.set(xscale="log", yscale="log", xlabel="documents", ylabel="p50 latency (ms)", title="Latency")
    left.legend(fontsize=7)
    right.plot(sizes, [results[s]["ingest"]["docs_per_s"] or float("nan") for s in sizes], marker="o", label="ingest end to end (docs/s)")
    right.plot(sizes, [results[s]["parse"]["docs_per_s"] for s in sizes], marker="o", label="parse (docs/s)")
    for kind in ("search", "sparql"):
        values = [results[s].get("load", {}).get(f"{kind}_64", {}).get("requests_per_s") for s in sizes]
        if all(v is not None for v in values):
            right.plot(sizes, values, marker="s", linestyle="--", label=f"{kind} under 64 connections (req/s)")
    right.set(xscale="log", yscale="log", xlabel="documents", ylabel="per second", title="Throughput")
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=30, help="runs per selective query (aggregates: a fifth)")
    parser.add_argument("--load-seconds", type=int, default=15, help="length of each load run")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora and stores")
    parser.add_argument("--reuse", metavar="WORK", help="measure serving on a folder an earlier --keep run left "
                        "(its corpus/ and store/): no corpus generated, no first ingest; one size")
    args = parser.parse_args()
    if args.reuse:
        if not (Path(args.reuse) / "store").is_dir() or not (Path(args.reuse) / "corpus").is_dir():
            parser.error(f"--reuse {args.reuse}: no corpus/ and store/ there (folders that --keep leaves)")
        args.sizes = str(len(list((Path(args.reuse) / "corpus").glob("*.txt"))))
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results = {size: run_size(size, args, size == sizes[0]) for size in sizes}
    RESULTS.mkdir(exist_ok=True)
    stamp = (dt.datetime.now().strftime("%Y-%m-%d") + ("" if args.sizes == "100,1000,10000" else "-" + args.sizes.replace(",", "-"))
             + ("-reused" if args.reuse else ""))
    met = targets(results)
    report = {"date": dt.datetime.now().isoformat(timespec="seconds"), "seed": args.seed,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
              "results": results, "targets": [{"target": t, "figure": f, "met": m} for t, f, m in met]}
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    problem = chart(results, RESULTS / f"{stamp}.png")
    print(f"\n{'documents':>10} {'parse/s':>8} {'ingest/s':>9} {'texts':>7} {'peak MB':>8} {'reingest s':>10} "
          f"{'store MB':>9} {'index MB':>9} {'by basis':>9} {'by unit':>8} {'bases':>8} {'search':>7}")
    for size in sizes:
        r = results[size]
        q = r["sparql_in_process"]
        print(f"{size:>10} {r['parse']['docs_per_s']:>8} {r['ingest']['docs_per_s']!s:>9} {r['ingest']['texts_embedded']!s:>7} "
              f"{r['ingest']['peak_rss_mb']!s:>8} {r['ingest']['reingest_seconds']:>10} {r['ingest']['store_mb']:>9} "
              f"{r['ingest']['index_mb']:>9} {q['projects_by_basis']['p50']:>9} {q['unit_budget']['p50']:>8} "
              f"{q['bases']['p50']:>8} {r['search_http']['cold']['p50']:>7}")
    if "rdflib_in_memory" in results[sizes[0]]:
        rd, ox_ = results[sizes[0]]["rdflib_in_memory"], results[sizes[0]]["sparql_in_process"]
        for name in SELECTIVE:
            print(f"at {sizes[0]}: {name} rdflib in memory {rd[name]['p50']} ms vs Oxigraph on disk {ox_[name]['p50']} ms "
                  f"({rd[name]['p50'] / max(ox_[name]['p50'], 0.01):.0f}×)")
    for size in sizes:
        q = results[size]["sparql_in_process"]
        for name in LIVE_AGGREGATES:
            live = q[f"{name}_live"]["ms"]
            print(f"at {size}: {name} materialised {q[name]['p50']} ms vs computed live {live} ms "
                  f"({live / max(q[name]['p50'], 0.01):.0f}×)")
    print("\nTargets:")
    for target, figure, ok in met:
        print(f"  [{'met' if ok else 'reported' if ok is None else 'NOT met'}] {target}: {figure}")
    print(f"\nwrote {RESULTS / (stamp + '.json')}" + (f" ({problem})" if problem else f" and {RESULTS / (stamp + '.png')}"))


if __name__ == "__main__":
    main()
