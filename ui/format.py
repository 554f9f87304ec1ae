"""How numbers and names are written: precision, units, labels, changes, tables.

One rule per indicator, used on every page, table, chart and brief: :func:`digits` (two
decimals for small rates, one otherwise) and :func:`value_format`, its format spec. One
rule per kind of number (:data:`NUMBER_KINDS`, :func:`fmt_number`): counts are integers
with thousands separators (20,419, never 20419.0), a change of a percentage is in
percentage points (个百分点 / pp, never %), and nothing is ever written "-0". Tables get
the same rules: :func:`integer_counts` and :func:`no_minus_zero` on the values,
:func:`column_formats` for the screen, :func:`display_frame` for the brief. Pure functions
(no Streamlit), tested by their doctests and ``tests/test_format.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from metrics.indicators import Indicator
from metrics.indicators import weighting_text as indicator_weighting
from ui.i18n import group_label, t, with_unit

__all__ = [
    "NUMBER_KINDS", "band_label", "column_decimals", "column_formats", "digits", "display_frame",
    "fmt_change", "fmt_number", "fmt_value", "integer_counts", "label_of", "metric_label",
    "metric_value", "no_minus_zero", "plain_number", "ratio_label", "round_format", "signed",
    "unit_of", "value_format", "weighting_text",
]

#: How each kind of number is written: kind -> (decimals, unit key of ui.i18n or "", signed).
#: ``count``: people, pupils, beds, facilities; ``pp``: a change or difference of two
#: percentages; ``ratio``: a ratio of two values; ``gini``: Gini and Theil.
NUMBER_KINDS: Mapping[str, tuple[int, str, bool]] = {
    "count": (0, "", False),
    "percent": (1, "unit.percent", False),
    "pp": (1, "unit.pp", True),
    "minutes": (1, "unit.min", False),
    "minutes_change": (1, "unit.min", True),
    "km": (1, "unit.km", False),
    "speed": (1, "unit.kmh", False),
    "ratio": (2, "", False),
    "gini": (3, "", False),
}


def plain_number(value: Any, decimals: int = 1, *, sign: bool = False) -> str:
    """A number with thousands separators and ``decimals`` decimals; never "-0" (a value
    that rounds to zero is written without a sign); ``–`` when missing.

    >>> plain_number(20419.0, 0), plain_number(-0.04, 1), plain_number(-0.4, 0), plain_number(None)
    ('20,419', '0.0', '0', '–')
    >>> plain_number(2.345, 1, sign=True), plain_number(-1234.5, 1, sign=True)
    ('+2.3', '-1,234.5')
    """
    if value is None or pd.isna(value):
        return "–"
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    shown = round(v, decimals)
    if shown == 0:
        return f"{0:.{decimals}f}"
    return f"{shown:{'+' if sign else ''},.{decimals}f}"


def fmt_number(value: Any, kind: str, lang: str) -> str:
    """A number of a kind of :data:`NUMBER_KINDS`, with its unit in ``lang``.

    >>> fmt_number(20419.0, "count", "zh"), fmt_number(2.34, "pp", "zh"), fmt_number(2.34, "pp", "en")
    ('20,419', '+2.3 个百分点', '+2.3 pp')
    >>> fmt_number(-0.01, "percent", "en"), fmt_number(float("nan"), "minutes", "zh")
    ('0.0 %', '–')
    """
    decimals, unit_key, sign = NUMBER_KINDS[kind]
    text = plain_number(value, decimals, sign=sign)
    if text == "–" or not unit_key:
        return text
    return f"{text} {t(unit_key, lang)}"

#: Units short enough to follow a key number (longer ones go in its label).
_SHORT_UNITS = ("%", "min", "分钟")


def digits(ind: Indicator) -> int:
    """Decimals an indicator's values are shown and rounded to: two for small rates
    (per-1,000 provision, 2SFCA access, beds per boarder), else one.

    >>> from metrics.indicators import INDICATORS
    >>> digits(INDICATORS["health_township_beds_per_1000"]), digits(INDICATORS["edu_primary_walk_min"])
    (2, 1)
    """
    return 2 if ind.kind in ("provision", "fca") or ind.denominator == "boarders" else 1


def value_format(ind: Indicator) -> str:
    """Format spec of an indicator's values (thousands separator, :func:`digits` decimals).

    >>> from metrics.indicators import INDICATORS
    >>> value_format(INDICATORS["health_township_beds_per_1000"])
    ',.2f'
    """
    return f",.{digits(ind)}f"


def round_format(ind: Indicator) -> str:
    """The rounding of an indicator's values in a table (:func:`ui.tables.localise` formats).

    >>> from metrics.indicators import INDICATORS
    >>> round_format(INDICATORS["edu_primary_walk_min"])
    '.1f'
    """
    return f".{digits(ind)}f"


def fmt_value(value: Any, ind: Indicator) -> str:
    """An indicator value for the screen; ``–`` when missing.

    >>> from metrics.indicators import INDICATORS
    >>> fmt_value(12.345, INDICATORS["edu_primary_walk_min"]), fmt_value(float("nan"), INDICATORS["edu_primary_walk_min"])
    ('12.3', '–')
    >>> fmt_value(-0.001, INDICATORS["edu_primary_walk_min"])
    '0.0'
    """
    return plain_number(value, digits(ind))


def unit_of(ind: Indicator, lang: str) -> str:
    """The indicator's unit in ``lang``.

    >>> from metrics.indicators import INDICATORS
    >>> unit_of(INDICATORS["edu_primary_walk_min"], "zh")
    '分钟'
    """
    return ind.unit_en if lang == "en" else ind.unit_zh


def label_of(ind: Indicator, lang: str) -> str:
    """The indicator's name in ``lang``."""
    return ind.en if lang == "en" else ind.zh


