"""Shared fixtures: one database built from data/ per test session (per xdist worker), and the
browser-test kit: Streamlit servers on 127.0.0.1, one headless Chromium, pages that close
themselves, and helpers that wait for conditions (never for a fixed time).

Every session-scoped fixture lives once per pytest-xdist worker (each worker is a process with
its own session), so workers never share a port, a browser or a server.

Browser tests use the helpers as ``from tests import conftest as kit``; ``kit.settle(page)``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from etl import db

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync")
#: WebGL maps need about this size: much taller viewports draw blank maps.
VIEWPORT = {"width": 1440, "height": 1000}
#: A phone (an iPhone 12-15 sized screen) as when a shared link opens in WeChat's browser,
#: which says so in its User-Agent: ``open_page(url, **PHONE)``.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True,
         "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
                       " (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c)"
                       " NetType/WIFI Language/zh_CN"}
#: Generous: a loaded 2-core machine can take tens of seconds for a first page.
WAIT_MS = 120_000
SERVER_START_S = 120


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The default dataset built from data/ into a temporary database file."""
    path = tmp_path_factory.mktemp("db") / "equity.duckdb"
    db.build(path)
    return path


# ---------------------------------------------------------------------------
# The app through Streamlit's AppTest
# ---------------------------------------------------------------------------

def reference_db(path: Path | str):
    """A new database at ``path`` with the schema and the real reference data only (no
    population, no facilities); the caller closes the connection."""
    c = db.connect(path)
    db.init_schema(c)
    with db.transaction(c):
        db.load_reference(c)
    return c


def open_app(db_path: Path | str, monkeypatch, page: str | None = None, /, *,
             timeout: float = 120, **params: str | list[str]):
    """The app (``app.py``) on the database ``db_path`` with ``params`` in the URL, switched to
    ``views/<page>.py`` when given, after one run that raised nothing. Every cache is cleared
    first: the loaders' caches live as long as the process, and each test starts afresh."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("EQUITY_DB", str(db_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    if page is not None:
        at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics_by_label(at) -> dict[str, str]:
    """The page's ``st.metric`` values by label."""
    return {m.label: m.value for m in at.metric}


