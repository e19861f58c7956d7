"""One place that opens what search needs: the graph store, the wording index beside it, and
the embedding model (loaded once, on first use, by whichever thread needs it first)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from budgetkg.graph.store import BudgetStore

from .index import WordingIndex
from .model import default_model_spec, load_model, model_name
from .search import Searcher


class LazyModel:
    """Loads the embedding model on the first call, once, thread-safely."""

    def __init__(self, spec: str | None = None):
        self.spec = spec or default_model_spec()
        self.name = model_name(self.spec)
        self._model: Any = None
        self._lock = threading.Lock()

    def __call__(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = load_model(self.spec)
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None


def index_folder(store_folder: str | Path | None) -> Path | None:
    """The index lives beside the graph store, in its folder (in memory for an in-memory store)."""
    return None if store_folder is None else Path(store_folder) / "index"


def open_index(store_folder: str | Path | None, model: LazyModel) -> WordingIndex:
    return WordingIndex(index_folder(store_folder), model.name, model)


def open_searcher(store: BudgetStore, model: LazyModel | None = None, sync: bool = True) -> Searcher:
    """The searcher over a store; with ``sync`` the index is first brought in step with the graph."""
    model = model or LazyModel()
    index = open_index(store.path, model)
    if sync:
        index.sync(store)
    return Searcher(index=index, embedder_loader=model)
