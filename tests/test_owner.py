"""An ingest killed midway leaves no helper process behind (graph/owner.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

BIN = Path(sys.executable).parent / "budgetkg"


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _running(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            continue
    return alive


def test_a_killed_bulk_ingest_takes_its_encoder_and_parse_workers_with_it(tmp_path, hebei_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(60):  # a new store of 20 or more documents is built in bulk: workers and an encoder
        (folder / f"copy_{n:02d}.txt").write_bytes(hebei_path.read_bytes())
    ingest = subprocess.Popen([str(BIN), "ingest", str(folder), "--store", str(tmp_path / "store"), "--quiet",
                               "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "HF_HUB_OFFLINE": "1"})
    everything: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        helpers: list[psutil.Process] = []
        while time.monotonic() < deadline and ingest.poll() is None:
            helpers = [p for p in _descendants(ingest.pid) if "spawn_main" in " ".join(p.cmdline())]
            if len(helpers) >= 3:  # two parse workers and the encoder
                break
            time.sleep(0.05)
        assert ingest.poll() is None, "the ingest ended before its helpers could be seen"
        assert len(helpers) >= 3, [p.cmdline() for p in helpers]
        everything = _descendants(ingest.pid)
        os.kill(ingest.pid, signal.SIGKILL)  # no cleanup runs in the ingest itself
        ingest.wait(10)
        deadline = time.monotonic() + 30
        while _running(everything) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(everything), [p.cmdline() for p in _running(everything)]
    finally:
        if ingest.poll() is None:
            ingest.kill()
        for process in _running(everything + _descendants(ingest.pid)):
            process.kill()