# ---------------------------------------------------------------------------
# Streamlit servers and Chromium
# ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(db_path: Path, env: dict[str, str | None], log: Path) -> tuple[subprocess.Popen, str]:
    """One ``streamlit run app.py`` on a free 127.0.0.1 port, healthy; else ``pytest.fail``."""
    full = {**os.environ, **env, "EQUITY_DB": str(db_path)}
    full = {k: v for k, v in full.items() if v is not None}
    for _attempt in range(3):  # a port taken between choosing and binding: try another
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py",
                 "--server.address", "127.0.0.1", "--server.port", str(port),
                 "--server.headless", "true", "--server.fileWatcherType", "none"],
                cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SERVER_START_S
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return proc, url
            except OSError:
                time.sleep(0.2)
        if proc.poll() is None:  # alive but never healthy
            proc.kill()
            proc.wait()
            break
    tail = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"streamlit did not start (log {log}):\n{tail}")


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory) -> Iterator[Callable[..., str]]:
    """Factory ``streamlit_server(db_path, **env) -> base URL`` (``http://127.0.0.1:PORT``).

    Runs ``app.py`` on ``db_path`` (as ``EQUITY_DB``) with the extra environment variables
    ``env`` (a value of ``None`` removes that variable), on a free port of 127.0.0.1, without
    the file watcher (other work in the checkout must not reload the app under a test). The
    same database and env give the same server; every server is terminated at the end of the
    session. The server's output goes to a log
    file, shown when it fails to start.
    """
    logs = tmp_path_factory.mktemp("streamlit")
    running: dict[tuple, tuple[subprocess.Popen, str]] = {}

    def start(db_path: Path | str, **env: str | None) -> str:
        key = (str(db_path), tuple(sorted(env.items(), key=str)))
        if key not in running:
            running[key] = _start(Path(db_path), env, logs / f"server{len(running)}.log")
        return running[key][1]

    yield start
    for proc, _url in running.values():
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_url(streamlit_server, built_db) -> str:
    """Base URL of the app serving the default dataset (shared by the read-only tests)."""
    return streamlit_server(built_db)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (one per worker)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run `make browser` "
                    "(apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_FLAGS))
        yield b
        b.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., Page]]:
    """Factory ``open_page(url=None, **context_options) -> Page``: a page in a fresh browser
    context (nothing shared with other calls: cookies, storage), 1440x1000 unless
    ``viewport`` is given, generous default timeouts; every context closes at teardown, also
    when the test fails."""
    contexts = []

    def open_(url: str | None = None, **options) -> Page:
        ctx = browser.new_context(**{"viewport": VIEWPORT, **options})
        ctx.set_default_timeout(WAIT_MS)
        ctx.set_default_navigation_timeout(WAIT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        if url is not None:
            page.goto(url)
        return page

    yield open_
    for ctx in contexts:
        ctx.close()


# ---------------------------------------------------------------------------
# Waiting for conditions
# ---------------------------------------------------------------------------

#: True once Streamlit is connected, its script is not running, no status widget shows, and
#: that has held for ``quiet_ms`` (a rerun that follows right after does not count as idle).
_IDLE_JS = """(quietMs) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app !== null
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stStatusWidget"]') === null;
  const now = performance.now();
  if (!idle || window.__stIdleSince === undefined) window.__stIdleSince = idle ? now : undefined;
  return idle && now - window.__stIdleSince >= quietMs;
}"""


def settle(page: Page, selector: str | None = None, timeout: int = WAIT_MS) -> None:
    """Wait for ``selector`` (if given) and for the app to be idle for half a second.

    Idle alone does not prove a widget change was processed (the rerun may not have started
    yet): after an interaction wait first for its effect (``wait_for_param``, a text)."""
    if selector is not None:
        page.wait_for_selector(selector, timeout=timeout)
    page.wait_for_function(_IDLE_JS, arg=500, polling=100, timeout=timeout)


def wait_for_param(page: Page, name: str, value: str | None = None,
                   timeout: int = WAIT_MS) -> None:
    """Wait until the address has query parameter ``name`` (with ``value`` among its values),
    then for the app to settle."""
    page.wait_for_function(
        "([k, v]) => { const p = new URLSearchParams(location.search);"
        " return v === null ? p.has(k) : p.getAll(k).includes(v); }",
        arg=[name, value], polling=100, timeout=timeout)
    settle(page, timeout=timeout)


def wait_for_count(page: Page, selector: str, n: int, timeout: int = WAIT_MS) -> None:
    """Wait until at least ``n`` elements match the CSS ``selector``."""
    page.wait_for_function("([s, n]) => document.querySelectorAll(s).length >= n",
                           arg=[selector, n], polling=100, timeout=timeout)


def wait_for_text(page: Page, text: str, timeout: int = WAIT_MS) -> None:
    """Wait until the page's visible text contains ``text`` (word joiners U+2060, which
    ``ui.i18n.md_text`` puts after ``:`` and ``@`` in data shown as Markdown, ignored)."""
    page.wait_for_function(
        "(t) => document.body.innerText.replaceAll('\\u2060', '').includes(t)", arg=text,
        polling=200, timeout=timeout)


def wait_until(page: Page, condition: Callable[[], bool], what: str,
               timeout: int = WAIT_MS) -> None:
    """Poll a Python ``condition`` (letting the page run and its events arrive) until true."""
    deadline = time.monotonic() + timeout / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} ms waiting for {what}")
        page.wait_for_timeout(100)


def colours(png: bytes) -> int:
    """Distinct colours in a screenshot, scaled to 200x150: a blank element has one or two."""
    from PIL import Image

    raw = Image.open(BytesIO(png)).convert("RGB").resize((200, 150)).tobytes()
    return len({raw[i:i + 3] for i in range(0, len(raw), 3)})


def wait_drawn(element: Locator, min_colours: int, timeout: int = WAIT_MS) -> int:
    """Wait until ``element`` shows more than ``min_colours`` distinct colours (a map or chart
    has drawn, not a blank box); returns the last count, which the caller asserts on."""
    deadline = time.monotonic() + timeout / 1000
    n = colours(element.screenshot())
    while n <= min_colours and time.monotonic() < deadline:
        element.page.wait_for_timeout(250)
        n = colours(element.screenshot())
    return n


def choose(page: Page, label: str, option: str, *, first: bool = False) -> None:
    """Pick ``option`` in the last select box labelled ``label`` (an upload form's; with
    ``first``, the first one: the Data page's upload form has a second 登记表类型 box below)."""
    boxes = page.get_by_role("combobox", name=label)
    box = boxes.first if first else boxes.last
    box.click()
    box.fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()


def url_params(page: Page) -> dict[str, list[str]]:
    """The query parameters of the page's address."""
    return parse_qs(urlsplit(page.url).query)


def screenshot(page: Page, name: str) -> Path:
    """The whole app page as ``tests/artifacts/<name>.png``.

    Streamlit scrolls inside its main block, so the viewport grows to fit it for the shot and
    is restored afterwards (maps are drawn at the normal size; keep assertions before this)."""
    size = page.viewport_size
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
    settle(page)
    # let the resized charts paint: two animation frames
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    settle(page)
    return path


@pytest.fixture(scope="session")
def roads_db(built_db, tmp_path_factory) -> Path:
    """The default dataset with a made-up road grid loaded as the roads register
    (:mod:`tests.kit_roads`; never shown as Kaijiang's roads)."""
    from tests.kit_roads import load_grid

    return load_grid(built_db, tmp_path_factory.mktemp("roads"))
