"""Concurrent viewers: N Streamlit sessions on one server, latency of a widget change.

Starts ``streamlit run app.py`` on 127.0.0.1 (a free port) and opens N sessions as
Streamlit websocket clients (``/_stcore/stream``, the protobuf BackMsg/ForwardMsg protocol
the browser speaks), all in one asyncio process so the client costs the server little CPU.
Each session loads a page (overview, education, health, elderly_care, culture in turn),
then for a fixed time repeats: think, change a real widget (township filter, indicator,
threshold or speed slider — ids taken from the deltas the server sent), and time it from
sending the new widget state to ``script_finished``. Target from issue 6: 20 sessions on
2 cores with p95 < 2 s and no errors. An exception element in the deltas, a compile error,
a page not found, a dropped connection, a timeout or a traceback in the server log is an
error. Server memory is the RSS of its process tree, sampled (and ``VmHWM``).

    python bench/bench_load.py [--sessions 20] [--duration 60] [--think 1.0] [--json out.json]

First every page is loaded once (not counted); then one session on each page in turn
(``--baseline-duration`` in all) gives the ratio p95(N)/p95(1).

**Several processes** (issue 11): ``--workers 0,2`` runs everything once per layout, in turn:
``0`` is one plain ``streamlit run`` (as above), ``N`` is ``python -m tools.serve --workers N``
(N Streamlit processes behind nginx with sticky cookies). Then every viewer first GETs the
page through the proxy, keeps the ``st_worker`` cookie and sends it on the websocket
handshake, as a browser does. The figures of each layout are printed side by side with
their ratio to the first layout. ``--burst 100 --burst-window 20``: 100 viewers open the
shared link at random times within 20 s (GET of the page, ``/_stcore/health``, the websocket,
the first script run to ``script_finished``; ``--burst-assets`` also fetches the page's
script and style sheets); time to first render per viewer, and every viewer must be served.

    python bench/bench_load.py --workers 0,2 --sessions 200 --think 10 --duration 90 \
        --baseline-duration 0 --burst 100 --burst-window 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

TARGET_P95_S = 2.0
#: a burst of viewers opening a shared link: time to first render, p95 (issue 11)
TARGET_BURST_P95_S = 5.0
PAGES = ("overview", "education", "health", "elderly_care", "culture")
#: The default page (``default=True`` in app.py) lives at the root URL, not at /overview.
DEFAULT_PAGE = "overview"
#: widget keys changed by the viewers: selectboxes by key, and every slider on the page
SELECT_KEYS = ("town", "ind")
STREAM_PATH = "/_stcore/stream"


# -- the server ------------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    return out


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from ``/proc``)."""
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += _children(p)
    return tree


def _status_kb(pid: int, field_name: str) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of the process tree, MB (``VmRSS`` summed)."""
    return sum(_status_kb(p, "VmRSS") for p in process_tree(pid)) / 1024


def tree_hwm_mb(pid: int) -> float:
    """Peak resident memory of the process tree, MB (``VmHWM`` summed, an upper bound)."""
    return sum(_status_kb(p, "VmHWM") for p in process_tree(pid)) / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the process tree."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in process_tree(pid):
        with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{p}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


@dataclass
class Server:
    """A running ``streamlit run`` subprocess bound to 127.0.0.1."""

    proc: subprocess.Popen
    port: int
    log_path: Path
    #: the Streamlit processes behind the proxy (``tools.serve``); empty for one plain process
    worker_urls: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def roots(self) -> list[int]:
        """The processes whose trees are the server: the one Streamlit process, or the
        launcher's children (workers and nginx; the launcher itself only supervises)."""
        if not self.worker_urls:
            return [self.proc.pid]
        return _children(self.proc.pid)

    def cpu_s(self) -> float:
        return sum(tree_cpu_s(p) for p in self.roots())

    def rss_mb(self) -> float:
        return sum(tree_rss_mb(p) for p in self.roots())

    def hwm_mb(self) -> float:
        return sum(tree_hwm_mb(p) for p in self.roots())

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_server(script: str | Path, env: dict[str, str] | None = None,
                     startup_timeout_s: float = 60.0) -> Iterator[Server]:
    """Run ``streamlit run script`` headless on 127.0.0.1 until the block ends (always stopped)."""
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="bench_load_"))
    log_path = log_dir / "server.log"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.headless", "true", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=str(Path(script).resolve().parent), stdout=log,
                                stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                start_new_session=True)
    server = Server(proc, port, log_path)
    try:
        t_end = time.monotonic() + startup_timeout_s
        while not _healthy(server.base_url):
            if proc.poll() is not None or time.monotonic() > t_end:
                raise RuntimeError(f"streamlit did not start:\n{server.log_text()[-2000:]}")
            time.sleep(0.2)
        yield server
    finally:
        # the server runs in its own process group: stop it and anything it started
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        shutil.rmtree(log_dir, ignore_errors=True)