def band_label(ind: Indicator, lang: str) -> str:
    """Who the indicator counts: the age band (adjacent bands as one), or the equal-weight rule.

    >>> from metrics.indicators import INDICATORS
    >>> band_label(INDICATORS["elderly_care_walk_min"], "zh"), band_label(INDICATORS["elderly_care_walk_min"], "en")
    ('60岁及以上', 'aged 60+')
    >>> band_label(INDICATORS["edu_primary_share_30min"], "zh")
    '6—11岁'
    """
    if ind.weight != "population":
        return t(f"dom.weight.{ind.weight}", lang)
    spans = [c.split("_") for c in ind.population]
    if len(spans) > 1 and all(len(x) == 3 and x[0] == "pop" and x[1].isdigit() for x in spans):
        lo = [int(x[1]) for x in spans]
        hi = [None if x[2] == "plus" else int(x[2]) for x in spans]
        order = sorted(range(len(spans)), key=lambda i: lo[i])
        adjacent = all(hi[a] is not None and lo[b] == hi[a] + 1
                       for a, b in zip(order, order[1:], strict=False))
        if adjacent:
            first, last = lo[order[0]], hi[order[-1]]
            if last is None:
                return f"{first}岁及以上" if lang == "zh" else f"aged {first}+"
            return f"{first}—{last}岁" if lang == "zh" else f"aged {first}-{last}"
    return "+".join(t(f"dom.pop.{c}", lang) for c in ind.population)


def metric_label(label: str, ind: Indicator, lang: str) -> str:
    """A key-number label with the unit, unless the unit is short enough for the value (%, min)."""
    unit = unit_of(ind, lang)
    return label if unit in _SHORT_UNITS else with_unit(label, unit, lang)


def metric_value(value: Any, ind: Indicator, lang: str) -> str:
    """A key number: the value, with ``%`` or minutes attached (longer units go in the label).

    >>> from metrics.indicators import INDICATORS
    >>> metric_value(77.49, INDICATORS["edu_primary_share_30min"], "en")
    '77.5 %'
    >>> metric_value(2.794, INDICATORS["health_township_beds_per_1000"], "zh")
    '2.79'
    """
    unit = unit_of(ind, lang)
    text = fmt_value(value, ind)
    return f"{text} {unit}" if unit in _SHORT_UNITS and text != "–" else text


def signed(delta: float | None, ind: Indicator) -> str:
    """A change in the indicator's precision, with its sign; no "-0"; ``–`` when missing.

    >>> from metrics.indicators import INDICATORS
    >>> ind = INDICATORS["edu_primary_share_30min"]
    >>> signed(2.34, ind), signed(-0.04, ind), signed(None, ind)
    ('+2.3', '0.0', '–')
    """
    return plain_number(delta, digits(ind), sign=True)


def fmt_change(delta: float, ind: Indicator, lang: str, prev: int) -> str:
    """A change from the previous year: percentage points for per-cent indicators.

    >>> from metrics.indicators import INDICATORS
    >>> fmt_change(2.34, INDICATORS["edu_primary_share_30min"], "zh", 2023)
    '+2.3 个百分点（较 2023 年）'
    >>> fmt_change(-0.004, INDICATORS["edu_primary_share_30min"], "en", 2023)
    '0.0 pp (vs 2023)'
    """
    unit = unit_of(ind, lang)
    text = signed(delta, ind)
    if unit == "%":
        text += f" {t('unit.pp', lang)}"
    elif unit:
        text += f" {unit}"
    since = t("year.change", lang, prev=prev)
    return f"{text}（{since}）" if lang == "zh" else f"{text} ({since})"


def weighting_text(ind: Indicator, lang: str) -> str:
    """How the indicator's villages and communities are weighted in its group values and
    inequality measures, in a few words (:func:`metrics.indicators.weighting_text`): by
    the population of its band, or each counting once.

    >>> from metrics.indicators import INDICATORS
    >>> weighting_text(INDICATORS["elderly_care_walk_min"], "zh")
    '按60岁及以上人口加权'
    >>> weighting_text(INDICATORS["culture_village_centre_coverage"], "en")
    'each village counts once'
    """
    return indicator_weighting(ind, lang, short=True)


