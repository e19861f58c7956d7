"""SPARQL queries run in worker processes, so that a runaway query can be stopped.

Oxigraph evaluates a query in native code that cannot be interrupted from Python; a query that
outlives its time limit is stopped by ending the worker process that runs it, and a fresh worker
takes its place. Each worker opens the store read-only, says when it has, and ends with the
process that started it. A worker gets queries only once it has opened the store (a cold store
of several GB takes a while), so that the time limit counts the query alone. While one worker is
busy, the others serve other clients. Results are serialised in the worker by Oxigraph's own
serialisers and capped at a row limit: SELECT rows are counted in the serialised output as it is
written (no Python object per row), and the output is cut after the last row allowed.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from budgetkg.graph.owner import exit_with_owner

_context = multiprocessing.get_context("spawn")


@dataclass
class QueryRequest:
    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: list[str] | None = None  # protocol default-graph-uri (None: union of all)
    named_graphs: list[str] | None = None  # protocol named-graph-uri (None: all)
    base_iri: str | None = None
    max_rows: int = 10_000


@dataclass
class QueryReply:
    status: int
    media_type: str = "text/plain"
    body: bytes = b""
    error: str | None = None  # "syntax", "not_acceptable", "timeout", "busy", "internal"
    message: str | None = None
    truncated: bool = False
    rows: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


#: Seconds a query worker gets to open the store and answer a first query before it is given up.
OPEN_TIMEOUT = 240.0
#: Seconds between attempts to start a worker in place of one that could not open the store.
RETRY_PAUSE = 5.0
#: What a worker answers before it says it is ready: it reads an index of the store and imports
#: what serialising a reply takes.
WARM_UP = QueryRequest("ASK { GRAPH ?g { ?s ?p ?o } }")


# ---- in the worker process ---------------------------------------------------------------------------
def execute(store, request: QueryRequest) -> QueryReply:
    """Run one query on ``store`` and serialise its results as negotiated."""
    import pyoxigraph as ox

    from budgetkg.graph.vocab import PREFIXES

    from .negotiation import GRAPHS, RESULTS, NotAcceptable, negotiate

    options: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": request.base_iri}
    if request.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    if request.default_graphs is None and request.named_graphs is None:
        options["use_default_graph_as_union"] = True
    try:
        results = store.query(request.query, **options)
    except SyntaxError as err:
        return QueryReply(400, error="syntax", message=f"the query is not valid SPARQL: {err}")
    except (ValueError, OSError) as err:
        return QueryReply(400, error="invalid", message=str(err))
    try:
        if isinstance(results, ox.QueryBoolean):
            fmt = negotiate(RESULTS, request.accept, request.format)
            return QueryReply(200, fmt.media_type, results.serialize(format=_results_format(fmt.key)))
        if isinstance(results, ox.QueryTriples):
            fmt = negotiate(GRAPHS, request.accept, request.format)
            triples = list(islice(results, request.max_rows + 1))
            truncated = len(triples) > request.max_rows
            body = ox.serialize(triples[: request.max_rows], format=_graph_format(fmt.key), prefixes=_prefixes(fmt.key))
            return QueryReply(200, fmt.media_type, body, truncated=truncated, rows=min(len(triples), request.max_rows))
        fmt = negotiate(RESULTS, request.accept, request.format)
        return _solutions(results, fmt, request.max_rows, lambda: store.query(request.query, **options))
    except NotAcceptable as err:
        return QueryReply(406, error="not_acceptable", message=str(err))
    except (OSError, RuntimeError) as err:
        return QueryReply(500, error="internal", message=f"the query failed while running: {err}")


def _results_format(key: str):
    import pyoxigraph as ox

    return {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[key]


def _graph_format(key: str):
    import pyoxigraph as ox

    return {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}[key]


def _prefixes(key: str):
    from budgetkg.graph.vocab import PREFIXES

    return PREFIXES if key in ("turtle", "rdfxml") else None


class _CapReached(Exception):
    """Raised inside a serialiser's write: the rows passed the limit, stop writing."""


@dataclass(frozen=True)
class _Marks:
    """The bytes that mark each row in Oxigraph's output of a results format and cannot occur
    inside a value, so that rows are counted without parsing."""

    rows: tuple[bytes, ...]  # each row has exactly one of these
    ends: bool = False  # the mark ends its row (else it starts it)
    headers: int = 0  # marks before the first row
    empty: tuple[bytes, ...] = ()  # a row that has none of ``rows`` has one of these (or a value does)

    @property
    def width(self) -> int:
        return max(len(mark) for mark in self.rows + self.empty)


