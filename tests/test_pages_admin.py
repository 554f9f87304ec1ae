"""Roles through AppTest: reading is open, data changes need the admin login.

Each test that changes data works on its own copy of the built database (``EQUITY_DB``),
so the session database of the other tests is never touched.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import db, pipeline, scenarios
from ui import auth
from ui.auth import ENV_PASSWORD, ENV_USER, hash_password
from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"
BAD = Path(__file__).parent / "data" / "bad"
MESSY = Path(__file__).parent / "data" / "messy"
PASSWORD = "kaijiang-test-pw-2024"
#: Secrets that hold no admin, so a real .streamlit/secrets.toml never leaks into a test.
NO_SECRETS = {"unrelated": "x"}


@pytest.fixture(autouse=True)
def fresh_login_throttle():
    """Failed logins are counted per process (ui.auth.THROTTLE): each test starts with none."""
    auth.THROTTLE.reset()
    yield
    auth.THROTTLE.reset()


@pytest.fixture
def private_db(built_db, tmp_path) -> Path:
    """A copy of the built database in its own folder (its raw/ and scenarios beside it)."""
    path = tmp_path / "equity.duckdb"
    shutil.copy(built_db, path)
    return path


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(path, monkeypatch, *, admin_env: str | None = None, secrets: dict | None = None,
              page: str = "data", **params) -> AppTest:
    monkeypatch.setenv("EQUITY_DB", str(path))
    monkeypatch.delenv(ENV_USER, raising=False)
    if admin_env is None:
        monkeypatch.delenv(ENV_PASSWORD, raising=False)
    else:
        monkeypatch.setenv(ENV_PASSWORD, admin_env)
    clear_caches()
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.secrets = secrets or NO_SECRETS
    at.query_params["page"] = page
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def login(at: AppTest, name: str, password: str) -> float:
    """Fill in and submit the login form; returns the seconds the submit took."""
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    t0 = time.perf_counter()
    at.button(key="auth_submit").click().run()
    assert not at.exception, at.exception
    return time.perf_counter() - t0


def shown(markdown: str) -> str:
    """The text a Markdown body shows: messages with file names and reasons reach the page
    through ``ui.i18n.md_text`` (every punctuation mark escaped, word joiners added)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def loads_in(path) -> list[str]:
    con = db.connect(path, read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT file_name FROM loads ORDER BY load_id").fetchall()]
    finally:
        con.close()


def change_controls_disabled(at: AppTest) -> bool:
    return (at.file_uploader[0].proto.disabled and at.button(key="up_load").disabled
            and at.button(key="up_validate").disabled and at.button(key="rebuild").disabled
            and at.button(key="reg_withdraw").disabled and at.button(key="reg_restore").disabled)


def has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def upload(at: AppTest, file: Path, kind: str, crs: str = "wgs84", action: str = "up_load",
           mapping: str = "", *, year: int | None = 2024, scope: tuple[str, ...] = (),
           confirm: bool = True) -> None:
    """Fill in the upload form and click ``action``; "Load" shows what the load will do, and
    with ``confirm`` (when the check offers it) "Confirm load" then loads."""
    at.file_uploader[0].upload(file.name, file.read_bytes())
    at.selectbox(key="up_kind").set_value(kind)
    at.selectbox(key="up_crs").set_value(crs)
    at.number_input(key="up_year").set_value(year)
    at.multiselect(key="up_scope").set_value(list(scope))
    at.text_area(key="up_map").set_value(mapping)
    at.button(key=action).click().run()
    assert not at.exception, at.exception
    if action == "up_load" and confirm and has_button(at, "up_confirm"):
        at.button(key="up_confirm").click().run()
        assert not at.exception, at.exception


# --- no admin configured -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_admin_config_changes_are_disabled_and_explained(built_db, monkeypatch, lang):
    at = open_page(built_db, monkeypatch, lang=lang)
    assert change_controls_disabled(at)
    assert any(t("auth.disabled", lang) in i.value for i in at.info)
    assert any("python -m etl hash-password" in c.value and "[admins]" in c.value for c in at.code)
    assert not [w for w in at.text_input if w.key == "auth_password"]  # no login form at all


def test_without_admin_config_scenario_delete_is_disabled(private_db, monkeypatch):
    store = scenarios.store_path(private_db)
    sid = scenarios.save(store, "keep me", "health", [])
    at = open_page(private_db, monkeypatch, page="plan_scenarios", lang="en")
    assert at.button(key="scn_delete").disabled
    assert at.button(key="scn_delete").help == t("plan.scn.delete_admin_only", "en")
    assert scenarios.get(store, sid) is not None


# --- login ---------------------------------------------------------------------------------------

def test_wrong_password_and_unknown_account_get_one_message_and_a_delay(built_db, monkeypatch):
    messages, took = [], []
    for name, password in (("admin", "not-the-password"), ("nobody", PASSWORD)):
        at = open_page(built_db, monkeypatch, admin_env=PASSWORD, lang="en")
        took.append(login(at, name, password))
        messages.append([e.value for e in at.error])
        assert change_controls_disabled(at)
        assert "_admin_account" not in at.session_state
    assert messages[0] == messages[1] == [t("auth.failed", "en")]
    assert min(took) >= 1.0  # the failure delay, for an unknown account as for a wrong password


def test_failures_in_one_session_wait_longer(built_db, monkeypatch):
    at = open_page(built_db, monkeypatch, admin_env=PASSWORD)
    first = login(at, "admin", "wrong-1")
    second = login(at, "admin", "wrong-2")
    assert first >= 1.0 and second >= 2.0


def test_login_from_secrets_toml_account(built_db, monkeypatch):
    secrets = {"admins": {"officer": hash_password(PASSWORD)}}
    at = open_page(built_db, monkeypatch, secrets=secrets, lang="en")
    assert change_controls_disabled(at)
    login(at, "officer", PASSWORD)
    assert not change_controls_disabled(at)
    assert any(t("auth.logged_in", "en", name="officer") in s.value for s in at.success)
    # logging out takes the rights away again
    at.button(key="auth_logout").click().run()
    assert change_controls_disabled(at)


def test_admin_state_never_reaches_the_url(built_db, monkeypatch):
    at = open_page(built_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    assert not change_controls_disabled(at)
    url = {k: at.query_params[k] for k in at.query_params}
    flat = json.dumps(url, ensure_ascii=False).lower()
    assert PASSWORD not in flat and "admin" not in flat and "auth" not in flat
    # the same link opened by someone else is read-only
    other = open_page(built_db, monkeypatch, admin_env=PASSWORD,
                      **{k: v[0] if isinstance(v, list) else v for k, v in url.items()
                         if k != "page"})
    assert change_controls_disabled(other)


def test_actions_check_the_login_themselves(private_db, monkeypatch):
    """Even called directly (not through the disabled buttons) a data change is refused."""
    monkeypatch.setenv("EQUITY_DB", str(private_db))
    monkeypatch.setenv(ENV_PASSWORD, PASSWORD)
    clear_caches()

    def script():
        import streamlit as st

        from ui import upload

        for name, call in (("load", lambda: upload.load_bytes(b"a,b\n", "x.csv", "schools")),
                           ("validate", lambda: upload.validate_bytes(b"a,b\n", "x.csv", "schools")),
                           ("rebuild", lambda: upload.rebuild(lambda _f, _m: None))):
            try:
                call()
                st.write(f"{name}: done")
            except PermissionError:
                st.write(f"{name}: refused")

    at = AppTest.from_function(script, default_timeout=60)
    at.secrets = NO_SECRETS
    at.run()
    assert [m.value for m in at.markdown] == ["load: refused", "validate: refused", "rebuild: refused"]
    assert len(loads_in(private_db)) == 7


# --- uploads -------------------------------------------------------------------------------------

def test_admin_uploads_a_register_and_sees_its_rejects(private_db, monkeypatch):
    before = loads_in(private_db)
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, SAMPLE, "clinics", "gcj02")
    after = loads_in(private_db)
    assert after == [*before, SAMPLE.name]
    # the result: 8 rows read, 6 loaded, 2 rejected (an unreadable and an out-of-county point)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("dp.rows_read", "en")] == "8"
    assert metrics[t("dp.rows_loaded", "en")] == "6"
    assert metrics[t("dp.rows_rejected", "en")] == "2"
    shown = [d.value for d in at.dataframe if len(d.value) == 2]
    assert shown and any("107.86.5" in " ".join(map(str, d.iloc[:, 3])) for d in shown)
    assert any("outside Kaijiang county" in " ".join(map(str, d.iloc[:, -1])) for d in shown)
    # the page's own tables show the new load and, selected, its rejects
    new_id = str(len(after))
    assert at.selectbox(key="load").value == new_id
    assert any(t("dp.rejects_count", "en", n=2) in c.value for c in at.caption)
    assert SAMPLE.name in at.dataframe[0].value.iloc[:, 1].tolist()
    # the raw file is kept beside the database and indexed, so a rebuild re-applies it
    index = pipeline.read_raw_index(private_db.parent / "raw")
    assert [(r["file_name"], r["kind"], r["crs"]) for r in index] == [(SAMPLE.name, "clinics", "gcj02")]
    # loading the same file again adds nothing
    upload(at, SAMPLE, "clinics", "gcj02")
    assert loads_in(private_db) == after


def test_validate_only_writes_nothing(private_db, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, SAMPLE, "clinics", "gcj02", action="up_validate")
    assert len(loads_in(private_db)) == 7
    assert any(t("dp.up_validated", "en") in c.value for c in at.caption)
    assert {m.label: m.value for m in at.metric}[t("dp.rows_rejected", "en")] == "2"
    assert not (private_db.parent / "raw").exists()


def test_column_mapping_from_the_form(private_db, monkeypatch):
    """A header no alias knows is loaded through the form's source=field lines."""
    text = SAMPLE.read_bytes().decode("gbk")
    header = text.splitlines()[0]
    name_col = next(c for c in header.split(",") if "名称" in c)
    renamed = private_db.parent / "clinics_renamed.csv"
    renamed.write_text(text.replace(name_col, "卫生室全称XYZ", 1), encoding="utf-8")
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, renamed, "clinics", "gcj02", action="up_validate")
    assert at.error  # no name column without the mapping
    upload(at, renamed, "clinics", "gcj02", mapping="卫生室全称XYZ=name")
    assert loads_in(private_db)[-1] == renamed.name
    upload(at, renamed, "clinics", "gcj02", action="up_validate", mapping="卫生室全称XYZ=nonsense")
    assert any("nonsense" in shown(e.value) for e in at.error)


