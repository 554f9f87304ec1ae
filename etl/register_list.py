"""Listing the registers (``python -m etl registers``, the Data page): every register in load
order, and facility rows per kind (re-exported by :mod:`etl.registers`)."""

from __future__ import annotations

import duckdb

from etl import schema

__all__ = ["kind_summary", "list_registers"]


def list_registers(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every register, in load order: id, kind, year, scope (codes and names), rows (loaded,
    active, shown), status, generated or real, file, hash, loaded at and by, superseded by."""
    cur = con.execute("SELECT register_id, kind, year, scope, scope_names, rows, rows_active, "
                      "rows_shown, status, is_synthetic, file_name, sha256, loaded_at, loaded_by, "
                      "superseded_by FROM registers ORDER BY register_id")
    names = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        d = dict(zip(names, r, strict=True))
        d["superseded_by"] = [int(x) for x in (d["superseded_by"] or "").split(",") if x]
        d["loaded_at"] = d["loaded_at"].isoformat(sep=" ", timespec="seconds") if d["loaded_at"] else None
        out.append(d)
    return out


def kind_summary(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Facility rows per register kind: generated and real, active (shown in ``facilities``)
    and inactive (superseded, withdrawn or of an earlier year)."""
    rows = con.execute("""
        SELECT g.kind,
               count(*) FILTER (WHERE g.is_synthetic AND f.shown) AS generated_active,
               count(*) FILTER (WHERE g.is_synthetic AND NOT f.shown) AS generated_inactive,
               count(*) FILTER (WHERE NOT g.is_synthetic AND f.shown) AS real_active,
               count(*) FILTER (WHERE NOT g.is_synthetic AND NOT f.shown) AS real_inactive
        FROM facilities_all f JOIN registers g ON g.register_id = f.load_id
        GROUP BY g.kind""").fetchall()
    got = {r[0]: r[1:] for r in rows}
    return [{"kind": k, **dict(zip(("generated_active", "generated_inactive", "real_active",
                                    "real_inactive"), got.get(k, (0, 0, 0, 0)), strict=True))}
            for k in schema.FACILITY_KINDS]
