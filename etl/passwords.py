"""Admin password hashes: make them and check them (standard library only, no Streamlit).

``python -m etl hash-password`` makes the lines; the app (``ui.auth``) checks logins with
them. Hash format (``$``-separated, salt and hash in standard base64):

- ``scrypt$N$r$p$salt$hash`` — :func:`hashlib.scrypt` (what :func:`hash_password` makes);
- ``pbkdf2_sha256$iterations$salt$hash`` — :func:`hashlib.pbkdf2_hmac` (accepted too).

A login for an unknown account is checked against a dummy hash of the same cost
(:func:`check_login`), so it takes as long as a wrong password.

>>> encoded = hash_password("correct horse", salt=b"0123456789abcdef")
>>> encoded.split("$")[:4]
['scrypt', '16384', '8', '1']
>>> verify_password("correct horse", encoded), verify_password("wrong", encoded)
(True, False)
>>> check_login({"admin": encoded}, "admin", "correct horse")
True
>>> check_login({"admin": encoded}, "nobody", "correct horse")
False
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from collections.abc import Mapping

__all__ = ["SCRYPT_N", "SCRYPT_P", "SCRYPT_R", "check_login", "hash_password", "is_hash",
           "verify_password"]

#: Cost of new hashes: scrypt N, r, p (16 MiB of memory; about 0.1 s).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_MAXMEM = 256 * 2**20


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The ``scrypt$N$r$p$salt$hash`` line for ``password`` (a new random salt by default)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _parse(encoded: str) -> tuple[str, tuple[int, ...], bytes, bytes]:
    """(scheme, cost parameters, salt, hash); ``ValueError`` for anything malformed."""
    parts = str(encoded).strip().split("$")
    if parts[0] == "scrypt" and len(parts) == 6:
        n, r, p = (int(x) for x in parts[1:4])
        if n < 2 or n & (n - 1) or not 0 < r <= 64 or not 0 < p <= 16 or 128 * r * n > _MAXMEM:
            raise ValueError("scrypt parameters out of range")
        params: tuple[int, ...] = (n, r, p)
    elif parts[0] == "pbkdf2_sha256" and len(parts) == 4:
        params = (int(parts[1]),)
        if not 1 <= params[0] <= 10_000_000:
            raise ValueError("pbkdf2 iterations out of range")
    else:
        raise ValueError("not a scrypt$… or pbkdf2_sha256$… hash")
    salt, digest = base64.b64decode(parts[-2], validate=True), base64.b64decode(parts[-1], validate=True)
    if not salt or len(digest) < 16:
        raise ValueError("salt or hash missing")
    return parts[0], params, salt, digest


def is_hash(text: str) -> bool:
    """Whether ``text`` is a well-formed hash line (else it is taken as a plain password).

    >>> is_hash(hash_password("x")), is_hash("scrypt is my password")
    (True, False)
    """
    try:
        _parse(text)
    except (ValueError, TypeError):
        return False
    return True


def _derive(scheme: str, params: tuple[int, ...], password: str, salt: bytes, size: int) -> bytes:
    raw = password.encode("utf-8")
    if scheme == "scrypt":
        n, r, p = params
        return hashlib.scrypt(raw, salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=size)
    return hashlib.pbkdf2_hmac("sha256", raw, salt, params[0], dklen=size)


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the hash line ``encoded`` (constant-time comparison).

    A malformed hash never matches.
    """
    try:
        scheme, params, salt, digest = _parse(encoded)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(_derive(scheme, params, str(password), salt, len(digest)), digest)


@functools.cache
def _dummy(scheme: str, params: tuple[int, ...]) -> str:
    """A hash of a random password at the given cost, for logins to unknown accounts."""
    salt, secret = secrets.token_bytes(16), secrets.token_urlsafe(16)
    digest = _derive(scheme, params, secret, salt, 32)
    tail = "$".join(str(x) for x in params)
    return f"{scheme}${tail}${_b64(salt)}${_b64(digest)}"


def check_login(accounts: Mapping[str, str], name: str, password: str) -> bool:
    """Whether ``name``/``password`` is a valid login among ``accounts`` ``{name: hash line}``.

    Does the same work whether or not the account exists: an unknown name is verified
    against a dummy hash with the cost of the first configured account.
    """
    encoded = accounts.get(str(name).strip())
    if encoded is None:
        try:
            scheme, params, _salt, _digest = _parse(next(iter(accounts.values()), ""))
        except (ValueError, TypeError):
            scheme, params = "scrypt", (SCRYPT_N, SCRYPT_R, SCRYPT_P)
        verify_password(str(password), _dummy(scheme, params))
        return False
    return verify_password(str(password), encoded)