@contextlib.contextmanager
def launcher_server(workers: int, env: dict[str, str] | None = None, db: Path | None = None,
                    startup_timeout_s: float = 120.0,
                    extra: Sequence[str] = ()) -> Iterator[Server]:
    """Run ``python -m tools.serve --workers N`` (nginx on a free port, workers on free ports)
    until the block ends (always stopped, with every child)."""
    port = free_port()
    ports = []
    while len(ports) < workers:
        p = free_port()
        if p != port and p not in ports:
            ports.append(p)
    log_dir = Path(tempfile.mkdtemp(prefix="bench_serve_"))
    log_path = log_dir / "serve.log"
    cmd = [sys.executable, "-m", "tools.serve", "--workers", str(workers), "--port", str(port),
           "--worker-ports", ",".join(map(str, ports)), "--run-dir", str(log_dir / "run"),
           *(["--db", str(db)] if db else []), *extra]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})}, start_new_session=True)
    server = Server(proc, port, log_path, [f"http://127.0.0.1:{p}" for p in ports])
    try:
        t_end = time.monotonic() + startup_timeout_s
        while "serve: http://" not in server.log_text():
            if proc.poll() is not None or time.monotonic() > t_end:
                raise RuntimeError(f"tools.serve did not start:\n{server.log_text()[-2000:]}")
            time.sleep(0.2)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)  # the launcher stops its children
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        shutil.rmtree(log_dir, ignore_errors=True)


# -- HTTP as the browser does it before the websocket ----------------------------------------

@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        out = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie" and "=" in v:
                name, _, rest = v.partition("=")
                out[name.strip()] = rest.split(";", 1)[0].strip()
        return out


async def http_get(url: str, cookies: dict[str, str] | None = None,
                   timeout_s: float = 30.0) -> HttpResponse:
    """A plain HTTP/1.1 GET on asyncio (no extra library; the event loop keeps running)."""
    u = urlsplit(url)
    path = (u.path or "/") + (f"?{u.query}" if u.query else "")
    head = [f"GET {path} HTTP/1.1", f"Host: {u.netloc}", "Accept-Encoding: gzip",
            "User-Agent: bench_load", "Connection: close"]
    if cookies:
        head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    async with asyncio.timeout(timeout_s):
        reader, writer = await asyncio.open_connection(u.hostname, u.port or 80)
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
            await writer.drain()
            raw = await reader.read(-1)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    header_bytes, _, body = raw.partition(b"\r\n\r\n")
    lines = header_bytes.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = [(k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in lines[1:])]
    resp = HttpResponse(status, headers, body)
    if "chunked" in resp.header("Transfer-Encoding").lower():
        out, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2:]
        resp.body = out
    if resp.header("Content-Encoding").lower() == "gzip":
        resp.body = zlib.decompress(resp.body, 16 + zlib.MAX_WBITS)
    return resp


def page_assets(html: bytes) -> list[str]:
    """The scripts and style sheets ``index.html`` loads (``./static/…`` paths).

    >>> page_assets(b'<script src="./static/js/index.abc.js"></script><link href="./static/css/x.css">')
    ['static/js/index.abc.js', 'static/css/x.css']
    """
    import re

    found = re.findall(rb'(?:src|href)="\./(static/[^"]+\.(?:js|css))"', html)
    return list(dict.fromkeys(x.decode() for x in found))


# -- one viewer ------------------------------------------------------------------------------

