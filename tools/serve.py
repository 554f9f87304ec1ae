"""Serve the app with several Streamlit processes behind nginx, sticky per browser session.

    python -m tools.serve [--workers N] [--port 8501] [--db data/equity.duckdb]

One Streamlit process runs every session's script under one GIL, so it uses about one core.
This launcher:

1. builds the database once when it is missing or unusable (``python -m etl build``), before
   any worker starts, so workers never race to build it;
2. starts N workers (default: the number of cores), ``streamlit run app.py`` headless on
   ``127.0.0.1:<port+1> … <port+N>``, all on the same database (``EQUITY_DB``) and with one
   shared cookie secret;
3. writes an nginx configuration into the runtime directory (``data/run/`` by default; pid,
   logs and temporary files live there too, so it runs as root or not) and runs
   ``nginx -c <conf> -p <dir>`` in the foreground (``daemon off``), listening on
   ``127.0.0.1:<port>``;
4. waits until ``/_stcore/health`` answers through the proxy, prints the address;
5. restarts a worker (or nginx) that dies, and stops every child on SIGINT or SIGTERM.

**Sticky sessions.** Streamlit keeps a session's state, its uploaded files and its media
files in the process that runs it, so the page, the WebSocket (``/_stcore/stream``), uploads
(``/_stcore/upload_file``) and media (``/media``) of one browser must reach the same worker.
Open-source nginx has no ``sticky cookie`` and ``ip_hash`` sends every viewer behind one
address (a government network's NAT) to one worker, so the proxy sets its own cookie: a
request without ``st_worker`` goes to the next worker in turn, and the response sets
``st_worker=w<i>`` naming the worker that answered; requests with the cookie go to that
worker. If it is down (restarting), its requests go to another worker and the cookie is
re-set to that one, so the browser's reconnect and later uploads stay together.
``X-St-Worker`` in every response names the worker's address (for tests and debugging).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUN_DIR = ROOT / "data" / "run"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
COOKIE = "st_worker"
#: A worker that dies more often than this within RESTART_WINDOW_S is given up on (the
#: launcher stops with an error rather than restarting a broken app in a loop).
MAX_RESTARTS = 5
RESTART_WINDOW_S = 60.0
HEALTH_PATH = "/_stcore/health"


def find_nginx(explicit: str | None = None) -> str | None:
    """The nginx binary: ``explicit``, else on ``PATH``, else Debian's ``/usr/sbin/nginx``."""
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


def max_upload_mb(app_dir: Path = ROOT) -> int:
    """``server.maxUploadSize`` from ``.streamlit/config.toml`` (Streamlit's default 200)."""
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
        conf = tomllib.loads((app_dir / ".streamlit" / "config.toml").read_text())
        return int(conf.get("server", {}).get("maxUploadSize", 200))
    return 200


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


# -- the nginx configuration -----------------------------------------------------------------

