"""Generate the synthetic part of the default dataset as ordinary bureau registers.

The county publishes no village points, no population by village and no facility
registers with points and capacities. ``python -m etl demo`` invents them by one seeded,
deterministic procedure that keeps every real total we have (census 2020 age groups
and urban/rural split, two township populations, the secondary facility counts and
the 2,328 open hospital beds) and writes them as registers that a user could have
supplied: CSV/XLSX files with Chinese headers in ``data/registers/``. Every row says
``数据性质 = 示例数据（合成）``. The procedure is documented in ``docs/demo-data.md``.

The work is in two parts: ``etl.demo_population`` (unit points, residents by age
band, the numeric helpers) and ``etl.demo_facilities`` (the facility registers). This
module writes the files and re-exports the public names of both.

Same seed, same bytes: every random step draws from its own generator
``numpy.random.default_rng([seed, step])``, everything is sorted, floats are written
with fixed decimals, and XLSX files get fixed document times and zip entry times.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from etl import paths
from etl.demo_facilities import (
    BOARDER_SHARE,
    BOARDING_GAP_TOWNS,
    FACILITY_YEAR,
    HEADERS,
    N_CLINICS,
    OPEN_BEDS,
    SCHOOLS_TITLE,
    clinics,
    culture,
    elderly_care,
    hospitals,
    kindergartens,
    schools,
)
from etl.demo_population import (
    BAND_HEADERS,
    COUNTY_TOWN,
    POP_HEADERS,
    POP_YEAR,
    SYNTHETIC,
    TOTAL_POP,
    TOWNSHIP_POP,
    URBAN_POP,
    LocalFrame,
    World,
    build_world,
    census_band_totals,
    integerise_matrix,
    ipf,
    largest_remainder,
    parse_age_group,
    population_register,
    split_cells,
    step_rng,
)

__all__ = [
    "BAND_HEADERS", "BOARDER_SHARE", "BOARDING_GAP_TOWNS", "COUNTY_TOWN", "FACILITY_YEAR",
    "HEADERS", "N_CLINICS", "OPEN_BEDS", "POP_HEADERS", "POP_YEAR", "SCHOOLS_TITLE", "SYNTHETIC",
    "TOTAL_POP", "TOWNSHIP_POP", "URBAN_POP", "LocalFrame", "World", "build_world",
    "census_band_totals", "clinics", "culture", "elderly_care", "generate", "hospitals",
    "integerise_matrix", "ipf", "kindergartens", "largest_remainder", "parse_age_group",
    "population_register", "schools", "split_cells", "write_csv", "write_xlsx",
]

FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def _cell(v: object, col: str) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if col in ("经度", "纬度"):
        return f"{float(v):.6f}"
    if isinstance(v, np.integer | int) and not isinstance(v, bool):
        return str(int(v))
    return v


def write_csv(df: pd.DataFrame, path: Path, encoding: str) -> None:
    """CSV with CRLF line ends (as Excel exports), coordinates with 6 decimals."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(df.columns)
    for row in df.itertuples(index=False):
        w.writerow([_cell(v, c) for v, c in zip(row, df.columns, strict=True)])
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(df: pd.DataFrame, path: Path, sheet: str, title: str | None = None) -> None:
    """One-sheet workbook (optional title row above the header), byte-reproducible:
    fixed document times and fixed zip entry times."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(df.columns))
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        vals = []
        for v, c in zip(row, df.columns, strict=True):
            if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
                vals.append(None)
            elif c in ("经度", "纬度"):
                vals.append(round(float(v), 6))
            elif isinstance(v, np.integer):
                vals.append(int(v))
            else:
                vals.append(v)
        ws.append(vals)
    for col in ("经度", "纬度"):
        j = list(df.columns).index(col) + 1
        for r in range(2 + bool(title), ws.max_row + 1):
            ws.cell(r, j).number_format = "0.000000"
    wb.properties.creator = "etl.demo"
    wb.properties.description = f"{SYNTHETIC}：由 etl.demo 按固定随机种子生成，不是官方统计。"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def generate(out_dir: Path = paths.REGISTERS, seed: int = 2022,
             ref: Path = paths.REFERENCE) -> list[Path]:
    """Write the synthetic registers and ``manifest.csv`` into ``out_dir``.

    Returns the paths written, manifest last. Same seed and reference data give
    byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(seed, ref)
    named = pd.read_csv(ref / "kaijiang_facilities_named.csv")
    sch = schools(world, step_rng(seed, 10))
    files = [
        ("population_2020.csv", "population", population_register(world), "utf-8-sig", None),
        ("schools_2024.xlsx", "schools", sch, "学校", SCHOOLS_TITLE),
        ("kindergartens_2024.csv", "kindergartens",
         kindergartens(world, sch, step_rng(seed, 11)), "utf-8-sig", None),
        ("hospitals_2024.xlsx", "hospitals", hospitals(world, named, step_rng(seed, 12)),
         "医疗机构", None),
        ("clinics_2024.csv", "clinics", clinics(world, step_rng(seed, 13)), "gb18030", None),
        ("elderly_care_2024.xlsx", "elderly_care", elderly_care(world, step_rng(seed, 14)),
         "养老托育", None),
        ("culture_2024.csv", "culture", culture(world, step_rng(seed, 15)), "utf-8", None),
    ]
    written = []
    for name, _kind, df, enc_or_sheet, title in files:
        path = out_dir / name
        if name.endswith(".csv"):
            write_csv(df, path, enc_or_sheet)
        else:
            write_xlsx(df, path, enc_or_sheet, title)
        written.append(path)
    manifest = pd.DataFrame({"file": [f[0] for f in files], "kind": [f[1] for f in files],
                             "crs": "wgs84"})
    mpath = out_dir / "manifest.csv"
    mpath.write_bytes(manifest.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return [*written, mpath]