class AppError(Exception):
    """The app reported an error during a run (exception element, compile error, ...)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass
class Sample:
    """One timed run: a page load or a widget change."""

    session: int
    page: str
    action: str  # "load" or the widget changed, e.g. "town", "slider:medical_circle_min"
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class Widget:
    kind: str  # "selectbox" or "slider"
    id: str
    key: str
    options: list[str] = field(default_factory=list)
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0
    value: Any = None


def widget_key(widget_id: str) -> str:
    """The user key in a Streamlit widget id (``$$ID-<hash>-<key>``), else ``''``.

    >>> widget_key("$$ID-3f2a9c-town"), widget_key("$$ID-3f2a9c-primary-lower"), widget_key("x")
    ('town', 'primary-lower', '')
    """
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" else ""


class Viewer:
    """One browser tab's worth of protocol: load a page, change widgets, time each run."""

    def __init__(self, base_url: str, page: str, index: int, timeout_s: float, seed: int,
                 page_get: bool = False, assets: bool = False) -> None:
        path, _, query = page.partition("?")
        #: GET the page first and send its cookies on the websocket (the proxy's sticky cookie)
        self.page_get, self.assets = page_get, assets
        self.cookies: dict[str, str] = {}
        self.worker = ""  # X-St-Worker of the page, behind tools.serve
        self.page, self.path, self.query = page, path, query
        self.base_url, self.index, self.timeout_s = base_url, index, timeout_s
        self.rng = random.Random(seed * 1000 + index)
        self.ws: Any = None
        self.page_hash = ""
        self.widgets: dict[str, Widget] = {}
        self.sent: dict[str, Any] = {}  # widget id -> WidgetState we sent (the browser keeps them)

    async def connect(self) -> None:
        import websockets

        url = self.base_url.replace("http://", "ws://") + STREAM_PATH
        headers = {}
        if self.page_get:
            await self.open_page()
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout_s, ping_interval=None,
                                           compression=None, additional_headers=headers)

    async def open_page(self) -> None:
        """What the browser fetches before the websocket: the page (keeping its cookies),
        optionally its scripts and style sheets, and ``/_stcore/health``."""
        root = self.path == DEFAULT_PAGE
        url = f"{self.base_url}/" + ("" if root else self.path) + (f"?{self.query}" if self.query else "")
        page = await http_get(url, self.cookies, self.timeout_s)
        if page.status != 200:
            raise AppError("http", f"GET {url}: {page.status}")
        self.cookies.update(page.cookies())
        self.worker = page.header("X-St-Worker")
        if self.assets:
            for asset in page_assets(page.body):
                r = await http_get(f"{self.base_url}/{asset}", self.cookies, self.timeout_s)
                if r.status != 200:
                    raise AppError("http", f"GET {asset}: {r.status}")
        health = await http_get(self.base_url + "/_stcore/health", self.cookies, self.timeout_s)
        if health.status != 200:
            raise AppError("http", f"GET /_stcore/health: {health.status}")
        self.cookies.update(health.cookies())

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
            self.ws = None

    def _back_msg(self, states: Sequence[Any] = ()) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        # the overview is the default page: its address is the app's root, as a browser asks
        root = self.path == DEFAULT_PAGE
        cs.page_name = "" if self.page_hash or root else self.path
        cs.context_info.url = f"{self.base_url}/" if root else f"{self.base_url}/{self.path}"
        cs.context_info.timezone = "Asia/Shanghai"
        cs.context_info.locale = "zh-CN"
        for s in states:
            cs.widget_states.widgets.add().CopyFrom(s)
        return msg.SerializeToString()

    def _on_element(self, el: Any) -> None:
        kind = el.WhichOneof("type")
        if kind == "exception":
            raise AppError("exception", f"{el.exception.type}: {el.exception.message}"[:300])
        if kind == "selectbox":
            sb = el.selectbox
            key = widget_key(sb.id)
            if key in SELECT_KEYS and len(sb.options) > 1:
                current = sb.raw_value if sb.HasField("raw_value") else (
                    sb.options[sb.default] if sb.HasField("default") else None)
                self.widgets[sb.id] = Widget("selectbox", sb.id, key, options=list(sb.options),
                                             value=current)
        elif kind == "slider":
            sl = el.slider
            if len(sl.default) == 1 and sl.max > sl.min and sl.step > 0:
                value = sl.value[0] if sl.value else sl.default[0]
                self.widgets[sl.id] = Widget("slider", sl.id, widget_key(sl.id), lo=sl.min,
                                             hi=sl.max, step=sl.step, value=value)

    async def run(self, states: Sequence[Any] = ()) -> float:
        """Send one rerun and read until it finishes successfully; returns the seconds taken."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        t0 = time.perf_counter()
        await self.ws.send(self._back_msg(states))
        async with asyncio.timeout(self.timeout_s):
            while True:
                data = await self.ws.recv()
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    self.widgets = {}  # a new run draws every element again
                elif kind == "delta":
                    if msg.delta.WhichOneof("type") == "new_element":
                        self._on_element(msg.delta.new_element)
                elif kind == "navigation":
                    self.page_hash = msg.navigation.page_script_hash
                elif kind == "page_info_changed":
                    self.query = msg.page_info_changed.query_string
                elif kind == "page_not_found":
                    raise AppError("page_not_found", self.page)
                elif kind == "session_event" and msg.session_event.HasField(
                        "script_compilation_exception"):
                    raise AppError("compile_error",
                                   msg.session_event.script_compilation_exception.message[:300])
                elif kind == "script_finished":
                    status = msg.script_finished
                    if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                        return time.perf_counter() - t0
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        raise AppError("compile_error", self.page)
                    # FINISHED_EARLY_FOR_RERUN: the app asked for another run; keep reading

    def next_change(self) -> tuple[str, Any] | None:
        """Pick a widget and a new value for it (a real widget of the last run)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        if not self.widgets:
            return None
        w = self.rng.choice(sorted(self.widgets.values(), key=lambda w: w.id))
        state = WidgetState(id=w.id)
        if w.kind == "selectbox":
            choices = [o for o in w.options if o != w.value] or w.options
            w.value = self.rng.choice(choices)
            state.string_value = w.value
            action = w.key
        else:
            steps = int(round((w.hi - w.lo) / w.step))
            choices = [w.lo + k * w.step for k in range(steps + 1)]
            current = math.nan if w.value is None else float(w.value)
            choices = [v for v in choices if not math.isclose(v, current)] or choices
            w.value = self.rng.choice(choices)
            state.double_array_value.data.append(w.value)
            action = f"slider:{w.key or w.id}"
        return action, state

    async def change(self) -> tuple[str, float]:
        """Change one widget (keeping the values sent before, as a browser does); time the run."""
        picked = self.next_change()
        if picked is None:
            raise AppError("no_widget", self.page)
        action, state = picked
        self.sent[state.id] = state
        current = [s for wid, s in self.sent.items() if wid in self.widgets]
        return action, await self.run(current)


# -- many viewers ----------------------------------------------------------------------------

