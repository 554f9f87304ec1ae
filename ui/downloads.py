"""Downloads: CSV that Excel opens in Chinese, XLSX that cannot run a formula.

>>> to_csv_bytes(pd.DataFrame({"名称": ["淙城街道"]}))[:3] == b"\\xef\\xbb\\xbf"
True
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

__all__ = ["FORMULA_PREFIXES", "guard_formula", "safe_sheet_name", "to_csv_bytes", "to_xlsx_bytes"]

#: A cell starting with one of these may be run as a formula by a spreadsheet (OWASP CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def guard_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Numbers are left alone (``-3`` stays a number); only strings are changed.

    >>> guard_formula("=HYPERLINK(\\"x\\")"), guard_formula("-"), guard_formula(-3), guard_formula("开江")
    ('\\'=HYPERLINK("x")', "'-", -3, '开江')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_datetime64_any_dtype(df[c])]


def to_csv_bytes(df: pd.DataFrame, *, index: bool = False, guard: bool = True) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Chinese correctly).

    With ``guard`` text cells that start like a formula get a leading apostrophe,
    since a CSV has no cell types to keep Excel from running them.
    """
    out = df.copy()
    if guard:
        for c in _text_columns(out):
            out[c] = out[c].map(guard_formula)
        out.columns = [guard_formula(str(c)) for c in out.columns]
    return out.to_csv(index=index).encode("utf-8-sig")


def safe_sheet_name(name: str) -> str:
    """An Excel-valid sheet name: no ``[]:*?/\\``, at most 31 characters, not empty.

    >>> safe_sheet_name("卫生/健康:2024"), safe_sheet_name("")
    ('卫生_健康_2024', 'data')
    """
    clean = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:31]
    return clean or "data"


def _cell_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        return v.item()  # numpy scalar -> Python
    if isinstance(v, (list, dict, tuple, set)):
        return str(v)
    return v


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data", *, index: bool = False) -> bytes:
    """One sheet with a bold, frozen header; text is always stored as text.

    A string such as ``=cmd|' /C calc'!A0`` is written as a text cell with Excel's
    quote-prefix flag (shown as typed, never evaluated, also after editing), so the
    value reads back unchanged with ``pd.read_excel``.
    """
    data = df.reset_index() if index else df
    wb = Workbook()
    ws = wb.active
    ws.title = safe_sheet_name(sheet_name)
    rows = [[str(c) for c in data.columns]]
    rows += [[_cell_value(v) for v in rec] for rec in data.itertuples(index=False, name=None)]
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
                if v.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, col in enumerate(data.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in data[col].head(200)]) + 2
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(max(width, 8), 50)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