#: JSON escapes every ``"`` inside a string, XML every ``<`` in text, TSV every line break. An
#: empty JSON row (``{}``, every variable unbound) has no such mark: ``[{}`` and ``,{}`` count it,
#: or text that looks like it, so they only bound the count from above.
_MARKS = {
    "json": _Marks((b'[{"', b',{"'), empty=(b"[{}", b",{}")),
    "xml": _Marks((b"<result>",)),
    "tsv": _Marks((b"\n",), ends=True, headers=1),
}


class _RowCounter:
    """A file for ``QuerySolutions.serialize`` that keeps what is written and counts the rows as
    they come; past ``max_rows`` rows it stops the serialiser (by raising _CapReached)."""

    def __init__(self, key: str, max_rows: int):
        self.key, self.marks, self.max_rows = key, _MARKS[key], max_rows
        self.parts: list[bytes] = []
        self.rows = -self.marks.headers
        self.maybe_empty = 0
        self.tail = b""

    def write(self, data) -> int:
        if self.rows > self.max_rows:  # the serialiser may write once more as it stops
            raise _CapReached
        data = bytes(data)
        self.parts.append(data)
        window = self.tail + data  # a mark split across two writes is counted once, in the second
        self.rows += sum(window.count(mark) for mark in self.marks.rows)
        self.maybe_empty += sum(window.count(mark) for mark in self.marks.empty)
        self.tail = window[len(window) - self.marks.width + 1:]
        if self.rows > self.max_rows:
            raise _CapReached
        return len(data)

    def flush(self) -> None:
        pass

    def serialize(self, results) -> bool:
        """Write ``results`` into this counter; True if they have more than ``max_rows`` rows."""
        try:
            results.serialize(self, _results_format(self.key))
        except _CapReached:
            return True
        return False

    @property
    def exact(self) -> bool:
        return not self.maybe_empty

    def body(self, truncated: bool) -> bytes:
        """What was written; when truncated, the first ``max_rows`` rows of it, closed."""
        data = b"".join(self.parts)
        if not truncated:
            return data
        pattern = b"|".join(re.escape(mark) for mark in self.marks.rows)
        mark = next(islice(re.finditer(pattern, data), self.max_rows, None))
        if self.marks.ends:
            return data[: mark.end()]
        data = data[: mark.start()]
        if self.key == "json":
            return data + (b"[]}}" if mark.group().startswith(b"[") else b"]}}")
        return data + b"</results></sparql>"


def _solutions(results, fmt, max_rows: int, rerun) -> QueryReply:
    """SELECT results as Oxigraph's serialiser writes them, cut at ``max_rows`` rows: the rows are
    counted as they are written, so a result within the limit costs nothing more. CSV, which has
    no row marks, goes through TSV; so does JSON with empty rows near the limit (``rerun`` runs
    the query again for it)."""
    import pyoxigraph as ox

    key = "tsv" if fmt.key == "csv" else fmt.key
    counter = _RowCounter(key, max_rows)
    truncated = counter.serialize(results)
    if not counter.exact and (truncated or counter.rows + counter.maybe_empty > max_rows):
        counter = _RowCounter("tsv", max_rows)
        truncated = counter.serialize(rerun())
    body = counter.body(truncated)
    if counter.key != fmt.key:
        body = ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(format=_results_format(fmt.key))
    if truncated and fmt.key == "json":
        body = body[: body.rindex(b"}")] + b',"budgetkg":{"truncated":true,"row_limit":%d}}' % max_rows
    rows = max_rows if truncated else max(counter.rows, 0)
    return QueryReply(200, fmt.media_type, body, truncated=truncated, rows=rows)


def _worker_main(path: str, connection) -> None:
    import pyoxigraph as ox

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the owner stops workers
    exit_with_owner()
    try:
        store = ox.Store.read_only(path)
        warm = execute(store, WARM_UP)
        if warm.status != 200:
            raise OSError(warm.message)
    except Exception as err:  # say why to the owner, which gives up this worker
        connection.send(("failed", f"{type(err).__name__}: {err}"))
        return
    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):  # the owner is gone
            return
        if message is None:
            return
        kind, payload = message
        try:
            if kind == "graphs":
                reply: Any = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            else:
                reply = execute(store, payload)
        except Exception as err:  # report, never die on one bad query
            reply = QueryReply(500, error="internal", message=f"{type(err).__name__}: {err}")
        try:
            connection.send(reply)
        except (OSError, EOFError):
            return


