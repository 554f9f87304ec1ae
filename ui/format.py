"""How an indicator's numbers and names are written: precision, units, labels, changes.

One rule per indicator, used on every page, table, chart and brief: :func:`digits` (two
decimals for small rates, one otherwise) and :func:`value_format`, its format spec. Pure
functions (no Streamlit), tested by their doctests.
"""

from __future__ import annotations

import math
from typing import Any

from metrics.indicators import Indicator
from ui.i18n import t, with_unit

__all__ = [
    "band_label", "digits", "fmt_change", "fmt_value", "label_of", "metric_label", "metric_value",
    "round_format", "signed", "unit_of", "value_format",
]

#: Units short enough to follow a key number (longer ones go in its label).
_SHORT_UNITS = ("%", "min", "分钟")


def digits(ind: Indicator) -> int:
    """Decimals an indicator's values are shown and rounded to: two for small rates
    (per-1,000 provision, 2SFCA access, beds per boarder), else one.

    >>> from metrics.indicators import INDICATORS
    >>> digits(INDICATORS["health_beds_per_1000"]), digits(INDICATORS["edu_primary_walk_min"])
    (2, 1)
    """
    return 2 if ind.kind in ("provision", "fca") or ind.denominator == "boarders" else 1


def value_format(ind: Indicator) -> str:
    """Format spec of an indicator's values (thousands separator, :func:`digits` decimals).

    >>> from metrics.indicators import INDICATORS
    >>> value_format(INDICATORS["health_beds_per_1000"])
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
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format(float(value), value_format(ind))


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
    """Who the indicator counts: the age band, or the equal-weight rule."""
    if ind.weight != "population":
        return t(f"dom.weight.{ind.weight}", lang)
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
    >>> metric_value(2.794, INDICATORS["health_beds_per_1000"], "zh")
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
    if delta is None:
        return "–"
    n = digits(ind)
    shown = round(delta, n)
    return f"{shown:+,.{n}f}" if shown else f"{0:.{n}f}"


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
        text += " 个百分点" if lang == "zh" else " pp"
    elif unit:
        text += f" {unit}"
    since = t("year.change", lang, prev=prev)
    return f"{text}（{since}）" if lang == "zh" else f"{text} ({since})"
