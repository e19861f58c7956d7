"""`budgetkg serve` as a server: several processes on one port, each with its own query workers;
ready only once those have opened the store; runaway queries stopped; the store's lock held;
every process gone after SIGTERM or Ctrl-C, or when its parent dies. And the row cap, counted in
the serialised results of every format."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pyoxigraph as ox
import pytest

from budgetkg.graph.store import BudgetStore
from budgetkg.server.cli import main
from budgetkg.server.negotiation import RESULTS
from budgetkg.server.sparql_pool import QueryPool, QueryRequest, _solutions

BIN = Path(sys.executable).parent / "budgetkg"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROJECTS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a bkg:Project }"


def _tree(pid: int) -> set[int]:
    """``pid`` and every process below it."""
    try:
        process = psutil.Process(pid)
        return {pid} | {child.pid for child in process.children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def _alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie is not)."""
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            continue
    return alive


def _wait_gone(pids: set[int], seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


def _default_sigint() -> None:
    """SIGINT as a terminal's job has it: a shell running the tests in the background makes its
    jobs ignore SIGINT, the server would inherit that and (rightly) keep ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """`budgetkg serve --port 0` in a process of its own; ``url`` is read from what it prints when
    every serving process is ready."""

    def __init__(self, store: Path, *options: str):
        self.log = store.parent / f"serve-{time.monotonic_ns()}.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(  # a session of its own, as a shell gives a job
                [str(BIN), "serve", "--store", str(store), "--port", "0", "--timeout", "2", *options],
                stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, HF_HUB_OFFLINE="1"),
                start_new_session=True, preexec_fn=_default_sigint)
        deadline = time.monotonic() + 180
        while not (found := re.search(r"on (http://127\.0\.0\.1:\d+)/", self.output())):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(self.output())
            time.sleep(0.1)
        self.url = found[1]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self) -> set[int]:
        return _tree(self.process.pid)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """SIGTERM to the server, as a service manager sends it; SIGINT to its whole process
        group, as Ctrl-C in a terminal does."""
        if signum == signal.SIGINT:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        return self.process.wait(timeout=30)


def _get(url: str, accept: str = "application/sparql-results+json"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _query(server: Server, query: str):
    return _get(server.url + "/sparql?" + urllib.parse.urlencode({"query": query}))


def _query_quietly(server: Server, query: str) -> None:
    """A query from a background thread whose server may be stopped under it."""
    try:
        _query(server, query)
    except OSError:
        pass


def _count(body: bytes) -> str:
    return json.loads(body)["results"]["bindings"][0]["n"]["value"]


def _make_store(folder: Path, document: Path) -> Path:
    store = BudgetStore(folder)
    store.ensure_ontology()
    store.ingest(document)
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def store(tmp_path_factory, hebei_path) -> Path:
    """The store of the module's server."""
    return _make_store(tmp_path_factory.mktemp("serve") / "store", hebei_path)


@pytest.fixture(scope="module")
def spare_store(tmp_path_factory, hebei_path) -> Path:
    """A store for servers started and stopped one after another."""
    return _make_store(tmp_path_factory.mktemp("spare") / "store", hebei_path)


@pytest.fixture(scope="module")
def server(store):
    server = Server(store, "--processes", "2", "--workers", "2", "--threads", "4")
    yield server
    server.stop()


# ---- several processes ----------------------------------------------------------------------------------
def test_several_processes_answer_on_one_port(server):
    assert "2 serving processes, 2 SPARQL query workers each" in server.output()
    answered_by = set()
    for _ in range(40):  # a new connection each time: the kernel spreads them over the sockets
        status, headers, body = _query(server, PROJECTS)
        assert status == 200 and _count(body) == "25"
        answered_by.add(headers["Server"])
    assert answered_by == {"budgetkg (1/2)", "budgetkg (2/2)"}
    # the parent, 2 serving processes, 2 query workers each (and multiprocessing's resource tracker)
    assert len(server.pids()) >= 7


def test_search_is_served_by_the_read_only_processes(server):
    status, _, body = _get(server.url + "/api/search?" + urllib.parse.urlencode({"q": "群众满意度", "k": 3}),
                           "application/json")
    assert status == 200 and json.loads(body)["groups"]


def test_a_runaway_query_is_stopped_and_the_server_goes_on(server):
    outcome = {}

    def runaway():
        start = time.monotonic()
        outcome["reply"] = _query(server, RUNAWAY)
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    status, _, body = _query(server, PROJECTS)  # served meanwhile, by another worker or process
    assert status == 200 and _count(body) == "25" and thread.is_alive()
    thread.join(timeout=30)
    status, headers, body = outcome["reply"]
    assert status == 503 and headers.get_content_type() == "application/problem+json"
    assert "2 s limit" in json.loads(body)["detail"] and 1.5 < outcome["seconds"] < 15
    for _ in range(10):  # every process still answers: a fresh worker took the stopped one's place
        status, _, body = _query(server, PROJECTS)
        assert status == 200 and _count(body) == "25"


def test_the_store_is_locked_while_serving(server, store, hebei_path, capsys):
    assert main(["ingest", str(hebei_path), "--store", str(store), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert "cannot open the store" in error and "in use by another process" in error


def test_a_serving_process_that_dies_is_replaced(server):
    before = server.pids()
    for _ in range(4):  # keep query workers busy in native code
        threading.Thread(target=_query_quietly, args=(server, RUNAWAY), daemon=True).start()
    time.sleep(0.8)
    # a serving process is a child of the server's with query workers of its own; take the one
    # whose workers are busiest
    serving = [pid for pid in before if _parent(pid) == server.process.pid and len(_tree(pid)) >= 3]
    start = {pid: _cpu(_tree(pid) - {pid}) for pid in serving}
    time.sleep(0.3)
    victim = max(serving, key=lambda pid: _cpu(_tree(pid) - {pid}) - start[pid])
    victims = _tree(victim)
    os.kill(victim, signal.SIGKILL)
    assert not _wait_gone(victims, 1.5), "the killed process's query workers stopped with it, the busy ones too"
    deadline = time.monotonic() + 60
    while "starting another" not in server.output() or len(server.pids()) < len(before):
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.2)
    answered_by = set()
    for _ in range(40):
        status, headers, _ = _query(server, PROJECTS)
        assert status == 200
        answered_by.add(headers["Server"])
    assert answered_by == {"budgetkg (1/2)", "budgetkg (2/2)"}


def _cpu(pids: set[int]) -> float:
    """CPU time (seconds) used by ``pids``."""
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _parent(pid: int) -> int | None:
    try:
        return psutil.Process(pid).ppid()
    except psutil.NoSuchProcess:
        return None


# ---- starting -------------------------------------------------------------------------------------------
#: A time limit shorter than a query worker takes to start (a process, imports, the store opened),
#: and far longer than PROJECTS takes on a started one.
SHORT_LIMIT = 0.25


def test_a_worker_gets_queries_only_once_it_has_opened_the_store(store):
    """The first query after start, and those right after a worker is replaced, are not stopped
    at the time limit while a worker is still opening the store."""
    pool = QueryPool(str(store), size=2, timeout=SHORT_LIMIT)
    try:
        pool.start()
        reply = pool.run(QueryRequest(PROJECTS))
        assert reply.status == 200 and _count(reply.body) == "25"
        assert pool.run(QueryRequest(RUNAWAY)).error == "timeout"  # its worker is replaced
        for _ in range(15):  # while the new worker starts, and after: each worker in turn
            reply = pool.run(QueryRequest(PROJECTS))
            assert reply.status == 200, reply.message
            time.sleep(0.1)
    finally:
        pool.close()


def test_the_first_query_after_ready_is_answered(spare_store):
    """Ready (the address printed) means that every serving process's query workers have opened
    the store: the first query is answered within a limit shorter than they take to start."""
    server = Server(spare_store, "--processes", "2", "--workers", "2", "--timeout", str(SHORT_LIMIT))
    try:
        status, _, body = _query(server, PROJECTS)
        assert status == 200 and _count(body) == "25", body
    finally:
        server.stop()


# ---- stopping --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("processes, signum", [("2", signal.SIGTERM), ("2", signal.SIGINT), ("1", signal.SIGTERM)])
def test_a_signal_stops_every_process(spare_store, processes, signum):
    server = Server(spare_store, "--processes", processes, "--workers", "2")
    busy = threading.Thread(target=_query_quietly, args=(server, RUNAWAY), daemon=True)
    busy.start()  # a worker deep in native code when the signal comes
    status, _, _ = _query(server, PROJECTS)
    assert status == 200
    pids = server.pids()
    assert len(pids) >= (3 if processes == "1" else 7)
    assert server.stop(signum) == 0
    assert not _wait_gone(pids), f"left running: {_alive(pids)}\n{server.output()}"
    assert "Traceback" not in server.output()


def test_processes_stop_when_the_parent_is_killed(spare_store):
    server = Server(spare_store, "--processes", "2", "--workers", "2")
    pids = server.pids()
    server.process.kill()
    server.process.wait(timeout=10)
    assert not _wait_gone(pids - {server.process.pid}), f"left running: {_alive(pids)}"


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_port_in_use_is_refused(store, server, processes):
    """Not joined: SO_REUSEPORT would otherwise let two servers share a port."""
    port = server.url.rsplit(":", 1)[1]
    result = subprocess.run([str(BIN), "serve", "--store", str(store), "--port", port, "--processes", processes],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr


# ---- the row cap, counted in the serialised output -------------------------------------------------------
@pytest.fixture(scope="module")
def tricky_store():
    """Values that look like the marks the row counter looks for, and rows with nothing bound."""
    store = ox.Store()
    texts = ['[{"', ',{"', ",{}", "[{}", "<result>", "x\ty\nz", "}}", '"', "\\", "满意度"]
    for i in range(300):
        value = ox.Literal(texts[i % len(texts)] * (1 + i % 50)) if i % 4 else ox.NamedNode(f"http://e/o{i}")
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{i % 70}"), ox.NamedNode(f"http://e/p{i % 3}"), value))
    return store


@pytest.mark.parametrize("query", [
    "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o",
    "SELECT ?x ?s WHERE { ?s ?p ?o OPTIONAL { ?s <http://none> ?x } } ORDER BY ?s ?o",
    "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { ?s <http://none> ?x } }",  # every row empty
    "SELECT * WHERE { }",  # one row, no variables
    "SELECT ?o WHERE { ?s ?p ?o FILTER(false) }",
])
@pytest.mark.parametrize("cap", [0, 1, 69, 70, 71, 300, 1000])
def test_the_row_cap_in_every_format(tricky_store, query, cap):
    everything = list(tricky_store.query(query))
    for fmt in RESULTS:
        reply = _solutions(tricky_store.query(query), fmt, cap, lambda: tricky_store.query(query))
        assert reply.truncated == (len(everything) > cap), fmt.key
        body = reply.body
        if fmt.key == "json":
            data = json.loads(body)
            assert data.pop("budgetkg", None) == ({"truncated": True, "row_limit": cap} if reply.truncated else None)
            body = json.dumps(data).encode()
        if fmt.key == "csv":
            rows = list(csv.reader(io.StringIO(body.decode(), newline="")))[1:]
            assert len(rows) == min(cap, len(everything))
            continue
        parsed = ox.parse_query_results(body, {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                                               "tsv": ox.QueryResultsFormat.TSV}[fmt.key])
        assert [str(row) for row in parsed] == [str(row) for row in everything[:cap]], fmt.key
