"""Who may change data: admin accounts and the login state of a session.

Everyone with a link can read. Loading data, rebuilding the database and deleting
scenarios need an admin login. Accounts come from ``.streamlit/secrets.toml``::

    [admins]
    officer = "scrypt$16384$8$1$<salt>$<hash>"     # made by: python -m etl hash-password

or from the environment: ``EQUITY_ADMIN_PASSWORD`` (account ``admin``, or the name in
``EQUITY_ADMIN_USER``), holding the password itself or a hash in the same format.
With neither, every data-change control is disabled.

The hashes are made and checked by :mod:`etl.passwords` (re-exported here):
``scrypt$N$r$p$salt$hash`` or ``pbkdf2_sha256$iterations$salt$hash``. A login for an unknown account is checked against a
dummy hash of the same cost, so it takes as long as a wrong password and gets the same
message; every failure then waits :func:`failure_delay_s` (one second, doubling with each
failure). The failures are counted on the server (:class:`LoginThrottle`, one per process),
per account and client address, not per browser session: reloading the page or opening a new
tab neither resets the count nor skips the wait, and an attempt made while a wait runs is
refused without checking the password. The admin state lives in ``st.session_state`` only:
never in the URL, so a shared link is always read-only.

The functions down to :func:`accounts_from` are pure (no Streamlit) and testable alone.

>>> encoded = hash_password("correct horse", salt=b"0123456789abcdef")
>>> check_login({"admin": encoded}, "admin", "correct horse")
True
>>> [failure_delay_s(n) for n in (1, 2, 3, 10)]
[1.0, 2.0, 4.0, 30.0]
"""

from __future__ import annotations

import functools
import ipaddress
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from etl.passwords import (
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    check_login,
    hash_password,
    is_hash,
    verify_password,
)
from ui.i18n import md_text, t

__all__ = [
    "ENV_PASSWORD", "ENV_USER", "SCRYPT_N", "SCRYPT_P", "SCRYPT_R", "THROTTLE", "LoginThrottle",
    "accounts", "accounts_from", "attempt_login", "check_login", "client_address", "configured",
    "failure_delay_s", "hash_password", "is_admin", "is_hash", "login_panel", "logout",
    "remaining_wait_s", "require_admin", "throttle_key", "verify_password",
]

#: Environment variables of the single-account setup.
ENV_PASSWORD = "EQUITY_ADMIN_PASSWORD"
ENV_USER = "EQUITY_ADMIN_USER"
#: Session State key holding the logged-in account name (never a widget key, never in the URL).
SESSION_KEY = "_admin_account"
#: First delay after a failed login, its growth factor per failure, and its cap (seconds).
DELAY_BASE_S, DELAY_FACTOR, DELAY_MAX_S = 1.0, 2.0, 30.0


def failure_delay_s(failures: int) -> float:
    """Seconds to wait after the ``failures``-th failed login of a session (1, 2, 4 … ≤ 30)."""
    return min(DELAY_BASE_S * DELAY_FACTOR ** max(int(failures) - 1, 0), DELAY_MAX_S)


