"""ui.downloads: CSV with BOM, XLSX round trip, formulas never run."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from ui.downloads import guard_formula, safe_sheet_name, to_csv_bytes, to_xlsx_bytes

FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "＝1+1"]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "乡镇（街道）": ["淙城街道", "普安镇", "讲治镇"],
        "code": ["511723001", "511723100", "511723105"],
        "time_min": [12.5, 31.0, float("nan")],
        "students": pd.array([120, None, 45], dtype="Int64"),
    })


def test_csv_has_bom_and_round_trips(frame):
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"code": str})
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_xlsx_round_trips(frame):
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(frame, "卫生")), dtype={"code": str})
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


@pytest.mark.parametrize("text", FORMULAS)
def test_xlsx_stores_formulas_as_text(text):
    data = to_xlsx_bytes(pd.DataFrame({"name": [text], "n": [-3]}), "s")
    back = pd.read_excel(io.BytesIO(data))
    assert back.loc[0, "name"] == text  # the value is kept as typed
    assert back.loc[0, "n"] == -3  # numbers stay numbers
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula cell anywhere


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_guards_formulas(text):
    back = pd.read_csv(io.BytesIO(to_csv_bytes(pd.DataFrame({"name": [text], "n": [-3]}))),
                       encoding="utf-8-sig")
    assert back.loc[0, "name"] == "'" + text
    assert back.loc[0, "n"] == -3


def test_guard_leaves_numbers_and_plain_text():
    assert guard_formula(-1.5) == -1.5
    assert guard_formula("开江县") == "开江县"


@pytest.mark.parametrize(("name", "expected"), [
    ("data", "data"), ("a/b", "a_b"), ("x" * 40, "x" * 31), ("", "data"), ("[卫生]", "_卫生_")])
def test_sheet_names(name, expected):
    assert safe_sheet_name(name) == expected