@dataclass
class LoadResult:
    sessions: int
    duration_s: float
    think_s: float
    samples: list[Sample] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    rss_peak_mb: float = 0.0
    rss_end_mb: float = 0.0
    loadavg: tuple[float, float, float] = (0.0, 0.0, 0.0)
    #: sessions per worker (``X-St-Worker`` of the page GET; ``''`` without the GET)
    workers: Counter = field(default_factory=Counter)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 10:
            self.error_examples.append(f"{kind}: {detail}")


def _error_kind(exc: BaseException) -> tuple[str, str]:
    import websockets

    if isinstance(exc, AppError):
        return exc.kind, exc.detail
    if isinstance(exc, TimeoutError):
        return "timeout", "no script_finished in time"
    if isinstance(exc, (websockets.ConnectionClosed, OSError)):
        return "disconnected", repr(exc)[:200]
    return "client_error", repr(exc)[:200]


async def _viewer_loop(base_url: str, page: str, index: int, result: LoadResult, t_end: float,
                       start_delay_s: float, think_s: float, timeout_s: float, seed: int,
                       page_get: bool = False) -> None:
    """One session until ``t_end``: load the page, then think / change / time, reconnecting
    after an error (a timed-out run leaves the session in an unknown state)."""
    await asyncio.sleep(start_delay_s)
    viewer = Viewer(base_url, page, index, timeout_s, seed, page_get=page_get)
    while time.perf_counter() < t_end:
        action, t0 = "load", time.perf_counter()
        try:
            if viewer.ws is None:
                await viewer.connect()
                result.workers[viewer.worker] += 1
                result.samples.append(Sample(index, page, "load", await viewer.run(), True))
            while time.perf_counter() < t_end:
                if think_s > 0:  # uniform in [0.5, 1.5] x think time
                    await asyncio.sleep(think_s * (0.5 + viewer.rng.random()))
                    if time.perf_counter() >= t_end:
                        break
                t0 = time.perf_counter()
                action, secs = await viewer.change()
                result.samples.append(Sample(index, page, action, secs, True))
        except Exception as exc:  # every failure is counted, then the viewer starts afresh
            kind, detail = _error_kind(exc)
            result.error(kind, f"{page} {action}: {detail}")
            result.samples.append(Sample(index, page, action, time.perf_counter() - t0, False, kind))
            await viewer.close()
            viewer = Viewer(base_url, page, index, timeout_s, seed + 1, page_get=page_get)
            await asyncio.sleep(0.5)
    await viewer.close()


async def _sample_memory(server: Server, result: LoadResult, stop: asyncio.Event) -> None:
    while not stop.is_set():
        result.rss_peak_mb = max(result.rss_peak_mb, server.rss_mb())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def run_load_async(server: Server, pages: Sequence[str] = PAGES, sessions: int = 20,
                         duration_s: float = 60.0, think_s: float = 1.0, timeout_s: float = 30.0,
                         ramp_s: float = 2.0, seed: int = 2022, page_get: bool = False) -> LoadResult:
    """``sessions`` viewers against ``server`` for ``duration_s`` (pages assigned in turn)."""
    result = LoadResult(sessions, duration_s, think_s)
    cpu0, client0, log0 = server.cpu_s(), time.process_time(), len(server.log_text())
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_memory(server, result, stop))
    t_start = time.perf_counter()
    t_end = t_start + duration_s
    tasks = [
        _viewer_loop(server.base_url, pages[i % len(pages)], i, result, t_end,
                     ramp_s * i / max(sessions, 1), think_s, timeout_s, seed, page_get)
        for i in range(sessions)
    ]
    try:
        # bounded: every run has its own timeout; this caps the whole phase as well
        async with asyncio.timeout(duration_s + 2 * timeout_s + ramp_s + 30):
            await asyncio.gather(*tasks)
    finally:
        stop.set()
        await sampler
    _finish(server, result, t_start, cpu0, client0, log0)
    return result


def _finish(server: Server, result: LoadResult, t_start: float, cpu0: float, client0: float,
            log0: int) -> None:
    result.wall_s = time.perf_counter() - t_start
    result.server_cpu_s = server.cpu_s() - cpu0
    result.client_cpu_s = time.process_time() - client0
    result.rss_end_mb = server.rss_mb()
    result.loadavg = os.getloadavg()
    # a traceback the server logged during the phase is an error the viewers may not see
    new_log = server.log_text()[log0:]
    for _ in range(new_log.count("Traceback (most recent call last)")):
        result.error("server_traceback", new_log[new_log.find("Traceback"):][:300])
    if server.proc.poll() is not None:
        result.error("server_died", f"exit code {server.proc.returncode}")
    # a worker that died and was restarted by tools.serve
    for _ in range(new_log.count("exited with code")):
        result.error("worker_died", new_log[new_log.find("exited with code") - 40:][:200])