# ---- in the server process -------------------------------------------------------------------------------
class _Worker:
    def __init__(self, path: str):
        self.path = path
        self.connection, child = _context.Pipe()
        self.process = _context.Process(target=_worker_main, args=(path, child), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        """Wait until the worker has opened the store (its first message says so).

        :raise WorkerError: it could not, stopped, or took longer than ``timeout`` seconds.
        """
        try:
            if not self.connection.poll(timeout):
                raise WorkerError(f"a SPARQL query worker did not open the store {self.path} within {timeout:g} s")
            kind, detail = self.connection.recv()
        except (EOFError, OSError):
            self.process.join(timeout=1)
            raise WorkerError(f"a SPARQL query worker stopped while opening the store {self.path} "
                              f"(exit code {self.process.exitcode})") from None
        if kind != "ready":
            raise WorkerError(f"a SPARQL query worker cannot open the store {self.path}: {detail}")

    def ask(self, message, timeout: float):
        self.connection.send(message)
        if not self.connection.poll(timeout):
            raise TimeoutError
        return self.connection.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def default_size(processes: int = 1) -> int:
    """Query workers for each of ``processes`` serving processes: one per core over them all (a
    query is native code that uses its core fully), and at least 2 per process, so that a runaway
    query leaves another worker free."""
    cores = os.cpu_count() or 1
    return max(2, -(-cores // processes))


class QueryPool:
    """``size`` worker processes (default: :func:`default_size`) over the store at ``path``,
    started by :meth:`start` or on first use; a query gets ``timeout`` seconds to run, and as
    long to wait for a free worker."""

    def __init__(self, path: str, size: int | None = None, timeout: float = 10.0):
        self.path, self.size, self.timeout = path, size or default_size(), timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()  # only workers that have opened the store
        self._started = self._closed = False
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        atexit.register(self.close)

    def start(self, timeout: float = OPEN_TIMEOUT) -> None:
        """Start the workers and wait until each has opened the store (a server does, before it
        says it is ready), rather than on the first query.

        :raise WorkerError: a worker cannot open the store within ``timeout`` seconds; none is left running.
        """
        with self._lock:
            if self._started or self._closed:
                return
            workers = [self._spawn() for _ in range(self.size)]
            deadline = time.monotonic() + timeout
            try:
                for worker in workers:
                    worker.wait_ready(max(0.0, deadline - time.monotonic()))
            except BaseException:  # WorkerError, or SIGTERM while waiting
                for worker in workers:
                    worker.stop()
                    self._all.remove(worker)
                raise
            for worker in workers:
                self._idle.put(worker)
            self._started = True

    def _spawn(self) -> _Worker:
        """A new worker, known to :meth:`close` at once; it gets queries once admitted to ``_idle``."""
        worker = _Worker(self.path)
        self._all.append(worker)
        return worker

    def _ask(self, message, timeout: float | None = None):
        if not self._started:
            self.start()
        timeout = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise BusyError from None
        if self._closed:
            raise RuntimeError("the server is stopping")
        try:
            reply = worker.ask(message, timeout)
        except TimeoutError:
            self._replace(worker)  # the only way to stop native code: end the process
            raise
        except (EOFError, OSError):
            self._replace(worker)
            raise RuntimeError("the query worker died") from None
        self._idle.put(worker)
        return reply

    def _replace(self, worker: _Worker) -> None:
        """Stop ``worker`` and start another in its place, which gets queries once it has opened
        the store (meanwhile the other workers serve)."""
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            if self._closed:
                return
            fresh = self._spawn()
        threading.Thread(target=self._admit, args=(fresh,), name="query-worker-start", daemon=True).start()

    def _admit(self, worker: _Worker) -> None:
        """Give ``worker`` queries once it has opened the store; if it cannot, try another after
        a pause."""
        try:
            worker.wait_ready(OPEN_TIMEOUT)
        except WorkerError as err:
            if self._closed:
                return
            print(f"budgetkg: {err}; starting another in {RETRY_PAUSE:g} s", file=sys.stderr, flush=True)
            time.sleep(RETRY_PAUSE)
            self._replace(worker)
            return
        self._idle.put(worker)

    def run(self, request: QueryRequest) -> QueryReply:
        """Run a query within the time limit; a query that outlives it is stopped."""
        try:
            return self._ask(("query", request))
        except TimeoutError:
            return QueryReply(503, error="timeout", message=(
                f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                "narrow it (a LIMIT, more selective patterns) and try again"))
        except BusyError:
            return QueryReply(503, error="busy", message="every query worker is busy; try again shortly")
        except RuntimeError as err:
            return QueryReply(500, error="internal", message=str(err))

    def named_graphs(self) -> list[str]:
        return self._ask(("graphs", None))

    def close(self) -> None:
        """Stop every worker; the pool answers no more queries."""
        with self._lock:
            self._closed = True
        for worker in list(self._all):
            try:
                worker.connection.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.stop()
        self._all.clear()


class BusyError(Exception):
    pass


class WorkerError(RuntimeError):
    """A query worker could not open the store; says why."""
