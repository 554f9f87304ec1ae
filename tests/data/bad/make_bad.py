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

import datetime as dt
import functools
import io
import json
import sys
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


def partial(kind: str, what: str, rows_read: int, rows_loaded: int, rejects: list[dict],
            notes: str = "") -> dict:
    out = {"kind": kind, "outcome": "partial" if rejects else "loaded", "what": what,
           "rows_read": rows_read, "rows_loaded": rows_loaded, "rejects": rejects}
    if notes:
        out["notes"] = notes
    return out


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


if __name__ == "__main__":
    for name in main():
        print(name)