def ratio_label(worse: str | None, better: str | None, lang: str) -> str:
    """The urban-rural ratio named by its sides, the one behind first: ``乡村 ÷ 城镇``.

    >>> ratio_label("rural", "urban", "zh"), ratio_label("urban", "rural", "en"), ratio_label(None, None, "en")
    ('乡村 ÷ 城镇', 'urban ÷ rural', 'rural ÷ urban')
    """
    worse, better = (worse, better) if worse and better else ("rural", "urban")
    a, b = group_label(worse, lang), group_label(better, lang)
    return f"{a} ÷ {b}" if lang == "zh" else f"{a.lower()} ÷ {b.lower()}"


# -- tables ------------------------------------------------------------------------------------

def no_minus_zero(values: pd.Series) -> pd.Series:
    """The series with every -0.0 made 0.0 (a rounded -0.04 would read "-0"); other
    dtypes unchanged.

    >>> no_minus_zero(pd.Series([-0.0, -1.5, 2.0])).map(str).tolist()
    ['0.0', '-1.5', '2.0']
    """
    if pd.api.types.is_float_dtype(values):
        return values + 0.0
    return values


def integer_counts(values: pd.Series) -> pd.Series:
    """Counts as integers (nullable ``Int64``): 20419.0 -> 20419, NaN -> <NA>.

    >>> integer_counts(pd.Series([20419.0, None, 3.4])).tolist()
    [20419, <NA>, 3]
    """
    return pd.to_numeric(values, errors="coerce").round(0).astype("Int64")


def column_decimals(values: pd.Series, most: int = 3) -> int | None:
    """Decimals a numeric column is shown with: integers 0, floats the fewest (≤ ``most``)
    that keep every value; None for a column that is not numeric.

    >>> column_decimals(pd.Series([1, 2])), column_decimals(pd.Series([1.25, 2.0]))
    (0, 2)
    >>> column_decimals(pd.Series([20419.0, 3.0])), column_decimals(pd.Series(["a"]))
    (1, None)
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    if pd.api.types.is_integer_dtype(values):
        return 0
    v = values.dropna().astype(float)
    v = v[np.isfinite(v)]
    for n in range(1, most + 1):
        if np.allclose(v.round(n), v, rtol=0, atol=1e-9):
            return n
    return most


def column_formats(frame: pd.DataFrame, formats: Mapping[str, int] | None = None) -> dict[str, str]:
    """printf formats for ``st.column_config.NumberColumn``: integers ``%,d`` (20,419),
    floats with thousands separators and their decimals (:func:`column_decimals`, or
    ``formats[column]`` decimals when given).

    >>> column_formats(pd.DataFrame({"n": [20419, 3], "v": [1.5, 22.0], "s": ["x", "y"]}))
    {'n': '%,d', 'v': '%,.1f'}
    """
    out = {}
    for col in frame.columns:
        n = (formats or {}).get(col, column_decimals(frame[col]))
        if n is None:
            continue
        if _is_year(col):
            out[col] = "%d"  # 2024, not 2,024
        else:
            out[col] = "%,d" if n == 0 and pd.api.types.is_integer_dtype(frame[col]) else f"%,.{n}f"
    return out


def _is_year(column: Any) -> bool:
    text = str(column).lower()
    return "年份" in text or text == "year" or text.endswith(" year") or text.startswith("year")


def display_frame(frame: pd.DataFrame, formats: Mapping[str, int] | None = None,
                  missing: str = "–") -> pd.DataFrame:
    """The table as text, every number as on the screen: integers with separators,
    floats with their decimals, no "-0", ``missing`` for a missing value (for the brief).

    >>> display_frame(pd.DataFrame({"pop": [20419, 300], "v": [-0.01, 12.0]}), {"v": 1}).values.tolist()
    [['20,419', '0.0'], ['300', '12.0']]
    """
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        n = (formats or {}).get(col, column_decimals(s))
        if n is None:
            out[col] = s.map(lambda v: missing if v is None or (not isinstance(v, str | list | tuple)
                                                                and pd.isna(v)) else v)
        else:
            out[col] = s.map(lambda v, n=n: plain_number(v, n) if not pd.isna(v) else missing)
    return out


def source_text(source: str | None, lang: str) -> str:
    """A declared source as a reader sees it: the word ``assumption`` in the reader's
    language, the parts joined by the language's semicolon, "–" for none.

    >>> source_text("assumption；Luo & Wang (2003)", "zh"), source_text("assumption；X", "en")
    ('假设；Luo & Wang (2003)', 'assumption; X')
    >>> source_text("—", "en")
    '–'
    """
    parts = [p.strip() for p in str(source or "").split("；") if p.strip() and p.strip() != "—"]
    parts = [t("source.assumption", lang) if p == "assumption" else p for p in parts]
    return ("；" if lang == "zh" else "; ").join(parts) or "–"
