"""Registers: every facility load is a register the county manages.

A register has a kind (clinics, schools …), a year, a scope (the whole county, or some
townships), its file and hash, whether it is generated (the demo registers of
``data/registers/manifest.csv``) or real (every user load), and a status: active,
superseded or withdrawn. The ``registers`` table holds them; ``register_events`` logs who
loaded, withdrew or restored what and when.

**Supersession**, township by township: the rows a register R holds for a township T are
*superseded* by the first later register (in load order) that is not withdrawn, is of the
same kind, has T in its scope and either

* has the same year as R (an undated register, loaded through the Python API without a
  year, never supersedes nor is superseded by year), or
* is real while R is generated (the first real register of a kind supersedes the
  generated rows of that kind in its scope, whatever their year).

A register whose townships are all superseded has the status ``superseded``; a partial
overlap supersedes only the rows inside the new scope. Withdrawing a register takes its
rows out and brings back what it had superseded; restoring it re-applies its supersession.
The state is a function of the registers (in load order) and which are withdrawn only:
:func:`refresh` recomputes it after every event, and ``build`` reproduces it by replaying
the loads (``raw/index.csv``) and the withdrawals and restorations (``raw/events.csv``).

**What ``facilities`` shows**: the rows of active (township, register) pairs; per kind
and township only those of the latest year that has an active register there (2023 and
2024 of one township are never counted twice; undated registers count as earliest); and
one row per ``id``: a row whose id a later shown load also holds is in ``replaced_ids``.
``facilities_all`` holds every row with its status; ``facilities_in_year(y)`` the rows
as of year ``y``.

**The year of a register**: ``--year Y`` when given (rows whose year column says another
year are rejected with the reason; blank years are Y); else the year column of the file
when all its loaded rows agree (blank cells take that year); a file whose rows give
several years is refused (split it by year or give ``--year``); a file without any year is
refused when a year is required (the command line), else the register is undated.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema
from etl.readers import RegisterReadError
from etl.register_list import kind_summary, list_registers

__all__ = ["COUNTY", "EVENT_FIELDS", "REASONS", "RegisterError", "check_rows", "compute",
           "kind_summary", "list_registers", "preview", "record", "refresh", "replay",
           "resolve_scope", "restore", "settle_year", "withdraw"]

#: The scope of a register that covers the whole county.
COUNTY = "county"
ACTIVE, SUPERSEDED, WITHDRAWN = "active", "superseded", "withdrawn"
#: Fields of ``raw/events.csv``, the log of withdrawals and restorations replayed by ``build``.
EVENT_FIELDS = ["at", "event", "sha256", "kind", "register_id", "who"]

#: Reasons of the rows a register's scope or year rejects (codes of the load's rejects).
REASONS: dict[str, tuple[str, str]] = {
    "outside_scope": ("乡镇“{value}”不在本登记表的范围（{hint}）内",
                      'township "{value}" is outside the scope of this register ({hint})'),
    "year_mismatch": ("年份 {value} 与登记表年份 {hint} 不符",
                      "the year {value} is not the register's year {hint}"),
}

KIND_LABELS: dict[str, tuple[str, str]] = {
    "schools": ("学校", "schools"), "kindergartens": ("幼儿园", "kindergartens"),
    "hospitals": ("医院、卫生院", "hospitals and health centres"),
    "clinics": ("村卫生室", "village clinics"),
    "elderly_care": ("养老托育机构", "elderly and infant care"),
    "culture": ("文化设施", "cultural facilities"), "roads": ("道路", "roads"),
}


class RegisterError(RegisterReadError):
    """A register that cannot be loaded, withdrawn or restored as asked; ``zh`` and ``en``."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _plural(label: str) -> str:
    """An English facility label in the plural, lower case.

    >>> _plural("Village clinic"), _plural("County library"), _plural("Infant-care institution (0-2)")
    ('village clinics', 'county libraries', 'infant-care institutions (0-2)')
    >>> _plural("Cultural centre branch"), _plural("Township cultural complex")
    ('cultural centre branches', 'township cultural complexes')
    """
    label = label[0].lower() + label[1:]
    head, sep, tail = label.partition(" (")
    if head.endswith("y") and head[-2:-1] not in "aeiou":
        head = head[:-1] + "ies"
    elif head.endswith(("s", "x", "z", "ch", "sh")):
        head += "es"
    else:
        head += "s"
    return head + sep + tail


