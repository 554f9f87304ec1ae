"""Parse values written by people into numbers and booleans, vectorised.

Registers keep every cell as text (see :mod:`etl.readers`); this module turns a
column of text into numbers plus a parallel column of error codes. Missing
markers ("—", "/", "无", blanks) are *missing*, not errors. Every error code
has a Chinese and an English message in :data:`REASONS`, the one table of
reasons for the whole load (coordinates and facility types included).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Error code -> (Chinese template, English template); ``{column}`` and ``{value}`` are filled in.
REASONS: dict[str, tuple[str, str]] = {
    "not_a_number": ("“{column}”列的值“{value}”不是数字",
                     'value "{value}" in column "{column}" is not a number'),
    "not_integer": ("“{column}”列的值“{value}”应为整数",
                    'value "{value}" in column "{column}" is not a whole number'),
    "below_min": ("“{column}”列的值“{value}”小于允许的最小值",
                  'value "{value}" in column "{column}" is below the allowed minimum'),
    "above_max": ("“{column}”列的值“{value}”大于允许的最大值",
                  'value "{value}" in column "{column}" is above the allowed maximum'),
    "not_finite": ("“{column}”列的值“{value}”不是有限数值",
                   'value "{value}" in column "{column}" is not a finite number'),
    "percent_not_allowed": ("“{column}”列的值“{value}”是百分数，此列应填数量",
                            'value "{value}" in column "{column}" is a percentage; a count is expected'),
    "not_a_bool": ("“{column}”列的值“{value}”应为“是”或“否”",
                   'value "{value}" in column "{column}" is not yes/no (是/否)'),
    "missing_value": ("“{column}”列为必填项，不能为空",
                      'column "{column}" is required but empty'),
    "unknown_type": ("“{column}”列的类型“{value}”无法识别",
                     'type "{value}" in column "{column}" is not a known facility type'),
    "type_not_allowed": ("“{column}”列的类型“{value}”不属于本类登记表",
                         'type "{value}" in column "{column}" does not belong to this kind of register'),
    "missing_type": ("“{column}”列的设施类型为空",
                     'facility type in column "{column}" is empty'),
    "bad_coordinate": ("“{column}”列的坐标“{value}”无法解析",
                       'coordinate "{value}" in column "{column}" cannot be read'),
    "coordinate_out_of_range": ("“{column}”列的坐标“{value}”超出经纬度范围",
                                'coordinate "{value}" in column "{column}" is outside the valid range'),
    "missing_coordinate": ("“{column}”列只填了经度或纬度中的一个",
                           'only one of longitude and latitude is given in column "{column}"'),
    "outside_county": ("“{column}”列的位置“{value}”不在开江县境内（含缓冲区）",
                       'point "{value}" in column "{column}" is outside Kaijiang county (with buffer)'),
    "unknown_township": ("“{column}”列的乡镇“{value}”无法识别（不是开江县现有或撤并前的乡镇）",
                         'township "{value}" in column "{column}" is not a known Kaijiang township'),
    "unknown_unit": ("“{column}”列的村（社区）“{value}”无法识别",
                     'village or community "{value}" in column "{column}" is not known'),
    "swapped_fixed": ("提示：“{column}”列的经纬度“{value}”填反了，已自动交换",
                      'note: longitude and latitude "{value}" in column "{column}" were swapped and have been fixed'),
}

#: Notes are reported but do not reject the row.
NOTES: frozenset[str] = frozenset({"swapped_fixed"})

#: Texts that mean "no value" (compared after NFKC, trimming and lower-casing).
MISSING_TOKENS: tuple[str, ...] = (
    "", "-", "--", "---", "—", "——", "–", "/", "//", "\\", "无", "暂无", "空", "不详", "未知",
    "null", "none", "n/a", "na", "#n/a", "…", "...",
)

_FINITE_BAD = ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
_MULTIPLIERS = {"": 1.0, "十": 10.0, "百": 100.0, "千": 1e3, "k": 1e3, "万": 1e4, "w": 1e4, "亿": 1e8}
# sign, number (plain or 1,234 grouped), multiplier, percent sign, unit (CJK or a few ASCII units)
_NUMBER_RE = (
    r"^(?P<sign>[+-]?)\s*(?P<num>(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*"
    r"(?P<mult>十|百|千|万|亿|k|w)?\s*(?P<pct>%)?\s*"
    r"(?P<unit>[\x{3400}-\x{9fff}]+|m2|m|km2|km|h|hrs?|hours?|pcs)?$"
)
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def as_arrow(s: pd.Series) -> pa.Array:
    """A series as an arrow string array (no copy for pandas' arrow-backed ``str``)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        arr = pa.array(s)
    else:
        arr = pa.array(s.astype(_STR))
    if isinstance(arr, pa.ChunkedArray):
        # one chunk is used as it is (combining always copies)
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    return arr.cast(pa.large_string())


def string_bytes(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's value offsets (from 0) and the bytes they index, read from its
    buffers without copying (the caller checks the type is string or large string).

    >>> off, data = string_bytes(pa.array(["ab", None, "c"]).slice(1))
    >>> off.tolist(), data.tobytes()
    ([0, 0, 1], b'c')
    """
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=width)[arr.offset: arr.offset + len(arr) + 1]
    if data_buf is None:
        return offsets - offsets[0], np.zeros(0, dtype=np.uint8)
    data = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0]:offsets[-1]]
    return offsets - offsets[0], data


#: Bit-field width of :func:`plain_decimals`' byte classes (values shorter than 2 MB).
_FIELD = 1 << 21
#: Byte class for :func:`plain_decimals`: 0 for an ASCII digit, 1 for ".", 2**21 for "-",
#: 2**42 for any other byte.
_BYTE_CLASS = np.full(256, 1 << 42, dtype=np.int64)
_BYTE_CLASS[48:58] = 0
_BYTE_CLASS[46] = 1
_BYTE_CLASS[45] = _FIELD


def plain_decimals(arr: pa.Array, *, signed: bool = False) -> np.ndarray:
    """True where a value is a plain decimal number: ASCII digits (at least one) with at
    most one ``.``, and with ``signed`` an optional leading ``-``. False for nulls.

    Read from the string array's offsets and bytes with numpy (no string is copied); it
    answers what ``ascii_is_decimal`` answers after dropping the sign and one dot.

    >>> plain_decimals(pa.array(["12", "1.5", ".5", "5.", "-3", "1.2.3", "", "１２", None]))
    array([ True,  True,  True,  True, False, False, False, False, False])
    >>> plain_decimals(pa.array(["-3", "--3", "3-", "-", "-.5"]), signed=True)
    array([ True, False, False, False,  True])
    """
    n = len(arr)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        raise TypeError(f"expected a string array, not {arr.type}")
    if n == 0:
        return np.zeros(0, dtype=bool)
    rel, data = string_bytes(arr)
    if not data.size:
        return np.zeros(n, dtype=bool)
    starts, ends = rel[:-1], rel[1:]
    lengths = ends - starts
    if lengths.max() >= _FIELD:
        return np.zeros(n, dtype=bool)  # cells of megabytes: the callers' slow path decides
    # one pass: each byte's class packed into an int64 (dots, minus signs and other bytes
    # in separate bit fields); a value's counts are the difference of the running sums,
    # exact even where the running sum wraps around (numpy integer arithmetic is modular)
    total = np.empty(len(data) + 1, dtype=np.int64)
    total[0] = 0
    np.cumsum(_BYTE_CLASS[data], out=total[1:])
    counts = total[ends] - total[starts]
    dots = counts & (_FIELD - 1)
    minus = (counts >> 21) & (_FIELD - 1)
    other = counts >> 42
    digits = lengths - dots - minus - other
    ok = (digits >= 1) & (dots <= 1) & (other == 0)
    if signed:
        lead = np.zeros(n, dtype=bool)
        nonempty = lengths > 0
        lead[nonempty] = data[starts[nonempty]] == 45
        ok &= minus <= lead
    else:
        ok &= minus == 0
    if arr.null_count:
        ok &= pc.is_valid(arr).to_numpy(zero_copy_only=False)
    return ok


def cast_if_plain(arr: pa.Array, *, signed: bool = False) -> np.ndarray | None:
    """float64 values of ``arr`` (NaN for nulls) when every other value is a plain decimal
    as :func:`plain_decimals` defines it, else None.

    The common case of a clean column, answered by one look at the column's bytes (only
    digits, ``.`` and, with ``signed``, ``-``) and Arrow's cast, which on those bytes accepts
    exactly the plain decimals ("1.2.3", "5-", "--1", "." and "" fail it; a test holds it
    to :func:`plain_decimals`).

    >>> cast_if_plain(pa.array(["1.5", None, "20"])).tolist(), cast_if_plain(pa.array(["1.2.3"]))
    ([1.5, nan, 20.0], None)
    >>> cast_if_plain(pa.array(["-3"])), cast_if_plain(pa.array(["-3"]), signed=True).tolist()
    (None, [-3.0])
    """
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        raise TypeError(f"expected a string array, not {arr.type}")
    if len(arr) == arr.null_count:
        return None
    _, data = string_bytes(arr)
    # bytes under nulls (Arrow usually writes none) can only fail the check: safe.
    # "-" is 45, "." 46, "/" 47, digits 48-57: two reductions and one comparison
    if (not data.size or data.min() < (45 if signed else 46) or data.max() > 57
            or (data == 47).any()):
        return None
    try:
        return np.array(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False))
    except pa.ArrowInvalid:
        return None


#: Characters with no visible form, removed from names and other stored texts: every
#: format (Cf: zero-width space/joiner/non-joiner U+200B-U+200D, word joiner U+2060,
#: BOM U+FEFF, soft hyphen U+00AD, bidi controls U+202A-U+202E and U+2066-U+2069, …) and
#: control (Cc) character, and the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0).
INVISIBLE_PATTERN = r"[\p{Cf}\p{Cc}\x{115F}\x{1160}\x{3164}\x{FFA0}]"
#: Line breaks and tabs inside a text (Excel's Alt+Enter) read as one space.
_BREAKS_PATTERN = r"[\t\n\r\x0b\x0c\x{85}]+"
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


def is_invisible(ch: str) -> bool:
    r"""Whether a character is one :data:`INVISIBLE_PATTERN` removes.

    >>> [is_invisible(c) for c in "a\u200b\u202e\u00ad 中"]
    [False, True, True, True, False, False]
    """
    return unicodedata.category(ch) in ("Cf", "Cc") or ch in _FILLERS


def strip_invisible_text(text: str) -> str:
    r"""``text`` without invisible characters (line breaks and tabs read as a space), trimmed.

    >>> strip_invisible_text("\u202e新康\u200b社区\n居委会 ")
    '新康社区 居委会'
    """
    text = re.sub(r"[\t\n\r\x0b\x0c\x85]+", " ", text)
    return "".join(c for c in text if not is_invisible(c)).strip()


def invisible_codepoints(text: object, most: int = 8) -> str:
    r"""The invisible characters of ``text`` as code points, each once (for a reason).

    >>> invisible_codepoints("\u200b\u202e\u200b")
    'U+200B U+202E'
    """
    seen = dict.fromkeys(f"U+{ord(c):04X}" for c in str(text or "") if is_invisible(c))
    return " ".join(list(seen)[:most]) or "—"


def strip_invisible(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    r"""Texts without invisible characters (:data:`INVISIBLE_PATTERN`; a run of line breaks
    or tabs becomes one space), trimmed of whitespace (Unicode: also U+3000 and U+00A0).

    A text holding nothing else becomes ``""`` (not null): the caller tells "blank" from
    "invisible only" by it. A column without any such character is only trimmed.

    >>> strip_invisible(pa.array(["\u200b", " 甲\u202e小学 ", None, "a\nb"])).to_pylist()
    ['', '甲小学', None, 'a b']
    """
    if pc.any(pc.match_substring_regex(arr, INVISIBLE_PATTERN)).as_py():
        arr = pc.replace_substring_regex(arr, _BREAKS_PATTERN, " ")
        arr = pc.replace_substring_regex(arr, INVISIBLE_PATTERN, "")
    return pc.utf8_trim_whitespace(arr)


def _clean(arr: pa.Array) -> pa.Array:
    """NFKC (full-width -> half-width), unify minus signs, trim, lower-case."""
    arr = pc.utf8_normalize(arr, "NFKC")
    arr = pc.replace_substring(arr, "\u2212", "-")
    return pc.utf8_lower(pc.utf8_trim_whitespace(arr))


_CODES: tuple[str, ...] = ("", *REASONS)
#: Error code name -> its integer code (0: no error; see :data:`CODE_NAMES`).
CODE: dict[str, np.int8] = {c: np.int8(i) for i, c in enumerate(_CODES)}
#: Error code names by integer code (index 0: no error, None).
CODE_NAMES: np.ndarray = np.array([None, *REASONS], dtype=object)


def to_str_series(arr: pa.Array, index: pd.Index) -> pd.Series:
    """An arrow string array as a pandas ``str`` series (NaN for null)."""
    mapper = {pa.large_string(): _STR, pa.string(): _STR}.get
    out = arr.to_pandas(types_mapper=mapper)
    out.index = index
    return out


def codes_to_series(codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Integer error codes (0 = fine, else position in :data:`REASONS` + 1) as a ``str`` series."""
    cats = pa.array(_CODES, pa.large_string())
    dict_arr = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes == 0), cats)
    return to_str_series(dict_arr.cast(pa.large_string()), index)


