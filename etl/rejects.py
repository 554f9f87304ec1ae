"""Why rows are rejected: the errors found in a sheet, and the ``rejects`` rows they become.

Every bad row goes to ``rejects`` with its source row number, the column at fault and a
reason in Chinese and English; the first error found in a row names its column.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from etl import registers, values
from etl.columns import text_column
from etl.raw_sheet import RawSheet

#: Reasons of the load's own checks, beside the value parsers' :data:`etl.values.REASONS`.
_EXTRA_REASONS: dict[str, tuple[str, str]] = {
    "missing_name": ("缺少名称（{column}）", "name is missing ({column})"),
    "total_row": ("合计/小计行，不是一条设施记录", "a total/subtotal row, not a facility"),
    "unknown_township": ("乡镇“{value}”不存在{hint}", 'unknown township "{value}"{hint}'),
    "unknown_unit": ("村（社区）“{value}”在该乡镇不存在{hint}", 'unknown village or community "{value}"{hint}'),
    "no_location": ("没有坐标，也没有可定位的村（社区）、乡镇或地址",
                    "no coordinates and no village, township or address to locate it"),
    "duplicate_id": ("编号“{value}”在文件中重复（保留第一次出现的行）",
                     'id "{value}" repeats in the file (the first row is kept)'),
    "duplicate_unit": ("村（社区）“{value}”在文件中重复", 'village or community "{value}" repeats in the file'),
    "total_mismatch": ("年龄段人数之和 {value} 与合计不符", "the age bands sum to {value}, not to the total"),
    "missing_unit": ("缺少村（社区）", "village or community is missing"),
    "field_too_long": ("“{column}”列的内容有 {value} 个字符，超过每格 {hint} 个字符的上限",
                       'the text in column "{column}" has {value} characters, over the limit '
                       "of {hint} per cell"),
    "invisible_name": ("“{column}”列的名称只含不可见字符（{value}），去掉后为空",
                       'the name in column "{column}" holds only invisible characters ({value}); '
                       "nothing is left once they are removed"),
    "type_not_told": ("没有类型，且无法从名称“{value}”判断设施类型（本类登记表的类型：{hint}）；"
                      "请填写类型列或用 --type 指定",
                      'no type given and the facility type cannot be told from the name "{value}" '
                      "(types of this kind of register: {hint}); fill in a type column or use --type"),
    "unit_township_conflict": (
        "村（社区）代码“{value}”属于{hint[0]}，不属于所填的乡镇“{hint[1]}”",
        'village/community code "{value}" belongs to {hint[0]}, not to the township written, '
        '"{hint[1]}"'),
    "not_a_point": ("要素的几何是 {value}，不是点：应为 Point（或面，取其代表点）",
                    "the feature's geometry is a {value}, not a point: a Point (or a polygon, "
                    "located at its representative point) is expected"),
    "bad_geometry": ("要素的几何（{value}）无法读取：坐标缺失或图形无效",
                     "the feature's geometry ({value}) cannot be read: missing coordinates or "
                     "an invalid shape"),
}
_EXTRA_REASONS.update(registers.REASONS)  # a register's scope and year
#: Longest cell value quoted in a reason, and kept per cell in ``rejects.raw``.
_MAX_QUOTED = 60
_MAX_RAW_CELL = 200


def reason(code: str, column: str, value: object,
           hint: str | tuple[str, ...] = "") -> tuple[str, str]:
    """Chinese and English reason for an error code; a ``hint`` tuple fills ``{hint[i]}``."""
    if code in _EXTRA_REASONS:
        zh, en = _EXTRA_REASONS[code]
        text = "" if value is None else str(value)
        if len(text) > _MAX_QUOTED:
            text = text[:_MAX_QUOTED - 3] + "…"
        return (zh.format(column=column, value=text, hint=hint),
                en.format(column=column, value=text, hint=hint))
    return values.reason_text(code, column, value)


def _raw_cell(value: object) -> object:
    """A rejected row's cell as kept in ``rejects.raw``: a text over :data:`_MAX_RAW_CELL`
    characters is cut, saying how long it was."""
    if isinstance(value, str) and len(value) > _MAX_RAW_CELL:
        return f"{value[:_MAX_RAW_CELL]}…（共 {len(value):,} 字符 / {len(value):,} characters）"
    return value


class Errors:
    """Collects (row position, column, code, value, hint) for a sheet; first error per row wins.

    Codes, values and hints are picked at the failing positions only: each may be a
    constant string, an array (arrow or numpy) over all rows, a function of the
    positions returning one item per position, or a list of one item per position.
    """

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, str, list, list, list]] = []

    def add(self, mask: np.ndarray | pd.Series, column: str, code: object,
            value: object = "", hint: object = "") -> None:
        pos = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(pos):
            self.add_at(pos, column, code, value, hint)

    def add_at(self, pos: np.ndarray, column: str, code: object, value: object = "",
               hint: object = "") -> None:
        self.parts.append((pos, column, _pick(code, pos), _pick(value, pos), _pick(hint, pos)))

    def positions(self) -> np.ndarray:
        if not self.parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([p[0] for p in self.parts])

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["pos", "column", "code", "value", "hint"])
        return pd.DataFrame({
            "pos": self.positions(),
            "column": [c for p in self.parts for c in [p[1]] * len(p[0])],
            "code": [x for p in self.parts for x in p[2]],
            "value": [x for p in self.parts for x in p[3]],
            "hint": [x for p in self.parts for x in p[4]],
        })


def _pick(x: object, pos: np.ndarray) -> list:
    """``x`` at the positions ``pos`` as a list (a string is the same for every position)."""
    if isinstance(x, str):
        return [x] * len(pos)
    if isinstance(x, list):
        return x
    if callable(x):
        return list(x(pos))
    if isinstance(x, pa.Array | pa.ChunkedArray):
        return x.take(pa.array(pos)).to_pylist()
    return list(np.asarray(x, dtype=object)[pos])


def code_names(codes: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Error code names at given positions from an int8 code array."""
    return lambda pos: values.CODE_NAMES[codes[pos]]


