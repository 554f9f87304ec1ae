"""The concurrent-viewer benchmark (bench/bench_load.py) against real Streamlit servers.

The real app on the test database: two websocket viewers change real widgets with no
errors, and a township change really reaches the page (the URL it writes back changes).
A throwaway app that raises or stalls on a widget change, then is killed under load: the
client must count the exception, the timeout and the lost connections (the negative
controls for the error detection).
"""

from __future__ import annotations

import asyncio
import re
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_load as bl  # noqa: E402

APP = ROOT / "app.py"


@pytest.fixture(scope="module", autouse=True)
def _event_loop_of_its_own():
    """``asyncio.run`` in a thread of its own: a browser test earlier in this worker leaves
    Playwright's sync event loop running in the main thread, where ``asyncio.run`` refuses."""
    real = asyncio.run

    def run(main, **kwargs):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(real, main, **kwargs).result()

    patch = pytest.MonkeyPatch()
    patch.setattr(asyncio, "run", run)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def app_server(built_db):
    with bl.streamlit_server(APP, env={"EQUITY_DB": str(built_db)}) as server:
        bl.warm_up(server, ["health", "elderly_care"], timeout_s=120)
        yield server


def test_two_viewers_change_real_widgets_without_errors(app_server):
    result = bl.run_load(app_server, pages=["health", "elderly_care"], sessions=2, duration_s=5.0,
                         think_s=0.2, timeout_s=60.0, ramp_s=0.5)
    s = bl.summarise(result)
    assert s["errors"] == 0, s["error_examples"]
    assert s["loads"] == 2
    changes = [x for x in result.samples if x.action != "load"]
    assert len(changes) >= 2 and {x.page for x in changes} == {"health", "elderly_care"}
    assert all(x.ok and x.seconds > 0 for x in result.samples)
    # only real widgets of the pages were changed
    assert {x.action.split(":")[0] for x in changes} <= {"town", "ind", "slider"}
    assert 0 < s["p50_s"] <= s["p95_s"] <= s["max_s"]
    assert s["server_rss_peak_mb"] > 50 and s["server_cpu_s"] > 0


def test_a_widget_change_reaches_the_page(app_server):
    async def go() -> tuple[str, str]:
        v = bl.Viewer(app_server.base_url, "health", 0, timeout_s=60, seed=1)
        await v.connect()
        try:
            await v.run()
            before = v.query
            town = next(w for w in v.widgets.values() if w.key == "town")
            state = WidgetState(id=town.id, string_value=town.options[1])  # the first township
            await v.run([state])
            return before, v.query
        finally:
            await v.close()

    before, after = asyncio.run(go())
    assert "town=all" in before
    # the page wrote the chosen township's 9-digit code to the URL
    assert re.search(r"(^|&)town=5117\d{5}(&|$)", after), after


BROKEN_APP = """
import time

import streamlit as st

mode = st.query_params.get("mode", "ok")
x = st.slider("x", 0, 10, key="x")
if x and mode == "raise":
    raise ValueError("negative control")
if x and mode == "stall":
    time.sleep(8)
st.write("value", x)
"""


def test_exceptions_timeouts_and_a_dying_server_are_counted_as_errors(tmp_path):
    script = tmp_path / "broken_app.py"
    script.write_text(textwrap.dedent(BROKEN_APP))
    with bl.streamlit_server(script) as server:
        bl.warm_up(server, ["?mode=ok"], timeout_s=60)  # the first run imports; not timed
        result = bl.run_load(server, pages=["?mode=ok", "?mode=raise", "?mode=stall"], sessions=3,
                             duration_s=3.0, think_s=0.1, timeout_s=4.0, ramp_s=0.0)

        async def killed_under_load() -> bl.LoadResult:
            load = asyncio.create_task(bl.run_load_async(
                server, pages=["?mode=ok"], sessions=2, duration_s=5.0, think_s=0.1,
                timeout_s=2.0, ramp_s=0.0))
            await asyncio.sleep(2.5)
            server.proc.kill()
            return await load

        died = bl.summarise(asyncio.run(killed_under_load()))
    s = bl.summarise(result)
    by_page = {p: [x for x in result.samples if x.page == p] for p in ("?mode=ok", "?mode=raise",
                                                                       "?mode=stall")}
    # the healthy page: loads and changes succeed
    assert by_page["?mode=ok"] and all(x.ok for x in by_page["?mode=ok"])
    assert s["by_page"]["?mode=ok"]["n"] >= 2
    # the failing pages: every change is an error of the right kind, never a latency figure
    assert {x.error for x in by_page["?mode=raise"] if not x.ok} == {"exception"}
    assert {x.error for x in by_page["?mode=stall"] if not x.ok} == {"timeout"}
    assert s["error_kinds"]["exception"] >= 1 and s["error_kinds"]["timeout"] >= 1
    assert "negative control" in " ".join(s["error_examples"])
    assert s["interactions"] == s["by_page"]["?mode=ok"]["n"]
    assert s["pass"] is False
    # the server killed under load: the viewers lose their connections
    assert died["interactions"] >= 1  # it worked before the kill
    assert died["error_kinds"]["disconnected"] >= 2 and died["error_kinds"]["server_died"] == 1
    assert died["pass"] is False
