"""Fixtures for end-to-end browser tests: a live `budgetkg serve` over every document in data/, and
Debian's headless Chromium driven by Playwright (sync API).

A test module loads them with `pytest_plugins = ["browser"]`; that also registers the report hook
below, which lets the `web` fixture take a screenshot when a test fails.

Both long-lived fixtures are module-scoped, so that the server and the browser are gone (and
their memory and CPU free) once a browser-test module is done.

- `live_server` (module): ingests data/ into a temporary store with the CLI (`budgetkg ingest`,
  which also builds the search index), starts `budgetkg serve` on a free loopback port, waits until
  it answers, yields its base URL ("http://127.0.0.1:PORT") and terminates it at the end.
- `chromium` (module): /usr/bin/chromium launched headless by Playwright. Test tools cannot
  download a browser of their own here; the Makefile installs Debian's `chromium`,
  `chromium-driver` and `fonts-noto-cjk` (so that Chinese text renders in screenshots).
- `web` (function): a fresh browser context and page, every request it makes recorded, and
  `shot(label)` saving a full-page PNG into $BUDGETKG_ARTIFACTS (default tests/artifacts/).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BIN = Path(sys.executable).parent / "budgetkg"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # no traffic of Chromium's own: the network is closed here, and it would keep trying
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
VIEWPORT = {"width": 1366, "height": 900}


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("BUDGETKG_ARTIFACTS") or ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
    except urllib.error.HTTPError:
        return True  # it answered, if not with 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    return True


# ---- the report hook: the `web` fixture reads item.rep_call to know whether the test failed ----------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# ---- live server -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    store = folder / "store"
    env = dict(os.environ, **OFFLINE)
    log = artifacts_dir() / "server.log"
    start = time.monotonic()
    ingest = subprocess.run([str(BIN), "ingest", str(DATA), "--store", str(store), "--quiet"],
                            check=False, env=env, capture_output=True, text=True, timeout=600)
    if ingest.returncode != 0:
        raise RuntimeError(f"budgetkg ingest failed ({ingest.returncode}):\n{ingest.stdout}\n{ingest.stderr}")
    ingested = time.monotonic()
    port = _free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN), "serve", "--store", str(store), "--port", str(port), "--host", "127.0.0.1"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _answers(base + "/sparql"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"budgetkg serve did not come up:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        # load the embedding model now, so that the first search in a browser is not the slow one
        _answers(base + "/api/search?" + urllib.parse.urlencode({"q": "预算", "k": 1}))
        print(f"\nlive server {base}: ingest {ingested - start:.1f} s, "
              f"start and warm-up {time.monotonic() - ingested:.1f} s", file=sys.stderr)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


# ---- browser -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Web:
    """One test's browsing: its page, what the page requested, and its screenshots."""

    page: object
    name: str
    folder: Path
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)

    def shot(self, label: str) -> Path:
        """A full-page PNG of what the page shows now, named <test>-<step>-<label>.png."""
        path = self.folder / f"{self.name}-{len(self.shots) + 1:02d}-{_slug(label)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        return path

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but this machine's loopback."""
        foreign = []
        for url in self.requests:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname not in LOCAL_HOSTS:
                foreign.append(url)
        return foreign


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-") or "step"


@pytest.fixture
def web(chromium, request):
    from playwright.sync_api import Error as PlaywrightError

    name = _slug(request.node.name)
    folder = artifacts_dir()
    for old in folder.glob(f"{name}-*.png"):
        old.unlink()
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    browsing = Web(page=page, name=name, folder=folder)
    context.on("request", lambda req: browsing.requests.append(req.url))
    page.on("pageerror", lambda err: browsing.errors.append(str(err)))
    try:
        yield browsing
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                browsing.shot("FAILED")
            except PlaywrightError as err:  # a crashed page: the failure itself says more
                print(f"no screenshot of the failure: {err}", file=sys.stderr)
        context.close()
