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
    from etl.csv_reader import _has_quoted_newline

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

    from etl.raw_sheet import _strip_blank

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


# --- fast paths of the CSV reader, checked against naive references ----------

def _line_breaks_reference(data: bytes, offset: int) -> tuple[int, bool]:
    """Byte by byte: the line feeds after ``offset``, and whether a quote sits right before
    one (or before its ``\\r\\n``) or right after one, never looking before ``offset``."""
    n, count, touch = len(data), 0, False
    for i in range(offset, n):
        if data[i] == 10:
            count += 1
            touch = touch or (i + 1 < n and data[i + 1] == 34) or (
                i - 1 >= offset and data[i - 1] == 34) or (
                i - 2 >= offset and data[i - 2:i] == b'"\r')
    return count, touch


#: Bodies where quotes and line breaks meet (each also read as CRLF and as GBK below).
TRICKY_CSV = [
    '名称,类型\n"甲\n校",中心校\n乙,初中\n',        # a quoted field spanning lines
    '名称,类型\n甲,"1,200"\n乙,初中\n',             # quotes that touch no line break
    '名称,类型\n甲,中心校\n乙,"初中"',              # a quote in the last record, no final newline
    '名称,类型\n甲,"中心\n校"',                     # the last record spans lines, no final newline
    '名称,类型\n甲,中心校\n\n乙,初中',              # a blank line, no final newline
    '名称,类型\n甲,"中""心"\n"乙",村小\n',         # an escaped quote, a quote after a line feed
    '名称,类型\n甲,中心校\n乙,"初中\n丙,村小\n',    # an unclosed quote in the last record
]


def _tricky_bytes():
    for text in TRICKY_CSV:
        for eol in ("\n", "\r\n"):
            for enc in ("utf-8", "gbk"):
                yield text.replace("\n", eol).encode(enc)


@pytest.mark.parametrize("block", [1, 2, 3, 7, None])
def test_line_breaks_match_a_byte_by_byte_scan(monkeypatch, block):
    """Line feeds counted and quotes next to them found, with blocks of every size
    (the quote and its line feed falling in different blocks)."""
    from etl import csv_reader

    if block:
        monkeypatch.setattr(csv_reader, "_SCAN_BLOCK", block)
    cases = [(d, o) for d in _tricky_bytes() for o in range(len(d) + 1)]
    cases += [(d, 0) for d in (b"", b'"', b'\n"', b'"\n', b'"\r\n', b'\r\n"', b'"\r', b"\n\n")]
    rng = np.random.default_rng(7)
    alphabet = [b"a", b'"', b"\n", b"\r", b",", b"\xd6\xd0", b"\xe4\xb8\xad"]
    for _ in range(1500):
        data = b"".join(alphabet[i] for i in rng.integers(0, len(alphabet), rng.integers(0, 16)))
        cases.append((data, int(rng.integers(0, len(data) + 1))))
    for data, offset in cases:
        assert csv_reader._line_breaks(data, offset) == _line_breaks_reference(data, offset), (
            data, offset)


