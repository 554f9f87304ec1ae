"""Write the bad-input corpus (one hostile or broken register per file) and EXPECTED.json.

Seeded and re-runnable: ``python tests/data/bad/make_bad.py``. Township and village
names are real (``data/reference``); facilities and numbers are synthetic. EXPECTED.json
says, per file, the documented outcome that ``tests/test_bad_inputs.py`` checks and
``docs/bad-inputs.md`` lists:

* ``refused``: the file is not loaded at all, the error names the file (and says why),
  the database is unchanged;
* ``partial``: the good rows load; each bad row is rejected with its source row, the
  column at fault and a reason (nothing is dropped silently);
* ``loaded``: every row loads (the reader repairs what it can and says so).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from etl import reference  # noqa: E402

RNG = np.random.default_rng(20260601)
FIXED_TIME = dt.datetime(2026, 6, 1, 9, 0, 0)
DOC = ROOT / "docs" / "bad-inputs.md"
SCHOOL_HEADER = ["编号", "学校名称", "学校类型", "乡镇（街道）", "经度", "纬度", "在校生数", "年份"]
HOSPITAL_HEADER = ["编号", "名称", "类型", "乡镇（街道）", "经度", "纬度", "开放床位", "年份"]


@functools.cache
def _towns():
    return reference.townships().set_index("name")


def point(town: str) -> tuple[float, float]:
    """A synthetic WGS-84 point within about 300 m of a township's reference point."""
    r = _towns().loc[town]
    dx, dy = RNG.uniform(-0.003, 0.003, 2)
    return round(float(r["lon"] + dx), 6), round(float(r["lat"] + dy), 6)


def school(i: int, town: str = "任市镇", students: object = None) -> list[object]:
    lon, lat = point(town)
    n = students if students is not None else int(RNG.integers(80, 1500))
    return [f"BAD-{i:04d}", f"示例{town}第{i}小学", "中心校", town, lon, lat, n, 2024]


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return "\n".join(lines) + "\n"


def good_schools(n: int, start: int = 1) -> list[list[object]]:
    towns = ["任市镇", "普安镇", "新宁镇", "讲治镇", "甘棠镇"]
    return [school(start + k, towns[k % len(towns)]) for k in range(n)]


def xlsx_bytes(header: list[str], rows: list[list[object]], title: str = "学校") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def refused(kind: str, what: str, error: list[str]) -> dict:
    return {"kind": kind, "outcome": "refused", "what": what, "error": error}