REFUSED = {name: case for name, case in json.loads((BAD / "EXPECTED.json").read_text("utf-8")).items()
           if case["outcome"] == "refused"}


@pytest.mark.parametrize("name", ["truncated.xlsx", "binary_as.csv", "utf16_no_bom.csv"])
def test_a_refused_file_shows_the_guard_message_and_changes_nothing(private_db, monkeypatch, name):
    case = REFUSED[name]
    before = loads_in(private_db)
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, BAD / name, case["kind"])
    errors = " ".join(shown(e.value) for e in at.error)
    assert all(part in errors for part in case["error"]), errors
    assert any(t("dp.up_failed", "en") in c.value for c in at.caption)
    assert loads_in(private_db) == before
    assert not (private_db.parent / "raw").exists()


def test_an_oversized_file_is_refused(private_db, monkeypatch):
    monkeypatch.setenv("EQUITY_MAX_FILE_MB", "0.0004")  # 400 bytes: the sample (449 bytes) is over
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, SAMPLE, "clinics", "gcj02")
    assert any("over the 0.0004 MB limit" in shown(e.value) for e in at.error)
    assert len(loads_in(private_db)) == 7


# --- rebuild and scenarios ----------------------------------------------------------------------

def test_rebuild_from_the_app(private_db, monkeypatch):
    """A load kept in raw/ survives the rebuild; one written without its raw file does not."""
    con = db.connect(private_db)
    try:
        pipeline.load_file(con, MESSY / "hospitals.xlsx", "hospitals", keep_raw=False)
    finally:
        con.close()
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, SAMPLE, "clinics", "gcj02")
    assert len(loads_in(private_db)) == 9
    at.button(key="rebuild").click().run()
    assert not at.exception, at.exception
    assert loads_in(private_db)[-1] == SAMPLE.name and len(loads_in(private_db)) == 8
    con = db.connect(private_db, read_only=True)
    try:
        summary = db.status(con)
    finally:
        con.close()
    assert any(shown(s.value) == t("dp.rebuild_done", "en", loads=8, facilities=summary["facilities"],
                            units=162) for s in at.success)
    assert len(at.dataframe[0].value) == 8  # the page reads the new database