# -- scope ------------------------------------------------------------------------------


def county_codes(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    return tuple(r[0] for r in con.execute("SELECT code FROM townships ORDER BY code").fetchall())


def resolve_scope(con: duckdb.DuckDBPyConnection,
                  scope: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Township codes of a scope written as names, short names, old names or codes
    (``"任市镇,长岭"``, or a list), sorted; None for the whole county (nothing given,
    ``county``/``全县``, or every township).

    Raises
    ------
    RegisterError
        A township that does not exist (with the accepted names).
    """
    from etl import locate  # the gazetteer; imported here (locate imports this module)

    if scope is None:
        return None
    items = re.split(r"[,，、;；\s]+", scope) if isinstance(scope, str) else list(scope)
    items = [str(x).strip() for x in items if str(x).strip()]
    if not items or any(x.lower() in (COUNTY, "全县") for x in items):
        return None
    gaz = locate.gazetteer(con)
    codes, unknown = set(), []
    for x in items:
        code = gaz.township(x)
        (unknown.append(x) if code is None else codes.add(code))
    if unknown:
        names = "、".join(gaz.townships.sort_values("code")["name"])
        raise RegisterError(
            f"范围中的乡镇不存在：{'、'.join(unknown)}。可用：{names}（或简称、代码）",
            f"unknown township(s) in the scope: {', '.join(unknown)}. Accepted: {names} "
            "(or short names, codes)")
    everything = set(county_codes(con))
    return None if codes >= everything else tuple(sorted(codes))


def scope_text(codes: tuple[str, ...] | None) -> str:
    """The ``registers.scope`` value: ``county`` or comma-separated codes."""
    return COUNTY if not codes else ",".join(codes)


def parse_scope(text: str | None) -> tuple[str, ...] | None:
    """Inverse of :func:`scope_text` (empty: the whole county)."""
    if not text or text == COUNTY:
        return None
    return tuple(x for x in text.split(",") if x)


def _names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT code, name FROM townships").fetchall())


def scope_names(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...] | None,
                names: dict[str, str] | None = None) -> str:
    """Names of a scope's townships (``全县`` for the whole county)."""
    if not codes:
        return "全县"
    names = names or _names(con)
    return "、".join(names.get(c, c) for c in codes)


# -- rows of a register: scope and year (called by the pipeline for each validated part) -


def check_rows(clean: dict, errors, mapping: dict[str, str], n: int, *,
               scope: tuple[str, ...] | None, year: int | None, town_name) -> None:
    """Reject the rows of a validated part outside ``scope`` or of another year than
    ``year``; give the rows ``year`` when the file has no year (or a blank one).

    ``clean`` is the part's canonical columns (``township_code`` coded, ``year`` floats),
    ``errors`` the part's error collector (``add(mask, column, code, value, hint)``).
    """
    src = {f: s for s, f in mapping.items()}
    if scope is not None and "township_code" in clean:
        town = clean["township_code"]
        codes = town.take(np.arange(n))
        outside = np.array([c is not None and c not in scope for c in codes], dtype=bool)
        if outside.any():
            hint = "、".join(town_name(c) for c in scope)
            errors.add(outside, src.get("township") or src.get("unit") or "乡镇",
                       "outside_scope", [town_name(c) for c in codes[outside]], hint)
    if year is None:
        return
    have = clean.get("year")
    if have is None:
        clean["year"] = np.full(n, float(year))
        return
    have = np.asarray(have, dtype=float)
    other = ~np.isnan(have) & (have != year)
    if other.any():
        errors.add(other, src.get("year") or "年份", "year_mismatch",
                   [str(int(v)) for v in have[other]], str(year))
    clean["year"] = np.where(np.isnan(have), float(year), have)


def settle_year(result, year: int | None, *, require: bool = False) -> None:
    """Set ``result.year``: ``year`` when given, else the one year of the loaded rows.

    Raises
    ------
    RegisterError
        The loaded rows give several years; or none is known and ``require`` is set.
    """
    if year is not None:
        result.year = int(year)
        return
    years: dict[int, int] = {}
    t = result.table
    if t is not None and "year" in t.column_names and t.num_rows:
        kept = pc.filter(t["year"], t["_keep"])  # the one column, not the whole table
        counts = pc.value_counts(pc.drop_null(pc.cast(kept, pa.float64())))
        years = {int(v["values"].as_py()): v["counts"].as_py() for v in counts
                 if v["values"].as_py() == v["values"].as_py()}
    if len(years) > 1:
        listed = "、".join(f"{y} 年 {n} 行" for y, n in sorted(years.items()))
        listed_en = ", ".join(f"{y}: {n} rows" for y, n in sorted(years.items()))
        raise RegisterError(
            f"{result.file_name}：文件中有多个年份（{listed}）。一份登记表只能是一个年份："
            "请按年份拆分文件，或用 --year 指定年份（其他年份的行将被拒绝）。",
            f"{result.file_name}: the rows give several years ({listed_en}). A register is "
            "of one year: split the file by year, or give --year (rows of other years are "
            "then rejected).")
    result.year = next(iter(years), None)
    if result.year is None and require:
        raise RegisterError(
            f"{result.file_name}：文件没有年份列（年份、统计年度…），无法确定登记表的年份。"
            "请用 --year 指定，例如 --year 2024。",
            f"{result.file_name}: the file has no year column (年份, 统计年度 …), so the "
            "register's year is unknown. Give it with --year, e.g. --year 2024.")


# -- the state: which rows are active and shown ------------------------------------------


@dataclasses.dataclass(frozen=True)
class Reg:
    """What supersession needs of a register."""

    register_id: int
    kind: str
    year: int | None
    scope: tuple[str, ...] | None
    is_synthetic: bool
    withdrawn: bool


def compute(regs: list[Reg], county: tuple[str, ...]) -> list[tuple]:
    """Per register (in id order) and township of its scope: ``(register_id, kind, year,
    township_code, active, shown, superseded_by)`` (see the module docstring).

    >>> county = ("t1", "t2")
    >>> g = Reg(1, "clinics", 2024, None, True, False)
    >>> r = Reg(2, "clinics", 2023, ("t1",), False, False)
    >>> [(p[0], p[3], p[4], p[5], p[6]) for p in compute([g, r], county)]
    [(1, 't1', False, False, 2), (1, 't2', True, True, None), (2, 't1', True, True, None)]
    """
    regs = sorted(regs, key=lambda r: r.register_id)
    out = []
    for i, r in enumerate(regs):
        for t in r.scope or county:
            by = None
            for later in regs[i + 1:]:
                if later.withdrawn or later.kind != r.kind or t not in (later.scope or county):
                    continue
                if (r.year is not None and later.year == r.year) or r.kind == "roads" or (
                        r.is_synthetic and not later.is_synthetic):
                    by = later.register_id
                    break
            out.append([r.register_id, r.kind, r.year, t, not r.withdrawn and by is None, False, by])
    latest: dict[tuple[str, str], int] = {}
    for p in out:
        if p[4]:
            key = (p[1], p[3])
            latest[key] = max(latest.get(key, -1), -1 if p[2] is None else p[2])
    for p in out:
        p[5] = p[4] and (-1 if p[2] is None else p[2]) == latest[(p[1], p[3])]
    return [tuple(p) for p in out]


def _regs(con: duckdb.DuckDBPyConnection) -> list[Reg]:
    return [Reg(int(i), k, None if y is None else int(y), parse_scope(s), bool(syn), st == WITHDRAWN)
            for i, k, y, s, syn, st in con.execute(
                "SELECT register_id, kind, year, scope, is_synthetic, status FROM registers "
                "ORDER BY register_id").fetchall()]


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute from ``registers`` which rows are active and shown: ``register_townships``,
    ``replaced_ids`` and the registers' status, superseded_by and row counts. Run after
    every register event (the caller holds the transaction)."""
    regs = _regs(con)
    pairs = compute(regs, county_codes(con))
    con.execute("DELETE FROM register_townships")
    con.execute("DELETE FROM replaced_ids")
    if pairs:
        cols = list(zip(*pairs, strict=True))
        con.register("_pairs", pa.table({
            "register_id": pa.array(cols[0], pa.int32()), "kind": pa.array(cols[1], pa.string()),
            "year": pa.array(cols[2], pa.int32()), "township_code": pa.array(cols[3], pa.string()),
            "active": pa.array(cols[4], pa.bool_()), "shown": pa.array(cols[5], pa.bool_()),
            "superseded_by": pa.array(cols[6], pa.int32())}))
        try:
            con.execute("INSERT INTO register_townships SELECT * FROM _pairs")
        finally:
            con.unregister("_pairs")
    # one row per id: a row whose id a later shown load also holds is replaced
    con.execute("""INSERT INTO replaced_ids
        WITH d AS (SELECT id, max(load_id) AS by FROM facilities WHERE id IS NOT NULL
                   GROUP BY id HAVING count(*) > 1)
        SELECT f.load_id, f.id, d.by FROM facilities f JOIN d USING (id) WHERE f.load_id < d.by""")
    con.execute(f"""UPDATE registers SET
        status = CASE WHEN g.status = '{WITHDRAWN}' THEN '{WITHDRAWN}'
                      WHEN s.n_superseded = s.n AND s.n > 0 THEN '{SUPERSEDED}' ELSE '{ACTIVE}' END,
        superseded_by = s.by,
        rows_active = coalesce(a.n_active, 0), rows_shown = coalesce(a.n_shown, 0)
        FROM registers g
        LEFT JOIN (SELECT register_id, count(*) AS n, count(superseded_by) AS n_superseded,
                          string_agg(DISTINCT CAST(superseded_by AS VARCHAR), ','
                                     ORDER BY CAST(superseded_by AS VARCHAR)) AS by
                   FROM register_townships GROUP BY register_id) s USING (register_id)
        LEFT JOIN (SELECT load_id AS register_id, count(*) FILTER (WHERE active) AS n_active,
                          count(*) FILTER (WHERE shown) AS n_shown
                   FROM facilities_all GROUP BY load_id) a USING (register_id)
        WHERE registers.register_id = g.register_id""")
    # a roads register's rows are its segments, shown while it is the roads register in force
    # (the newest not withdrawn: etl.road_store.active_register)
    if con.execute("SELECT count(*) FROM information_schema.tables "
                   "WHERE table_name = 'road_edges'").fetchone()[0]:
        con.execute(f"""UPDATE registers SET
            rows_active = CASE WHEN registers.status = '{WITHDRAWN}' THEN 0 ELSE e.n END,
            rows_shown = CASE WHEN registers.register_id = (
                SELECT max(register_id) FROM registers WHERE kind = ? AND status = '{ACTIVE}')
                THEN e.n ELSE 0 END
            FROM (SELECT register_id, count(*) AS n FROM road_edges GROUP BY register_id) e
            WHERE registers.kind = ? AND registers.register_id = e.register_id""",
                    [schema.ROADS_KIND, schema.ROADS_KIND])


def _active_pairs(con: duckdb.DuckDBPyConnection) -> set[tuple[int, str]]:
    return {(r[0], r[1]) for r in con.execute(
        "SELECT register_id, township_code FROM register_townships WHERE active").fetchall()}


def _rows_of(con: duckdb.DuckDBPyConnection, pairs: set[tuple[int, str]]) -> list[dict]:
    """Rows of the given (register, township) pairs, per register and type, with the
    register's file, year, scope and whether it is generated."""
    if not pairs:
        return []
    con.register("_p", pa.table({"register_id": pa.array([p[0] for p in pairs], pa.int32()),
                                 "township_code": pa.array([p[1] for p in pairs], pa.string())}))
    try:
        rows = con.execute("""
            SELECT g.register_id, g.kind, g.year, g.scope, g.scope_names, g.file_name, g.is_synthetic,
                   f.type, coalesce(max(g.rows) FILTER (WHERE g.kind = 'roads'), count(f.id)) AS n
            FROM _p JOIN registers g USING (register_id)
            LEFT JOIN facilities_all f ON f.load_id = _p.register_id
                 AND f.township_code = _p.township_code
            GROUP BY ALL ORDER BY g.register_id, f.type""").fetchall()
    finally:
        con.unregister("_p")
    out: dict[int, dict] = {}
    for rid, kind, year, scope, names, file_name, syn, ftype, n in rows:
        d = out.setdefault(rid, {"register_id": rid, "kind": kind, "year": year, "scope": scope,
                                 "scope_names": names, "file_name": file_name,
                                 "is_synthetic": bool(syn), "rows": 0, "types": {}})
        if ftype is not None:  # a roads register: its rows are road segments, of no type
            d["types"][ftype] = d["types"].get(ftype, 0) + n
        d["rows"] += n
    return list(out.values())


def _describe(changes: list[dict], verb: str) -> list[str]:
    """Notes in Chinese and English for rows that stop (``verb`` replace) or start (bring
    back) being active."""
    notes = []
    zh_verb, en_verb = {"replace": ("将替换", "will replace"),
                        "replaced": ("已替换", "replaced"),
                        "back": ("恢复", "brings back")}[verb]
    for c in changes:
        by_type_zh = "、".join(f"{schema.FACILITY_TYPES[t][2]} {n} 行" for t, n in c["types"].items())
        by_type_en = ", ".join(f"{n} {'generated ' if c['is_synthetic'] else ''}"
                               f"{_plural(schema.FACILITY_TYPES[t][3]) if n != 1 else schema.FACILITY_TYPES[t][3].lower()}"
                               for t, n in c["types"].items()) or f"{c['rows']} rows"
        if c["is_synthetic"]:
            notes.append(f"{zh_verb}示例数据：{by_type_zh or str(c['rows']) + ' 行'} / {en_verb} {by_type_en}")
        else:
            zh_year = f"{c['year']} 年" if c["year"] is not None else "未注明年份"
            en_year = c["year"] if c["year"] is not None else "undated"
            en_scope = "whole county" if c["scope"] == COUNTY else c["scope_names"]
            notes.append(f"{zh_verb}登记表 {c['register_id']}（{c['file_name']}，{zh_year}，"
                         f"{c['scope_names']}）：{by_type_zh or str(c['rows']) + ' 行'} / {en_verb} {by_type_en} of "
                         f"register {c['register_id']} ({c['file_name']}, {en_year}, {en_scope})")
    return notes


def preview(con: duckdb.DuckDBPyConnection, kind: str, year: int | None,
            scope: tuple[str, ...] | None, *, synthetic: bool = False) -> list[dict]:
    """What loading a register of ``kind``, ``year`` and ``scope`` would supersede: per
    register touched, its id, file, year, scope, whether generated, the rows it would stop
    showing as active and their count per type. Changes nothing."""
    regs = _regs(con)
    new = Reg(max((r.register_id for r in regs), default=0) + 1_000_000, kind, year, scope,
              synthetic, False)
    county = county_codes(con)
    after = {(p[0], p[3]) for p in compute([*regs, new], county) if p[4]}
    lost = {p for p in _active_pairs(con) if p not in after}
    return _rows_of(con, lost)


def annotate(con: duckdb.DuckDBPyConnection, result, *, require_year: bool = False,
             synthetic: bool = False, done: bool = False) -> None:
    """Settle the register's year (:func:`settle_year`, the requested year being
    ``result.year``) and say in ``result.supersedes`` and ``result.notes`` what the load
    does (``done``: did) to the registers there."""
    settle_year(result, result.year, require=require_year)
    zh, en = KIND_LABELS.get(result.kind, (result.kind, result.kind))
    year = result.year if result.year is not None else "未注明 / undated"
    names = scope_names(con, result.scope)
    result.notes.append(f"登记表：{zh}，{year} 年，范围：{names} / register: {en}, {year}, "
                        f"scope: {names if result.scope else 'whole county'}")
    result.supersedes = preview(con, result.kind, result.year, result.scope, synthetic=synthetic)
    result.notes += _describe(result.supersedes, "replaced" if done else "replace")


def _event(con: duckdb.DuckDBPyConnection, event: str, register_id: int, who: str | None,
           at: dt.datetime | None = None, detail: str = "") -> None:
    con.execute("INSERT INTO register_events SELECT coalesce(max(event_id), 0) + 1, ?, ?, ?, ?, ? "
                "FROM register_events", [at or _now(), event, register_id, who, detail])


def record(con: duckdb.DuckDBPyConnection, result, *, synthetic: bool, who: str | None,
           loaded_at: dt.datetime, raw_path: str) -> None:
    """Add the register of a facility load that was just written (inside its transaction)
    and recompute the state; logs the load and every supersession it made."""
    rid = result.load_id
    domain = schema.FACILITY_TYPES[schema.REGISTER_KINDS[result.kind][0]][0]
    if result.year is not None:  # rows with a blank year cell are of the register's year
        con.execute(f"UPDATE {schema.facility_table(domain)} SET year = ? "
                    "WHERE load_id = ? AND year IS NULL", [result.year, rid])
    con.execute(
        "INSERT INTO registers (register_id, load_id, kind, year, scope, scope_names, file_name, "
        "sha256, raw_path, is_synthetic, status, rows, loaded_at, loaded_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rid, rid, result.kind, result.year, scope_text(result.scope),
         scope_names(con, result.scope), result.file_name, result.sha256, raw_path, synthetic,
         ACTIVE, result.rows_loaded, loaded_at, who])
    _event(con, "load", rid, who, loaded_at,
           f"{result.kind} {result.year if result.year is not None else '-'} "
           f"{scope_text(result.scope)}: {result.rows_loaded} rows")
    refresh(con)
    for s in result.supersedes:
        _event(con, "supersede", s["register_id"], who, loaded_at,
               f"by {rid}: {s['rows']} rows")


# -- withdraw and restore -----------------------------------------------------------------


def _get(con: duckdb.DuckDBPyConnection, register_id: int) -> tuple:
    row = con.execute("SELECT register_id, kind, sha256, status, file_name FROM registers "
                      "WHERE register_id = ?", [int(register_id)]).fetchone()
    if row is None:
        raise RegisterError(f"没有编号为 {register_id} 的登记表（见 python -m etl registers）",
                            f"there is no register {register_id} (see python -m etl registers)")
    return row


def _log_file(data_dir: Path, event: str, row: tuple, who: str | None, at: dt.datetime) -> None:
    raw_dir = Path(data_dir) / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    path = raw_dir / "events.csv"
    new = not path.exists()
    with open(path, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=EVENT_FIELDS)
        if new:
            w.writeheader()
        w.writerow({"at": at.isoformat(), "event": event, "sha256": row[2], "kind": row[1],
                    "register_id": row[0], "who": who or ""})


def _set(con: duckdb.DuckDBPyConnection, register_id: int, event: str, *, who: str | None,
         data_dir: Path | None, at: dt.datetime | None = None) -> dict:
    from etl.db import transaction

    row = _get(con, register_id)
    want_withdrawn = event == "withdraw"
    if (row[3] == WITHDRAWN) == want_withdrawn:
        state_zh = "已撤回" if want_withdrawn else "未撤回"
        return {"register_id": row[0], "changed": False, "status": row[3], "notes": [
            f"登记表 {row[0]}（{row[4]}）{state_zh}，未做更改 / register {row[0]} ({row[4]}) is "
            f"{'already withdrawn' if want_withdrawn else 'not withdrawn'}; nothing changed"]}
    at = at or _now()
    with transaction(con):
        before = _active_pairs(con)
        con.execute("UPDATE registers SET status = ? WHERE register_id = ?",
                    [WITHDRAWN if want_withdrawn else ACTIVE, row[0]])
        refresh(con)
        after = _active_pairs(con)
        lost, back = before - after, after - before
        changes_back = _rows_of(con, back)
        changes_lost = _rows_of(con, lost)
        detail = "; ".join(f"{'-' if want_withdrawn else '+'}{c['rows']} rows of {c['register_id']}"
                           for c in (changes_lost if want_withdrawn else changes_back))
        _event(con, event, row[0], who, at, detail)
        if data_dir is not None:
            _log_file(data_dir, event, row, who, at)
    status = con.execute("SELECT status FROM registers WHERE register_id = ?", [row[0]]).fetchone()[0]
    verb_zh = "已撤回" if want_withdrawn else "已恢复"
    notes = [f"{verb_zh}登记表 {row[0]}（{row[4]}），现状态：{status} / "
             f"{'withdrew' if want_withdrawn else 'restored'} register {row[0]} ({row[4]}); "
             f"status now: {status}"]
    notes += _describe([c for c in changes_back if c["register_id"] != row[0]], "back")
    notes += _describe([c for c in changes_lost if c["register_id"] != row[0]], "replaced")
    return {"register_id": row[0], "changed": True, "status": status,
            "brought_back": [c for c in changes_back if c["register_id"] != row[0]],
            "superseded": [c for c in changes_lost if c["register_id"] != row[0]],
            "notes": notes}


def withdraw(con: duckdb.DuckDBPyConnection, register_id: int, *, who: str | None = None,
             data_dir: Path | None = None) -> dict:
    """Withdraw a register: its rows leave ``facilities`` (they stay in ``facilities_all``)
    and what it had superseded comes back. Logged in ``register_events`` and, with
    ``data_dir``, in ``<data_dir>/raw/events.csv`` for ``build`` (call inside
    :func:`etl.db.writing`, which holds the writer lock). Returns ``changed``, ``status``,
    ``brought_back`` (registers and rows) and bilingual ``notes``."""
    return _set(con, register_id, "withdraw", who=who, data_dir=data_dir)


def restore(con: duckdb.DuckDBPyConnection, register_id: int, *, who: str | None = None,
            data_dir: Path | None = None) -> dict:
    """Undo :func:`withdraw`: the register's supersession applies again (it is superseded
    itself if a later register covers it). Same logging and result as :func:`withdraw`."""
    return _set(con, register_id, "restore", who=who, data_dir=data_dir)


def read_events(raw_dir: Path) -> list[dict[str, str]]:
    path = Path(raw_dir) / "events.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def parse_at(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    t = dt.datetime.fromisoformat(text)
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def replay(con: duckdb.DuckDBPyConnection, events: list[dict[str, str]],
           before: dt.datetime | None = None) -> list[dict[str, str]]:
    """Apply the withdrawals and restorations of ``events`` (:func:`read_events`) made
    before ``before`` (all when None), in order, each register found by its file's hash and
    kind (events of registers not loaded are skipped); returns the events not applied yet.
    ``build`` calls it before each user load and once at the end, so that loads and events
    are replayed in the order they were made."""
    for i, e in enumerate(events):
        at = parse_at(e.get("at"))
        if before is not None and at is not None and at >= before:
            return events[i:]
        row = con.execute("SELECT register_id FROM registers WHERE sha256 = ? AND kind = ? "
                          "ORDER BY register_id DESC LIMIT 1", [e["sha256"], e["kind"]]).fetchone()
        if row is not None and e["event"] in ("withdraw", "restore"):
            _set(con, row[0], e["event"], who=e.get("who") or None, data_dir=None, at=at)
    return []