def test_line_breaks_at_the_edges_of_the_default_blocks():
    """A quote touching a line feed right at a boundary of the default 1 MiB blocks."""
    from etl import csv_reader

    size = csv_reader._SCAN_BLOCK
    base = bytearray(b"1,200,x\n" * (3 * size // 8))
    base[3:5] = b'""'  # quotes that touch no line feed: the quote scan runs
    assert csv_reader._line_breaks(bytes(base), 0) == (3 * size // 8, False)
    for pos in (size - 2, size - 1, size, size + 1, 2 * size - 1):
        for patch in (b'"\n', b'\n"', b'"\r\n'):
            data = bytearray(base)
            data[pos:pos + len(patch)] = patch
            data = bytes(data)
            for offset in (0, pos, pos + 1):
                expected = (data.count(b"\n", offset), any(
                    data.find(p, offset) >= 0 for p in (b'"\n', b'\n"', b'"\r\n')))
                assert csv_reader._line_breaks(data, offset) == expected, (pos, patch, offset)


def _edges_reference(values: list[str | None]) -> tuple[bool, bool]:
    ws = " \t\n\r\x0b\x0c"
    return (any(v and (v[0] in ws or v[-1] in ws) for v in values if v is not None),
            any(v == "" for v in values))


def test_edges_match_a_naive_check():
    """Whitespace at either end of any value, and empty values, told from the buffers
    (with or without the shortcut for chunks holding no byte up to 0x20)."""
    import pyarrow as pa

    from etl.raw_sheet import _edges

    rng = np.random.default_rng(3)
    parts = ["a", "中", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x01", "\x1f", "!", "\u3000"]
    for _ in range(1500):
        values = []
        for _ in range(int(rng.integers(0, 6))):
            k = rng.integers(0, 4)
            values.append(None if k == 0 else "".join(
                parts[i] for i in rng.integers(0, len(parts) if k == 1 else 2, rng.integers(0, 4))))
        start = int(rng.integers(0, len(values) + 1))
        stop = int(rng.integers(start, len(values) + 1))
        for typ in (pa.large_string(), pa.string()):
            arr = pa.array(values, typ).slice(start, stop - start)
            assert _edges(arr) == _edges_reference(values[start:stop]), (values, start, stop)


def _unclosed_reference(data: bytes, offset: int, last: list[str | None]) -> int | None:
    """The column the old check named: all quotes counted first, then the last record."""
    if data.count(b'"', offset) % 2 == 0:
        return None
    return next((j for j, v in enumerate(last) if v and "\n" in v), None)


def test_unclosed_quote_check_matches_counting_every_quote():
    import pyarrow as pa

    from etl.csv_reader import _check_unclosed_quote

    names = ["名称", "", "类型"]
    choices = ["x", "a\nb", None, "", '"\n']
    rng = np.random.default_rng(5)
    for _ in range(400):
        last = [choices[i] for i in rng.integers(0, len(choices), 3)]
        data = b"".join([b"a", b'"', b"\n", b","][i] for i in rng.integers(0, 4, 12))
        offset = int(rng.integers(0, len(data) + 1))
        table = pa.table({f"c{j}": pa.array(["y", v], pa.large_string())
                          for j, v in enumerate(last)})
        expected = _unclosed_reference(data, offset, last)
        if expected is None:
            _check_unclosed_quote("f.csv", data, offset, names, table, np.array([2, 5]))
            continue
        column = names[expected] or f"列{expected + 1}"
        with pytest.raises(RegisterReadError, match=f'row 5, column "{column}"'):
            _check_unclosed_quote("f.csv", data, offset, names, table, np.array([2, 5]))


def _csv_module_reference(text: str) -> tuple[list[list[str | None]], list[int]]:
    """Records as the csv module reads them: values trimmed, blanks None, start lines."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    rows, lines, prev = [], [], reader.line_num
    for rec in reader:
        if rec:
            rows.append([v.strip(" \t\r\n") or None for v in rec])
            lines.append(prev + 1)
        prev = reader.line_num
    return rows, lines


@pytest.mark.parametrize("index", range(len(TRICKY_CSV)))
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_tricky_csv_reads_like_the_csv_module(tmp_path, index, eol, encoding):
    """Quotes containing newlines, CRLF, a quote in the last record, no trailing newline,
    GBK bytes: values and source rows as the csv module gives them, and the unclosed
    quote refused with its row and column."""
    text = TRICKY_CSV[index].replace("\n", eol)
    path = _write_csv(tmp_path, text, encoding)
    if "初中\n丙" in TRICKY_CSV[index]:
        with pytest.raises(RegisterReadError, match='row 3, column "类型"') as info:
            read_register(path, "schools")
        assert "第 3 行“类型”列" in info.value.zh
        return
    [s] = read_register(path, "schools")
    assert s.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    rows, lines = _csv_module_reference(text)
    got = [[None if pd.isna(v) else v for v in r] for r in s.frame.itertuples(index=False)]
    assert got == rows
    assert s.row_numbers.tolist() == lines


def test_a_large_csv_is_parsed_in_chunks_of_about_one_part(tmp_path, monkeypatch):
    """Blocks sized from the line count give one arrow chunk per part of the pipeline (so a
    part's columns are used without concatenating chunks); the content is the same as one
    block gives."""
    from etl import csv_reader, pipeline

    rng = np.random.default_rng(3)
    lines = ["编号,名称,类型,乡镇,在校生数"] + [
        f"X{i:05d},学校{'甲' * int(rng.integers(1, 30))}{i},村小,任市镇,{rng.integers(1, 900)}"
        for i in range(1_000)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = read_register(path, "schools")[0]
    monkeypatch.setattr(csv_reader, "PART_ROWS", 100)
    monkeypatch.setattr(csv_reader, "_MIN_BLOCK", 1)
    sheet = read_register(path, "schools")[0]
    pd.testing.assert_frame_equal(sheet.frame, whole.frame)
    assert sheet.row_numbers.tolist() == whole.row_numbers.tolist() == list(range(2, 1_002))
    chunks = [len(c) for c in sheet.frame["编号"].array._pa_array.chunks]
    assert sum(chunks) == 1_000 and 9 <= len(chunks) <= 11 and max(chunks) <= 125, chunks
    parts = pipeline._parts(sheet, 125)
    assert [len(p.frame) for p in parts] == chunks
    assert all(p.frame[c].array._pa_array.num_chunks == 1 for p in parts for c in p.columns)


# --- issue 11: every reader failure a clear message; long cells reach the validation ------------

def _long_csv(path: Path, name_cell: str) -> Path:
    rows = ["学校名称,学校类型,乡镇", "甲小学,中心校,任市镇", f"{name_cell},中心校,任市镇",
            "丙小学,中心校,任市镇"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("cell", ["长" * 350_000, '"长' + "长\n" * 1000 + "长" * 350_000 + '"'],
                         ids=["plain", "quoted-with-line-breaks"])
def test_a_350000_character_cell_is_read_as_it_is(tmp_path, cell):
    """The csv module's 128 KB field limit and pyarrow's block size no longer stop the read:
    the cell reaches the validation (which rejects its row), the rows around it are intact."""
    [s] = read_register(_long_csv(tmp_path / "long.csv", cell), "schools")
    text = cell.strip('"')
    assert s.frame["学校名称"].tolist() == ["甲小学", text, "丙小学"]
    assert s.row_numbers.tolist()[0] == 2 and len(s.frame) == 3


def test_a_record_longer_than_a_parse_block(tmp_path, monkeypatch):
    """A record longer than pyarrow's block is parsed in one block (no 'straddling' error)."""
    from etl import csv_reader

    monkeypatch.setattr(csv_reader, "_MIN_BLOCK", 1 << 12)
    [s] = read_register(_long_csv(tmp_path / "long.csv", "x" * 100_000), "schools")
    assert [len(v) for v in s.frame["学校名称"]] == [3, 100_000, 3]
    assert s.row_numbers.tolist() == [2, 3, 4]


def _broken_xlsx(path: Path, part: str, body: bytes | None) -> Path:
    """A real workbook with one part replaced by ``body`` (or removed when None)."""
    import io
    import zipfile

    wb = Workbook()
    wb.active.append(["学校名称", "学校类型", "乡镇"])
    wb.active.append(["甲小学", "中心校", "任市镇"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    with zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            if info.filename != part:
                out.writestr(info, src.read(info))
            elif body is not None:
                out.writestr(info, body)
    return path


@pytest.mark.parametrize(("part", "body"), [
    ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r="),
    ("xl/workbook.xml", b"garbage"),
    ("xl/styles.xml", b"<x"),
    ("xl/_rels/workbook.xml.rels", b"<x"),
    ("[Content_Types].xml", None),
    ("xl/workbook.xml", None),
])
def test_a_broken_workbook_is_a_clear_message_without_a_path(tmp_path, part, body):
    """Read as the app reads an upload: a temporary file, the user's name for it. The message
    is bilingual, names the user's file and holds no path of the server."""
    folder = tmp_path / "equity-upload-k2"
    folder.mkdir()
    path = _broken_xlsx(folder / "upload.xlsx", part, body)
    with pytest.raises(RegisterReadError) as info:
        read_register(path, "schools", file_name="学校名录.xlsx")
    err = info.value
    assert "学校名录.xlsx" in err.zh and "学校名录.xlsx" in err.en
    for text in (err.zh, err.en):
        assert str(tmp_path) not in text and "upload.xlsx" not in text and "Traceback" not in text


def test_an_unknown_encoding_is_a_clear_message(tmp_path, monkeypatch):
    """An encoding Python does not know (as a detector may answer) is named, not a traceback."""
    from etl import csv_reader

    def unknown(data: bytes, file_name: str):  # noqa: ARG001 - as csv_reader.decode
        return data.decode("x-mac-klingon"), "x-mac-klingon"

    monkeypatch.setattr(csv_reader, "decode", unknown)
    path = tmp_path / "gbk.csv"
    path.write_bytes("学校名称,学校类型\n甲小学,中心校\n".encode("gbk"))
    with pytest.raises(RegisterReadError) as info:
        read_register(path, "schools")
    assert "gbk.csv" in info.value.zh and "UTF-8" in info.value.en
    assert "cannot decode" in info.value.en and str(tmp_path) not in str(info.value)


def test_scrub_removes_absolute_paths_only():
    from etl.readers import scrub

    assert scrub("[Errno 2] No such file: '/var/lib/equity-upload-x/a.xlsx'") == \
        "[Errno 2] No such file: 'a.xlsx'"
    assert scrub(r"bad C:\Users\me\b.csv") == "bad b.csv"
    assert scrub("no item named 'xl/worksheets/sheet1.xml'") == \
        "no item named 'xl/worksheets/sheet1.xml'"
    assert scrub("at /srv/data/u.csv", Path("/srv/data/u.csv"), "学校.csv") == "at 学校.csv"


def test_geojson_geometries(tmp_path):
    """Points give their coordinates, a rectangle its centre (its representative point), lines
    and unreadable geometries are marked for rejection, a missing geometry gives no point."""
    feats = [
        {"type": "Point", "coordinates": [107.8, 31.1]},
        {"type": "LineString", "coordinates": [[107.8, 31.1], [107.9, 31.2]]},
        {"type": "MultiLineString", "coordinates": [[[107.8, 31.1], [107.9, 31.2]]]},
        {"type": "Polygon", "coordinates": [[[107.8, 31.0], [107.9, 31.0], [107.9, 31.2],
                                             [107.8, 31.2], [107.8, 31.0]]]},
        {"type": "Point", "coordinates": [107.8]},
        None,
    ]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": g, "properties": {"名称": f"站{i}", "设施类型": "文化站"}}
        for i, g in enumerate(feats, start=1)]}
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    [s] = read_register(path, "culture")
    assert len(s.frame) == 6
    assert s.row_info["geometry"].tolist() == ["Point", "LineString", "MultiLineString",
                                               "Polygon", "Point", None]
    assert s.row_info["geometry_error"].tolist() == [None, "not_a_point", "not_a_point", None,
                                                     "bad_geometry", None]
    assert float(s.frame["lon"][3]) == pytest.approx(107.85)
    assert float(s.frame["lat"][3]) == pytest.approx(31.1)
    # half the diagonal of 0.1° x 0.2° at 31.1°N: hypot(0.1 * 111,320 * cos 31.1°, 0.2 * 110,574) / 2
    half = 0.5 * np.hypot(0.1 * 111_320 * np.cos(np.radians(31.1)), 0.2 * 110_574)
    assert s.row_info["extent_m"][3] == pytest.approx(half, rel=1e-3)
    assert any("feature 4 is a polygon" in n for n in s.skipped)
    assert any("feature 6 has no geometry" in n for n in s.skipped)