def test_scenario_delete_needs_admin(private_db, monkeypatch):
    store = scenarios.store_path(private_db)
    sid = scenarios.save(store, "to delete", "health", [])
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, page="plan_scenarios", lang="en")
    button = at.button(key="scn_delete")
    assert button.disabled
    # a forged click (a client that ignores "disabled") deletes nothing either
    button.proto.disabled = False
    button.click().run()
    assert not at.exception, at.exception
    assert scenarios.get(store, sid) is not None
    # log in on the Data page (same session), come back and delete
    at.switch_page("views/data.py").run()
    login(at, "admin", PASSWORD)
    at.switch_page("views/plan_scenarios.py").run()
    assert not at.button(key="scn_delete").disabled
    at.selectbox(key="scn_pick").set_value(sid)
    at.button(key="scn_delete").click().run()
    assert not at.exception, at.exception
    assert scenarios.get(store, sid) is None
    # saving stays open to everyone: a viewer without login can still save
    viewer = open_page(private_db, monkeypatch, admin_env=PASSWORD, page="plan_scenarios", lang="en")
    viewer.text_input[-1].set_value("viewer's scenario")
    next(b for b in viewer.button if b.label == t("plan.scn.save_button", "en")).click().run()
    assert list(scenarios.list_all(store)["name"]) == ["viewer's scenario"]


