"""The ETL command line as the README documents it, on a temporary database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl import db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"


def etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def dbfile(built_db, tmp_path) -> Path:
    target = tmp_path / "equity.duckdb"
    target.write_bytes(built_db.read_bytes())
    return target


def test_validate_reports_and_changes_nothing(dbfile):
    before = dbfile.read_bytes()
    out = etl("--db", str(dbfile), "validate", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02",
              "--year", "2024", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert (res["rows_read"], res["rows_loaded"], res["rows_rejected"]) == (8, 6, 2)
    assert {r["row_number"] for r in res["rejects"]} == {8, 9}
    # what the load would do: replace the generated clinics (issue 12)
    assert res["year"] == 2024 and res["scope"] is None
    assert [(s["register_id"], s["rows"]) for s in res["supersedes"]] == [(5, 194)]
    assert "将替换示例数据：村卫生室 194 行 / will replace 194 generated village clinics" in res["notes"]
    assert dbfile.read_bytes() == before


def test_load_then_status_then_load_again(dbfile):
    out = etl("--db", str(dbfile), "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02",
              "--year", "2024")
    assert out.returncode == 0, out.stderr
    assert "导入 6 行" in out.stdout and "loaded 6" in out.stdout
    assert "第 8 行" in out.stdout  # the broken row is named with its row number
    con = db.connect(dbfile, read_only=True)
    try:
        rej = con.execute("SELECT row_number, reason_en FROM rejects ORDER BY row_number").df()
    finally:
        con.close()
    assert rej["row_number"].tolist() == [8, 9]
    again = etl("--db", str(dbfile), "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02",
                "--year", "2024")
    assert "already loaded" in again.stdout
    status = etl("--db", str(dbfile), "status")
    assert status.returncode == 0
    assert "clinics_sample_gbk_gcj02.csv" in status.stdout
    # the raw file is kept beside the database, so a rebuild applies the user's load again
    kept = [p for p in (dbfile.parent / "raw").glob("*.csv") if p.name != "index.csv"]
    assert len(kept) == 1 and kept[0].read_bytes() == SAMPLE.read_bytes()
    rebuilt = etl("--db", str(dbfile), "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    con = db.connect(dbfile, read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM rejects r JOIN loads l USING (load_id) "
                        "WHERE l.file_name = ?", [SAMPLE.name]).fetchone()[0]
    finally:
        con.close()
    assert n == 2


def test_unreadable_file_is_a_clear_error(dbfile, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    out = etl("--db", str(dbfile), "load", str(bad), "--kind", "schools")
    assert out.returncode == 1
    assert "bad.csv" in out.stderr


def test_map_option(dbfile, tmp_path):
    f = tmp_path / "k.csv"
    f.write_text("园所全称,乡镇\n甲幼儿园,任市镇\n", encoding="utf-8")
    out = etl("--db", str(dbfile), "validate", str(f), "--kind", "kindergartens", "--json")
    assert out.returncode == 1 and "--map" in out.stderr
    out = etl("--db", str(dbfile), "validate", str(f), "--kind", "kindergartens",
              "--map", "园所全称=name", "--year", "2024", "--json")
    assert json.loads(out.stdout)["rows_loaded"] == 1


@pytest.mark.parametrize("kind", ["schools", "clinics", "population"])
def test_template_has_the_preferred_headers(tmp_path, kind):
    from etl import aliases

    out_file = tmp_path / f"{kind}.xlsx"
    out = etl("template", "--kind", kind, str(out_file))
    assert out.returncode == 0, out.stderr
    headers = list(pd.read_excel(out_file).columns)
    assert headers == aliases.template_columns(kind)


def _no_trace_no_path(out: subprocess.CompletedProcess, *folders: Path) -> None:
    text = out.stdout + out.stderr
    assert "Traceback" not in text, text[-2000:]
    for folder in (ROOT, *folders):
        assert str(folder) not in text, text[-2000:]


def test_load_with_a_350000_character_cell(dbfile, tmp_path):
    """The issue's file: one name of 350,000 characters. The load goes through, that row is
    rejected with the reason (the other two load); no traceback, no absolute path."""
    f = tmp_path / "long.csv"
    f.write_text(f"名称,乡镇\n甲幼儿园,任市镇\n{'长' * 350_000},任市镇\n丙幼儿园,任市镇\n",
                 encoding="utf-8")
    out = etl("--db", str(dbfile), "load", str(f), "--kind", "kindergartens", "--year", "2024")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "导入 2 行" in out.stdout and "rejected 1" in out.stdout
    assert "第 3 行" in out.stdout and "350,000 characters, over the limit of 10,000" in out.stdout
    assert len(out.stdout) < 5_000  # the cell itself is never printed
    _no_trace_no_path(out, tmp_path)


def test_a_broken_workbook_on_the_command_line(dbfile, tmp_path):
    import io
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["学校名称", "学校类型"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    f = tmp_path / "坏表.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        for info in src.infolist():
            z.writestr(info, b"<worksheet><sheetData" if "sheet1" in info.filename
                       else src.read(info))
    out = etl("--db", str(dbfile), "validate", str(f), "--kind", "schools")
    assert out.returncode == 1
    assert "无法读取“坏表.xlsx”" in out.stderr and 'cannot read "坏表.xlsx"' in out.stderr
    _no_trace_no_path(out, tmp_path)


def test_map_mistakes_are_bilingual(dbfile, tmp_path):
    f = tmp_path / "k.csv"
    f.write_text("园所全称,乡镇,学位数\n甲幼儿园,任市镇,30\n", encoding="utf-8")
    before = dbfile.read_bytes()
    malformed = etl("--db", str(dbfile), "load", str(f), "--kind", "kindergartens",
                    "--map", "园所全称name")
    assert malformed.returncode == 2
    assert "应写成 源列=字段" in malformed.stderr and "expects SOURCE=field" in malformed.stderr
    assert "'园所全称name'" in malformed.stderr
    unknown = etl("--db", str(dbfile), "load", str(f), "--kind", "kindergartens",
                  "--map", "园所全称=title")
    assert unknown.returncode == 1
    assert "可用字段" in unknown.stderr and "accepted fields: id, name" in unknown.stderr
    absent = etl("--db", str(dbfile), "load", str(f), "--kind", "kindergartens",
                 "--map", "园所名称=name")
    assert absent.returncode == 1
    assert "不在“k.csv”中" in absent.stderr and "The file's columns: 园所全称, 乡镇, 学位数" in absent.stderr
    # with too few known columns to find the header, the message says the --map column is absent
    f.write_text("园所全称,地点\n甲幼儿园,任市镇\n", encoding="utf-8")
    headless = etl("--db", str(dbfile), "validate", str(f), "--kind", "kindergartens",
                   "--map", "园所名称=name")
    assert headless.returncode == 1
    assert "“园所名称”也没有找到" in headless.stderr
    assert "the --map column(s) '园所名称' were not found either" in headless.stderr
    for out in (malformed, unknown, absent, headless):
        _no_trace_no_path(out, tmp_path)
    assert dbfile.read_bytes() == before
    assert not (dbfile.parent / "raw").exists()
