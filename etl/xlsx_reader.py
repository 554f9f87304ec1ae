"""Read an Excel register (.xlsx/.xlsm) as cached values.

Formulas are never evaluated and macros are never loaded; the zip is checked before
openpyxl opens it and a sheet's width before its rows are read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa

from etl.header_rows import find_header, header_error
from etl.raw_sheet import RawSheet, cell_text, finish_sheet
from etl.read_errors import RegisterReadError, scrub
from etl.read_limits import check_zip, limit, too_wide

_XLSX_READ_ONLY_BYTES = 20_000_000


def read_xlsx(path: Path, kind: str, only: str | None,
              overrides: dict[str, str] | None = None, name: str | None = None
              ) -> list[RawSheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = name or path.name
    check_zip(path, name)
    read_only = path.stat().st_size > _XLSX_READ_ONLY_BYTES
    try:
        # cached values only (no formula is evaluated); keep_vba=False: macros are never loaded
        wb = load_workbook(path, data_only=True, read_only=read_only, keep_vba=False,
                           keep_links=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        detail = scrub(exc, path, name)
        raise RegisterReadError(f"“{name}”不是有效的 Excel 文件（{detail}）",
                                f'"{name}" is not a valid Excel file ({detail})') from exc
    try:
        names = wb.sheetnames
        if only is not None and only not in names:
            raise RegisterReadError(f"“{name}”中没有工作表“{only}”；现有：{'、'.join(names)}",
                                    f'no sheet "{only}" in "{name}"; sheets: {", ".join(names)}')
        out, skipped = [], []
        for ws in wb.worksheets:
            if only is not None and ws.title != only:
                continue
            sheet = _read_worksheet(ws, name, kind, read_only, overrides)
            if sheet is None:
                skipped.append(f"已跳过工作表“{ws.title}”：未找到表头 / "
                               f'skipped sheet "{ws.title}": no header found')
            else:
                out.append(sheet)
    finally:
        wb.close()
    if not out:
        where = f"（工作表：{'、'.join(names) if only is None else only}）"
        raise header_error(name, kind, where, overrides=overrides)
    out[0].skipped[:0] = skipped
    return out


def _read_worksheet(ws, file_name: str, kind: str, read_only: bool,
                    overrides: dict[str, str] | None = None) -> RawSheet | None:
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    cap = limit("max_columns")
    where = f"（工作表“{ws.title}”）"
    if read_only:
        ws.reset_dimensions()
        for r, row in enumerate(ws.iter_rows(), start=1):
            if len(row) > cap:
                raise too_wide(file_name, where, len(row))
            rows.append([cell_text(c.value, getattr(c, "number_format", None)) for c in row])
            numbers.append(r)
        merged_above: set[int] = set()
    else:
        # the width is known from the cells read, before iter_rows pads every row to it
        if ws.max_column > cap:
            raise too_wide(file_name, where, ws.max_column)
        for row in ws.iter_rows():
            rows.append([cell_text(c.value, c.number_format) for c in row])
            numbers.append(row[0].row if row else len(numbers) + 1)
        merged_above = set()
        for rng in ws.merged_cells.ranges:
            anchor = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if r - 1 < len(rows):
                        row = rows[r - 1]
                        row += [None] * (c - len(row))
                        row[c - 1] = anchor
                        if rng.max_col > rng.min_col:
                            merged_above.add((r - 1) * 100000 + (c - 1))
    if not rows:
        return None
    header = find_header(rows, kind, merged_above, overrides)
    if header is None:
        return None
    body = rows[header.index + 1:]
    width = max([len(header.columns), *(len(r) for r in body)]) if body else len(header.columns)
    cols = [pa.array([r[j] if j < len(r) else None for r in body], pa.large_string())
            for j in range(width)]
    table = pa.table({f"c{j}": c for j, c in enumerate(cols)}) if cols else pa.table({})
    names = header.columns + [""] * (width - len(header.columns))
    row_numbers = np.asarray(numbers[header.index + 1:], dtype=np.int64)
    return finish_sheet(file_name, ws.title, names, table, row_numbers, None,
                        numbers[header.index], header.titles)
