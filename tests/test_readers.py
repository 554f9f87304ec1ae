"""Register readers on real files: committed fixtures, files written in tmp_path, messy registers."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from etl import reference
from etl.aliases import match_columns
from etl.coords import Area, parse_coordinates, split_lonlat, to_wgs84
from etl.readers import RawSheet, RegisterReadError, read_register
from etl.values import parse_numbers

DATA = Path(__file__).resolve().parent / "data"
PARSERS = DATA / "parsers"
MESSY = DATA / "messy"
EXPECTED = json.loads((MESSY / "EXPECTED.json").read_text("utf-8"))
SCHOOL_NAMES = ["开江县任市镇中心小学", "开江县广福镇初级中学", "开江县讲治镇中心小学"]


@pytest.mark.parametrize(("name", "encoding"), [
    ("utf8.csv", "utf-8"), ("utf8_bom.csv", "utf-8-sig"), ("gbk.csv", "gb18030"),
])
def test_csv_encodings(name, encoding):
    [s] = read_register(PARSERS / name, "schools")
    assert s.encoding == encoding and s.sheet is None and s.file_name == name
    assert s.columns == ["学校名称", "学校类型", "乡镇", "在校生数", "经度", "纬度"]
    assert s.header_row == 2 and s.titles == ["开江县中小学校基本情况统计表（2024年）"]
    assert s.frame["学校名称"].tolist() == SCHOOL_NAMES
    assert s.frame["在校生数"].tolist() == ["1,200", "860人", "—"]  # kept as written
    # title line 1, header line 2, data line 3, blank line 4, data lines 5-6
    assert s.row_numbers.dtype == np.int64 and s.row_numbers.tolist() == [3, 5, 6]


def test_xlsx_title_merged_two_row_header_formula_notes_sheet():
    sheets = read_register(PARSERS / "schools_merged.xlsx", "schools")
    assert len(sheets) == 1
    s = sheets[0]
    assert s.sheet == "学校" and s.header_row == 3 and s.encoding is None
    assert s.columns == ["学校名称", "学校类型", "乡镇", "学生/在校生数", "学生/寄宿生", "经度", "纬度"]
    assert s.row_numbers.tolist() == [4, 5, 6]
    assert s.frame["学生/在校生数"].tolist()[:2] == ["1200", "860人"]
    assert pd.isna(s.frame["学生/在校生数"][2])  # formula never computed: no cached value
    assert s.frame["学生/寄宿生"][1] == "25%"  # percent number format shown as written
    assert s.frame["经度"].tolist() == ["107.7812", "107.8389", "107.9461"]
    assert any("说明" in note for note in s.skipped)
    assert match_columns(s.columns, "schools").mapping["学生/在校生数"] == "students"


def test_xlsx_sheet_argument():
    with pytest.raises(RegisterReadError, match="说明"):
        read_register(PARSERS / "schools_merged.xlsx", "schools", sheet="说明")
    with pytest.raises(RegisterReadError, match="没有工作表"):
        read_register(PARSERS / "schools_merged.xlsx", "schools", sheet="不存在")


def test_geojson_points():
    [s] = read_register(PARSERS / "points.geojson", "culture")
    assert s.columns == ["名称", "设施类型", "座位数", "lon", "lat"]
    assert s.row_numbers.tolist() == [1, 2, 3, 4] and s.header_row == 0
    assert s.frame["lon"].tolist()[:3] == ["107.7812", "107.8389", "107.9461"]
    assert pd.isna(s.frame["lon"][3]) and any("feature 4" in n for n in s.skipped)


def _write_csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize(("text", "rows", "columns", "lines"), [
    ("名称,类型\n甲,中心校\n乙,初中\n", [["甲", "中心校"], ["乙", "初中"]], ["名称", "类型"], [2, 3]),
    ("名称,类型\r\n甲,中心校\r\n\r\n乙,初中", [["甲", "中心校"], ["乙", "初中"]], ["名称", "类型"],
     [2, 4]),
    ('名称,类型\n"甲\n校",中心校\n乙,初中\n', [["甲\n校", "中心校"], ["乙", "初中"]], ["名称", "类型"],
     [2, 4]),
    ("名称,类型,名称\n甲, 中心校 ,x\n,,\n", [["甲", "中心校", "x"]], ["名称", "类型", "名称#2"], [2]),
    ("名称\t类型\n甲\t中心校\n", [["甲", "中心校"]], ["名称", "类型"], [2]),
    ("名称,类型\n甲\n乙,初中,多余\n", [["甲", None, None], ["乙", "初中", "多余"]],
     ["名称", "类型", "列3"], [2, 3]),
    ("标题\n\n名称,类型\n甲,中心校\n合计,\n注：本表为示例\n", [["甲", "中心校"]], ["名称", "类型"], [4]),
])
def test_csv_shapes(tmp_path, text, rows, columns, lines):
    [s] = read_register(_write_csv(tmp_path, text), "schools")
    assert s.columns == columns and list(s.frame.columns) == columns
    got = [[None if pd.isna(v) else v for v in r] for r in s.frame.itertuples(index=False)]
    assert got == rows
    assert s.row_numbers.tolist() == lines


def test_csv_gb18030_only_characters(tmp_path):
    p = _write_csv(tmp_path, "名称,类型\n𠮷字小学,中心校\n", "gb18030")
    [s] = read_register(p, "schools")
    assert s.encoding == "gb18030" and s.frame["名称"][0] == "𠮷字小学"


def test_csv_late_non_utf8_bytes_fall_back_to_gb18030(tmp_path):
    text = "名称,类型\n" + "甲,中心校\n" * 20000 + "乙,初中\n"
    [s] = read_register(_write_csv(tmp_path, text, "gbk"), "schools")
    assert s.encoding == "gb18030" and len(s.frame) == 20001 and s.row_numbers[-1] == 20002


@pytest.mark.parametrize(("text", "match"), [
    ("a,b\n1,2\n", "学校名称|名称"), ("", "空文件"),
])
def test_csv_errors(tmp_path, text, match):
    with pytest.raises(RegisterReadError, match=match) as info:
        read_register(_write_csv(tmp_path, text), "schools")
    assert info.value.zh and info.value.en and str(info.value) == f"{info.value.zh} / {info.value.en}"


def test_unreadable_files(tmp_path):
    with pytest.raises(RegisterReadError, match="not found"):
        read_register(tmp_path / "none.csv", "schools")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RegisterReadError, match="Excel"):
        read_register(bad, "schools")
    with pytest.raises(RegisterReadError, match=".xlsx"):
        read_register(_write_csv(tmp_path, "x", name="old.xls"), "schools")
    with pytest.raises(ValueError, match="kind"):
        read_register(PARSERS / "utf8.csv", "nonsense")


def test_xlsx_two_sheets_with_data_and_vertical_merge(tmp_path):
    wb = Workbook()
    a = wb.active
    a.title = "一"
    a.append(["乡镇", "名称", "类型", "床位数"])
    a.append(["任市镇", "任市镇中心卫生院", "中心卫生院", 60])
    a.append([None, "任市镇某卫生院", "卫生院", 20.0])
    a.merge_cells("A2:A3")  # township written once for two rows
    b = wb.create_sheet("二")
    b.append(["名称", "类型"])
    b.append(["开江县人民医院", "县级医院"])
    p = tmp_path / "h.xlsx"
    wb.save(p)
    s1, s2 = read_register(p, "hospitals")
    assert (s1.sheet, s2.sheet) == ("一", "二")
    assert s1.frame["乡镇"].tolist() == ["任市镇", "任市镇"] and s1.frame["床位数"].tolist() == ["60", "20"]
    assert s2.frame["名称"].tolist() == ["开江县人民医院"] and s2.row_numbers.tolist() == [2]


# --- the messy registers ---------------------------------------------------

def _township_lookup() -> dict[str, str]:
    t = reference.townships()
    out = dict(zip(t["name"], t["code"], strict=True)) | dict(zip(t["short_name"], t["code"],
                                                                  strict=True))
    c = reference.township_changes()
    return out | dict(zip(c["old_name"], c["township_code"], strict=True))


@pytest.fixture(scope="module")
def area() -> Area:
    return Area(reference.boundary_geojson(), buffer_km=2.0)


def _positions(s: RawSheet, kind: str, crs: str):
    m = match_columns(s.columns, kind)
    by_field = {f: c for c, f in m.mapping.items()}
    if "lonlat" in by_field:
        lon_t, lat_t = split_lonlat(s.frame[by_field["lonlat"]])
    else:
        lon_t, lat_t = s.frame[by_field["lon"]], s.frame[by_field["lat"]]
    lon, lon_err = parse_coordinates(lon_t, "lon")
    lat, lat_err = parse_coordinates(lat_t, "lat")
    x, y = to_wgs84(lon.to_numpy(), lat.to_numpy(), crs)
    return by_field, x, y, lon_err.fillna(lat_err)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_messy_registers(name, area):
    exp = EXPECTED[name]
    sheets = read_register(MESSY / name, exp["kind"])
    assert len(sheets) == 1
    s = sheets[0]
    assert len(s.frame) == exp["rows_read"] == len(s.row_numbers)
    assert s.header_row == exp["header_row"]
    if "encoding" in exp and exp["encoding"]:
        assert s.encoding == exp["encoding"]
    if "columns" in exp:
        assert s.columns == exp["columns"]
    m = match_columns(s.columns, exp["kind"])
    assert m.missing_required == []
    rows = {int(r): i for i, r in enumerate(s.row_numbers)}
    for err in exp["errors"]:
        assert err["row"] in rows and err["column"] in s.columns
        value = s.frame[err["column"]].iloc[[rows[err["row"]]]]
        if err["code"] == "not_a_number":
            assert parse_numbers(value)[1].iloc[0] == "not_a_number"
    if exp["crs"] is None:
        lookup = _township_lookup()
        for g in exp["good"]:
            i = rows[g["row"]]
            assert lookup[s.frame[m_field(m, "township")].iloc[i]] == g["township_code"]
        return
    by_field, x, y, coord_err = _positions(s, exp["kind"], exp["crs"])
    for err in exp["errors"]:
        i = rows[err["row"]]
        if err["code"] == "bad_coordinate":
            assert coord_err.iloc[i] == "bad_coordinate"
        if err["code"] == "outside_county":
            assert pd.isna(coord_err.iloc[i]) and not area.contains(x[i:i + 1], y[i:i + 1])[0]
    lookup = _township_lookup()
    for g in exp["good"]:
        i = rows[g["row"]]
        assert lookup[s.frame[by_field["township"]].iloc[i]] == g["township_code"]
        assert x[i] == pytest.approx(g["lon"], abs=g["tol_deg"])
        assert y[i] == pytest.approx(g["lat"], abs=g["tol_deg"])
        assert area.contains(x[i:i + 1], y[i:i + 1])[0]


def m_field(m, field: str) -> str:
    return next(c for c, f in m.mapping.items() if f == field)


def _quoted_newline_reference(data: bytes, offset: int) -> bool:
    if data.find(b'"', offset) < 0:
        return False
    return data.find(b'"\n', offset) >= 0 or data.find(b'"\r\n', offset) >= 0 or \
        data.find(b'\n"', offset) >= 0


def test_quoted_newline_check_matches_a_plain_search():
    from etl.readers import _has_quoted_newline

    rng = np.random.default_rng(0)
    alphabet = [b"a", b'"', b"\n", b"\r", b","]
    for _ in range(6000):
        data = b"".join(alphabet[i] for i in rng.integers(0, 5, rng.integers(0, 12)))
        offset = int(rng.integers(0, len(data) + 1))
        assert _has_quoted_newline(data, offset) == _quoted_newline_reference(data, offset), data


@pytest.mark.parametrize("values", [
    ["a", "b"], [" a", "b"], ["a ", "b"], ["a\t", "b"], ["", "b"], [None, "b"], [None, ""],
    ["a b", "c"], ["\u3000a", "b"], ["", " ", "  x  "], [None, None], ["x\r\n", "y"],
])
def test_strip_blank_matches_trim_and_null(values):
    import pyarrow as pa

    from etl.readers import _strip_blank

    expected = [None if v is None or v.strip(" \t\n\r\x0b\x0c") == "" else v.strip(" \t\n\r\x0b\x0c")
                for v in values]
    whole = pa.array(["pad", *values, "pad"], pa.large_string()).slice(1, len(values))
    chunked = pa.chunked_array([pa.array(values[:1], pa.large_string()),
                                pa.array(values[1:], pa.large_string())])
    for col in (pa.array(values, pa.large_string()), whole, chunked, pa.array(values, pa.string())):
        assert _strip_blank(col).to_pylist() == expected


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_override_columns_count_as_header_matches(tmp_path, suffix):
    """A header with one alias (乡镇) plus a column named by --map is still a header."""
    rows = [["园所全称", "乡镇"], ["甲幼儿园", "任市镇"]]
    path = tmp_path / f"k{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)
    with pytest.raises(RegisterReadError, match="--map"):
        read_register(path, "kindergartens")
    for key in ("园所全称", " 园所全称 "):  # matched as written or normalised
        [s] = read_register(path, "kindergartens", overrides={key: "name"})
        assert s.columns == ["园所全称", "乡镇"] and s.frame["园所全称"].tolist() == ["甲幼儿园"]
        assert s.row_numbers.tolist() == [2]
