"""One writer at a time, across processes: an advisory lock file beside the database.

Every change to the database (a load from the command line or the app, a rebuild, a
withdrawal) holds :func:`exclusive` on ``<database>.lock`` for its whole duration. A second
writer waits, says so once through ``on_wait`` ("另一个导入正在进行，等待中… / another load is
running, waiting…"), and gives up after a timeout with :class:`BusyError`, having changed nothing.

The lock is ``flock(2)`` on an open file: the kernel drops it when the holder exits, however it
exits (SIGKILL included), so a crashed writer never leaves the database locked. Two opens in
one process conflict as two processes do, so threads of the app queue the same way. The file
also records who holds the lock (process id, what it does, since when) for the messages.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

__all__ = ["ENV_TIMEOUT", "EXIT_BUSY", "BusyError", "OnWait", "exclusive", "holder", "timeout_s", "try_exclusive"]

#: Environment variable: how long a writer waits for another one (seconds, default 600).
ENV_TIMEOUT = "EQUITY_LOCK_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 600.0
#: Exit code of a command that gave up waiting (``EX_TEMPFAIL`` of sysexits.h: try again later).
EXIT_BUSY = 75
#: How often a waiting writer tries again (seconds).
POLL_S = 0.05

#: Told once when a writer starts to wait: ``on_wait(message_zh, message_en)``.
OnWait = Callable[[str, str], None]

WAIT_ZH = "另一个导入正在进行，等待中…"
WAIT_EN = "another load is running, waiting…"


class BusyError(Exception):
    """Another writer held the lock for longer than the timeout; nothing was changed.

    ``str()`` gives ``'zh / en'``; ``zh`` and ``en`` hold each language alone.
    """

    def __init__(self, waited_s: float, who: dict | None = None) -> None:
        desc_zh, desc_en = _describe(who)
        self.zh = (f"另一个导入仍在进行{desc_zh}，已等待 {waited_s:.0f} 秒；本次未做任何更改，"
                   f"请稍后再试（或设置 {ENV_TIMEOUT} 以等待更久）。")
        self.en = (f"Another load is still running{desc_en}; waited {waited_s:.0f} s. Nothing was "
                   f"changed; try again later (or set {ENV_TIMEOUT} to wait longer).")
        self.waited_s = waited_s
        super().__init__(f"{self.zh} / {self.en}")


def _describe(who: dict | None) -> tuple[str, str]:
    if not who:
        return "", ""
    what = str(who.get("what", ""))[:80]
    since = str(who.get("since", ""))
    pid = who.get("pid", "?")
    return (f"（进程 {pid}，{what}，始于 {since}）", f" (process {pid}, {what}, since {since})")


def timeout_s() -> float:
    """The wait allowed for another writer: ``EQUITY_LOCK_TIMEOUT_S`` or 600 s."""
    raw = os.environ.get(ENV_TIMEOUT, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return value if value >= 0 else DEFAULT_TIMEOUT_S


def holder(lock_path: str | Path) -> dict | None:
    """Who holds (or last held) the lock, as recorded in the lock file; None if unknown."""
    try:
        text = Path(lock_path).read_text(encoding="utf-8")
        return json.loads(text) if text.strip() else None
    except (OSError, ValueError):
        return None


def _record(fd: int, what: str) -> None:
    info = {"pid": os.getpid(), "what": what,
            "since": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode(), 0)


def _open(lock_path: str | Path) -> int:
    path = Path(lock_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


@contextlib.contextmanager
def exclusive(lock_path: str | Path, *, what: str = "", timeout: float | None = None,
              on_wait: OnWait | None = None) -> Iterator[None]:
    """Hold the writer lock for the block, waiting up to ``timeout`` seconds for it.

    Parameters
    ----------
    lock_path
        The lock file (created when missing; never deleted).
    what
        What this writer does, recorded for the messages of writers that wait behind it.
    timeout
        Seconds to wait; default :func:`timeout_s`. ``0`` tries once.
    on_wait
        Called once, with the Chinese and the English message, when the lock is taken by
        another writer and this one starts to wait.

    Raises
    ------
    BusyError
        When the lock was still taken after ``timeout`` seconds.
    """
    limit = timeout_s() if timeout is None else float(timeout)
    fd = _open(lock_path)
    try:
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= limit:
                    raise BusyError(waited, holder(lock_path)) from None
                if not told and on_wait is not None:
                    on_wait(WAIT_ZH, WAIT_EN)
                told = True
                time.sleep(min(POLL_S, max(limit - waited, 0.001)))
        try:
            _record(fd, what)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def try_exclusive(lock_path: str | Path, *, what: str = "") -> Iterator[bool]:
    """Hold the lock for the block if it is free now; yields whether it was taken."""
    fd = _open(lock_path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            _record(fd, what)
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