class LoginThrottle:
    """Failed logins per key (account, client address), shared by every session of the process.

    After the n-th failure of a key, further attempts of that key are refused for
    :func:`failure_delay_s` (n) seconds; a success forgets the key, and so does a quiet
    ``forget_s`` after its last failure. At most ``max_keys`` keys are kept (the oldest go
    first), so a stream of invented account names cannot fill the memory. ``clock`` and
    ``sleep`` are injectable for tests.

    >>> now = [0.0]
    >>> th = LoginThrottle(clock=lambda: now[0], sleep=lambda _s: None)
    >>> th.failed(("admin", "10.0.0.7")), th.remaining(("admin", "10.0.0.7"))
    (1.0, 1.0)
    >>> now[0] = 1.0; th.failed(("admin", "10.0.0.7")), th.remaining(("admin", "10.0.0.8"))
    (2.0, 0.0)
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, *, max_keys: int = 10_000,
                 forget_s: float = 3600.0) -> None:
        self.clock, self.sleep = clock, sleep
        self.max_keys, self.forget_s = max_keys, forget_s
        self._lock = threading.Lock()
        # key -> (failures, refused until, last failure)
        self._state: dict[tuple[str, str], tuple[int, float, float]] = {}

    def _current(self, key: tuple[str, str], now: float) -> tuple[int, float, float] | None:
        entry = self._state.get(key)
        if entry is not None and now - entry[2] > self.forget_s:
            del self._state[key]
            return None
        return entry

    def remaining(self, key: tuple[str, str]) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        with self._lock:
            now = self.clock()
            entry = self._current(key, now)
            return max(entry[1] - now, 0.0) if entry else 0.0

    def failures(self, key: tuple[str, str]) -> int:
        """Failed attempts of ``key`` counted so far."""
        with self._lock:
            entry = self._current(key, self.clock())
            return entry[0] if entry else 0

    def failed(self, key: tuple[str, str]) -> float:
        """Count a failure of ``key``; returns its delay in seconds."""
        with self._lock:
            now = self.clock()
            entry = self._current(key, now)
            n = (entry[0] if entry else 0) + 1
            delay = failure_delay_s(n)
            self._state.pop(key, None)
            if len(self._state) >= self.max_keys:
                for old in sorted(self._state, key=lambda k: self._state[k][2])[: len(self._state) // 10 + 1]:
                    del self._state[old]
            self._state[key] = (n, now + delay, now)
            return delay

    def succeeded(self, key: tuple[str, str]) -> None:
        """Forget the failures of ``key``."""
        with self._lock:
            self._state.pop(key, None)

    def reset(self) -> None:
        """Forget every key."""
        with self._lock:
            self._state.clear()


#: The process's login throttle (every session and tab of this server shares it).
THROTTLE = LoginThrottle()


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client_address(ip_address: str | None, headers: Mapping[str, str]) -> str:
    """The client's address: the connection's own, or behind a local reverse proxy the last
    ``X-Forwarded-For`` entry (the one the proxy added); ``""`` when unknown.

    A forwarded address is believed only from a loopback connection (the proxy on the same
    machine), so a remote client cannot choose its own key by sending the header.

    >>> client_address("203.0.113.9", {"X-Forwarded-For": "1.2.3.4"})
    '203.0.113.9'
    >>> client_address("127.0.0.1", {"X-Forwarded-For": "1.2.3.4, 198.51.100.7"})
    '198.51.100.7'
    >>> client_address(None, {}), client_address("::1", {})
    ('', '::1')
    """
    ip = ip_address.strip()[:64] if isinstance(ip_address, str) else ""
    if ip and not _is_loopback(ip):
        return ip
    forwarded = ""
    for k, v in headers.items():
        if str(k).lower() == "x-forwarded-for" and isinstance(v, str) and v:
            forwarded = str(v)
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    return hops[-1][:64] if hops else ip


def throttle_key(name: str) -> tuple[str, str]:
    """The throttle key of a login attempt for ``name`` from this session's client."""
    import streamlit as st

    try:
        ctx = st.context
        ip = ctx.ip_address
        headers = dict(ctx.headers) if isinstance(ctx.headers, Mapping) else {}
    except Exception:  # no request context (AppTest, a bare script run): the account alone
        ip, headers = None, {}
    return (str(name).strip()[:64], client_address(ip, headers))


def remaining_wait_s(name: str) -> float:
    """Seconds before ``name`` may try to log in again from this client (0: now)."""
    return THROTTLE.remaining(throttle_key(name))


@functools.cache
def _env_hash(password: str) -> str:
    # a plain password from the environment is hashed once per process
    return hash_password(password)