def nginx_conf(port: int, worker_ports: Sequence[int], run_dir: Path, *, host: str = "127.0.0.1",
               body_mb: int = 51, access_log: bool = False) -> str:
    """The whole nginx configuration (``nginx -c``) for the proxy on ``host:port``.

    Everything nginx writes (pid, logs, temporary files) is inside ``run_dir``; requests are
    streamed to the workers and responses are never buffered to disk, so nginx's worker
    process (``nobody`` when started as root) never needs to write a file.

    >>> conf = nginx_conf(8501, [8502, 8503], Path("/run/x"))
    >>> "upstream st_w1" in conf and "server 127.0.0.1:8502 backup;" in conf
    True
    >>> 'map $cookie_st_worker $st_backend' in conf and '"w0|w0" "";' in conf
    True
    """
    run = run_dir.resolve()
    names = [f"w{i}" for i in range(len(worker_ports))]
    addr = {n: f"127.0.0.1:{p}" for n, p in zip(names, worker_ports, strict=True)}
    upstreams = []
    for n in names:
        others = "".join(f"        server {addr[o]} backup;\n" for o in names if o != n)
        upstreams.append(f"    upstream st_{n} {{\n        server {addr[n]} max_fails=1 fail_timeout=5s;\n"
                         f"{others}    }}\n")
    pool = "".join(f"        server {addr[n]} max_fails=1 fail_timeout=5s;\n" for n in names)
    by_cookie = "".join(f"        {n} st_{n};\n" for n in names)
    # $upstream_addr is one address, or a list when nginx tried several: the last one answered
    served_by = "".join(
        f'        "{addr[n]}" {n};\n        "~(^|[ ,])127\\.0\\.0\\.1:{worker_ports[i]}$" {n};\n'
        for i, n in enumerate(names))
    same = "".join(f'        "{n}|{n}" "";\n' for n in names)
    log = (f"    log_format st '$remote_addr [$time_local] \"$request\" $status $body_bytes_sent '\n"
           f"                  'cookie=$cookie_{COOKIE} upstream=$upstream_addr rt=$request_time';\n"
           f"    access_log {run}/nginx-access.log st;\n") if access_log else "    access_log off;\n"
    return f"""# written by tools/serve.py; rewritten at every start
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log stderr warn;
events {{
    worker_connections 4096;
}}
http {{
{log}    client_body_temp_path {run}/temp/client_body;
    proxy_temp_path {run}/temp/proxy;
    fastcgi_temp_path {run}/temp/fastcgi;
    uwsgi_temp_path {run}/temp/uwsgi;
    scgi_temp_path {run}/temp/scgi;
    server_tokens off;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    # one group per worker: its own address first, the others as backups while it restarts
{"".join(upstreams)}
    # a new browser: the next worker in turn
    upstream st_any {{
{pool}    }}

    # sticky sessions: the st_worker cookie names the worker of this browser
    map $cookie_{COOKIE} $st_backend {{
        default st_any;
{by_cookie}    }}
    map $upstream_addr $st_served_by {{
        default "";
{served_by}    }}
    # set the cookie when it is missing or names another worker than the one that answered
    map "$cookie_{COOKIE}|$st_served_by" $st_set_cookie {{
        default "{COOKIE}=$st_served_by; Path=/; HttpOnly; SameSite=Lax";
        "~\\|$" "";
{same}    }}

    server {{
        listen {host}:{port};
        client_max_body_size {body_mb}m;
        proxy_request_buffering off;
        proxy_max_temp_file_size 0;

        location / {{
            proxy_pass http://$st_backend;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 86400s;
            proxy_send_timeout 86400s;
            proxy_connect_timeout 5s;
            add_header Set-Cookie $st_set_cookie always;
            add_header X-St-Worker $upstream_addr always;
        }}
    }}
}}
"""


# -- the children ----------------------------------------------------------------------------

def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the launcher dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    cmd: list[str]
    env: dict[str, str]
    port: int | None = None
    proc: subprocess.Popen | None = None
    deaths: list[float] = field(default_factory=list)

    def start(self, cwd: Path) -> None:
        self.proc = subprocess.Popen(self.cmd, cwd=str(cwd), env=self.env, stdin=subprocess.DEVNULL,
                                     start_new_session=True, preexec_fn=_die_with_parent)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def wait_stopped(self, timeout: float) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


class SignalledError(Exception):
    """SIGINT or SIGTERM arrived."""


def _on_signal(signum: int, _frame: object) -> None:
    raise SignalledError(signal.Signals(signum).name)


def worker_cmd(app: Path, port: int, extra: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(app),
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--server.fileWatcherType", "none",
            "--server.runOnSave", "false", "--browser.gatherUsageStats", "false", *extra]


def ensure_database(db: Path) -> None:
    """Build ``db`` with ``python -m etl build`` when it is missing or unusable (once, here)."""
    check = subprocess.run([sys.executable, "-c",
                            "import sys; from etl import db; sys.exit(0 if db.is_usable(sys.argv[1]) else 3)",
                            str(db)], cwd=ROOT, check=False)
    if check.returncode == 0:
        return
    print(f"serve: building the database {db} (python -m etl build)", flush=True)
    subprocess.run([sys.executable, "-m", "etl", "--db", str(db), "build"], cwd=ROOT, check=True)