async def _burst_viewer(server: Server, page: str, index: int, result: LoadResult, delay_s: float,
                        timeout_s: float, seed: int, assets: bool, done: asyncio.Event,
                        viewers: list[Viewer]) -> None:
    await asyncio.sleep(delay_s)
    viewer = Viewer(server.base_url, page, index, timeout_s, seed, page_get=True, assets=assets)
    viewers.append(viewer)
    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            await viewer.connect()
            await viewer.run()
        result.samples.append(Sample(index, page, "first_render", time.perf_counter() - t0, True))
        result.workers[viewer.worker] += 1
    except Exception as exc:  # counted: every viewer of the burst must be served
        kind, detail = _error_kind(exc)
        result.error(kind, f"{page} first render: {detail}")
        result.samples.append(Sample(index, page, "first_render", time.perf_counter() - t0, False,
                                     kind))
        await viewer.close()
    # the tab stays open until the burst is over (its session lives on the server)
    await done.wait()


async def run_burst_async(server: Server, page: str = DEFAULT_PAGE, viewers: int = 100,
                          window_s: float = 20.0, timeout_s: float = 60.0, seed: int = 2022,
                          assets: bool = False) -> LoadResult:
    """``viewers`` open ``page`` (the shared link) at uniformly random times within
    ``window_s``; each sample is one viewer's time to first render (page GET to
    ``script_finished``). Every session stays open until the last one has rendered."""
    result = LoadResult(viewers, window_s, 0.0)
    rng = random.Random(seed)
    delays = sorted(rng.uniform(0, window_s) for _ in range(viewers))
    cpu0, client0, log0 = server.cpu_s(), time.process_time(), len(server.log_text())
    stop, done = asyncio.Event(), asyncio.Event()
    sampler = asyncio.create_task(_sample_memory(server, result, stop))
    opened: list[Viewer] = []
    t_start = time.perf_counter()
    tasks = [asyncio.create_task(_burst_viewer(server, page, i, result, d, timeout_s, seed, assets,
                                               done, opened)) for i, d in enumerate(delays)]
    try:
        async with asyncio.timeout(window_s + timeout_s + 30):
            while len(result.samples) < viewers:
                await asyncio.sleep(0.1)
        _finish(server, result, t_start, cpu0, client0, log0)
    finally:
        done.set()
        stop.set()
        await sampler
        with contextlib.suppress(Exception):
            async with asyncio.timeout(30):
                await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(v.close() for v in opened), return_exceptions=True)
    return result


def run_burst(server: Server, **kwargs: Any) -> LoadResult:
    """Synchronous wrapper of :func:`run_burst_async`."""
    return asyncio.run(run_burst_async(server, **kwargs))


def run_load(server: Server, **kwargs: Any) -> LoadResult:
    """Synchronous wrapper of :func:`run_load_async`."""
    return asyncio.run(run_load_async(server, **kwargs))


def run_baseline(server: Server, pages: Sequence[str] = PAGES, duration_s: float = 20.0,
                 **kwargs: Any) -> LoadResult:
    """One session at a time on each page in turn (``duration_s`` shared among them): the
    same page mix as the load phase, without concurrency."""
    each = duration_s / len(pages)
    parts = [run_load(server, pages=[page], sessions=1, duration_s=each, **kwargs) for page in pages]
    out = LoadResult(1, duration_s, parts[0].think_s)
    for part in parts:
        out.samples += part.samples
        out.errors.update(part.errors)
        out.error_examples += part.error_examples[: 10 - len(out.error_examples)]
        out.wall_s += part.wall_s
        out.server_cpu_s += part.server_cpu_s
        out.client_cpu_s += part.client_cpu_s
        out.rss_peak_mb = max(out.rss_peak_mb, part.rss_peak_mb)
        out.rss_end_mb, out.loadavg = part.rss_end_mb, part.loadavg
    return out


