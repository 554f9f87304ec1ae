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
failure in the session). The admin state lives in ``st.session_state`` only: never in the
URL, so a shared link is always read-only.

The functions down to :func:`accounts_from` are pure (no Streamlit) and testable alone.

>>> encoded = hash_password("correct horse", salt=b"0123456789abcdef")
>>> check_login({"admin": encoded}, "admin", "correct horse")
True
>>> [failure_delay_s(n) for n in (1, 2, 3, 10)]
[1.0, 2.0, 4.0, 30.0]
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Mapping
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
from ui.i18n import t

__all__ = [
    "ENV_PASSWORD", "ENV_USER", "SCRYPT_N", "SCRYPT_P", "SCRYPT_R", "accounts", "accounts_from",
    "check_login", "configured", "failure_delay_s", "hash_password", "is_admin", "is_hash",
    "login_panel", "logout", "require_admin", "verify_password",
]

#: Environment variables of the single-account setup.
ENV_PASSWORD = "EQUITY_ADMIN_PASSWORD"
ENV_USER = "EQUITY_ADMIN_USER"
#: Session State key holding the logged-in account name (never a widget key, never in the URL).
SESSION_KEY = "_admin_account"
_FAILURES_KEY = "_admin_failures"
#: First delay after a failed login, its growth factor per failure, and its cap (seconds).
DELAY_BASE_S, DELAY_FACTOR, DELAY_MAX_S = 1.0, 2.0, 30.0


def failure_delay_s(failures: int) -> float:
    """Seconds to wait after the ``failures``-th failed login of a session (1, 2, 4 … ≤ 30)."""
    return min(DELAY_BASE_S * DELAY_FACTOR ** max(int(failures) - 1, 0), DELAY_MAX_S)


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


def attempt_login(name: str, password: str) -> bool:
    """Check a login; on failure wait the session's growing delay. Returns success."""
    import streamlit as st

    if check_login(accounts(), name, password):
        st.session_state[SESSION_KEY] = str(name).strip()
        st.session_state[_FAILURES_KEY] = 0
        return True
    failures = int(st.session_state.get(_FAILURES_KEY, 0)) + 1
    st.session_state[_FAILURES_KEY] = failures
    time.sleep(failure_delay_s(failures))
    return False


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
        c1.success(t("auth.logged_in", lang, name=st.session_state[SESSION_KEY]),
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
        if attempt_login(name, password):
            st.rerun()
        st.error(t("auth.failed", lang), icon=":material/block:")
    return False