def _wait_healthy(children: Sequence[Child], url_of: dict[str, str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = list(children)
    while pending:
        for c in list(pending):
            if not c.alive():
                raise RuntimeError(f"{c.name} exited with code {c.proc.returncode} while starting")
            if healthy(url_of[c.name], timeout=1.0):
                pending.remove(c)
        if pending:
            if time.monotonic() > deadline:
                raise RuntimeError("not healthy in time: " + ", ".join(c.name for c in pending))
            time.sleep(0.2)


def serve(args: argparse.Namespace) -> int:
    app = Path(args.app).resolve()
    app_dir = app.parent
    db = Path(args.db).resolve()
    run_dir = Path(args.run_dir).resolve()
    nginx = find_nginx(args.nginx)
    if nginx is None:
        print("serve: nginx not found: install it (apt-get install nginx) or pass --nginx PATH",
              file=sys.stderr)
        return 2
    n = args.workers or len(os.sched_getaffinity(0))
    ports = ([int(p) for p in args.worker_ports.split(",")] if args.worker_ports
             else [args.port + 1 + i for i in range(n)])
    if len(ports) != n:
        print(f"serve: --worker-ports gives {len(ports)} ports for {n} workers", file=sys.stderr)
        return 2
    busy = [p for p in (args.port, *ports) if not port_free(p, args.host if p == args.port else "127.0.0.1")]
    if busy:
        print(f"serve: port(s) already in use: {', '.join(map(str, busy))}", file=sys.stderr)
        return 2

    if not args.no_build:
        try:
            ensure_database(db)
        except subprocess.CalledProcessError as exc:
            print(f"serve: building the database failed ({exc.returncode})", file=sys.stderr)
            return 1
    (run_dir / "temp").mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(nginx_conf(args.port, ports, run_dir, host=args.host,
                               body_mb=max_upload_mb(app_dir) + 1, access_log=args.access_log))
    env = {**os.environ, "EQUITY_DB": str(db),
           # one secret for every worker: a session moved to another worker keeps valid cookies
           "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET")
           or secrets.token_urlsafe(32)}
    extra = list(args.streamlit_option or [])
    workers = [Child(f"w{i}", worker_cmd(app, p, extra), env, port=p) for i, p in enumerate(ports)]
    proxy = Child("nginx", [nginx, "-c", str(conf), "-p", str(run_dir) + "/", "-e", "stderr"],
                  dict(os.environ))
    url_of = {w.name: f"http://127.0.0.1:{w.port}" for w in workers}
    url_of["nginx"] = f"http://{args.host}:{args.port}"
    children = [*workers, proxy]

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    code = 0
    try:
        test = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(run_dir) + "/",
                               "-e", "stderr"], check=False)
        if test.returncode != 0:
            raise RuntimeError(f"nginx rejected {conf}")
        # the workers first: nginx would mark a worker still starting as failed for a while
        for w in workers:
            w.start(app_dir)
        _wait_healthy(workers, url_of, args.startup_timeout)
        proxy.start(app_dir)
        _wait_healthy([proxy], url_of, 30)
        print(f"serve: http://{args.host}:{args.port} -> {n} Streamlit workers on 127.0.0.1:"
              f"{','.join(map(str, ports))} (nginx {conf}); database {db}", flush=True)
        (run_dir / "serve.pid").write_text(f"{os.getpid()}\n")
        while True:  # supervise until a signal ends it
            time.sleep(0.5)
            for c in children:
                if c.alive():
                    continue
                now = time.monotonic()
                c.deaths = [t for t in c.deaths if now - t < RESTART_WINDOW_S] + [now]
                print(f"serve: {c.name} exited with code {c.proc.returncode}; restarting", flush=True)
                if len(c.deaths) > MAX_RESTARTS:
                    raise RuntimeError(f"{c.name} died {len(c.deaths)} times in "
                                       f"{RESTART_WINDOW_S:.0f} s; giving up")
                c.start(app_dir)
    except SignalledError as stop:
        print(f"serve: {stop}: stopping", flush=True)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"serve: {exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        proxy.stop(signal.SIGQUIT)  # nginx: finish the requests in flight, then exit
        for w in workers:
            w.stop()
        deadline = time.monotonic() + 10
        for c in children:
            c.wait_stopped(deadline - time.monotonic())
        with contextlib.suppress(OSError):
            (run_dir / "serve.pid").unlink()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=0,
                    help="Streamlit processes (default: the number of cores)")
    ap.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    ap.add_argument("--host", default="127.0.0.1",
                    help="the proxy's address (default 127.0.0.1; put TLS in front of it)")
    ap.add_argument("--worker-ports", help="comma-separated worker ports (default port+1 … port+N)")
    ap.add_argument("--db", default=os.environ.get("EQUITY_DB", str(ROOT / "data" / "equity.duckdb")),
                    help="the database (default EQUITY_DB or data/equity.duckdb)")
    ap.add_argument("--app", default=str(ROOT / "app.py"), help="the Streamlit script (app.py)")
    ap.add_argument("--run-dir", default=str(DEFAULT_RUN_DIR),
                    help="nginx configuration, pid, logs and temporary files (data/run)")
    ap.add_argument("--nginx", help="the nginx binary (default: nginx on PATH or /usr/sbin/nginx)")
    ap.add_argument("--access-log", action="store_true",
                    help="write run-dir/nginx-access.log (cookie and worker of every request)")
    ap.add_argument("--no-build", action="store_true", help="do not build a missing database")
    ap.add_argument("--startup-timeout", type=float, default=120.0, help="seconds (120)")
    ap.add_argument("--streamlit-option", action="append", metavar="--KEY=VALUE",
                    help="an extra option for every worker, e.g. --streamlit-option=--runner.fastReruns=false")
    return serve(ap.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