# -- figures ---------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; NaN when empty.

    >>> percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95), percentile([5], 95)
    (2.5, 3.85, 5.0)
    """
    if not values:
        return math.nan
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo), 12)


def summarise(result: LoadResult) -> dict[str, Any]:
    """The figures of one phase: counts, latency percentiles, errors, memory, CPU."""
    changes = [s.seconds for s in result.samples if s.ok and s.action != "load"]
    loads = [s.seconds for s in result.samples if s.ok and s.action == "load"]
    by_page = {}
    for page in sorted({s.page for s in result.samples}):
        xs = [s.seconds for s in result.samples if s.ok and s.action != "load" and s.page == page]
        by_page[page] = {"n": len(xs), "p50_s": percentile(xs, 50), "p95_s": percentile(xs, 95)}
    by_action = {}
    for action in sorted({s.action.split(":")[0] for s in result.samples} - {"load"}):
        xs = [s.seconds for s in result.samples
              if s.ok and s.action.split(":")[0] == action]
        by_action[action] = {"n": len(xs), "p50_s": percentile(xs, 50), "p95_s": percentile(xs, 95)}
    n_errors = sum(result.errors.values())
    runs = len(result.samples)
    p95 = percentile(changes, 95)
    return {
        "sessions": result.sessions,
        "duration_s": result.duration_s,
        "think_s": result.think_s,
        "wall_s": round(result.wall_s, 1),
        "loads": len(loads),
        "load_p50_s": percentile(loads, 50),
        "load_p95_s": percentile(loads, 95),
        "interactions": len(changes),
        "interactions_per_s": len(changes) / result.wall_s if result.wall_s else math.nan,
        "p50_s": percentile(changes, 50),
        "p95_s": p95,
        "max_s": max(changes) if changes else math.nan,
        "errors": n_errors,
        "error_kinds": dict(result.errors),
        "error_examples": result.error_examples,
        "by_page": by_page,
        "by_action": by_action,
        "server_rss_peak_mb": round(result.rss_peak_mb, 1),
        "server_rss_end_mb": round(result.rss_end_mb, 1),
        "server_cpu_s": round(result.server_cpu_s, 1),
        # what one run costs the server: its capacity is about 1 core (the GIL) / this
        "server_cpu_ms_per_run": round(1000 * result.server_cpu_s / runs, 1) if runs else math.nan,
        "client_cpu_s": round(result.client_cpu_s, 1),
        "loadavg": [round(x, 2) for x in result.loadavg],
        "sessions_per_worker": {k: v for k, v in sorted(result.workers.items()) if k},
        "pass": bool(changes) and p95 < TARGET_P95_S and n_errors == 0,
    }


def summarise_burst(result: LoadResult) -> dict[str, Any]:
    """The figures of a burst: time to first render per viewer, served, errors, CPU, memory."""
    ok = [s.seconds for s in result.samples if s.ok]
    n_errors = sum(result.errors.values())
    p95 = percentile(ok, 95)
    return {
        "viewers": result.sessions,
        "window_s": result.duration_s,
        "wall_s": round(result.wall_s, 1),
        "served": len(ok),
        "p50_s": percentile(ok, 50),
        "p95_s": p95,
        "max_s": max(ok) if ok else math.nan,
        "errors": n_errors,
        "error_kinds": dict(result.errors),
        "error_examples": result.error_examples,
        "server_rss_peak_mb": round(result.rss_peak_mb, 1),
        "server_rss_end_mb": round(result.rss_end_mb, 1),
        "server_cpu_s": round(result.server_cpu_s, 1),
        "server_cpu_ms_per_run": (round(1000 * result.server_cpu_s / len(result.samples), 1)
                                  if result.samples else math.nan),
        "client_cpu_s": round(result.client_cpu_s, 1),
        "loadavg": [round(x, 2) for x in result.loadavg],
        "sessions_per_worker": {k: v for k, v in sorted(result.workers.items()) if k},
        "pass": len(ok) == result.sessions and p95 < TARGET_BURST_P95_S and n_errors == 0,
    }


def _print_burst(name: str, s: dict[str, Any]) -> None:
    ms = lambda x: "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"  # noqa: E731
    print(f"\n== {name}: {s['viewers']} viewers open the link within {s['window_s']:.0f} s "
          f"(wall {s['wall_s']} s)")
    print(f"  first render     {s['served']:5d} served   p50 {ms(s['p50_s'])} s   "
          f"p95 {ms(s['p95_s'])} s   max {ms(s['max_s'])} s")
    print(f"  errors           {s['errors']:5d}   {s['error_kinds'] or ''}")
    for line in s["error_examples"][:5]:
        print(f"    {line}")
    if s["sessions_per_worker"]:
        print(f"  sessions per worker {s['sessions_per_worker']}")
    print(f"  server RSS peak {s['server_rss_peak_mb']:.0f} MB (end {s['server_rss_end_mb']:.0f} MB), "
          f"server CPU {s['server_cpu_s']:.1f} s ({s['server_cpu_ms_per_run']:.0f} ms per page load), "
          f"client CPU {s['client_cpu_s']:.1f} s, "
          f"load average {s['loadavg'][0]:.2f} {s['loadavg'][1]:.2f} {s['loadavg'][2]:.2f}")


def _print_phase(name: str, s: dict[str, Any]) -> None:
    ms = lambda x: "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"  # noqa: E731
    print(f"\n== {name}: {s['sessions']} session(s), {s['duration_s']:.0f} s, think {s['think_s']} s "
          f"(wall {s['wall_s']} s)")
    print(f"  page loads       {s['loads']:5d}   p50 {ms(s['load_p50_s'])} s   p95 {ms(s['load_p95_s'])} s")
    print(f"  widget changes   {s['interactions']:5d}   p50 {ms(s['p50_s'])} s   p95 {ms(s['p95_s'])} s"
          f"   max {ms(s['max_s'])} s   ({s['interactions_per_s']:.1f}/s)")
    for page, v in s["by_page"].items():
        print(f"    {page:<16} {v['n']:5d}   p50 {ms(v['p50_s'])} s   p95 {ms(v['p95_s'])} s")
    for action, v in s["by_action"].items():
        print(f"    change: {action:<8} {v['n']:5d}   p50 {ms(v['p50_s'])} s   p95 {ms(v['p95_s'])} s")
    print(f"  errors           {s['errors']:5d}   {s['error_kinds'] or ''}")
    for line in s["error_examples"][:5]:
        print(f"    {line}")
    if s.get("sessions_per_worker"):
        print(f"  sessions per worker {s['sessions_per_worker']}")
    print(f"  server RSS peak {s['server_rss_peak_mb']:.0f} MB (end {s['server_rss_end_mb']:.0f} MB), "
          f"server CPU {s['server_cpu_s']:.1f} s ({s['server_cpu_ms_per_run']:.0f} ms per run), "
          f"client CPU {s['client_cpu_s']:.1f} s, "
          f"load average {s['loadavg'][0]:.2f} {s['loadavg'][1]:.2f} {s['loadavg'][2]:.2f}")


def warm_up(server: Server, pages: Sequence[str], timeout_s: float,
            url: str | None = None) -> dict[str, float]:
    """Load every page once, not counted (imports and first cache fills, as after a deploy);
    returns the seconds each first load took. An error here raises :class:`AppError`.
    ``url``: one worker behind the proxy (each has its own caches)."""
    async def go() -> dict[str, float]:
        out = {}
        for i, page in enumerate(pages):
            v = Viewer(url or server.base_url, page, i, timeout_s, seed=0)
            try:
                await v.connect()
                out[page] = round(await v.run(), 3)
            finally:
                await v.close()
        return out
    return asyncio.run(go())


def _no_nan(value: Any) -> Any:
    """``value`` with NaN replaced by ``None`` (strict JSON), through dicts and lists."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(v) for v in value]
    return value


