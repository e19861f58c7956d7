"""`budgetkg serve`: the app under waitress, in one process or in several that share the port.

Search, page rendering and HTTP parsing hold the GIL, so it takes processes, not threads, to use
more than one core. With several processes the parent serves nothing: it holds the store
read-write (its lock keeps any ingest from writing under the server), brings the wording index
in step once, and starts the serving processes. Each of those opens the store read-only, runs its
own SPARQL query workers and listens on its own socket bound to the same port with SO_REUSEPORT,
so that the kernel spreads connections over them. The parent restarts a serving process that
dies, and stops them all (and they their query workers) on SIGTERM or SIGINT; a process whose
parent is gone stops by itself.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
import threading
import time
from typing import Any, Callable

_context = multiprocessing.get_context("spawn")

#: Serving processes by default: one per core, at most this many (each loads its own embedding
#: model for search, ~0.5 GB; SPARQL scales with the query workers anyway).
MAX_DEFAULT_PROCESSES = 4
#: Seconds a stopping process gets before it is killed.
STOP_GRACE = 10.0
#: Seconds a serving process gets to open the store and start its query workers (each of which
#: gets sparql_pool.OPEN_TIMEOUT to open the store).
START_TIMEOUT = 300.0


def default_processes() -> int:
    """Serving processes: one per core, at most MAX_DEFAULT_PROCESSES."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_PROCESSES))


class ServeError(Exception):
    """The server cannot start or keep running; says why."""


def _raise_stop(signum, frame) -> None:
    """SIGTERM, as SystemExit in the main thread: waitress stops its loop on it (and on
    KeyboardInterrupt) and lets no request handler swallow it."""
    raise SystemExit(0)


