"""Registers as things the county manages: year, scope, supersession, withdraw/restore, and
``build`` replaying them (issue 12).

Counts are worked out by hand from the files written here and the default dataset's
generated clinics: 194 in all, 34 in 任市镇 and 13 in 长岭镇; the default dataset's
facilities: schools 85, kindergartens 95, hospitals 24, clinics 194, elderly care 57,
culture 233 (688).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl import db, pipeline, reference, registers
from etl.registers import Reg, RegisterError
from tests.conftest import reference_db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"
DEMO_KINDS = {"schools": 85, "kindergartens": 95, "hospitals": 24, "clinics": 194,
              "elderly_care": 57, "culture": 233}
GENERATED_CLINICS = {"任市镇": 34, "长岭镇": 13}


def _point(town: str, d: float = 0.0) -> str:
    t = reference.townships().set_index("name")
    return f"{t.loc[town, 'lon'] + d:.6f},{t.loc[town, 'lat'] + d:.6f}"


def _clinics(path: Path, rows: list[tuple], year_column: bool = True) -> Path:
    """A clinic register: rows of (id, name, township, year or None)."""
    head = "编号,名称,乡镇,经度,纬度" + (",年份" if year_column else "")
    lines = [head]
    for i, (fid, name, town, year) in enumerate(rows):
        line = f"{fid},{name},{town},{_point(town, 0.002 * (i + 1))}"
        if year_column:
            line += f",{'' if year is None else year}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def demo(built_db, tmp_path) -> Path:
    """A private copy of the default (demo) database; raw files go beside it."""
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    return path


@pytest.fixture
def ref(tmp_path):
    c = reference_db(tmp_path / "ref.duckdb")
    yield c
    c.close()


def _count(con, sql: str, params: list | None = None) -> int:
    return con.execute(sql, params or []).fetchone()[0]


def _kind_counts(con) -> dict[str, int]:
    kinds = {t: k for k, types in registers.schema.REGISTER_KINDS.items() for t in types}
    out = dict.fromkeys(DEMO_KINDS, 0)
    for t, n in con.execute("SELECT type, count(*) FROM facilities GROUP BY type").fetchall():
        out[kinds[t]] += n
    return out


def _status(con) -> dict[int, tuple]:
    return {r["register_id"]: (r["status"], r["superseded_by"], r["rows_shown"])
            for r in registers.list_registers(con)}


def _load(dbfile: Path, path: Path, kind: str = "clinics", **kw):
    with db.writing(dbfile, what="test load") as change:
        return pipeline.load_file(change.con, path, kind, data_dir=dbfile.parent,
                                  require_year=True, who="test", **kw)


def _act(dbfile: Path, what: str, register_id: int):
    with db.writing(dbfile, what=f"test {what}") as change:
        fn = registers.withdraw if what == "withdraw" else registers.restore
        return fn(change.con, register_id, who="tester", data_dir=dbfile.parent)


def _read(dbfile: Path):
    return db.connect(dbfile, read_only=True)


# -- the default database is unchanged -------------------------------------------------


def test_the_default_database_shows_every_generated_row_once(built_db):
    con = _read(built_db)
    try:
        assert _kind_counts(con) == DEMO_KINDS
        assert _count(con, "SELECT count(*) FROM facilities_all") == 688
        assert _count(con, "SELECT count(*) FROM facilities_all WHERE NOT shown") == 0
        assert _count(con, "SELECT count(*) FROM facilities_in_year(2024)") == 688
        assert _count(con, "SELECT count(*) FROM facilities_in_year(2023)") == 0
        regs = registers.list_registers(con)
    finally:
        con.close()
    assert {r["kind"]: r["rows"] for r in regs} == DEMO_KINDS
    assert all(r["is_synthetic"] and r["status"] == "active" and r["year"] == 2024
               and r["scope"] == "county" for r in regs)


# -- a real register on the demo database -----------------------------------------------


def test_validate_says_what_the_load_will_replace(demo):
    con = _read(demo)
    try:
        res = pipeline.process_file(con, SAMPLE, "clinics", crs="gcj02", year=2024,
                                    require_year=True)
        with pytest.raises(RegisterError, match="--year"):
            pipeline.process_file(con, SAMPLE, "clinics", crs="gcj02", require_year=True)
    finally:
        con.close()
    assert res.rows_loaded == 6 and res.year == 2024 and res.scope is None
    assert [(s["register_id"], s["is_synthetic"], s["rows"], s["types"])
            for s in res.supersedes] == [(5, True, 194, {"village_clinic": 194})]
    assert "将替换示例数据：村卫生室 194 行 / will replace 194 generated village clinics" in res.notes


def test_a_real_register_replaces_the_generated_rows_of_its_kind_only(demo):
    con = _read(demo)
    before = {k: {r[0] for r in con.execute(
        "SELECT id FROM facilities WHERE type IN (SELECT unnest(?))", [list(types)]).fetchall()}
        for k, types in registers.schema.REGISTER_KINDS.items() if types}
    con.close()
    res = _load(demo, SAMPLE, crs="gcj02", year=2024)
    assert (res.rows_loaded, res.rows_rejected, res.load_id) == (6, 2, 8)
    con = _read(demo)
    try:
        assert _kind_counts(con) == {**DEMO_KINDS, "clinics": 6}
        assert _count(con, "SELECT count(*) FROM facilities WHERE is_synthetic "
                           "AND type = 'village_clinic'") == 0
        after = {k: {r[0] for r in con.execute(
            "SELECT id FROM facilities WHERE type IN (SELECT unnest(?))", [list(types)]).fetchall()}
            for k, types in registers.schema.REGISTER_KINDS.items() if types}
        # nothing is deleted: the generated clinics are still stored, superseded
        assert _count(con, "SELECT count(*) FROM facilities_all WHERE load_id = 5") == 194
        assert _count(con, "SELECT count(*) FROM facilities_all WHERE load_id = 5 AND NOT active") == 194
        assert _status(con)[5] == ("superseded", [8], 0)
        assert _status(con)[8] == ("active", [], 6)
        summary = {r["kind"]: r for r in registers.kind_summary(con)}
        events = con.execute("SELECT event, register_id, who FROM register_events "
                             "WHERE who = 'test' ORDER BY event_id").fetchall()
    finally:
        con.close()
    for kind in before:
        if kind != "clinics":
            assert after[kind] == before[kind], kind
    assert summary["clinics"] == {"kind": "clinics", "generated_active": 0,
                                  "generated_inactive": 194, "real_active": 6, "real_inactive": 0}
    assert summary["culture"]["generated_active"] == 233
    assert events == [("load", 8, "test"), ("supersede", 5, "test")]


# -- scope, partial overlap, a later register covering, withdraw and restore --------------


def test_scope_supersession_withdraw_and_restore(demo, tmp_path):
    scoped = _clinics(tmp_path / "scoped.csv", [
        ("R-1", "任市甲卫生室", "任市镇", 2024), ("R-2", "任市乙卫生室", "任市镇", 2024),
        ("R-3", "长岭甲卫生室", "长岭镇", 2024), ("R-4", "普安甲卫生室", "普安镇", 2024)])
    res = _load(demo, scoped, scope="任市镇,长岭")
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 3, 1)
    assert res.scope == ("511723107", "511723109")
    assert "普安镇" in res.rejects.iloc[0]["reason_zh"] and "范围" in res.rejects.iloc[0]["reason_zh"]
    assert "outside the scope" in res.rejects.iloc[0]["reason_en"]
    assert [(s["register_id"], s["rows"]) for s in res.supersedes] == [(5, 34 + 13)]
    in_scope = 194 - 34 - 13 + 3  # 150
    con = _read(demo)
    try:
        assert _kind_counts(con)["clinics"] == in_scope
        # a partial overlap: the generated register stays active outside the scope
        assert _status(con)[5] == ("active", [8], 194 - 47)
        assert _count(con, "SELECT count(*) FROM facilities WHERE type = 'village_clinic' AND "
                           "is_synthetic AND township_code IN ('511723107', '511723109')") == 0
    finally:
        con.close()

    county = _clinics(tmp_path / "county.csv", [
        ("C-1", "新宁卫生室", "新宁镇", 2024), ("C-2", "任市丙卫生室", "任市镇", 2024)])
    con = _read(demo)
    try:  # validate first: it supersedes the scoped register and the rest of the generated
        pre = pipeline.process_file(con, county, "clinics", require_year=True)
    finally:
        con.close()
    assert [(s["register_id"], s["is_synthetic"], s["rows"]) for s in pre.supersedes] == [
        (5, True, 147), (8, False, 3)]
    assert any(n.startswith("将替换登记表 8（scoped.csv，2024 年，任市镇、长岭镇）：村卫生室 3 行")
               for n in pre.notes), pre.notes
    _load(demo, county)
    con = _read(demo)
    try:
        assert _kind_counts(con)["clinics"] == 2
        st = _status(con)
        assert st[5] == ("superseded", [8, 9], 0)
        assert st[8] == ("superseded", [9], 0)
        assert st[9] == ("active", [], 2)
    finally:
        con.close()

    # withdrawing the county-wide register brings back what it had superseded
    out = _act(demo, "withdraw", 9)
    assert out["changed"] and out["status"] == "withdrawn"
    assert sorted((c["register_id"], c["rows"]) for c in out["brought_back"]) == [(5, 147), (8, 3)]
    con = _read(demo)
    try:
        assert _kind_counts(con)["clinics"] == in_scope
        assert _status(con)[9] == ("withdrawn", [], 0)
        assert _count(con, "SELECT count(*) FROM facilities_all WHERE load_id = 9") == 2
    finally:
        con.close()
    assert not _act(demo, "withdraw", 9)["changed"]  # already withdrawn: nothing to do
    # restore re-applies its supersession
    out = _act(demo, "restore", 9)
    assert out["status"] == "active"
    con = _read(demo)
    try:
        assert _kind_counts(con)["clinics"] == 2
    finally:
        con.close()
    # withdrawing both real registers: every generated clinic is back
    _act(demo, "withdraw", 8)
    _act(demo, "withdraw", 9)
    con = _read(demo)
    try:
        assert _kind_counts(con) == DEMO_KINDS
        assert _status(con)[5] == ("active", [], 194)
        events = con.execute("SELECT event, register_id, who FROM register_events "
                             "WHERE event IN ('withdraw', 'restore') ORDER BY event_id").fetchall()
    finally:
        con.close()
    assert events == [("withdraw", 9, "tester"), ("restore", 9, "tester"),
                      ("withdraw", 8, "tester"), ("withdraw", 9, "tester")]
    with pytest.raises(RegisterError, match="no register 99"):
        _act(demo, "withdraw", 99)


def test_an_unknown_township_in_the_scope_is_refused(ref, tmp_path):
    f = _clinics(tmp_path / "c.csv", [("A", "甲卫生室", "任市镇", 2024)])
    with pytest.raises(RegisterError, match="北京镇"):
        pipeline.load_file(ref, f, "clinics", scope="任市镇,北京镇", data_dir=tmp_path)
    assert _count(ref, "SELECT count(*) FROM registers") == 0
    assert registers.resolve_scope(ref, "全县") is None
    assert registers.resolve_scope(ref, ["511723107", "长岭"]) == ("511723107", "511723109")


# -- years --------------------------------------------------------------------------------


def test_the_year_comes_from_the_file_or_is_given(ref, tmp_path):
    same = _clinics(tmp_path / "same.csv", [("A", "甲卫生室", "任市镇", 2023),
                                            ("B", "乙卫生室", "任市镇", None)])
    res = pipeline.load_file(ref, same, "clinics", data_dir=tmp_path, require_year=True)
    assert res.year == 2023
    # a blank year cell takes the register's year
    assert ref.execute("SELECT id, year FROM facilities ORDER BY id").fetchall() == [
        ("A", 2023), ("B", 2023)]
    mixed = _clinics(tmp_path / "mixed.csv", [("C", "丙卫生室", "任市镇", 2023),
                                              ("D", "丁卫生室", "长岭镇", 2024),
                                              ("E", "戊卫生室", "长岭镇", 2024)])
    with pytest.raises(RegisterError, match="2023: 1 rows, 2024: 2 rows"):
        pipeline.load_file(ref, mixed, "clinics", data_dir=tmp_path)
    assert _count(ref, "SELECT count(*) FROM loads") == 1  # refused: nothing written
    # with --year, rows of another year are rejected with the reason
    res = pipeline.load_file(ref, mixed, "clinics", data_dir=tmp_path, year=2024)
    assert (res.year, res.rows_loaded, res.rows_rejected) == (2024, 2, 1)
    assert res.rejects.iloc[0]["reason_en"] == "the year 2023 is not the register's year 2024"
    none = _clinics(tmp_path / "none.csv", [("F", "己卫生室", "任市镇", None)], year_column=False)
    with pytest.raises(RegisterError, match="--year"):
        pipeline.load_file(ref, none, "clinics", data_dir=tmp_path, require_year=True)
    res = pipeline.load_file(ref, none, "clinics", data_dir=tmp_path, year=2022)
    assert res.year == 2022
    assert ref.execute("SELECT year FROM facilities_all WHERE id = 'F'").fetchone() == (2022,)


def test_two_years_are_both_active_and_never_counted_twice(ref, tmp_path):
    """2023 (county-wide: A and B in 任市镇, C in 长岭镇) and 2024 (任市镇 only: A again)."""
    y2024 = _clinics(tmp_path / "y2024.csv", [("A", "甲卫生室", "任市镇", 2024)])
    y2023 = _clinics(tmp_path / "y2023.csv", [("A", "甲卫生室", "任市镇", 2023),
                                              ("B", "乙卫生室", "任市镇", 2023),
                                              ("C", "丙卫生室", "长岭镇", 2023)])
    # loaded out of order: years do not supersede each other
    pipeline.load_file(ref, y2024, "clinics", data_dir=tmp_path, scope="任市镇")
    pipeline.load_file(ref, y2023, "clinics", data_dir=tmp_path)
    shown = ref.execute("SELECT id, year FROM facilities ORDER BY id").fetchall()
    assert shown == [("A", 2024), ("C", 2023)]  # 任市镇: 2024 only; 长岭镇: 2023
    st = _status(ref)
    assert st[1][0] == st[2][0] == "active"
    in_year = lambda y: ref.execute(  # noqa: E731
        "SELECT id, year FROM facilities_in_year(?) ORDER BY id", [y]).fetchall()
    assert in_year(2023) == [("A", 2023), ("B", 2023), ("C", 2023)]
    assert in_year(2024) == in_year(2030) == shown
    assert in_year(2022) == []
    # facilities_in_year has the contract's columns
    assert ([d[0] for d in ref.execute("SELECT * FROM facilities_in_year(2024)").description]
            == [c.name for c in registers.schema.TABLES["facilities"]])


def test_supersession_rules_on_their_own():
    county = ("t1", "t2", "t3")
    regs = [Reg(1, "clinics", 2024, None, True, False),       # generated
            Reg(2, "clinics", 2023, ("t1",), False, False),    # real, another year
            Reg(3, "clinics", 2023, ("t1", "t2"), False, False),
            Reg(4, "schools", 2023, None, False, True)]        # withdrawn, another kind
    got = {(p[0], p[3]): (p[4], p[5], p[6]) for p in registers.compute(regs, county)}
    assert got[(1, "t1")] == (False, False, 2)   # the first real register, whatever the year
    assert got[(1, "t2")] == (False, False, 3)
    assert got[(1, "t3")] == (True, True, None)  # outside every real scope
    assert got[(2, "t1")] == (False, False, 3)   # same year, covered
    assert got[(3, "t1")] == got[(3, "t2")] == (True, True, None)
    assert all(not v[0] for k, v in got.items() if k[0] == 4)
    # undated registers never supersede by year
    undated = [Reg(1, "clinics", None, None, False, False), Reg(2, "clinics", None, None, False, False)]
    assert all(p[4] for p in registers.compute(undated, county))


# -- build replays everything ---------------------------------------------------------------


def _state(dbfile: Path) -> tuple:
    con = _read(dbfile)
    try:
        regs = con.execute("SELECT * EXCLUDE (loaded_at), CASE WHEN is_synthetic THEN NULL "
                           "ELSE loaded_at END FROM registers ORDER BY register_id").fetchall()
        ids = con.execute("SELECT id, load_id FROM facilities ORDER BY id").fetchall()
        pairs = con.execute("SELECT * FROM register_townships "
                            "ORDER BY register_id, township_code").fetchall()
        events = con.execute("SELECT event, register_id, who, detail FROM register_events "
                             "WHERE event <> 'load' OR who <> 'build' ORDER BY event_id").fetchall()
    finally:
        con.close()
    return regs, ids, pairs, events


def test_build_replays_loads_supersessions_and_withdrawals(demo, tmp_path):
    scoped = _clinics(tmp_path / "scoped.csv", [("R-1", "任市甲卫生室", "任市镇", 2024)])
    county = _clinics(tmp_path / "county.csv", [("C-1", "新宁卫生室", "新宁镇", 2023)],
                      year_column=False)
    _load(demo, scoped, scope="任市镇")
    _load(demo, county, year=2024)
    _act(demo, "withdraw", 9)
    _act(demo, "restore", 9)
    _act(demo, "withdraw", 8)
    before = _state(demo)
    con = _read(demo)
    try:
        assert _kind_counts(con)["clinics"] == 1
        st = _status(con)
        assert (st[5], st[8], st[9]) == (("superseded", [9], 0), ("withdrawn", [9], 0),
                                         ("active", [], 1))
    finally:
        con.close()
    assert [e["event"] for e in registers.read_events(demo.parent / "raw")] == [
        "withdraw", "restore", "withdraw"]
    db.build(demo)
    assert _state(demo) == before
    # and once more, from nothing but data/ and raw/
    demo.unlink()
    db.build(demo)
    assert _state(demo) == before


def test_build_replays_loads_and_withdrawals_in_time_order(demo, tmp_path):
    """The generated clinics withdrawn before a real register is loaded: that load
    supersedes nothing, and the rebuild logs it the same way."""
    _act(demo, "withdraw", 5)
    _load(demo, _clinics(tmp_path / "r.csv", [("R-1", "任市甲卫生室", "任市镇", 2024)]),
          scope="任市镇")
    before = _state(demo)
    con = _read(demo)
    try:
        assert _kind_counts(con)["clinics"] == 1
        assert _count(con, "SELECT count(*) FROM register_events WHERE event = 'supersede'") == 0
    finally:
        con.close()
    db.build(demo)
    assert _state(demo) == before


# -- the command line -------------------------------------------------------------------------


def _etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_registers_withdraw_and_restore_on_the_command_line(demo):
    out = _etl("--db", str(demo), "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02")
    assert out.returncode == 1 and "--year" in out.stderr and "Traceback" not in out.stderr
    out = _etl("--db", str(demo), "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02",
               "--year", "2024", "--scope", "回龙镇,普安,梅家乡,八庙镇,任市镇,讲治镇")
    assert out.returncode == 0, out.stderr
    # the generated clinics of those six townships: 16 + 25 + 13 + 7 + 34 + 16
    assert "已替换示例数据：村卫生室 111 行 / replaced 111 generated village clinics" in out.stdout
    listed = json.loads(_etl("--db", str(demo), "registers", "--json").stdout)
    assert [(r["register_id"], r["kind"], r["status"], r["is_synthetic"], r["superseded_by"])
            for r in listed][-4:] == [(5, "clinics", "active", True, [8]),
                                      (6, "elderly_care", "active", True, []),
                                      (7, "culture", "active", True, []),
                                      (8, "clinics", "active", False, [])]
    mine = listed[-1]
    assert (mine["year"], mine["rows"], mine["rows_shown"], mine["file_name"]) == (
        2024, 6, 6, SAMPLE.name)
    assert mine["scope_names"] == "普安镇、回龙镇、讲治镇、任市镇、八庙镇、梅家乡"
    assert mine["scope"] == "511723101,511723102,511723105,511723107,511723110,511723205"
    out = _etl("--db", str(demo), "withdraw", "8")
    assert out.returncode == 0 and "brings back" in out.stdout
    text = _etl("--db", str(demo), "registers").stdout
    assert "withdrawn" in text and SAMPLE.name in text
    out = _etl("--db", str(demo), "restore", "8", "--json")
    assert json.loads(out.stdout)["status"] == "active"
    assert _etl("--db", str(demo), "withdraw", "42").returncode == 1
    status = _etl("--db", str(demo), "status").stdout
    assert "generated_active" in status