def _cap_reached(*_: Any) -> None:
    raise TimeoutError("wall-clock cap of the benchmark reached")


def _layout_name(workers: int) -> str:
    return "1 process" if workers == 0 else f"tools.serve {workers} workers"


def run_layout(workers: int, args: argparse.Namespace, pages: Sequence[str], db_path: Path,
               page_get: bool) -> dict[str, Any]:
    """Every phase the arguments ask for, on one layout (0: one plain Streamlit process)."""
    kwargs = {"pages": pages, "think_s": args.think, "timeout_s": args.timeout, "seed": args.seed}
    out: dict[str, Any] = {"layout": _layout_name(workers), "workers": workers,
                           "loadavg_before": list(os.getloadavg())}
    env = {"EQUITY_DB": str(db_path)}
    server_cm = (streamlit_server(ROOT / "app.py", env=env) if workers == 0
                 else launcher_server(workers, env=env, db=db_path))
    with server_cm as server:
        print(f"\n######## {out['layout']}: server on {server.base_url} (pid {server.proc.pid}), "
              f"pages {', '.join(pages)}, load average before {out['loadavg_before'][0]:.2f}")
        warm = {}
        for url in server.worker_urls or [server.base_url]:
            warm[url] = warm_up(server, pages, args.timeout, url=url)
        out["first_load_s"] = warm[next(iter(warm))] if len(warm) == 1 else warm
        for url, times in warm.items():
            print(f"first load of each page on {url} (not counted): "
                  + ", ".join(f"{p} {t:.1f} s" for p, t in times.items()))
        if args.baseline_duration > 0:
            out["baseline"] = summarise(run_baseline(server, duration_s=args.baseline_duration,
                                                     page_get=page_get, **kwargs))
            _print_phase("baseline", out["baseline"])
        if args.sessions > 0 and args.duration > 0:
            out["load"] = summarise(run_load(server, sessions=args.sessions, ramp_s=args.ramp,
                                             duration_s=args.duration, page_get=page_get, **kwargs))
            _print_phase("load", out["load"])
        if args.burst > 0:
            out["burst"] = summarise_burst(run_burst(
                server, page=args.burst_page, viewers=args.burst, window_s=args.burst_window,
                timeout_s=max(args.timeout, 60.0), seed=args.seed, assets=args.burst_assets))
            _print_burst("burst", out["burst"])
        out["server_vmhwm_mb"] = round(server.hwm_mb(), 1)
    if "load" in out:
        ratio = (out["load"]["p95_s"] / out["baseline"]["p95_s"]) if "baseline" in out else math.nan
        out["p95_ratio_to_1_session"] = ratio
    return out


def _passed(layout: dict[str, Any]) -> bool:
    phases = [layout[k] for k in ("load", "burst") if k in layout]
    return bool(phases) and all(p["pass"] for p in phases)


#: rows of the side-by-side table: (label, phase, key, format, ratio meaningful)
_ROWS = (
    ("viewers, widget changes", "load", "sessions", "{:.0f}", False),
    ("changes per second", "load", "interactions_per_s", "{:.2f}", True),
    ("change p50, s", "load", "p50_s", "{:.3f}", True),
    ("change p95, s", "load", "p95_s", "{:.3f}", True),
    ("change max, s", "load", "max_s", "{:.3f}", True),
    ("page load p95, s", "load", "load_p95_s", "{:.3f}", True),
    ("errors", "load", "errors", "{:.0f}", False),
    ("server CPU per run, ms", "load", "server_cpu_ms_per_run", "{:.0f}", True),
    ("server RSS peak, MB", "load", "server_rss_peak_mb", "{:.0f}", True),
    ("burst viewers", "burst", "viewers", "{:.0f}", False),
    ("burst served", "burst", "served", "{:.0f}", False),
    ("first render p50, s", "burst", "p50_s", "{:.3f}", True),
    ("first render p95, s", "burst", "p95_s", "{:.3f}", True),
    ("first render max, s", "burst", "max_s", "{:.3f}", True),
    ("burst errors", "burst", "errors", "{:.0f}", False),
    ("burst CPU per page load, ms", "burst", "server_cpu_ms_per_run", "{:.0f}", True),
    ("burst RSS peak, MB", "burst", "server_rss_peak_mb", "{:.0f}", True),
    ("load average after", "load", "loadavg", "{:.2f}", False),
)