# --- the login delay is held on the server, not in the browser session ---------------------------

def test_login_delay_is_held_on_the_server_across_sessions(built_db, monkeypatch):
    """A failure, then a new session (a reload, another tab): the next attempt is still held,
    even with the right password, and the doubling goes on; the clock is injected, no sleep."""
    now, slept = [1000.0], []
    monkeypatch.setattr(auth, "THROTTLE", auth.LoginThrottle(clock=lambda: now[0], sleep=slept.append))
    key = ("admin", "")  # AppTest has no client address: the account alone
    first = open_page(built_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(first, "admin", "wrong-1")
    assert slept == [1.0] and [e.value for e in first.error] == [t("auth.failed", "en")]
    assert auth.THROTTLE.remaining(key) == 1.0
    reloaded = open_page(built_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(reloaded, "admin", PASSWORD)
    assert "_admin_account" not in reloaded.session_state and change_controls_disabled(reloaded)
    assert [e.value for e in reloaded.error] == [t("auth.wait", "en", s=1)]
    assert slept == [1.0]  # refused at once: the password was not checked, nothing counted
    now[0] += 0.5
    assert auth.THROTTLE.remaining(key) == 0.5
    # once the wait is over the count goes on from the other session: 2 s for the next failure
    now[0] += 0.5
    login(reloaded, "admin", "wrong-2")
    assert slept == [1.0, 2.0] and auth.THROTTLE.failures(key) == 2
    # another account is not held by admin's failures; admin is, until its wait is over
    assert auth.THROTTLE.remaining(("officer", "")) == 0.0
    now[0] += 2.0
    third = open_page(built_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(third, "admin", PASSWORD)
    assert third.session_state["_admin_account"] == "admin"
    assert auth.THROTTLE.failures(key) == 0  # a success forgets the failures


def test_throttle_keys_by_client_address_and_forgets():
    now = [0.0]
    th = auth.LoginThrottle(clock=lambda: now[0], sleep=lambda _s: None, max_keys=3, forget_s=60)
    for delay in (1.0, 2.0, 4.0):
        assert th.failed(("admin", "198.51.100.7")) == delay
    assert th.remaining(("admin", "198.51.100.7")) == 4.0
    assert th.remaining(("admin", "203.0.113.9")) == 0.0  # another client is not held
    # at most max_keys keys: invented names push out the oldest, never grow the table
    for i in range(10):
        now[0] += 1
        th.failed((f"name{i}", "198.51.100.7"))
    assert len(th._state) <= 3
    now[0] += 61
    assert th.failures(("name9", "198.51.100.7")) == 0  # forgotten after a quiet minute
    # the address: the connection's own; behind a local proxy the hop the proxy added
    assert auth.client_address("203.0.113.9", {"X-Forwarded-For": "10.0.0.1"}) == "203.0.113.9"
    assert auth.client_address("127.0.0.1", {"x-forwarded-for": "6.6.6.6, 198.51.100.7"}) == "198.51.100.7"
    assert auth.client_address(None, {}) == ""


# --- registers: check before the load, withdraw and restore, the log ---------------------------

def generated_clinics(path) -> int:
    """Generated village clinics in use (``facilities`` holds the rows in use only)."""
    con = db.connect(path, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM facilities WHERE type = 'village_clinic' "
                           "AND is_synthetic").fetchone()[0]
    finally:
        con.close()


def register_table(at: AppTest, lang: str = "en"):
    return next(d.value for d in at.dataframe
                if t("dp.reg.col_superseded_by", lang) in d.value.columns)


def register_row(at: AppTest, register_id: int, lang: str = "en") -> dict:
    table = register_table(at, lang)
    return table[table[t("dp.reg.col_id", lang)] == register_id].iloc[0].to_dict()


def alerts(at: AppTest) -> str:
    return " ".join(shown(x.value) for kind in (at.warning, at.info, at.success, at.error) for x in kind)


@pytest.mark.parametrize(("lang", "says"), [("en", "will replace 194 generated village clinics"),
                                            ("zh", "将替换示例数据：村卫生室 194 行")])
def test_load_shows_what_it_replaces_and_changes_nothing_until_confirmed(private_db, monkeypatch,
                                                                         lang, says):
    before = loads_in(private_db)
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang=lang)
    login(at, "admin", PASSWORD)
    assert not has_button(at, "up_confirm")  # nothing to confirm before a check
    upload(at, SAMPLE, "clinics", "gcj02", confirm=False)
    assert says in alerts(at)
    assert any(t("dp.pv_not_yet", lang) in c.value for c in at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("dp.rows_loadable", lang)] == "6" and metrics[t("dp.rows_rejected", lang)] == "2"
    # nothing written: no load, the generated clinics still in use, no raw file
    assert loads_in(private_db) == before and generated_clinics(private_db) == 194
    assert not (private_db.parent / "raw").exists()
    # a setting changed after the check voids it: checked again, still nothing written
    at.number_input(key="up_year").set_value(2023)
    at.button(key="up_confirm").click().run()
    assert not at.exception, at.exception
    assert any(t("dp.pv_changed", lang) in c.value for c in at.caption)
    assert loads_in(private_db) == before and generated_clinics(private_db) == 194
    # confirmed as checked: loaded, and the generated clinics register is superseded
    at.button(key="up_confirm").click().run()
    assert not at.exception, at.exception
    after = loads_in(private_db)
    assert after == [*before, SAMPLE.name]
    assert generated_clinics(private_db) == 0
    assert not has_button(at, "up_confirm")
    new_id = len(after)
    generated = register_row(at, 5, lang)
    assert generated[t("dp.reg.col_status", lang)] == t("dp.reg.st_superseded", lang)
    assert generated[t("dp.reg.col_superseded_by", lang)] == str(new_id)
    assert generated[t("dp.reg.col_origin", lang)] == t("dp.reg.generated", lang)
    real = register_row(at, new_id, lang)
    assert real[t("dp.reg.col_year", lang)] == t("dp.reg.year_value", lang, year=2023)
    assert real[t("dp.reg.col_by", lang)] == "admin"
    assert real[t("dp.reg.col_rows", lang)] == 6 and real[t("dp.reg.col_shown", lang)] == 6
    done = {"en": "replaced 194 generated village clinics", "zh": "已替换示例数据：村卫生室 194 行"}
    assert done[lang] in alerts(at)


def test_a_register_without_a_year_is_refused_with_the_etl_message(private_db, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, SAMPLE, "clinics", "gcj02", year=None)
    assert any("the file has no year column" in shown(e.value) for e in at.error)
    assert any(t("dp.up_year_hint", "en") in c.value for c in at.caption)
    assert not has_button(at, "up_confirm")
    assert len(loads_in(private_db)) == 7


def test_a_scope_replaces_the_generated_rows_inside_it_only(private_db, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="zh")
    login(at, "admin", PASSWORD)
    upload(at, SAMPLE, "clinics", "gcj02", scope=("511723107",), confirm=False)  # 任市镇
    assert "将替换示例数据：村卫生室 34 行" in alerts(at)
    assert "范围：任市镇" in alerts(at)
    at.button(key="up_confirm").click().run()
    assert generated_clinics(private_db) == 194 - 34
    assert register_row(at, 5, "zh")[t("dp.reg.col_status", "zh")] == t("dp.reg.st_partly", "zh")


def test_withdraw_brings_the_generated_rows_back_and_restore_reapplies(private_db, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, SAMPLE, "clinics", "gcj02")
    new_id = len(loads_in(private_db))
    assert generated_clinics(private_db) == 0
    at.selectbox(key="reg_pick").set_value(new_id).run()
    assert at.button(key="reg_restore").disabled and not at.button(key="reg_withdraw").disabled
    at.button(key="reg_withdraw").click().run()
    assert not at.exception, at.exception
    assert generated_clinics(private_db) == 194
    assert "brought back 194 generated village clinics" in alerts(at)
    assert register_row(at, new_id)[t("dp.reg.col_status", "en")] == t("dp.reg.st_withdrawn", "en")
    assert register_row(at, 5)[t("dp.reg.col_status", "en")] == t("dp.reg.st_active", "en")
    assert at.button(key="reg_withdraw").disabled and not at.button(key="reg_restore").disabled
    at.button(key="reg_restore").click().run()
    assert not at.exception, at.exception
    assert generated_clinics(private_db) == 0
    assert "replaced 194 generated village clinics" in alerts(at)
    assert register_row(at, 5)[t("dp.reg.col_status", "en")] == t("dp.reg.st_superseded", "en")
    # the log says who did what; the events file is kept beside the database for build
    log = next(d.value for d in at.dataframe if t("dp.reg.col_who", "en") in d.value.columns)
    mine = log[log[t("dp.reg.col_id", "en")] == new_id]
    assert list(mine[t("dp.reg.col_event", "en")]) == [t(f"dp.reg.ev_{e}", "en")
                                                       for e in ("restore", "withdraw", "load")]
    assert set(mine[t("dp.reg.col_who", "en")]) == {"admin"}
    events = (private_db.parent / "raw" / "events.csv").read_text("utf-8")
    assert events.count(",admin\n") == 2
    # a rebuild replays the load, the withdrawal and the restoration: the same state
    db.build(private_db)
    assert generated_clinics(private_db) == 0


def test_withdraw_and_restore_need_the_login(private_db, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    assert at.button(key="reg_withdraw").disabled and at.button(key="reg_restore").disabled
    at.selectbox(key="reg_pick").set_value(5).run()
    button = at.button(key="reg_withdraw")
    button.proto.disabled = False  # a forged click: a client that ignores "disabled"
    button.click().run()
    assert not at.exception, at.exception
    assert generated_clinics(private_db) == 194
    assert register_row(at, 5)[t("dp.reg.col_status", "en")] == t("dp.reg.st_active", "en")

    def script():
        import streamlit as st

        from ui import registers

        for name, withdraw in (("withdraw", True), ("restore", False)):
            try:
                registers.set_withdrawn(5, withdraw)
                st.write(f"{name}: done")
            except PermissionError:
                st.write(f"{name}: refused")

    direct = AppTest.from_function(script, default_timeout=60)
    direct.secrets = NO_SECRETS
    direct.run()
    assert [m.value for m in direct.markdown] == ["withdraw: refused", "restore: refused"]
    assert generated_clinics(private_db) == 194


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_registers_table_and_summary_on_the_default_database(built_db, monkeypatch, lang):
    at = open_page(built_db, monkeypatch, lang=lang)
    assert any(s.value == t("dp.reg.heading", lang) for s in at.subheader)
    table = register_table(at, lang)
    assert len(table) == 6
    assert set(table[t("dp.reg.col_status", lang)]) == {t("dp.reg.st_active", lang)}
    assert set(table[t("dp.reg.col_origin", lang)]) == {t("dp.reg.generated", lang)}
    assert set(table[t("dp.reg.col_scope", lang)]) == {t("dp.reg.county", lang)}
    summary = next(d.value for d in at.dataframe if t("dp.reg.col_in_use", lang) in d.value.columns)
    clinics = summary[summary[t("dp.reg.col_kind", lang)] == t("kind.clinics", lang)].iloc[0]
    assert clinics[t("dp.reg.sum_generated_active", lang)] == 194
    assert clinics[t("dp.reg.sum_real_active", lang)] == 0
    assert clinics[t("dp.reg.col_in_use", lang)] == t("dp.reg.use_generated", lang)


def test_no_register_is_explained(tmp_path, monkeypatch):
    """A database with the reference data and no facility register: the page says so."""
    from tests.conftest import reference_db

    path = tmp_path / "equity.duckdb"
    reference_db(path).close()
    at = open_page(path, monkeypatch, admin_env=PASSWORD, lang="zh")
    assert any(t("dp.reg.none", "zh") in i.value for i in at.info)
    login(at, "admin", PASSWORD)
    assert not [b for b in at.button if b.key == "reg_withdraw"]