def accounts_from(secrets_map: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """Admin accounts ``{name: hash line}`` from the secrets' ``[admins]`` table and the env.

    (Not ``[auth]``: Streamlit reserves that table for its own ``st.login``.)

    ``EQUITY_ADMIN_PASSWORD`` (a password or a hash line) adds the account named by
    ``EQUITY_ADMIN_USER`` (default ``admin``); malformed hashes in the secrets are skipped.

    >>> h = hash_password("pw", salt=b"s" * 16)
    >>> sorted(accounts_from({"admins": {"officer": h, "bad": "x"}}, {}))
    ['officer']
    >>> sorted(accounts_from({}, {"EQUITY_ADMIN_PASSWORD": h, "EQUITY_ADMIN_USER": "chief"}))
    ['chief']
    >>> accounts_from({}, {"EQUITY_ADMIN_PASSWORD": ""})
    {}
    """
    out: dict[str, str] = {}
    admins = secrets_map.get("admins") if hasattr(secrets_map, "get") else None
    if hasattr(admins, "items"):
        for name, encoded in admins.items():
            if str(name).strip() and isinstance(encoded, str) and is_hash(encoded):
                out[str(name).strip()] = encoded.strip()
    password = environ.get(ENV_PASSWORD) or ""
    if password:
        name = (environ.get(ENV_USER) or "admin").strip() or "admin"
        out[name] = password.strip() if is_hash(password) else _env_hash(password)
    return out


# --- Streamlit: the session's login state ------------------------------------------------------

def _secrets() -> Mapping[str, Any]:
    import streamlit as st

    try:
        return {"admins": st.secrets["admins"]} if "admins" in st.secrets else {}
    except Exception:  # no secrets.toml at all, or an unreadable one: no accounts from it
        return {}


def accounts() -> dict[str, str]:
    """The configured admin accounts (secrets.toml, then the environment)."""
    return accounts_from(_secrets(), os.environ)


def configured() -> bool:
    """Whether any admin account is configured (else data changes are disabled)."""
    return bool(accounts())


def is_admin() -> bool:
    """Whether this session is logged in as an account that is still configured."""
    import streamlit as st

    name = st.session_state.get(SESSION_KEY)
    return name is not None and name in accounts()


def require_admin() -> None:
    """Raise ``PermissionError`` unless this session is an admin (checked at every action)."""
    if not is_admin():
        raise PermissionError("admin login required")


def logout() -> None:
    import streamlit as st

    st.session_state.pop(SESSION_KEY, None)


def attempt_login(name: str, password: str) -> str:
    """Try a login: ``"ok"``, ``"failed"`` (after the growing delay) or ``"wait"``.

    ``"wait"``: an earlier failure of this account from this client is still within its
    delay (:data:`THROTTLE`, shared by every session), so the password is not checked.
    """
    import streamlit as st

    key = throttle_key(name)
    if THROTTLE.remaining(key) > 0:
        return "wait"
    if check_login(accounts(), name, password):
        THROTTLE.succeeded(key)
        st.session_state[SESSION_KEY] = str(name).strip()
        return "ok"
    THROTTLE.sleep(THROTTLE.failed(key))
    return "failed"


def login_panel(lang: str) -> bool:
    """The admin login (or logout) on the page; returns whether the session is an admin.

    With no account configured it explains how to configure one and shows no form.
    """
    import streamlit as st

    if not configured():
        st.info(t("auth.disabled", lang), icon=":material/lock:")
        st.code('[admins]\nadmin = "scrypt$16384$8$1$…"   # python -m etl hash-password',
                language="toml")
        st.caption(t("auth.env_help", lang))
        return False
    if is_admin():
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.success(t("auth.logged_in", lang, name=md_text(st.session_state[SESSION_KEY])),
                   icon=":material/verified_user:")
        if c2.button(t("auth.logout", lang), key="auth_logout", icon=":material/logout:"):
            logout()
            st.rerun()
        return True
    st.caption(t("auth.read_only", lang))
    with st.form("auth_login", clear_on_submit=True):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("auth.name", lang), value="admin", max_chars=64, key="auth_name")
        password = c2.text_input(t("auth.password", lang), type="password", max_chars=256,
                                 key="auth_password")
        submitted = st.form_submit_button(t("auth.login", lang), key="auth_submit",
                                          icon=":material/login:")
    if submitted:
        outcome = attempt_login(name, password)
        if outcome == "ok":
            st.rerun()
        if outcome == "wait":
            st.error(t("auth.wait", lang, s=max(1, math.ceil(remaining_wait_s(name)))),
                     icon=":material/timer:")
        else:
            st.error(t("auth.failed", lang), icon=":material/block:")
    return False
