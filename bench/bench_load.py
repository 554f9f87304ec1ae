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
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

TARGET_P95_S = 2.0
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

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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

    def __init__(self, base_url: str, page: str, index: int, timeout_s: float, seed: int) -> None:
        path, _, query = page.partition("?")
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
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout_s, ping_interval=None,
                                           compression=None)

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
                       start_delay_s: float, think_s: float, timeout_s: float, seed: int) -> None:
    """One session until ``t_end``: load the page, then think / change / time, reconnecting
    after an error (a timed-out run leaves the session in an unknown state)."""
    await asyncio.sleep(start_delay_s)
    viewer = Viewer(base_url, page, index, timeout_s, seed)
    while time.perf_counter() < t_end:
        action, t0 = "load", time.perf_counter()
        try:
            if viewer.ws is None:
                await viewer.connect()
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
            viewer = Viewer(base_url, page, index, timeout_s, seed + 1)
            await asyncio.sleep(0.5)
    await viewer.close()


async def _sample_memory(pid: int, result: LoadResult, stop: asyncio.Event) -> None:
    while not stop.is_set():
        result.rss_peak_mb = max(result.rss_peak_mb, tree_rss_mb(pid))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def run_load_async(server: Server, pages: Sequence[str] = PAGES, sessions: int = 20,
                         duration_s: float = 60.0, think_s: float = 1.0, timeout_s: float = 30.0,
                         ramp_s: float = 2.0, seed: int = 2022) -> LoadResult:
    """``sessions`` viewers against ``server`` for ``duration_s`` (pages assigned in turn)."""
    result = LoadResult(sessions, duration_s, think_s)
    pid = server.proc.pid
    cpu0, client0, log0 = tree_cpu_s(pid), time.process_time(), len(server.log_text())
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_memory(pid, result, stop))
    t_start = time.perf_counter()
    t_end = t_start + duration_s
    tasks = [
        _viewer_loop(server.base_url, pages[i % len(pages)], i, result, t_end,
                     ramp_s * i / max(sessions, 1), think_s, timeout_s, seed)
        for i in range(sessions)
    ]
    try:
        # bounded: every run has its own timeout; this caps the whole phase as well
        async with asyncio.timeout(duration_s + 2 * timeout_s + ramp_s + 30):
            await asyncio.gather(*tasks)
    finally:
        stop.set()
        await sampler
    result.wall_s = time.perf_counter() - t_start
    result.server_cpu_s = tree_cpu_s(pid) - cpu0
    result.client_cpu_s = time.process_time() - client0
    result.rss_end_mb = tree_rss_mb(pid)
    result.loadavg = os.getloadavg()
    # a traceback the server logged during the phase is an error the viewers may not see
    new_log = server.log_text()[log0:]
    for _ in range(new_log.count("Traceback (most recent call last)")):
        result.error("server_traceback", new_log[new_log.find("Traceback"):][:300])
    if server.proc.poll() is not None:
        result.error("server_died", f"exit code {server.proc.returncode}")
    return result


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
        "pass": bool(changes) and p95 < TARGET_P95_S and n_errors == 0,
    }


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
    print(f"  server RSS peak {s['server_rss_peak_mb']:.0f} MB (end {s['server_rss_end_mb']:.0f} MB), "
          f"server CPU {s['server_cpu_s']:.1f} s ({s['server_cpu_ms_per_run']:.0f} ms per run), "
          f"client CPU {s['client_cpu_s']:.1f} s, "
          f"load average {s['loadavg'][0]:.2f} {s['loadavg'][1]:.2f} {s['loadavg'][2]:.2f}")


def warm_up(server: Server, pages: Sequence[str], timeout_s: float) -> dict[str, float]:
    """Load every page once, not counted (imports and first cache fills, as after a deploy);
    returns the seconds each first load took. An error here raises :class:`AppError`."""
    async def go() -> dict[str, float]:
        out = {}
        for i, page in enumerate(pages):
            v = Viewer(server.base_url, page, i, timeout_s, seed=0)
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
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from etl import db, paths

    path = Path(os.environ.get("EQUITY_DB", paths.DEFAULT_DB))
    db.ensure(path)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    # a hard cap on the whole script, whatever happens: SIGALRM ends it (the server is stopped)
    cap_s = int(args.baseline_duration + args.duration + 4 * args.timeout + 180)
    signal.signal(signal.SIGALRM, _cap_reached)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.alarm(cap_s)
    kwargs = {"pages": pages, "think_s": args.think, "timeout_s": args.timeout, "seed": args.seed}
    out: dict[str, Any] = {"command": "python bench/bench_load.py " + " ".join(argv or sys.argv[1:]),
                           "cpus": os.cpu_count(), "loadavg_before": list(os.getloadavg())}
    try:
        with streamlit_server(ROOT / "app.py", env={"EQUITY_DB": str(path)}) as server:
            print(f"server on {server.base_url} (pid {server.proc.pid}), pages {', '.join(pages)}, "
                  f"load average before {out['loadavg_before'][0]:.2f}")
            out["first_load_s"] = warm_up(server, pages, args.timeout)
            print("first load of each page after the start (not counted): "
                  + ", ".join(f"{p} {t:.1f} s" for p, t in out["first_load_s"].items()))
            if args.baseline_duration > 0:
                out["baseline"] = summarise(run_baseline(server, duration_s=args.baseline_duration,
                                                         **kwargs))
                _print_phase("baseline", out["baseline"])
            out["load"] = summarise(run_load(server, sessions=args.sessions,
                                             duration_s=args.duration, **kwargs))
            _print_phase("load", out["load"])
            out["server_vmhwm_mb"] = round(tree_hwm_mb(server.proc.pid), 1)
    finally:
        signal.alarm(0)
    load = out["load"]
    ratio = (load["p95_s"] / out["baseline"]["p95_s"]) if "baseline" in out else math.nan
    out["p95_ratio_to_1_session"] = ratio
    ratio_text = "–" if math.isnan(ratio) else f"{ratio:.1f}x"
    print(f"\nserver VmHWM {out['server_vmhwm_mb']:.0f} MB; "
          f"p95 with {load['sessions']} sessions / p95 with 1 session = {ratio_text}")
    verdict = "PASS" if load["pass"] else "FAIL"
    print(f"{verdict}: target p95 < {TARGET_P95_S:.0f} s and 0 errors with {load['sessions']} sessions "
          f"— p95 {load['p95_s']:.3f} s, {load['errors']} errors, on {out['cpus']} CPUs")
    if args.json:
        args.json.write_text(json.dumps(_no_nan(out), indent=2, ensure_ascii=False, default=str))
    return 0 if load["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
