"""The pure parts of the admin login: hashes, verification, accounts, delays; the CLI.

The hashing lives in ``etl.passwords`` (the ETL command makes hashes without the UI);
``ui.auth`` uses it for logins.
"""

from __future__ import annotations

import ast
import base64
import doctest
import hashlib
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from etl import passwords
from etl.__main__ import main as etl_main
from etl.passwords import (
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    check_login,
    hash_password,
    is_hash,
    verify_password,
)
from etl.readers import LIMITS
from ui import auth, upload
from ui.auth import (
    DELAY_BASE_S,
    DELAY_MAX_S,
    ENV_PASSWORD,
    ENV_USER,
    accounts_from,
    failure_delay_s,
)

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT = ROOT / "docs" / "deployment.md"


def _pbkdf2(password: str, salt: bytes, iterations: int) -> str:
    """A pbkdf2_sha256 line made by hand with hashlib (the documented format)."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return (f"pbkdf2_sha256${iterations}${base64.b64encode(salt).decode()}$"
            f"{base64.b64encode(digest).decode()}")


def test_docstring_examples():
    for module in (passwords, auth, upload):
        assert doctest.testmod(module).failed == 0


def test_etl_imports_nothing_from_ui():
    """Imports go one way (etl → … → ui): no etl module names ui, and running
    ``python -m etl hash-password`` end to end loads no ui module."""
    for path in sorted((ROOT / "etl").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "ui" or n.startswith("ui.") for n in names), (path.name, names)
    script = (
        "import getpass, sys\n"
        "getpass.getpass = lambda _prompt='': 'a long admin password'\n"
        "from etl.__main__ import main\n"
        "assert main(['hash-password', '--user', 'officer']) == 0\n"
        "bad = sorted(m for m in sys.modules if m == 'ui' or m.startswith('ui.'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    line = tomllib.loads(done.stdout)["admins"]["officer"]
    assert verify_password("a long admin password", line)


def test_ui_auth_uses_the_etl_hashing():
    """One implementation: the login checks with the very functions the CLI hashes with."""
    assert auth.hash_password is passwords.hash_password
    assert auth.verify_password is passwords.verify_password
    assert auth.check_login is passwords.check_login


def test_known_hash_lines_still_verify():
    """A line made by the code before the move to etl.passwords (fixed salt) is made and
    verified unchanged: stored hashes keep working."""
    line = "scrypt$16384$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$0LupyHkzAIgDr9UDsriAAf87vMbCbcaUfDvFOAHk0D0="
    assert hash_password("correct horse", salt=b"0123456789abcdef") == line
    assert verify_password("correct horse", line) and not verify_password("correct hors", line)
    assert check_login({"admin": line}, "admin", "correct horse")
    assert auth.check_login(auth.accounts_from({"admins": {"admin": line}}, {}), "admin",
                            "correct horse")


def test_scrypt_line_is_what_hashlib_gives():
    salt = b"0123456789abcdef"
    line = hash_password("密码 with spaces", salt=salt)
    scheme, n, r, p, salt64, hash64 = line.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert base64.b64decode(salt64) == salt
    assert base64.b64decode(hash64) == hashlib.scrypt("密码 with spaces".encode(), salt=salt,
                                                      n=16384, r=8, p=1, maxmem=2**26, dklen=32)


def test_verify():
    line = hash_password("s3cret-pass")
    assert verify_password("s3cret-pass", line)
    for wrong in ("s3cret-pass ", "S3cret-pass", "", "s3cret-pas"):
        assert not verify_password(wrong, line)
    # a new salt each time: the same password never gives the same line
    assert hash_password("s3cret-pass") != line
    assert verify_password("x", _pbkdf2("x", b"salt-salt-salt!!", 1000))
    assert not verify_password("y", _pbkdf2("x", b"salt-salt-salt!!", 1000))


@pytest.mark.parametrize("bad", ["", "plain text", "scrypt$16384$8$1$c2FsdA==", "md5$abc$def",
                                 "scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
                                 "scrypt$16384$8$1$!!!$???", "pbkdf2_sha256$0$c2FsdA==$aGFzaA==",
                                 "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=="])
def test_malformed_hashes_never_match(bad):
    assert not verify_password("", bad) and not verify_password("plain text", bad)
    assert not is_hash(bad)


def test_accounts_from_secrets_and_environment():
    h = hash_password("pw-officer")
    secrets = {"admins": {"officer": h, "typo": "not a hash"}}
    assert accounts_from(secrets, {}) == {"officer": h}
    env = {ENV_PASSWORD: "pw-env"}
    acc = accounts_from(secrets, env)
    assert set(acc) == {"officer", "admin"} and verify_password("pw-env", acc["admin"])
    assert "pw-env" not in acc["admin"]  # the plain password is hashed, never kept as is
    assert set(accounts_from({}, {**env, ENV_USER: "chief"})) == {"chief"}
    # the environment may carry a hash instead of the password
    assert accounts_from({}, {ENV_PASSWORD: h}) == {"admin": h}
    assert accounts_from({}, {}) == {} and accounts_from({"admins": "x"}, {ENV_PASSWORD: ""}) == {}


def test_check_login():
    accounts = {"officer": hash_password("right-one"), "chief": hash_password("other-one")}
    assert check_login(accounts, "officer", "right-one")
    assert check_login(accounts, " officer ", "right-one")
    assert not check_login(accounts, "officer", "other-one")  # another account's password
    assert not check_login(accounts, "nobody", "right-one")
    assert not check_login({}, "admin", "")


def test_unknown_account_costs_as_much_as_a_wrong_password():
    """An unknown name is checked against a dummy of the same cost, not answered at once.

    With a deliberately slow hash (PBKDF2, 400,000 rounds) an early return for unknown
    names would be thousands of times faster; the check allows for a loaded machine.
    """
    accounts = {"admin": _pbkdf2("right", b"salt-salt-salt!!", 400_000)}
    check_login(accounts, "nobody", "x")  # the dummy is made once, on first use

    def took(name: str) -> float:
        t0 = time.perf_counter()
        assert not check_login(accounts, name, "wrong")
        return time.perf_counter() - t0

    wrong = min(took("admin") for _ in range(2))
    unknown = min(took("nobody") for _ in range(2))
    assert unknown > 0.3 * wrong


def test_failure_delay_grows_per_failure_and_is_capped():
    delays = [failure_delay_s(n) for n in range(1, 9)]
    assert delays[:5] == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert delays[5:] == [30.0, 30.0, 30.0]
    assert min(delays) >= 1.0 and failure_delay_s(0) == 1.0


def _answers(monkeypatch, *answers: str) -> None:
    it = iter(answers)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(it))


def test_cli_hash_password_prints_a_line_for_secrets_toml(monkeypatch, capsys):
    _answers(monkeypatch, "a long admin password", "a long admin password")
    assert etl_main(["hash-password", "--user", "officer"]) == 0
    out = capsys.readouterr().out
    parsed = tomllib.loads(out)
    line = parsed["admins"]["officer"]
    assert verify_password("a long admin password", line)
    assert "a long admin password" not in out
    assert accounts_from(parsed, {}) == {"officer": line}


@pytest.mark.parametrize(("answers", "user"), [
    (("short", "short"), "admin"),                                  # too short
    (("a long admin password", "a long admin passwort"), "admin"),  # the two entries differ
    (("a long admin password", "a long admin password"), 'x" = 1\n[evil]'),  # odd account name
])
def test_cli_hash_password_refuses(monkeypatch, capsys, answers, user):
    _answers(monkeypatch, *answers)
    assert etl_main(["hash-password", "--user", user]) == 1
    assert "[admins]" not in capsys.readouterr().out


def test_deployment_doc_states_every_limit_and_setting():
    """docs/deployment.md lists each upload guard with its variable and default, and the
    hash format and delays as the code has them."""
    doc = DEPLOYMENT.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in doc.splitlines()
            if line.startswith("| `max_")}
    assert set(rows) == set(LIMITS)
    for key, spec in LIMITS.items():
        assert f"`{spec.env}`" in rows[key]
        assert f"| {spec.default:g} {spec.unit} |" in rows[key]
    assert f"N = {SCRYPT_N}, r = {SCRYPT_R}, p = {SCRYPT_P}" in doc
    assert f"waits {DELAY_BASE_S:g} s" in doc and f"up to {DELAY_MAX_S:g} s" in doc
    for name in (ENV_PASSWORD, ENV_USER, "maxUploadSize", "127.0.0.1", "hash-password",
                 "raw/index.csv", "scenarios.duckdb", "python -m etl build", "[admins]"):
        assert name in doc, name
