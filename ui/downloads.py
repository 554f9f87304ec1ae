"""Downloads: CSV that Excel opens in Chinese, XLSX that cannot run a formula.

>>> to_csv_bytes(pd.DataFrame({"名称": ["淙城街道"]}))[:3] == b"\\xef\\xbb\\xbf"
True
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

__all__ = ["ABOUT_SHEET", "FORMULA_PREFIXES", "guard_formula", "model_file_name", "safe_sheet_name",
           "to_csv_bytes", "to_xlsx_bytes", "travel_about"]

#: The name of the XLSX sheet that says what the table rests on (the travel model, …).
ABOUT_SHEET = "说明 about"

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


def model_file_name(name: str, model_key: str, ext: str) -> str:
    """A download's file name that names the travel model its times used (a CSV carries no
    other place to say it): ``<name>_roads.<ext>`` along roads, ``<name>_straight.<ext>``
    for the straight-line estimate.

    >>> model_file_name("schools", "network", "csv"), model_file_name("schools", "straight_line", "xlsx")
    ('schools_roads.csv', 'schools_straight.xlsx')
    """
    return f"{name}_{'roads' if model_key == 'network' else 'straight'}.{ext}"


def travel_about(model: Any) -> dict[str, str]:
    """The :data:`ABOUT_SHEET` row naming a travel model (:mod:`metrics.travel`; anything
    with ``zh``/``en`` labels), in both languages: a file outlives the screen's language.

    >>> from metrics.travel import STRAIGHT
    >>> travel_about(STRAIGHT)
    {'出行时间 Travel times': '直线估算 straight-line estimate'}
    """
    return {"出行时间 Travel times": f"{model.zh} {model.en}"}


def _write_rows(ws: Any, rows: list[list[Any]]) -> None:
    """Rows into a sheet, text always as text (quote-prefixed when it looks like a formula)."""
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
                if v.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data", *, index: bool = False,
                  about: Mapping[str, str] | None = None) -> bytes:
    """One sheet with a bold, frozen header; text is always stored as text. With ``about``
    (e.g. ``{"出行时间 Travel times": "路网 road network"}``) a second sheet,
    :data:`ABOUT_SHEET`, lists what the table rests on, one item a row.

    A string such as ``=cmd|' /C calc'!A0`` is written as a text cell with Excel's
    quote-prefix flag (shown as typed, never evaluated, also after editing), so the
    value reads back unchanged with ``pd.read_excel``.

    >>> from openpyxl import load_workbook
    >>> wb = load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]}), "t",
    ...                                             about={"出行时间": "路网"})))
    >>> wb.sheetnames, [c.value for c in wb[ABOUT_SHEET][2]]
    (['t', '说明 about'], ['出行时间', '路网'])
    """
    data = df.reset_index() if index else df
    wb = Workbook()
    ws = wb.active
    ws.title = safe_sheet_name(sheet_name)
    rows = [[str(c) for c in data.columns]]
    rows += [[_cell_value(v) for v in rec] for rec in data.itertuples(index=False, name=None)]
    _write_rows(ws, rows)
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, col in enumerate(data.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in data[col].head(200)]) + 2
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(max(width, 8), 50)
    if about:
        info = wb.create_sheet(ABOUT_SHEET)
        _write_rows(info, [["项目 item", "内容 value"], *[[str(k), str(v)] for k, v in about.items()]])
        for c in info[1]:
            c.font = Font(bold=True)
        info.column_dimensions["A"].width = 24
        info.column_dimensions["B"].width = 50
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