def parse_numbers(
    s: pd.Series,
    *,
    integer: bool = False,
    min_value: float | None = 0,
    max_value: float | None = None,
    percent: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Parse a column of written numbers.

    Accepted: ``"120"``, ``"  7 "``, ``"120人"``, ``"120 张"``, full-width ``"１２０"``,
    grouped ``"1,200"`` / ``"1，200"``, multipliers ``"3.5万"`` (35000), ``"千"``, ``"亿"``,
    and with ``percent=True`` ``"12.5%"`` (12.5). Missing markers (:data:`MISSING_TOKENS`,
    e.g. ``"—"``, ``"/"``, ``"无"``, ``"NULL"``, blank) give NaN and no error.
    Units after the number may be Chinese (人, 张, 平方米, 小时) or ``m2``, ``h``.

    Parameters
    ----------
    s : pd.Series
        Text values (any dtype; non-strings are converted with ``str``).
    integer : bool
        Values must be whole numbers (after applying a multiplier).
    min_value, max_value : float or None
        Allowed range, inclusive; ``None`` for no bound. Default minimum 0.
    percent : bool
        The column holds percentages; a trailing ``%`` is accepted and dropped.
        Without it a ``%`` value is the error ``percent_not_allowed``.

    Returns
    -------
    values : pd.Series
        float64, NaN where missing or invalid, same index as `s`.
    errors : pd.Series
        ``str`` dtype: an error code of :data:`REASONS` (``not_a_number``, ``not_integer``,
        ``below_min``, ``above_max``, ``not_finite``, ``percent_not_allowed``) or NA.

    Examples
    --------
    >>> v, e = parse_numbers(pd.Series(["120人", "１２０", "1,200", "3.5万", "—", "abc"]),
    ...                      integer=True)
    >>> v.tolist()[:4], bool(np.isnan(v[4])), e.tolist()[4:]
    ([120.0, 120.0, 1200.0, 35000.0], True, [nan, 'not_a_number'])
    """
    values, errors = parse_numbers_arrow(as_arrow(s), integer=integer, min_value=min_value,
                                         max_value=max_value, percent=percent)
    return pd.Series(values, index=s.index, dtype="float64"), codes_to_series(errors, s.index)


def parse_numbers_arrow(
    arr: pa.Array,
    *,
    integer: bool = False,
    min_value: float | None = 0,
    max_value: float | None = None,
    percent: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """The kernel of :func:`parse_numbers` on an arrow string array.

    Returns float64 values (NaN where missing or invalid) and int8 error codes
    (0 = fine, else the position in :data:`REASONS` + 1; see :data:`CODE_NAMES`).
    """
    n = len(arr)
    valid = pc.is_valid(arr).to_numpy(zero_copy_only=False)
    # fast path: plain digits, or digits with one decimal point
    fast = cast_if_plain(arr)
    if fast is not None:
        simple, values = valid, fast
    elif (simple := plain_decimals(arr)).all():
        values = np.array(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False))
    else:
        values = np.full(n, np.nan)
        values[simple] = pc.cast(pc.filter(arr, pa.array(simple)), pa.float64()).to_numpy(
            zero_copy_only=False)
    errors = np.zeros(n, dtype=np.int8)
    rest = np.flatnonzero(~simple & valid)
    if len(rest):
        values[rest], errors[rest] = _parse_messy_unique(arr.take(pa.array(rest)), percent)
    ok = np.isfinite(values)
    if integer:
        rounded = np.round(values)
        whole = np.abs(values - rounded) <= 1e-9 * np.maximum(1.0, np.abs(values))
        values = np.where(ok & whole, rounded, values)
        bad = ok & ~whole
        errors[bad] = CODE["not_integer"]
        values[bad] = np.nan
        ok &= ~bad
    if min_value is not None:
        bad = ok & (values < min_value)
        errors[bad] = CODE["below_min"]
        values[bad] = np.nan
        ok &= ~bad
    if max_value is not None:
        bad = ok & (values > max_value)
        errors[bad] = CODE["above_max"]
        values[bad] = np.nan
    return values, errors


def _parse_messy_unique(arr: pa.Array, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Parse each distinct text once (registers repeat the same few messy values); no nulls."""
    enc = pc.dictionary_encode(arr)
    v_uniq, e_uniq = _parse_messy(enc.dictionary, percent)
    idx = enc.indices.to_numpy(zero_copy_only=False)
    return v_uniq[idx], e_uniq[idx]


def _parse_messy(arr: pa.Array, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised parse of non-plain numbers (no nulls expected)."""
    n = len(arr)
    values = np.full(n, np.nan)
    errors = np.zeros(n, dtype=np.int8)
    clean = _clean(arr)
    missing = pc.is_in(clean, value_set=pa.array(MISSING_TOKENS, pa.large_string()))
    missing = missing.to_numpy(zero_copy_only=False)
    infinite = pc.is_in(clean, value_set=pa.array(_FINITE_BAD, pa.large_string()))
    infinite = infinite.to_numpy(zero_copy_only=False)
    errors[infinite] = CODE["not_finite"]
    parts = pc.extract_regex(clean, _NUMBER_RE)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False) & ~missing
    idx = np.flatnonzero(matched)
    if len(idx):
        sub = parts.take(pa.array(idx))
        num = pc.cast(pc.replace_substring(sub.field("num"), ",", ""), pa.float64())
        num = num.to_numpy(zero_copy_only=False)
        sign = np.where(sub.field("sign").to_numpy(zero_copy_only=False) == "-", -1.0, 1.0)
        mult_text = sub.field("mult").to_numpy(zero_copy_only=False)
        mult = np.array([_MULTIPLIERS[m] for m in mult_text], dtype="float64")
        values[idx] = sign * num * mult
        has_pct = sub.field("pct").to_numpy(zero_copy_only=False) == "%"
        if not percent and has_pct.any():
            pct_idx = idx[has_pct]
            values[pct_idx] = np.nan
            errors[pct_idx] = CODE["percent_not_allowed"]
    errors[~matched & ~missing & ~infinite] = CODE["not_a_number"]
    return values, errors


_TRUE_TOKENS = ("是", "true", "1", "y", "yes", "t", "√", "✓", "✔", "示例数据(合成)", "示例数据",
                "示例", "合成", "合成数据", "synthetic", "example")
_FALSE_TOKENS = ("否", "false", "0", "n", "no", "f", "真实", "真实数据", "实际", "real")


def parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no columns (是/否, true/false, 1/0, and "示例数据（合成）"/"示例"/"合成" as True).

    Returns
    -------
    values : pd.Series
        pandas ``boolean`` dtype, NA where missing or invalid.
    errors : pd.Series
        ``not_a_bool`` or NA.

    Examples
    --------
    >>> v, e = parse_bool(pd.Series(["是", "否", "示例数据（合成）", "", "maybe"]))
    >>> v.tolist(), e.tolist()
    ([True, False, True, <NA>, <NA>], [nan, nan, nan, nan, 'not_a_bool'])
    """
    values, errors = parse_bool_arrow(as_arrow(s))
    return pd.Series(pd.array(values, dtype="boolean"), index=s.index), codes_to_series(errors, s.index)


def parse_bool_arrow(arr: pa.Array) -> tuple[pd.arrays.BooleanArray, np.ndarray]:
    """The kernel of :func:`parse_bool`: values (``boolean``, NA where missing or invalid) and
    int8 error codes. Each distinct text is cleaned once (yes/no columns repeat a few texts)."""
    enc = pc.dictionary_encode(arr)
    clean = _clean(enc.dictionary)
    u_true = pc.fill_null(pc.is_in(clean, value_set=pa.array(_TRUE_TOKENS, pa.large_string())),
                          False).to_numpy(zero_copy_only=False)
    u_false = pc.fill_null(pc.is_in(clean, value_set=pa.array(_FALSE_TOKENS, pa.large_string())),
                           False).to_numpy(zero_copy_only=False)
    u_missing = pc.fill_null(pc.is_in(clean, value_set=pa.array(MISSING_TOKENS, pa.large_string())),
                             False).to_numpy(zero_copy_only=False)
    # the last slot stands for null (missing, no error)
    u_state = np.append(np.where(u_true, 1, np.where(u_false, 0, np.where(u_missing, -1, -2))),
                        -1).astype(np.int8)
    idx = pc.fill_null(enc.indices, len(u_true)).to_numpy(zero_copy_only=False)
    state = u_state[idx]
    values = pd.array(state == 1, dtype="boolean")
    values[state < 0] = pd.NA
    errors = np.where(state == -2, CODE["not_a_bool"], 0).astype(np.int8)
    return values, errors


def reason_text(code: str, column: str, value: object) -> tuple[str, str]:
    """Chinese and English message for an error code.

    Examples
    --------
    >>> reason_text("not_a_number", "在校生数", "abc")[1]
    'value "abc" in column "在校生数" is not a number'
    """
    zh, en = REASONS[code]
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return zh.format(column=column, value=text), en.format(column=column, value=text)


def reasons_markdown() -> str:
    """The error-code table of the docs, rendered from :data:`REASONS`."""
    lines = ["| code | 中文 | English |", "|---|---|---|"]
    for code, (zh, en) in REASONS.items():
        lines.append(f"| `{code}` | {zh} | {en} |")
    return "\n".join(lines) + "\n"
