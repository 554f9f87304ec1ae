"""Write realistic messy registers (one per kind) and EXPECTED.json next to this script.

Seeded and re-runnable: ``python tests/data/messy/make_messy.py``. Names of townships
and villages are real (``data/reference``); facilities, numbers and positions are
synthetic examples (points are township reference points plus a seeded offset of
at most about 1.5 km). Each file has one or two deliberately broken rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from etl.coords import wgs84_to_bd09, wgs84_to_gcj02  # noqa: E402

REF = ROOT / "data" / "reference"
RNG = np.random.default_rng(20240611)
FIXED_TIME = dt.datetime(2024, 6, 11, 9, 0, 0)


def _townships() -> pd.DataFrame:
    t = pd.read_csv(REF / "kaijiang_townships_2023.csv", dtype=str)
    t["lon"] = t["point_lon_wgs84_converted"].astype(float)
    t["lat"] = t["point_lat_wgs84_converted"].astype(float)
    return t.set_index("township_name")


TOWNS = _townships()
VILLAGES = pd.read_csv(REF / "kaijiang_villages_2023.csv", dtype=str)


def point(town: str) -> tuple[float, float]:
    """Synthetic WGS-84 point near a township's reference point (<= ~1.5 km)."""
    r = TOWNS.loc[town]
    dx, dy = RNG.uniform(-0.012, 0.012, 2)
    return round(float(r["lon"] + dx), 6), round(float(r["lat"] + dy), 6)


def village(town: str, i: int = 0, short: bool = True) -> tuple[str, str]:
    """A real village (short name as registers write it, e.g. 沙坝) and its 12-digit code."""
    v = VILLAGES[VILLAGES["township_name"] == town].iloc[i]
    return v["village_short_name" if short else "village_name"], v["village_code_12"]


def code(town: str) -> str:
    return str(TOWNS.loc[town, "township_code_9"])


def _save(wb: Workbook, name: str) -> None:
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.save(HERE / name)


def good(row: int, town: str, lon: float, lat: float) -> dict:
    return {"row": row, "township_code": code(town), "lon": lon, "lat": lat, "tol_deg": 1e-5}


def schools(expected: dict) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "中小学校"
    ws.append(["开江县中小学校基本情况统计表（2024年）"])
    ws.merge_cells("A1:J1")
    ws.append(["序号", "学校名称", "学校类型", "乡镇（街道）", "村（社区）", "在校生数（人）",
               "专任教师数", "经度", "纬度", "数据性质"])
    rows = [
        ("开江县任市镇中心小学", "中心校", "任市镇", 1), ("开江县广福镇初级中学", "初级中学", "广福镇", 0),
        ("开江县永兴镇九年制学校", "九年一贯制学校", "永兴镇", 2), ("开江县甘棠镇中心小学", "小学", "甘棠镇", 0),
        ("开江县讲治镇中心小学", "中心校(小学)", "讲治镇", 1), ("开江县八庙镇村小", "村小/教学点", "八庙镇", 3),
        ("开江县长岭镇中心小学", "中心校", "长岭镇", 0), ("开江县灵岩镇初中", "初中", "灵岩镇", 1),
    ]
    goods = []
    for i, (name, typ, town, v) in enumerate(rows, start=1):
        lon, lat = point(town)
        students = f"{int(RNG.integers(80, 1600))}"
        ws.append([i, name, typ, town, village(town, v)[0], students,
                   int(RNG.integers(8, 90)), lon, lat, "示例数据（合成）"])
        if i in (1, 4):
            goods.append(good(ws.max_row, town, lon, lat))
    ws.append([9, "开江县宝塔镇中心小学", "中心校", "宝塔镇", "", "320", 20, 107.87, 31.08,
               "示例数据（合成）"])
    bad_town = ws.max_row
    ws.append([10, "开江县新宁镇中心小学", "中心校", "新宁镇", "沙坝", "abc", 30,
               *point("新宁镇"), "示例数据（合成）"])
    bad_num = ws.max_row
    ws.append(["合计", None, None, None, None, "=SUM(F3:F12)", None, None, None, None])
    notes = wb.create_sheet("填表说明")
    notes.append(["填表说明：坐标为 WGS-84（GPS）；学校类型按教育统计口径填写。"])
    _save(wb, "schools.xlsx")
    expected["schools.xlsx"] = {
        "kind": "schools", "crs": "wgs84", "sheet": "中小学校", "header_row": 2,
        "rows_read": 10, "rows_loaded": 8,
        "errors": [{"row": bad_town, "column": "乡镇（街道）", "code": "unknown_township"},
                   {"row": bad_num, "column": "在校生数（人）", "code": "not_a_number"}],
        "good": goods,
        "notes": ["合计 row (formula, never computed) is dropped by the reader",
                  "sheet 填表说明 has no header and is skipped"],
    }


