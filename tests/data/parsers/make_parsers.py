"""Write the small parser fixtures next to this script (re-runnable, deterministic).

``python tests/data/parsers/make_parsers.py``. The same table is written as UTF-8,
UTF-8 with BOM and GBK CSV, as an Excel workbook with a title row, a two-row merged
header, a formula cell and a notes sheet, and as GeoJSON points.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
TITLE = "开江县中小学校基本情况统计表（2024年）"
HEADER = ["学校名称", "学校类型", "乡镇", "在校生数", "经度", "纬度"]
ROWS = [
    ["开江县任市镇中心小学", "中心校", "任市镇", "1,200", "107.7812", "30.9020"],
    ["开江县广福镇初级中学", "初中", "广福镇", "860人", "107.8389", "30.8631"],
    ["开江县讲治镇中心小学", "小学", "讲治镇", "—", "107.9461", "31.0333"],
]


def csv_text() -> str:
    # title line, header line, a blank line between data rows: data on lines 3, 5, 6
    lines = [TITLE, ",".join(HEADER), ",".join(ROWS[0]).replace("1,200", '"1,200"'), "",
             ",".join(ROWS[1]), ",".join(ROWS[2])]
    return "\n".join(lines) + "\n"


def main() -> None:
    text = csv_text()
    (HERE / "utf8.csv").write_bytes(text.encode("utf-8"))
    (HERE / "utf8_bom.csv").write_bytes(text.encode("utf-8-sig"))
    (HERE / "gbk.csv").write_bytes(text.encode("gbk"))

    wb = Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append([TITLE])
    ws.merge_cells("A1:G1")
    ws.append(["学校名称", "学校类型", "乡镇", "学生", None, "经度", "纬度"])
    ws.append([None, None, None, "在校生数", "寄宿生", None, None])
    for rng in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:G3"):
        ws.merge_cells(rng)
    ws.append(["开江县任市镇中心小学", "中心校", "任市镇", 1200, 300, 107.7812, 30.902])
    ws.append(["开江县广福镇初级中学", "初中", "广福镇", "860人", 0.25, 107.8389, 30.8631])
    ws["E5"].number_format = "0%"
    ws.append(["开江县讲治镇中心小学", "小学", "讲治镇", "=D4+D5", None, 107.9461, 31.0333])
    notes = wb.create_sheet("说明")
    notes.append(["本表由县教育局填报。"])
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 6, 11, 9, 0, 0)
    wb.save(HERE / "schools_merged.xlsx")

    feats = [{"type": "Feature", "properties": {"名称": r[0], "设施类型": "文化站", "座位数": 100 + i},
              "geometry": {"type": "Point", "coordinates": [float(r[4]), float(r[5])]}}
             for i, r in enumerate(ROWS)]
    feats.append({"type": "Feature", "properties": {"名称": "无坐标", "设施类型": "文化站"},
                  "geometry": None})
    (HERE / "points.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, indent=1),
        encoding="utf-8")


if __name__ == "__main__":
    main()