def suggestion_hint(suggestions: list[str]) -> str:
    """The hint of an unknown township or unit: the names it may have meant (or nothing)."""
    return f"（可能是：{'、'.join(suggestions)} / did you mean: {', '.join(suggestions)}）" if suggestions else ""


def rejects_frame(sheet: RawSheet, errors: Errors) -> pd.DataFrame:
    """The ``rejects`` rows of a sheet's errors: one per failing row, its reasons joined."""
    if not errors.parts:
        return pd.DataFrame(columns=["row_number", "sheet", "column_name", "raw", "reason_zh", "reason_en"])
    e = errors.frame()
    order = np.argsort(e["pos"].to_numpy(), kind="stable")
    pos = e["pos"].to_numpy()[order]
    cols, codes = e["column"].to_numpy()[order], e["code"].to_numpy()[order]
    vals, hints = e["value"].to_numpy()[order], e["hint"].to_numpy()[order]
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
    ends = np.r_[starts[1:], len(pos)]
    # the failing rows' cells as text (None for blank), taken column by column from arrow
    take = pa.array(pos[starts])
    names = list(sheet.frame.columns)
    cells = [text_column(sheet.frame[c]).take(take).to_pylist() for c in names]
    rows = []
    for a, b, raw_values in zip(starts, ends, zip(*cells, strict=True) if cells
                                else [()] * len(starts), strict=True):
        texts = [reason(codes[i], cols[i], vals[i],
                        hints[i] if isinstance(hints[i], str | tuple) else "")
                 for i in range(a, b)]
        raw = {k: _raw_cell(v) for k, v in zip(names, raw_values, strict=True)}
        rows.append({
            "row_number": int(sheet.row_numbers[pos[a]]),
            "sheet": sheet.sheet,
            "column_name": cols[a],
            "raw": json.dumps(raw, ensure_ascii=False),
            "reason_zh": "；".join(dict.fromkeys(t[0] for t in texts)),
            "reason_en": "; ".join(dict.fromkeys(t[1] for t in texts)),
        })
    return pd.DataFrame(rows)