def clinics(expected: dict) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["卫生室名称", "所属乡镇", "所在村", "乡村医生数", "经度（高德）", "纬度（高德）"])
    goods = []
    towns = ["回龙镇", "普安镇", "梅家乡", "八庙镇", "任市镇", "讲治镇"]
    for i, town in enumerate(towns):
        vname, _ = village(town, i % 3)
        lon, lat = point(town)
        glon, glat = wgs84_to_gcj02(lon, lat)
        w.writerow([f"{vname}卫生室", town, vname, f"{int(RNG.integers(1, 4))}人",
                    f"{float(glon):.6f}", f"{float(glat):.6f}"])
        if i in (0, 3):
            goods.append(good(i + 2, town, lon, lat) | {"tol_deg": 2e-6})
    w.writerow(["白云村卫生室", "新宁镇", "白云", "2", "107.86.5", "31.10"])
    w.writerow(["锦江村卫生室", "新宁镇", "白马", "1", "104.081", "30.655"])  # Chengdu
    (HERE / "clinics_gbk.csv").write_bytes(out.getvalue().encode("gbk"))
    n = len(towns)
    expected["clinics_gbk.csv"] = {
        "kind": "clinics", "crs": "gcj02", "encoding": "gb18030", "header_row": 1,
        "rows_read": n + 2, "rows_loaded": n,
        "errors": [{"row": n + 2, "column": "经度（高德）", "code": "bad_coordinate"},
                   {"row": n + 3, "column": "经度（高德）", "code": "outside_county"}],
        "good": goods,
        "notes": ["GBK with CRLF line ends; coordinates are GCJ-02 (Amap)"],
    }


def hospitals(expected: dict) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "医疗机构"
    ws.append(["开江县医疗卫生机构情况表"])
    ws.merge_cells("A1:H1")
    ws.append(["机构名称", "机构类别", "乡镇", "床位数", None, "人员", None, "经纬度"])
    ws.append([None, None, None, "编制床位", "开放床位", "执业（助理）医师数", "注册护士数", None])
    for rng in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "H2:H3"):
        ws.merge_cells(rng)
    ws["D2"].alignment = Alignment(horizontal="center")
    rows = [("开江县人民医院", "县级医院", "淙城街道", 600, "520张"),
            ("开江县中医院", "中医院", "淙城街道", 400, "380"),
            ("开江县任市镇中心卫生院", "中心卫生院", "任市镇", 80, "60"),
            ("开江县长岭镇卫生院", "乡镇卫生院", "长岭镇", 40, "—"),
            ("开江县淙城街道社区卫生服务中心", "社区卫生服务中心", "淙城街道", 20, "20")]
    goods = []
    for name, typ, town, b1, b2 in rows:
        lon, lat = point(town)
        ws.append([name, typ, town, b1, b2, int(RNG.integers(3, 200)), int(RNG.integers(3, 300)),
                   f"{lon},{lat}"])
        if typ in ("中心卫生院", "县级医院"):
            goods.append(good(ws.max_row, town, lon, lat))
    ws.append(["开江县某某专科医院", "火星医院", "普安镇", 10, "10", 2, 3, "107.83，31.09"])
    bad_type = ws.max_row
    _save(wb, "hospitals.xlsx")
    expected["hospitals.xlsx"] = {
        "kind": "hospitals", "crs": "wgs84", "sheet": "医疗机构", "header_row": 3,
        "rows_read": 6, "rows_loaded": 5,
        "columns": ["机构名称", "机构类别", "乡镇", "床位数/编制床位", "床位数/开放床位",
                    "人员/执业（助理）医师数", "人员/注册护士数", "经纬度"],
        "errors": [{"row": bad_type, "column": "机构类别", "code": "unknown_type"}],
        "good": goods,
        "notes": ["two-row header with merged cells; beds = 开放床位 (ranks before 编制床位)"],
    }


