"""SPARQL queries run in worker processes, so that a runaway query can be stopped.

Oxigraph evaluates a query in native code that cannot be interrupted from Python; a query that
outlives its time limit is stopped by ending the worker process that runs it, and a fresh worker
takes its place. Each worker opens the store read-only. While one worker is busy, the others
serve other clients. Results are serialised in the worker with the libraries' serialisers and
capped at a row limit.
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
import threading
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

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


# ---- in the worker process ---------------------------------------------------------------------------
def _term(term):
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return rdflib.Literal(str(term))  # RDF-star triples: shown as text


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
        return _solutions(results, fmt, request.max_rows)
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


def _solutions(results, fmt, max_rows: int) -> QueryReply:
    """SELECT results, capped: the kept rows go through rdflib's SPARQL JSON serialiser, and from
    that JSON through Oxigraph's serialiser into the other formats."""
    import json

    import pyoxigraph as ox
    from rdflib.query import Result
    from rdflib.term import Variable

    names = [v.value for v in results.variables]
    rows = list(islice(results, max_rows + 1))
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    result = Result("SELECT")
    result.vars = [Variable(name) for name in names]
    result.bindings = [
        {Variable(name): _term(solution[name]) for name in names if solution[name] is not None}
        for solution in rows
    ]
    body = result.serialize(format="json")
    if fmt.key == "json":
        if truncated:
            data = json.loads(body)
            data["budgetkg"] = {"truncated": True, "row_limit": max_rows}
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    else:
        body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=_results_format(fmt.key))
    return QueryReply(200, fmt.media_type, body, truncated=truncated, rows=len(rows))


def _worker_main(path: str, connection) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(path)
    while True:
        message = connection.recv()
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
        connection.send(reply)


# ---- in the server process -------------------------------------------------------------------------------
class _Worker:
    def __init__(self, path: str):
        self.path = path
        self.connection, child = _context.Pipe()
        self.process = _context.Process(target=_worker_main, args=(path, child), daemon=True)
        self.process.start()
        child.close()

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


class QueryPool:
    """``size`` worker processes over the store at ``path``, started on first use."""

    def __init__(self, path: str, size: int = 2, timeout: float = 10.0):
        self.path, self.size, self.timeout = path, size, timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        atexit.register(self.close)

    def _start(self) -> None:
        with self._lock:
            if not self._started:
                for _ in range(self.size):
                    self._add()
                self._started = True

    def _add(self) -> None:
        worker = _Worker(self.path)
        self._all.append(worker)
        self._idle.put(worker)

    def _ask(self, message, timeout: float | None = None):
        self._start()
        timeout = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise BusyError from None
        try:
            reply = worker.ask(message, timeout)
        except TimeoutError:
            worker.stop()  # the only way to stop native code: end the process
            with self._lock:
                self._all.remove(worker)
                self._add()
            raise
        except (EOFError, OSError, BrokenPipeError):
            worker.stop()
            with self._lock:
                self._all.remove(worker)
                self._add()
            raise RuntimeError("the query worker died") from None
        self._idle.put(worker)
        return reply

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
        for worker in list(self._all):
            try:
                worker.connection.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.stop()
        self._all.clear()


class BusyError(Exception):
    pass