def print_comparison(layouts: Sequence[dict[str, Any]]) -> None:
    """The layouts side by side, each with its ratio to the first one."""
    first = layouts[0]
    head = f"{'':<30}" + "".join(f"{x['layout']:>26}" for x in layouts)
    print("\n== side by side (ratio to " + first["layout"] + ")")
    print(head)
    for label, phase, key, fmt, ratio in _ROWS:
        if not all(phase in x for x in layouts):
            continue
        cells = []
        for x in layouts:
            v = x[phase][key]
            if isinstance(v, list):
                v = v[0]
            text = "–" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v)
            base = first[phase][key]
            base = base[0] if isinstance(base, list) else base
            if ratio and x is not first and isinstance(v, (int, float)) and base and not math.isnan(v):
                text += f" ({v / base:.2f}x)"
            cells.append(f"{text:>26}")
        print(f"{label:<30}" + "".join(cells))
    print(f"{'verdict':<30}" + "".join(f"{'PASS' if _passed(x) else 'FAIL':>26}" for x in layouts))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    ap.add_argument("--baseline-duration", type=float, default=30.0,
                    help="seconds of the 1-session baseline, shared among the pages (0 skips it)")
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean think time between a viewer's changes, s (uniform 0.5-1.5 x)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds allowed per run")
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated url paths")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    ap.add_argument("--ramp", type=float, default=2.0,
                    help="seconds over which the load's sessions start (default 2)")
    ap.add_argument("--workers", default="0",
                    help="layouts to run in turn, comma-separated: 0 = one streamlit process, "
                         "N = python -m tools.serve --workers N (nginx, sticky cookie); "
                         "e.g. 0,2 (the exit status is the last layout's verdict)")
    ap.add_argument("--burst", type=int, default=0,
                    help="viewers opening the shared link at random times (0: no burst)")
    ap.add_argument("--burst-window", type=float, default=20.0, help="seconds (default 20)")
    ap.add_argument("--burst-page", default=DEFAULT_PAGE, help="the shared link's path and query")
    ap.add_argument("--burst-assets", action="store_true",
                    help="a burst viewer also fetches the page's scripts and style sheets")
    ap.add_argument("--page-get", action="store_true",
                    help="viewers GET the page before the websocket (always behind tools.serve)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from etl import db, paths

    path = Path(os.environ.get("EQUITY_DB", paths.DEFAULT_DB))
    db.ensure(path)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    layouts = [int(x) for x in args.workers.split(",") if x.strip()]
    # the same client behaviour on every layout: a page GET first when any layout needs it
    page_get = args.page_get or any(w > 0 for w in layouts)
    # a hard cap on the whole script, whatever happens: SIGALRM ends it (the servers are stopped)
    per_layout = (args.baseline_duration + args.duration + 4 * args.timeout + 180
                  + (args.burst_window + 2 * max(args.timeout, 60.0) + 60 if args.burst else 0))
    signal.signal(signal.SIGALRM, _cap_reached)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.alarm(int(per_layout * len(layouts)))
    out: dict[str, Any] = {"command": "python bench/bench_load.py " + " ".join(argv or sys.argv[1:]),
                           "cpus": os.cpu_count(), "loadavg_before": list(os.getloadavg()),
                           "layouts": []}
    try:
        for workers in layouts:
            out["layouts"].append(run_layout(workers, args, pages, path, page_get))
    finally:
        signal.alarm(0)
    if len(layouts) == 1:  # the figures where they were before several layouts existed
        out.update({k: v for k, v in out["layouts"][0].items() if k != "loadavg_before"})
    for lay in out["layouts"]:
        ratio = lay.get("p95_ratio_to_1_session", math.nan)
        ratio_text = "–" if math.isnan(ratio) else f"{ratio:.1f}x"
        print(f"\n{lay['layout']}: server VmHWM {lay['server_vmhwm_mb']:.0f} MB; "
              f"p95 with {args.sessions} sessions / p95 with 1 session = {ratio_text}")
        if "load" in lay:
            load = lay["load"]
            verdict = "PASS" if load["pass"] else "FAIL"
            print(f"{verdict}: target p95 < {TARGET_P95_S:.0f} s and 0 errors with "
                  f"{load['sessions']} sessions — p95 {load['p95_s']:.3f} s, {load['errors']} errors, "
                  f"on {out['cpus']} CPUs")
        if "burst" in lay:
            b = lay["burst"]
            verdict = "PASS" if b["pass"] else "FAIL"
            print(f"{verdict}: burst target all {b['viewers']} served, p95 < {TARGET_BURST_P95_S:.0f} s, "
                  f"0 errors — {b['served']} served, p95 {b['p95_s']:.3f} s, {b['errors']} errors")
    if len(layouts) > 1:
        print_comparison(out["layouts"])
    if args.json:
        args.json.write_text(json.dumps(_no_nan(out), indent=2, ensure_ascii=False, default=str))
    return 0 if _passed(out["layouts"][-1]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