def _dms(value: float, pos: str, neg: str) -> str:
    hemi = pos if value >= 0 else neg
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 1)
    if s >= 60:
        m, s = m + 1, 0.0
    return f"{d}°{m:02d}′{s:04.1f}″{hemi}"


def _from_dms(text: str) -> float:
    d, rest = text.split("°")
    m, rest = rest.split("′")
    s = rest.split("″")[0]
    return int(d) + int(m) / 60 + float(s) / 3600


def kindergartens(expected: dict) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["开江县幼儿园情况统计（2024年秋季学期）", "", "", "", "", "", ""])
    w.writerow(["幼儿园名称", "乡镇（街道）", "在园幼儿数", "学位数", "专任教师", "经度", "纬度"])
    towns = ["淙城街道", "普安镇", "甘棠镇", "广福镇", "新宁镇"]
    counts = ["120人", "１２０", "1,200", " 86 ", "—"]
    goods = []
    for i, town in enumerate(towns):
        lon, lat = point(town)
        dlon, dlat = _dms(lon, "E", "W"), _dms(lat, "N", "S")
        w.writerow([f"开江县{town}中心幼儿园", town, counts[i], "1，260" if i == 0 else "180",
                    "—" if i == 1 else "12", dlon, dlat])
        if i in (0, 2):
            goods.append(good(i + 3, town, round(_from_dms(dlon), 6), round(_from_dms(dlat), 6)))
    w.writerow(["开江县某某幼儿园", "任市镇", "abc", "90", "8", "107°47′N", "30°54′N"])
    w.writerow(["合计", "", "2,000", "", "", "", ""])
    (HERE / "kindergartens_bom.csv").write_bytes(out.getvalue().encode("utf-8-sig"))
    n = len(towns)
    expected["kindergartens_bom.csv"] = {
        "kind": "kindergartens", "crs": "wgs84", "encoding": "utf-8-sig", "header_row": 2,
        "rows_read": n + 1, "rows_loaded": n,
        "errors": [{"row": n + 3, "column": "在园幼儿数", "code": "not_a_number"},
                   {"row": n + 3, "column": "经度", "code": "bad_coordinate"}],
        "good": goods,
        "notes": ["title row; DMS coordinates; 合计 row dropped by the reader"],
    }


def elderly_care(expected: dict) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["机构名称", "类型", "所属乡镇", "养老床位", "百度经度", "百度纬度"])
    rows = [("天师敬老院", "敬老院", "天师镇", "回龙镇"), ("靖安敬老院", "敬老院", "靖安乡", "任市镇"),
            ("任市日间照料中心", "日间照料中心", "任市", "任市镇"),
            ("普安医养结合中心", "医养结合中心", "普安镇", "普安镇"),
            ("讲治托育园", "托育机构", "讲治", "讲治镇")]
    goods = []
    for i, (name, typ, written, town) in enumerate(rows):
        lon, lat = point(town)
        blon, blat = wgs84_to_bd09(lon, lat)
        blon, blat = f"{float(blon):.6f}", f"{float(blat):.6f}"
        if i == 3:
            blon, blat = blat, blon  # swapped: fixed with a note
        w.writerow([name, typ, written, f"{int(RNG.integers(10, 120))}张", blon, blat])
        goods.append(good(i + 2, town, lon, lat) | {"tol_deg": 2e-6, "written_township": written})
    w.writerow(["青龙敬老院", "敬老院", "青龙镇", "30张", "", ""])
    (HERE / "elderly_care.csv").write_text(out.getvalue(), encoding="utf-8")
    n = len(rows)
    expected["elderly_care.csv"] = {
        "kind": "elderly_care", "crs": "bd09", "encoding": "utf-8", "header_row": 1,
        "rows_read": n + 1, "rows_loaded": n,
        "errors": [{"row": n + 2, "column": "所属乡镇", "code": "unknown_township"}],
        "notes_expected": [{"row": 5, "column": "百度经度", "code": "swapped_fixed"}],
        "good": [g for g in goods if g["row"] in (2, 3, 4)],
        "notes": ["old names 天师镇 -> 回龙镇, 靖安乡 -> 任市镇; short names 任市, 讲治; BD-09"],
    }


