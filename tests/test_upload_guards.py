"""The reader's guards against hostile files, each with a real file made in tmp_path.

Size limit before reading; type by extension and first bytes; Excel read as cached values
with macros never loaded; zip bombs refused from the zip directory before openpyxl opens the
file; sheets too wide refused before their rows are read.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from etl import csv_reader, xlsx_reader
from etl.readers import LIMITS, RegisterReadError, limit, read_register

HEADER = ["学校名称", "学校类型", "乡镇（街道）", "在校生数"]
ROWS = [["示例甲小学", "中心校", "任市镇", 300], ["示例乙小学", "村小", "普安镇", 40]]


def _xlsx(path: Path, rows: list[list[object]] | None = None, extra: dict | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows if rows is not None else ROWS:
        ws.append(r)
    for ref, value in (extra or {}).items():
        ws[ref] = value
    wb.save(path)
    return path


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _no_parse(monkeypatch) -> None:
    """Make any attempt to parse a file fail loudly: a guard must refuse it first."""
    def boom(*_a, **_k):
        raise AssertionError("the file was parsed before the guard refused it")
    monkeypatch.setattr(csv_reader, "read_csv", boom)
    monkeypatch.setattr(openpyxl, "load_workbook", boom)


def _refused(path: Path, *parts: str) -> RegisterReadError:
    with pytest.raises(RegisterReadError) as info:
        read_register(path, "schools")
    msg = str(info.value)
    assert path.name in msg, msg
    for part in parts:
        assert part in msg, (part, msg)
    assert info.value.zh and info.value.en
    return info.value


# -- size -----------------------------------------------------------------------------------------

def test_limits_are_declared_with_help_and_env():
    for key, spec in LIMITS.items():
        assert spec.key == key and spec.help and spec.env.startswith("EQUITY_")
        assert limit(key) == spec.default
    assert limit("max_file_mb") == 50


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    big = _csv(tmp_path / "big.csv", "学校名称,学校类型\n" + "示例小学,中心校\n" * 200)
    monkeypatch.setenv("EQUITY_MAX_FILE_MB", "0.001")  # 1 kB
    _no_parse(monkeypatch)
    _refused(big, "MB", "over the 0.001 MB limit")


def test_file_under_the_size_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("EQUITY_MAX_FILE_MB", "1")
    [s] = read_register(_csv(tmp_path / "ok.csv", "学校名称,学校类型\n示例小学,中心校\n"), "schools")
    assert len(s.frame) == 1


# -- type by extension and magic bytes ---------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "parts"), [
    ("text.xlsx", "学校名称,学校类型\n甲,中心校\n".encode(), ["not a zip archive"]),
    ("empty.xlsx", b"", ["empty file"]),
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ["old Excel/WPS", "encrypted"]),
    ("macro.xlsm", b"MZ\x90\x00" + bytes(100), ["not a zip archive"]),
    ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(100), ["PNG binary file"]),
    ("doc.csv", b"%PDF-1.7\n" + bytes(100), ["PDF binary file"]),
    ("book.csv", b"PK\x03\x04" + bytes(100), ["ZIP/XLSX binary file"]),
    ("nul.txt", b"\x01\x02\x00\x00\xff\x10" * 50, ["NUL bytes", "binary file"]),
    ("u16.csv", "学校名称,学校类型\n甲,中心校\n".encode("utf-16-le"), ["UTF-16 without a BOM"]),
    ("data.json", b"\x1f\x8b\x08\x00" + bytes(100), ["gzip binary file"]),
])
def test_type_must_match_the_first_bytes(tmp_path, monkeypatch, name, data, parts):
    path = tmp_path / name
    path.write_bytes(data)
    _no_parse(monkeypatch)
    _refused(path, *parts)


def test_utf16_with_bom_is_still_read(tmp_path):
    path = tmp_path / "bom16.csv"
    path.write_bytes("学校名称,学校类型\n甲,中心校\n".encode("utf-16"))
    [s] = read_register(path, "schools")
    assert s.encoding == "utf-16" and s.frame["学校名称"].tolist() == ["甲"]


# -- Excel: values, not formulas; no macros -------------------------------------------------------

def test_formulas_are_not_evaluated(tmp_path):
    path = _xlsx(tmp_path / "f.xlsx", [["示例甲小学", "中心校", "任市镇", "=10*10"],
                                       ["=HYPERLINK(\"http://x\",\"点我\")", "中心校", "任市镇", 5]])
    [s] = read_register(path, "schools")
    # a formula nobody computed reads as blank: never its text, never a value we computed
    assert s.frame["在校生数"].isna().tolist() == [True, False]
    assert s.frame["学校名称"].isna().tolist() == [False, True]
    assert not s.frame.astype(str).apply(lambda c: c.str.startswith("=")).any().any()


def test_load_workbook_is_asked_for_values_without_macros(tmp_path, monkeypatch):
    calls = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    read_register(_xlsx(tmp_path / "a.xlsx"), "schools")
    assert calls and calls[0]["data_only"] is True and calls[0]["keep_vba"] is False


def test_xlsm_with_a_macro_is_read_as_data_only(tmp_path):
    plain = _xlsx(tmp_path / "plain.xlsx")
    path = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"Sub AutoOpen(): Shell \"calc\"" * 20)
    [s] = read_register(path, "schools")
    assert s.frame["学校名称"].tolist() == ["示例甲小学", "示例乙小学"]


# -- zip bombs ------------------------------------------------------------------------------------------

def _with_member(src: Path, dst: Path, name: str, size: int, chunk: bytes = bytes(1 << 20)) -> Path:
    """Copy an .xlsx adding a member of ``size`` highly compressible bytes (streamed)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        with zout.open(name, "w", force_zip64=True) as f:
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return dst


