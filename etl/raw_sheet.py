"""A sheet read as text (:class:`RawSheet`), and the finishing every reader applies to it.

Values are stripped, blanks made null, blank rows and columns dropped, totals and
footnote rows dropped with a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.header_rows import unique_columns
from etl.values import string_bytes

#: Cell texts that mark a totals row (dropped, with a note).
TOTAL_TOKENS: tuple[str, ...] = ("合计", "总计", "小计", "全县合计", "全县", "总数", "total", "sum")
#: A row whose only cell starts with one of these is a footnote (dropped, with a note).
NOTE_PREFIXES: tuple[str, ...] = ("注", "备注", "说明", "填表", "制表", "审核", "负责人", "数据来源",
                                  "来源：", "单位负责人")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass
class RawSheet:
    """One sheet of a register, all values as text.

    ``row_numbers`` are 1-based source rows: the physical CSV line (title and
    header lines counted), the Excel row number, or the 1-based feature number
    for GeoJSON (``header_row`` 0). ``row_info`` holds per-row facts that are not
    columns (a GeoJSON feature's geometry type), aligned with ``frame``.
    """

    file_name: str
    sheet: str | None
    columns: list[str]
    frame: pd.DataFrame
    row_numbers: np.ndarray
    encoding: str | None
    header_row: int
    skipped: list[str]
    titles: list[str] = field(default_factory=list)
    #: Per-row arrays aligned with ``frame`` that are not register columns (GeoJSON:
    #: ``geometry``, ``geometry_error``, ``extent_m``; see :func:`etl.geojson_reader.read_geojson`).
    row_info: dict[str, np.ndarray] = field(default_factory=dict)


_TOTALS = pa.array([*TOTAL_TOKENS, *(t.upper() for t in TOTAL_TOKENS),
                    *(t.title() for t in TOTAL_TOKENS), "合 计", "总 计", "小 计"], pa.large_string())


#: ASCII whitespace as trimmed by ``pc.ascii_trim_whitespace`` (by byte value).
_ASCII_WS = np.zeros(256, dtype=bool)
_ASCII_WS[[9, 10, 11, 12, 13, 32]] = True


def _edges(chunk: pa.Array) -> tuple[bool, bool]:
    """Whether any value of a string chunk has surrounding ASCII whitespace, or is empty.

    Read from the offsets and the first and last byte of each value: no string is copied.
    A chunk whose value bytes hold no byte up to 0x20 (no whitespace or control character
    at all, as in most columns) is answered by one vectorised comparison instead.
    """
    if not pa.types.is_large_string(chunk.type) and not pa.types.is_string(chunk.type):
        return True, True
    offsets, data = string_bytes(chunk)
    lengths = np.diff(offsets)
    nonempty = lengths > 0
    empty = bool((~nonempty).any())
    if empty and chunk.null_count:
        empty = bool((~nonempty & pc.is_valid(chunk).to_numpy(zero_copy_only=False)).any())
    if not data.size or not nonempty.any():
        return False, empty
    if not (data <= 32).any():
        return False, empty
    first = data[offsets[:-1][nonempty]]
    last = data[offsets[1:][nonempty] - 1]
    return bool(_ASCII_WS[first].any() or _ASCII_WS[last].any()), empty


def _strip_blank(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Trim surrounding ASCII whitespace and make empty strings null.

    Full-width spaces (U+3000) are left to the value parsers, which apply NFKC.
    Columns that need neither are returned as they are.
    """
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    edges = [_edges(c) for c in chunks]
    if any(e[0] for e in edges):
        col = pc.ascii_trim_whitespace(col)
        empty = pc.equal(col, "")
        if not pc.any(empty).as_py():
            return col
    elif any(e[1] for e in edges):
        empty = pc.equal(col, "")
    else:
        return col
    return pc.if_else(empty, pa.scalar(None, col.type), col)


def finish_sheet(file_name: str, sheet: str | None, names: list[str], table: pa.Table,
                 row_numbers: np.ndarray, encoding: str | None, header_row: int,
                 titles: list[str], row_info: dict[str, np.ndarray] | None = None) -> RawSheet:
    """Strip, blank -> NA, drop blank rows/columns and totals/footnote rows; build the frame.

    ``row_info`` arrays are filtered with the rows; a row with a ``geometry`` in it is
    never blank (a feature without properties is still a row to accept or reject).
    """
    row_info = row_info or {}
    skipped: list[str] = []
    arrays = [_strip_blank(col) for col in table.columns]
    keep_cols = [j for j, a in enumerate(arrays) if names[j] or a.null_count < len(a)]
    names = [names[j] for j in keep_cols]
    arrays = [arrays[j] for j in keep_cols]
    n = table.num_rows
    if arrays:
        filled = np.zeros(n, dtype=np.int32)
        for a in arrays:
            filled += pc.is_valid(a).to_numpy(zero_copy_only=False)
        keep = filled > 0
        if "geometry" in row_info:
            keep |= np.array([g is not None for g in row_info["geometry"]], dtype=bool)
        totals = np.zeros(n, dtype=bool)
        for a in arrays[:3]:
            totals |= pc.fill_null(pc.is_in(a, value_set=_TOTALS), False).to_numpy(
                zero_copy_only=False)
        notes = np.zeros(n, dtype=bool)
        single = np.flatnonzero(filled == 1)
        if len(single):
            for a in arrays:
                sub = a.take(pa.array(single))
                hit = pc.fill_null(pc.starts_with(sub, NOTE_PREFIXES[0]), False)
                for p in NOTE_PREFIXES[1:]:
                    hit = pc.or_(hit, pc.fill_null(pc.starts_with(sub, p), False))
                notes[single[hit.to_numpy(zero_copy_only=False)]] = True
        for mask, what_zh, what_en in ((totals & keep, "合计行", "totals row"),
                                       (notes & keep, "表尾说明行", "footnote row")):
            if mask.any():
                rows = ", ".join(map(str, row_numbers[mask][:10]))
                skipped.append(f"已跳过{what_zh} / skipped {what_en}(s): row {rows}")
        keep &= ~totals & ~notes
    else:
        keep = np.zeros(n, dtype=bool)
    columns = unique_columns(names)
    idx = None if keep.all() else pa.array(np.flatnonzero(keep))
    data = {}
    for c, a in zip(columns, arrays, strict=True):
        a = a if idx is None else a.take(idx)
        data[c] = pd.Series(a.to_pandas(types_mapper={pa.string(): _STR,
                                                      pa.large_string(): _STR}.get))
    frame = pd.DataFrame(data, columns=columns)
    frame.index = pd.RangeIndex(len(frame))
    rn = row_numbers if idx is None else row_numbers[keep]
    info = {k: (v if idx is None else v[keep]) for k, v in row_info.items()}
    return RawSheet(file_name, sheet, columns, frame, rn.astype(np.int64), encoding,
                    header_row, skipped, titles, info)


def cell_text(value: object, number_format: str | None = None) -> str | None:
    """A cell value as the text a person sees (no evaluation, no rounding of decimals)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        v = float(value)
        if number_format and "%" in number_format:
            pct = round(v * 100, 10)
            return (str(int(pct)) if pct.is_integer() else repr(pct)) + "%"
        if isinstance(value, int) or (v.is_integer() and abs(v) < 1e15):
            return str(int(v))
        return repr(v)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None