def culture(expected: dict) -> None:
    feats = []
    rows = [("开江县田园大舞台", "田园大舞台", "淙城街道", 800), ("回龙镇综合文化站", "文化站", "回龙镇", 120),
            ("梅家乡文化综合体", "乡镇文化综合体", "梅家乡", 200),
            ("金牛社区院坝文化驿家", "院坝文化驿家", "淙城街道", 30)]
    goods = []
    for i, (name, typ, town, seats) in enumerate(rows, start=1):
        lon, lat = point(town)
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                      "properties": {"名称": name, "设施类型": typ, "乡镇": town, "座位数": seats,
                                     "数据性质": "示例数据（合成）"}})
        if i in (1, 2):
            goods.append(good(i, town, lon, lat))
    feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.397, 39.909]},
                  "properties": {"名称": "某文化站", "设施类型": "文化站", "乡镇": "新宁镇",
                                 "座位数": "50", "数据性质": "示例数据（合成）"}})
    doc = {"type": "FeatureCollection", "features": feats}
    (HERE / "culture.geojson").write_text(json.dumps(doc, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    expected["culture.geojson"] = {
        "kind": "culture", "crs": "wgs84", "header_row": 0, "rows_read": 5, "rows_loaded": 4,
        "errors": [{"row": 5, "column": "lon", "code": "outside_county"}],
        "good": goods, "notes": ["row numbers of GeoJSON are 1-based feature numbers"],
    }


def population(expected: dict) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["开江县分村（社区）常住人口（示例数据，合成）"])
    w.writerow(["乡镇", "村（社区）", "村（社区）代码", "0-2岁", "3-5岁", "6-11岁", "12-14岁",
                "15-17岁", "18-59岁", "60-64岁", "65岁及以上", "合计", "年份", "数据性质"])
    picks = [("淙城街道", 0), ("淙城街道", 13), ("回龙镇", 2), ("任市镇", 5), ("梅家乡", 1)]
    goods = []
    for i, (town, k) in enumerate(picks):
        name, vcode = village(town, k, short=False)
        bands = RNG.integers(20, 900, 8)
        w.writerow([town, name, vcode, *bands, int(bands.sum()), 2023, "示例数据（合成）"])
        if i in (0, 3):
            goods.append({"row": i + 3, "township_code": code(town), "unit_code": vcode})
    w.writerow(["新宁镇", "不存在村", "", 10, 10, 10, 10, 10, 10, 10, 10, 80, 2023, "示例数据（合成）"])
    w.writerow(["回龙镇", *village("回龙镇", 3), "abc", 5, 5, 5, 5, 5, 5, 5, 35, 2023,
                "示例数据（合成）"])
    w.writerow(["合计", "", "", "", "", "", "", "", "", "", "", "", "", ""])
    (HERE / "population.csv").write_text(out.getvalue(), encoding="utf-8")
    n = len(picks)
    expected["population.csv"] = {
        "kind": "population", "crs": None, "encoding": "utf-8", "header_row": 2,
        "rows_read": n + 2, "rows_loaded": n,
        "errors": [{"row": n + 3, "column": "村（社区）", "code": "unknown_unit"},
                   {"row": n + 4, "column": "0-2岁", "code": "not_a_number"}],
        "good": goods, "notes": ["title row; 合计 row dropped by the reader"],
    }


def schools_xueduan(expected: dict) -> None:
    """A school register as a school office writes it: the type column is headed 学段, and
    one 学段 is left blank (told from the name)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(["2024年秋季学期中小学校名册"])
    ws.merge_cells("A1:F1")
    ws.append(["学校名称", "学段", "乡镇（街道）", "在校生数（人）", "经度", "纬度"])
    rows = [("开江县普安镇中心小学", "小学", "普安镇", "primary"),
            ("开江县普安镇初级中学", "初中", "普安镇", "junior"),
            ("开江县梅家乡小学", "小学", "梅家乡", "primary"),
            ("开江县讲治镇中学", "初中", "讲治镇", "junior"),
            ("开江县永兴镇九年一贯制学校", "九年一贯制", "永兴镇", "nine_year"),
            ("开江县回龙镇中心小学", None, "回龙镇", "primary")]
    goods = []
    for name, stage, town, typ in rows:
        lon, lat = point(town)
        ws.append([name, stage, town, int(RNG.integers(80, 1600)), lon, lat])
        goods.append(good(ws.max_row, town, lon, lat) | {"type": typ})
    ws.append(["开江县新宁镇中心幼儿园", "幼儿园", "新宁镇", 150, *point("新宁镇")])
    bad_kind = ws.max_row
    ws.append(["开江县某某学校", None, "任市镇", 60, *point("任市镇")])
    bad_name = ws.max_row
    _save(wb, "schools_xueduan.xlsx")
    expected["schools_xueduan.xlsx"] = {
        "kind": "schools", "crs": "wgs84", "sheet": "学校", "header_row": 2,
        "rows_read": len(rows) + 2, "rows_loaded": len(rows),
        "errors": [{"row": bad_kind, "column": "学段", "code": "type_not_allowed"},
                   {"row": bad_name, "column": "学段", "code": "type_not_told"}],
        "good": goods,
        "notes": ["type column headed 学段 (小学/初中/九年一贯制); a blank 学段 is told from the name",
                  "a kindergarten belongs to the kindergartens register"],
    }


def elderly_care_no_type(expected: dict) -> None:
    """An elderly-care register as a civil-affairs office writes it: no type column (told
    from the names), a bare 床位数（张） (care beds in this kind), Baidu BD-09 coordinates."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["机构名称", "所在乡镇", "床位数（张）", "经度", "纬度"])
    rows = [("开江县长岭镇中心敬老院", "长岭镇", "care_home"),
            ("开江县甘棠镇敬老院", "甘棠镇", "care_home"),
            ("开江县八庙镇敬老院", "八庙镇", "care_home"),
            ("任市镇桥亭社区日间照料中心", "任市镇", "day_care"),
            ("新宁镇双河村日间照料中心", "新宁镇", "day_care")]
    goods = []
    for i, (name, town, typ) in enumerate(rows):
        lon, lat = point(town)
        blon, blat = wgs84_to_bd09(lon, lat)
        beds = int(RNG.integers(10, 120))
        w.writerow([name, town, str(beds), f"{float(blon):.6f}", f"{float(blat):.6f}"])
        goods.append(good(i + 2, town, lon, lat)
                     | {"tol_deg": 2e-6, "type": typ, "care_beds": beds})
    lon, lat = point("普安镇")
    blon, blat = wgs84_to_bd09(lon, lat)
    w.writerow(["普安镇老年协会", "普安镇", "20", f"{float(blon):.6f}", f"{float(blat):.6f}"])
    (HERE / "elderly_care_no_type.csv").write_text(out.getvalue(), encoding="utf-8")
    n = len(rows)
    expected["elderly_care_no_type.csv"] = {
        "kind": "elderly_care", "crs": "bd09", "encoding": "utf-8", "header_row": 1,
        "rows_read": n + 1, "rows_loaded": n,
        "errors": [{"row": n + 2, "column": "机构名称", "code": "type_not_told"}],
        "good": goods,
        "notes": ["no type column: 敬老院 -> care_home, 日间照料中心 -> day_care from the names",
                  "床位数（张） is care_beds in an elderly-care register; BD-09 (Baidu)"],
    }


def main() -> None:
    expected: dict = {}
    # new registers go last: each draws from the one seeded generator, so the earlier files
    # stay as they were
    for make in (schools, clinics, hospitals, kindergartens, elderly_care, culture, population,
                 schools_xueduan, elderly_care_no_type):
        make(expected)
    (HERE / "EXPECTED.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