def test_zip_bomb_by_ratio_is_refused_before_openpyxl(tmp_path, monkeypatch):
    bomb = _with_member(_xlsx(tmp_path / "a.xlsx"), tmp_path / "bomb.xlsx", "xl/media/pad.xml",
                        32 << 20)
    assert bomb.stat().st_size < 1_000_000  # 32 MB of zeros in a small file
    _no_parse(monkeypatch)
    _refused(bomb, "zip bomb", "compression ratio")


def test_zip_bomb_by_total_size_is_refused(tmp_path, monkeypatch):
    src = _xlsx(tmp_path / "a.xlsx")
    big = _with_member(src, tmp_path / "big.xlsx", "xl/media/pad.bin", 4 << 20,
                       chunk=bytes(range(256)) * 4096)
    monkeypatch.setenv("EQUITY_MAX_UNZIPPED_MB", "2")
    _no_parse(monkeypatch)
    _refused(big, "zip bomb", "MB")


def test_zip_with_too_many_parts_is_refused(tmp_path, monkeypatch):
    src = _xlsx(tmp_path / "a.xlsx")
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        for i in range(60):
            zout.writestr(f"xl/media/p{i}.bin", b"x")
    monkeypatch.setenv("EQUITY_MAX_ZIP_MEMBERS", "50")
    _no_parse(monkeypatch)
    _refused(path, "zip bomb", "parts")


def test_xml_entities_are_refused(tmp_path, monkeypatch):
    src = _xlsx(tmp_path / "a.xlsx")
    path = tmp_path / "lol.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                        + data.split(b"?>", 1)[-1])
            zout.writestr(item, data)
    _no_parse(monkeypatch)
    _refused(path, "DOCTYPE/ENTITY")


def test_an_ordinary_large_register_passes_the_zip_guard(tmp_path):
    rows = [[f"示例{i}小学", "中心校", "任市镇", i % 900] for i in range(20_000)]
    [s] = read_register(_xlsx(tmp_path / "many.xlsx", rows), "schools")
    assert len(s.frame) == 20_000


# -- too many columns -------------------------------------------------------------------------------

@pytest.mark.parametrize("read_only", [False, True])
def test_sheet_too_wide_is_refused_before_rows_are_read(tmp_path, monkeypatch, read_only):
    # one stray cell in Excel's last column (XFD = 16,384) would pad every row to that width
    path = _xlsx(tmp_path / "wide.xlsx", extra={"XFD3": "x"})
    if read_only:
        monkeypatch.setattr(xlsx_reader, "_XLSX_READ_ONLY_BYTES", 0)
    _refused(path, "16,384 columns", "1000-column limit")


def test_csv_header_with_a_million_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("学校名称,学校类型" + "," * 1_000_000 + "\n甲,中心校\n", encoding="utf-8")
    _refused(path, "1,000,002 columns")


def test_csv_body_row_too_wide_is_refused(tmp_path):
    path = tmp_path / "ragged.csv"
    rows = "".join(f"示例{i},中心校\n" for i in range(300))
    path.write_text("学校名称,学校类型\n" + rows + "甲," + "x," * 5000 + "\n", encoding="utf-8")
    _refused(path, "columns", "1000-column limit")


def test_column_limit_is_a_setting(tmp_path, monkeypatch):
    path = _xlsx(tmp_path / "w.xlsx", extra={"Z1": "备注"})
    monkeypatch.setenv("EQUITY_MAX_COLUMNS", "10")
    _refused(path, "26 columns")
    monkeypatch.delenv("EQUITY_MAX_COLUMNS")
    assert read_register(path, "schools")


def test_guard_errors_reach_the_command_line(built_db, tmp_path, monkeypatch):
    """The CLI prints the guard's message (both languages) and exits 1."""
    from etl.__main__ import main

    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["--db", str(built_db), "validate", str(path), "--kind", "schools"]) == 1
    assert "image.csv" in err.getvalue() and "PNG" in err.getvalue()