def _listen(host: str, port: int, reuse_port: bool) -> socket.socket:
    """A listening TCP socket on ``host``:``port``, as waitress would make it; with ``reuse_port``,
    one of a group of sockets on the same port."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as err:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    return sock


def _free_port(host: str, port: int) -> int:
    """``port`` (or, for 0, a free one) after checking that nothing listens on it: a group of
    SO_REUSEPORT sockets would otherwise share the port with another server of the same user."""
    probe = _listen(host, port, reuse_port=False)
    port = probe.getsockname()[1]
    probe.close()
    return port


def _limit_threads(processes: int) -> None:
    """Share the cores between processes: OpenMP (FAISS, the embedding engine, torch) would
    otherwise start a team of one thread per core in every process, for every concurrent search,
    and its threads spin while they wait for a team mate that another process holds off its core.
    An OMP_NUM_THREADS already set is kept."""
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // processes)))


def _run_waitress(app, sock: socket.socket, threads: int, ident: str) -> None:
    """Serve ``app`` on ``sock`` until SIGTERM or SIGINT."""
    from waitress.server import create_server

    server = create_server(app, sockets=[sock], threads=threads, ident=ident)
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        server.run()  # returns on KeyboardInterrupt or SystemExit, once the request threads stopped
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()


def _prepare(app) -> Any:
    """Open what a serving process needs before it serves: the store, and the query workers,
    each of which has opened the store too (so that the first query finds one ready).

    :raise ServeError: a query worker cannot open the store.
    """
    from .app import resources
    from .sparql import query_pool
    from .sparql_pool import WorkerError

    resources(app).store
    pool = query_pool(app)
    try:
        pool.start()
    except WorkerError as err:
        raise ServeError(str(err)) from None
    _warm_search(app)
    return pool


def _warm_search(app) -> None:
    """Search once in each field before serving, so that no request pays for loading the model,
    the FAISS index and the lexical model (with several processes, each its own: a process's
    first search took over a second at 10,000 documents). A model or index that cannot load is
    left to search to report; SPARQL and pages still serve."""
    from budgetkg.embed.search import FIELDS

    from .app import resources

    try:
        searcher = resources(app).searcher
        for field in FIELDS:
            searcher.search("满意度", k=1, field=field)
    except Exception as err:  # a warm-up never stops the server: search says it again per request
        print(f"budgetkg: search is not ready: {err}", file=sys.stderr, flush=True)


def serve(config: dict[str, Any], host: str, port: int, threads: int = 8, processes: int | None = None,
          announce: Callable[[str], None] = print) -> None:
    """Serve the app over the store in ``config`` until SIGTERM or SIGINT; ``announce`` gets the
    address once every process is ready to answer (with ``port`` 0, a free port).

    :raise ServeError: the port is taken, or a serving process cannot start.
    :raise StoreError: the store cannot be opened read-write (an ingest or another server has it).
    """
    from .app import create_app, resources
    from .sparql_pool import default_size

    processes = processes or default_processes()
    _limit_threads(processes)
    if processes == 1:
        sock = _listen(host, port, reuse_port=False)
    else:
        port = _free_port(host, port)
    app = create_app({**config, "SPARQL_WORKERS": config.get("SPARQL_WORKERS") or default_size(processes)})
    if processes > 1:
        resources(app).sync_index()  # the lock, then the index in step, before the others open the store
        _Supervisor(app, host, port, threads, processes).run(announce)
        return
    with sock:
        resources(app).searcher  # the lock, then the index in step, before the query workers open the store
        resources(app).store.flush()
        pool = _prepare(app)
        try:
            announce(_address(host, sock.getsockname()[1], app, 1))
            _run_waitress(app, sock, threads, "budgetkg")
        finally:
            pool.close()


def _address(host: str, port: int, app, processes: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return (f"http://{shown}:{port}/ (SPARQL: /sparql; {processes} serving process{'es' * (processes > 1)}, "
            f"{app.config['SPARQL_WORKERS']} SPARQL query workers each)")


class _Supervisor:
    """The parent of a multi-process server: starts, watches, restarts and stops the serving
    processes."""

    def __init__(self, app, host: str, port: int, threads: int, processes: int):
        self.host, self.port, self.threads, self.processes = host, port, threads, processes
        self.config = {key: app.config[key] for key in ("STORE", "BASE", "MODEL", "SPARQL_TIMEOUT",
                                                        "SPARQL_MAX_ROWS", "SPARQL_WORKERS")}
        self.app = app
        self.children: dict[int, Any] = {}  # slot (1..processes) → process
        self.started: dict[int, float] = {}
        self.restarts: list[float] = []

    def _start(self, slot: int):
        sock = _listen(self.host, self.port, reuse_port=True)
        ready, child_end = _context.Pipe(duplex=False)
        process = _context.Process(
            target=_serve_process, name=f"budgetkg-serve-{slot}",
            args=(self.config, sock, self.threads, f"budgetkg ({slot}/{self.processes})", child_end))
        try:
            process.start()
        finally:
            sock.close()  # the child has its own copy; a dead child's socket must not linger here
            child_end.close()
        self.children[slot], self.started[slot] = process, time.monotonic()
        return process, ready

    def _wait_ready(self, pending: dict[int, Any]) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while pending:
            waiting = {ready: slot for slot, ready in pending.items()}
            sentinels = {self.children[slot].sentinel: slot for slot in pending}
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServeError(f"the serving processes did not start within {START_TIMEOUT:g} s")
            for item in multiprocessing.connection.wait([*waiting, *sentinels], timeout=left):
                if item in sentinels:
                    slot = sentinels[item]
                    raise ServeError(f"serving process {slot} stopped while starting (exit code "
                                     f"{self.children[slot].exitcode}); see the messages above")
                slot = waiting[item]
                try:
                    item.recv()
                except EOFError:
                    continue  # it died: its sentinel says so next
                item.close()
                del pending[slot]

    def run(self, announce: Callable[[str], None]) -> None:
        previous = signal.signal(signal.SIGTERM, _raise_stop)
        try:
            _free_port(self.host, self.port)  # still free after the index sync
            self._wait_ready({slot: self._start(slot)[1] for slot in range(1, self.processes + 1)})
            announce(_address(self.host, self.port, self.app, self.processes))
            while True:
                by_sentinel = {process.sentinel: slot for slot, process in self.children.items()}
                for sentinel in multiprocessing.connection.wait(list(by_sentinel)):
                    self._restart(by_sentinel[sentinel])
        except (SystemExit, KeyboardInterrupt):  # SIGTERM, SIGINT
            pass
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the stopping short
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            self.stop()
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def _restart(self, slot: int) -> None:
        """A serving process died: start another in its place, unless they keep dying."""
        process = self.children[slot]
        process.join()
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < 60] + [now]
        if len(self.restarts) > 5:
            raise ServeError("serving processes keep dying (more than 5 in a minute); stopping")
        print(f"budgetkg: serving process {slot} (pid {process.pid}) stopped with exit code {process.exitcode}; "
              "starting another", file=sys.stderr, flush=True)
        _, ready = self._start(slot)
        self._wait_ready({slot: ready})

    def stop(self) -> None:
        """SIGTERM to every serving process; those still running after STOP_GRACE are killed."""
        for process in self.children.values():
            if process.is_alive():
                try:
                    os.kill(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + STOP_GRACE
        for process in self.children.values():
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()  # its query workers follow it (they watch their parent)
                process.join(5)


# ---- in a serving process ------------------------------------------------------------------------------
def _serve_process(config: dict[str, Any], sock: socket.socket, threads: int, ident: str, ready) -> None:
    """One serving process of a multi-process server: the store read-only, its own query workers,
    waitress on its own socket of the port's group."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops us
    signal.signal(signal.SIGTERM, _raise_stop)
    _stop_with_parent()
    from .app import create_app

    pool = None
    try:
        app = create_app({**config, "READ_ONLY": True, "INDEX_SYNCED": True})
        try:
            pool = _prepare(app)
        except ServeError as err:
            print(f"budgetkg: error: {err}", file=sys.stderr, flush=True)
            sys.exit(1)
        ready.send(os.getpid())
        ready.close()
        _run_waitress(app, sock, threads, ident)
    finally:
        if pool is not None:
            pool.close()


def _stop_with_parent() -> None:
    """Stop this process (cleanly, else at once) when its parent is gone."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(STOP_GRACE)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
