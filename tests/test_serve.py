"""The multi-process layout (``python -m tools.serve``): N Streamlit workers behind nginx.

Real nginx, real Streamlit workers, a real browser: health through the proxy; new browsers
spread over the workers while one browser's cookie keeps it on one worker; the app renders
through the proxy; a browser's page, websocket, upload and media requests all reach the
same worker (nginx's access log says which worker served each request); a killed worker is
restarted and its browsers move to another worker meanwhile; SIGTERM stops every child.
Skipped only when nginx is not installed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import conftest as kit
from tools import serve

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(serve.find_nginx() is None,
                                reason="nginx is not installed (apt-get install nginx)")

#: A throwaway app with an upload and a media file (an image): both live in the worker.
UPLOAD_APP = """
import streamlit as st

f = st.file_uploader("file", type=["png"])
if f is not None:
    st.image(f.getvalue(), caption="uploaded image")
    st.write(f"uploaded {len(f.getvalue())} bytes")
"""


@dataclass
class Served:
    proc: subprocess.Popen
    url: str
    worker_ports: list[int]
    run_dir: Path
    log: Path

    def access_log(self) -> list[dict[str, str]]:
        path = self.run_dir / "nginx-access.log"
        rows = []
        for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
            m = re.search(r'"(\S+) (\S+) [^"]*" (\d+) .*cookie=(\S*) upstream=(.*?) rt=', line)
            if m:
                rows.append({"method": m[1], "path": m[2], "status": m[3],
                             "cookie": "" if m[4] == "-" else m[4], "upstream": m[5]})
        return rows


def _free_ports(n: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < n:
        p = kit._free_port()
        if p not in ports:
            ports.append(p)
    return ports


def _start(tmp: Path, *, app: Path | None = None, db: Path | None = None,
           workers: int = 2) -> Served:
    port, *wports = _free_ports(workers + 1)
    run_dir, log = tmp / "run", tmp / "serve.log"
    cmd = [sys.executable, "-m", "tools.serve", "--workers", str(workers), "--port", str(port),
           "--worker-ports", ",".join(map(str, wports)), "--run-dir", str(run_dir),
           "--access-log"]
    if app is not None:
        cmd += ["--app", str(app), "--no-build"]
    if db is not None:
        cmd += ["--db", str(db)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    served = Served(proc, f"http://127.0.0.1:{port}", wports, run_dir, log)
    deadline = time.monotonic() + kit.SERVER_START_S
    while "serve: http://" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(served)
            pytest.fail(f"tools.serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    return served


def _stop(served: Served) -> int:
    if served.proc.poll() is None:
        served.proc.send_signal(signal.SIGTERM)
    try:
        return served.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        served.proc.kill()
        return served.proc.wait()


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        headers = {k.lower(): v for k, v in r.headers.items() if k.lower() != "set-cookie"}
        cookies = [v for k, v in r.headers.items() if k.lower() == "set-cookie"]
        headers["set-cookie"] = "\n".join(cookies)
        return r.status, headers, r.read()


def _sticky_cookie(headers: dict[str, str]) -> str | None:
    m = re.search(r"(?m)^st_worker=(w\d+);", headers["set-cookie"])
    return f"st_worker={m[1]}" if m else None


def _kind(row: dict[str, str]) -> tuple[str, str]:
    """``("PUT", "_stcore/upload_file")``, ``("GET", "media")`` … of an access-log row."""
    parts = row["path"].split("?")[0].split("/") + [""]
    return row["method"], "/".join(parts[1:3]) if parts[1] == "_stcore" else parts[1]


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in os.listdir(f"/proc/{p}/task") if os.path.exists(f"/proc/{p}/task") else []:
            try:
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
            except OSError:
                pass
    return out


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie is gone too
    except OSError:
        return True


@pytest.fixture(scope="module")
def app_served(built_db, tmp_path_factory) -> Iterator[Served]:
    served = _start(tmp_path_factory.mktemp("serve_app"), db=built_db)
    yield served
    _stop(served)


@pytest.fixture(scope="module")
def upload_served(tmp_path_factory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve_upload")
    app = tmp / "upload_app.py"
    app.write_text(UPLOAD_APP)
    served = _start(tmp, app=app)
    yield served
    _stop(served)


def test_health_through_the_proxy_and_sticky_cookies(app_served):
    status, headers, body = _get(app_served.url + "/_stcore/health")
    assert status == 200 and body == b"ok"
    workers = {f"127.0.0.1:{p}" for p in app_served.worker_ports}
    # new browsers (no cookie): each gets a cookie naming the worker that answered
    seen = {}
    for _ in range(6):
        _, headers, _ = _get(app_served.url + "/")
        cookie = _sticky_cookie(headers)
        assert cookie is not None and headers["x-st-worker"] in workers
        seen[cookie] = headers["x-st-worker"]
    assert len(set(seen.values())) == 2, seen  # different browsers land on different workers
    # one browser with its cookie always lands on the same worker, and is not re-cookied
    for cookie, worker in seen.items():
        for path in ("/", "/_stcore/health", "/_stcore/host-config", "/education"):
            _, headers, _ = _get(app_served.url + path, cookie)
            assert headers["x-st-worker"] == worker, (cookie, path)
            assert _sticky_cookie(headers) is None


@pytest.mark.browser
def test_the_app_renders_through_the_proxy_on_one_worker(app_served, open_page):
    page = open_page(app_served.url + "/")
    kit.settle(page, '[data-testid="stMetric"]')
    assert "开江县" in page.inner_text("body")
    cookies = [c for c in page.context.cookies() if c["name"] == "st_worker"]
    assert len(cookies) == 1 and cookies[0]["httpOnly"]
    page.context.close()  # the websocket is logged when it closes
    worker = cookies[0]["value"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = [r for r in app_served.access_log() if r["cookie"] == worker]
        if any(r["path"] == "/_stcore/stream" for r in rows):
            break
        time.sleep(0.2)
    assert any(r["path"] == "/_stcore/stream" and r["status"] == "101" for r in rows)
    assert len({r["upstream"] for r in rows}) == 1, rows


@pytest.mark.browser
def test_upload_and_media_reach_the_worker_of_the_session(upload_served, open_page, tmp_path):
    from PIL import Image

    png = tmp_path / "dot.png"
    Image.new("RGB", (40, 30), (31, 111, 139)).save(png)
    for _ in range(2):  # two browsers: with two workers in turn, they may sit on either
        page = open_page(upload_served.url + "/")
        kit.settle(page, '[data-testid="stFileUploader"]')
        page.set_input_files('[data-testid="stFileUploader"] input[type=file]', str(png))
        kit.wait_for_text(page, f"uploaded {png.stat().st_size} bytes")
        img = page.locator('[data-testid="stImage"] img')
        img.wait_for()
        page.wait_for_function("(el) => el.complete && el.naturalWidth === 40",
                               arg=img.element_handle())
        assert "/media/" in img.get_attribute("src")
        page.context.close()
    rows = upload_served.access_log()
    by_cookie: dict[str, set[str]] = {}
    for r in rows:
        if r["cookie"]:
            by_cookie.setdefault(r["cookie"], set()).add(r["upstream"])
    assert by_cookie and all(len(ups) == 1 for ups in by_cookie.values()), by_cookie
    kinds = {_kind(r) for r in rows if r["cookie"]}
    assert ("PUT", "_stcore/upload_file") in kinds, kinds
    assert ("GET", "media") in kinds, kinds
    assert any(r["path"] == "/_stcore/stream" for r in rows if r["cookie"])


def test_a_killed_worker_is_restarted_and_its_browsers_move(upload_served):
    _, headers, _ = _get(upload_served.url + "/")
    cookie, worker = _sticky_cookie(headers), headers["x-st-worker"]
    port = int(worker.rsplit(":", 1)[1])
    pid = next(p for p in _tree(upload_served.proc.pid)[1:]
               if f"--server.port\0{port}\0" in Path(f"/proc/{p}/cmdline").read_text())
    os.kill(pid, signal.SIGKILL)
    # meanwhile its browsers are served by the other worker, and told so by a new cookie
    _, headers, _ = _get(upload_served.url + "/_stcore/health", cookie)
    assert headers["x-st-worker"].split(", ")[-1] != worker
    assert _sticky_cookie(headers) not in (None, cookie)
    deadline = time.monotonic() + kit.SERVER_START_S
    while not serve.healthy(f"http://127.0.0.1:{port}"):
        assert time.monotonic() < deadline, "the worker was not restarted"
        time.sleep(0.5)
    assert "exited with code" in upload_served.log.read_text(errors="replace")


def test_sigterm_stops_every_child(tmp_path):
    app = tmp_path / "tiny_app.py"
    app.write_text("import streamlit as st\nst.write('hello')\n")
    served = _start(tmp_path, app=app)
    try:
        pids = _tree(served.proc.pid)
        # the launcher, two workers, nginx's master and its worker
        assert len(pids) >= 5, pids
        assert serve.healthy(served.url)
    finally:
        code = _stop(served)
    assert code == 0
    deadline = time.monotonic() + 10
    while not all(_gone(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(p) for p in pids), [p for p in pids if not _gone(p)]
    assert not (served.run_dir / "serve.pid").exists()