@functools.cache
def _population_rows() -> dict[str, list[str]]:
    """The default population register (data/registers/population_2020.csv) by unit code."""
    with open(ROOT / "data" / "registers" / "population_2020.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    return {"header": rows[0], **{r[0]: r for r in rows[1:]}}


def _unit_codes(town: str) -> list[str]:
    code = _towns().loc[town, "code"]
    units = reference.units()
    return sorted(units.loc[units["township_code"] == code, "code"])


def _with_sheet_xml(data: bytes, xml: bytes) -> bytes:
    """The workbook ``data`` with its first sheet's XML replaced by ``xml``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = xml if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            info.date_time = FIXED_TIME.timetuple()[:6]
            out.writestr(info, body)
    return buf.getvalue()


def partial(kind: str, what: str, rows_read: int, rows_loaded: int, rejects: list[dict],
            notes: str = "") -> dict:
    out = {"kind": kind, "outcome": "partial" if rejects else "loaded", "what": what,
           "rows_read": rows_read, "rows_loaded": rows_loaded, "rejects": rejects}
    if notes:
        out["notes"] = notes
    return out


def with_map(entry: dict, overrides: dict[str, str]) -> dict:
    """``entry`` loaded with ``--map`` overrides (``pipeline.load_file(overrides=...)``)."""
    entry["overrides"] = overrides
    entry["what"] += " Loaded with " + ", ".join(f"`--map {k}={v}`" for k, v in overrides.items()) + "."
    return entry


def reject(row: int, column: str, reason: str) -> dict:
    return {"row": row, "column": column, "reason": reason}


OUTCOME_TEXT = {"refused": "refused: nothing written", "partial": "good rows load; bad rows rejected",
                "loaded": "every row loads"}


def markdown(expected: dict[str, dict]) -> str:
    """The table of docs/bad-inputs.md: one line per corpus file and its documented outcome."""
    lines = ["| file | kind | what is wrong | outcome | rows read / loaded | error or rejected rows |",
             "|---|---|---|---|---|---|"]
    for name in sorted(expected):
        e = expected[name]
        if e["outcome"] == "refused":
            counts = "–"
            detail = "message contains " + ", ".join(f"`{x}`" for x in e["error"])
        else:
            counts = f"{e['rows_read']} / {e['rows_loaded']}"
            detail = "; ".join(f"row {r['row']} `{r['column']}`: {r['reason']}"
                               for r in e["rejects"]) or "–"
            if e.get("notes"):
                detail += f" ({e['notes']})"
        lines.append(f"| `{name}` | {e['kind']} | {e['what']} | {OUTCOME_TEXT[e['outcome']]} | "
                     f"{counts} | {detail} |")
    return "\n".join(lines) + "\n"


def render_doc(text: str, expected: dict[str, dict]) -> str:
    """``text`` with the generated section between the ``bad_inputs`` markers replaced."""
    start, end = "<!-- BEGIN bad_inputs -->\n", "<!-- END bad_inputs -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + markdown(expected) + end + tail


def main() -> dict[str, dict]:
    exp: dict[str, dict] = {}
    files: dict[str, bytes] = {}

    full = xlsx_bytes(SCHOOL_HEADER, good_schools(40))
    files["truncated.xlsx"] = full[: len(full) // 2]
    exp["truncated.xlsx"] = refused("schools", "An .xlsx cut off half way (an interrupted download).",
                                    ["truncated.xlsx", "not a valid Excel file"])

    text = csv_text(SCHOOL_HEADER, good_schools(3))
    files["shift_jis.csv"] = text.encode("shift_jis", errors="replace")
    exp["shift_jis.csv"] = refused(
        "schools", "Headers written in Shift-JIS (a Japanese encoding): no header can be read.",
        ["shift_jis.csv", "no header found", "save it as UTF-8"])

    files["utf16_no_bom.csv"] = text.encode("utf-16-le")
    exp["utf16_no_bom.csv"] = refused("schools", "UTF-16 text saved without a byte-order mark.",
                                      ["utf16_no_bom.csv", "UTF-16 without a BOM"])

    files["empty.csv"] = b""
    exp["empty.csv"] = refused("schools", "A file of zero bytes.", ["empty.csv", "empty"])

    files["header_only.csv"] = csv_text(SCHOOL_HEADER, []).encode("utf-8")
    exp["header_only.csv"] = partial("schools", "The header line and no data rows.", 0, 0, [],
                                     "a load with 0 rows is recorded; nothing else changes")

    rows = good_schools(4)
    rows.insert(2, list(rows[0]))  # the first id again, at source row 4
    rows[2][1] = "示例重复编号小学"
    files["duplicate_ids.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    exp["duplicate_ids.csv"] = partial("schools", "The same id on two rows.", 5, 4,
                                       [reject(4, "编号", "repeats in the file")],
                                       "the first row with the id is kept")

    rows = good_schools(6)
    rows[1][6] = "NaN"
    rows[2][6] = "inf"
    rows[3][4] = "-inf"
    rows[4][5] = "nan"
    files["nan_inf.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    exp["nan_inf.csv"] = partial("schools", "NaN and inf written as counts and as coordinates.", 6, 2, [
        reject(3, "在校生数", "not a finite number"), reject(4, "在校生数", "not a finite number"),
        reject(5, "经度", "cannot be read"), reject(6, "纬度", "cannot be read")])

    rows = good_schools(3)
    for r in rows:
        lon, lat = r[4], r[5]
        r[4] = f"{int(lon)}°{int(lon % 1 * 60):02d}′{(lon * 60 % 1) * 60:04.1f}″E"
        r[5] = f"{int(lat)}°{int(lat % 1 * 60):02d}′{(lat * 60 % 1) * 60:04.1f}″N"
    rows[2][5] = "31°05′N"
    rows[2][4] = "107°52′E"
    files["dms_coordinates.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    exp["dms_coordinates.csv"] = partial(
        "schools", 'Coordinates written as degrees-minutes-seconds, e.g. "31°05′N".', 3, 3, [],
        "read as decimal degrees")
    exp["dms_coordinates.csv"]["points"] = [
        {"row": 4, "lon": round(107 + 52 / 60, 6), "lat": round(31 + 5 / 60, 6),
         "method": "register:wgs84"}]

    rows = good_schools(4)
    for r in rows:
        r[4], r[5] = r[5], r[4]
    files["swapped_lat_lon.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    exp["swapped_lat_lon.csv"] = partial(
        "schools", "Latitude in the longitude column and the other way round.", 4, 4, [],
        "swapped back; location_method ends in ':swapped'")
    exp["swapped_lat_lon.csv"]["points"] = [
        {"row": k + 2, "lon": r[5], "lat": r[4], "method": "register:wgs84:swapped"}
        for k, r in enumerate(rows)]

    rows = good_schools(4)
    rows[1][4:6] = [104.066, 30.657]   # Chengdu
    rows[3][4:6] = [116.397, 39.909]   # Beijing
    files["other_province.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    exp["other_province.csv"] = partial("schools", "Points in Chengdu and Beijing.", 4, 2, [
        reject(3, "经度", "outside Kaijiang"), reject(5, "经度", "outside Kaijiang")])

    rows = []
    for i, town in enumerate(["任市镇", "普安镇", "新宁镇"], start=1):
        lon, lat = point(town)
        rows.append([f"BADH-{i}", f"示例{town}卫生院", "乡镇卫生院", town, lon, lat, 30, 2024])
    rows[1][6] = -20
    files["negative_beds.csv"] = csv_text(HOSPITAL_HEADER, rows).encode("utf-8")
    exp["negative_beds.csv"] = partial("hospitals", "A negative number of beds.", 3, 2,
                                       [reject(3, "开放床位", "below the allowed minimum")])

    rows = good_schools(3)
    rows[0][6] = 10**12
    rows[2][6] = "1e12"
    files["huge_students.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    exp["huge_students.csv"] = partial("schools", "10^12 students.", 3, 1, [
        reject(2, "在校生数", "above the allowed maximum"),
        reject(4, "在校生数", "above the allowed maximum")])

    rows = good_schools(4)
    rows[1][6] = dt.date(2024, 3, 1)   # a date cell where a count is expected
    rows[2][7] = 45352                 # an Excel date serial (2024-03-01) in the year column
    files["dates_as_numbers.xlsx"] = xlsx_bytes(SCHOOL_HEADER, rows)
    exp["dates_as_numbers.xlsx"] = partial(
        "schools", "A date cell where a count is expected; an Excel date serial as the year.", 4, 2,
        [reject(3, "在校生数", "not a number"), reject(4, "年份", "above the allowed maximum")])

    body = csv_text(SCHOOL_HEADER, good_schools(3)).splitlines()
    body[2] = body[2].replace("示例", '"示例', 1)  # an opening quote that never closes
    files["unclosed_quote.csv"] = ("\n".join(body) + "\n").encode("utf-8")
    exp["unclosed_quote.csv"] = refused(
        "schools", "A quote opened in a name and never closed (it would swallow the rest).",
        ["unclosed_quote.csv", "row 3", '"学校名称"', "never closed"])

    files["binary_as.csv"] = b"\x89PNG\r\n\x1a\n" + bytes(RNG.integers(0, 256, 200, dtype=np.uint8))
    exp["binary_as.csv"] = refused("schools", "A PNG image renamed to .csv.",
                                   ["binary_as.csv", "PNG binary file"])

    files["text_as.xlsx"] = csv_text(SCHOOL_HEADER, good_schools(2)).encode("utf-8")
    exp["text_as.xlsx"] = refused("schools", "A CSV renamed to .xlsx (not a zip).",
                                  ["text_as.xlsx", "not a zip archive"])

    _issue_11_cases(files, exp)

    for old in HERE.iterdir():
        if old.name not in (Path(__file__).name, "EXPECTED.json") and old.is_file():
            old.unlink()
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    (HERE / "EXPECTED.json").write_text(json.dumps(exp, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")
    if DOC.exists():
        DOC.write_text(render_doc(DOC.read_text("utf-8"), exp), encoding="utf-8")
    return exp


def _issue_11_cases(files: dict[str, bytes], exp: dict[str, dict]) -> None:
    """Oversized cells, unreadable XML, code/township conflicts, line geometries, invisible
    names and ``--map`` mistakes (issue 11, items 4 and 5)."""
    rows = good_schools(4)
    rows[1][1] = "长" * 350_000  # one name of 350,000 characters (1 MB of UTF-8)
    files["long_field.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    exp["long_field.csv"] = partial(
        "schools", "A name of 350,000 characters (over the 10,000-character cell limit).", 4, 3,
        [reject(3, "学校名称", "350,000 characters, over the limit of 10,000 per cell")],
        "the other rows load")

    full = xlsx_bytes(SCHOOL_HEADER, good_schools(3))
    files["broken_xml.xlsx"] = _with_sheet_xml(full, b"<worksheet><sheetData><row r=")
    exp["broken_xml.xlsx"] = refused(
        "schools", "A well-formed zip whose sheet XML is cut off (the XML parser fails).",
        ["broken_xml.xlsx", "cannot read", "damaged", "无法读取"])

    # population: the code of 新安社区 (淙城街道) written with the township 任市镇
    pop = _population_rows()
    header = pop["header"]
    first = list(pop["511723001001"])
    first[header.index("65岁及以上")] = str(int(first[header.index("65岁及以上")]) + 10)
    first[header.index("合计")] = str(int(first[header.index("合计")]) + 10)
    clash = list(pop["511723001002"])
    clash[header.index("乡镇（街道）")] = "任市镇"
    bands = ["0-2岁", "3-5岁", "6-11岁", "12-14岁", "15-17岁", "18-59岁", "60-64岁", "65岁及以上"]
    for band, v in zip(bands, [0, 0, 1, 1, 1, 3, 1, 1], strict=True):
        clash[header.index(band)] = str(v)
    clash[header.index("合计")] = "8"
    renshi = _unit_codes("任市镇")[0]
    rows = [first, clash, list(pop[renshi])]
    files["unit_code_conflict.csv"] = csv_text(header, rows).encode("utf-8")
    entry = partial(
        "population", "A 12-digit code of 淙城街道 (新安社区, 511723001002) written with the "
        "township 任市镇.", 3, 2,
        [reject(3, "村（社区）代码", "belongs to 淙城街道, not to the township written, \"任市镇\"")],
        "county total 414,320: the census 414,310 plus the 10 added to 淙城社区's 65+ band; the "
        "rejected row changes nothing")
    entry["county_population"] = 414_310 + 10
    exp["unit_code_conflict.csv"] = entry

    header = ["编号", "名称", "乡镇（街道）", "村（社区）代码"]
    rows = [["BADC-1", "示例卫生室甲", "任市镇", renshi],
            ["BADC-2", "示例卫生室乙", "任市镇", "511723001002"],
            ["BADC-3", "示例卫生室丙", "淙城街道", "511723001002"]]
    files["facility_unit_conflict.csv"] = csv_text(header, rows).encode("utf-8")
    exp["facility_unit_conflict.csv"] = partial(
        "clinics", "A clinic whose village code (淙城街道) and township (任市镇) disagree.", 3, 2,
        [reject(3, "村（社区）代码", "belongs to 淙城街道, not to the township written")])

    # GeoJSON: a point, two lines and a rectangle (its representative point is its centre)
    lon, lat = point("普安镇")
    ring = [[lon - 0.002, lat - 0.001], [lon + 0.002, lat - 0.001], [lon + 0.002, lat + 0.001],
            [lon - 0.002, lat + 0.001], [lon - 0.002, lat - 0.001]]
    p0 = point("任市镇")
    line = [[p0[0], p0[1]], [p0[0] + 0.01, p0[1] + 0.01]]
    geoms = [{"type": "Point", "coordinates": list(p0)},
             {"type": "LineString", "coordinates": line},
             {"type": "MultiLineString", "coordinates": [line]},
             {"type": "Polygon", "coordinates": [ring]}]
    towns = ["任市镇", "任市镇", "任市镇", "普安镇"]
    feats = [{"type": "Feature", "geometry": g,
              "properties": {"编号": f"BADG-{i}", "名称": f"示例{towns[i - 1]}文化站{i}",
                             "设施类型": "综合文化站", "乡镇（街道）": towns[i - 1]}}
             for i, g in enumerate(geoms, start=1)]
    files["line_geometry.geojson"] = json.dumps(
        {"type": "FeatureCollection", "features": feats}, ensure_ascii=False).encode("utf-8")
    entry = partial(
        "culture", "GeoJSON features that are a LineString and a MultiLineString where points "
        "are expected, and a Polygon.", 4, 2,
        [reject(2, "geometry", "LineString, not a point"),
         reject(3, "geometry", "MultiLineString, not a point")],
        "the polygon stands at its representative point; location_method ends in ':polygon'")
    entry["points"] = [{"id": "BADG-4", "lon": round(lon, 6), "lat": round(lat, 6),
                        "method": "register:wgs84:polygon"},
                       {"id": "BADG-1", "lon": p0[0], "lat": p0[1], "method": "register:wgs84"}]
    exp["line_geometry.geojson"] = entry

    rows = good_schools(5)
    rows[1][1] = "\u200b\u200d\u2060"                # zero-width space, joiner, word joiner
    rows[2][1] = "\u202e\u2066\ufeff\u00ad\u3000"      # bidi controls, BOM, soft hyphen, U+3000
    rows[3][1] = "\u202e示例\u200b回文小学\u2069"       # visible text: kept without them
    rows[0][3] = "任市\u200b镇"                       # a township with a zero-width space
    files["invisible_names.csv"] = csv_text(SCHOOL_HEADER, rows).encode("utf-8")
    entry = partial(
        "schools", "Names made only of invisible characters (zero-width, bidi controls, BOM, "
        "soft hyphen); a name and a township with invisible characters among visible ones.", 5, 3,
        [reject(3, "学校名称", "holds only invisible characters (U+200B U+200D U+2060)"),
         reject(4, "学校名称", "holds only invisible characters (U+202E U+2066 U+FEFF U+00AD)")],
        "invisible characters are removed from stored names")
    entry["names"] = {rows[3][0]: "示例回文小学", rows[0][0]: rows[0][1]}
    exp["invisible_names.csv"] = entry

    files["map_missing_column.csv"] = csv_text(SCHOOL_HEADER, good_schools(2)).encode("utf-8")
    exp["map_missing_column.csv"] = with_map(refused(
        "schools", "`--map` names a column the file does not have.",
        ["map_missing_column.csv", "学校全称", "not in", "学校名称, 学校类型", "不在"]),
        {"学校全称": "name"})

    files["map_unknown_field.csv"] = csv_text(SCHOOL_HEADER, good_schools(2)).encode("utf-8")
    exp["map_unknown_field.csv"] = with_map(refused(
        "schools", "`--map` to a field that a school register does not have.",
        ["pupils", "accepted fields", "students", "可用字段"]), {"在校生数": "pupils"})


if __name__ == "__main__":
    for name in main():
        print(name)
