"""Key numbers of an indicator: county, urban and rural cards for the pages and the briefs.

A card is a dict ``{"label", "value"}`` with optional ``note``, ``help``, ``delta`` and
``delta_color``: what ``st.metric`` shows and :func:`ui.brief.brief_html` prints. The domain
pages show the county, urban and rural cards with the status against the target; the
overview shows the urban and rural ones of each domain's headline indicator, the urban-rural
ratio said from the side behind (:func:`gap_card`: worse ÷ better, its sides named) and how
far the figure moves with its assumed speed and mode (:func:`sensitivity_text`);
:func:`headline_card` is the same for its brief. Pure: tables in, dicts and text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from metrics.gaps import urban_rural_gap
from metrics.indicators import Indicator, IndicatorTable
from ui.format import (
    fmt_change,
    fmt_value,
    label_of,
    metric_label,
    metric_value,
    plain_number,
    ratio_label,
    unit_of,
)
from ui.i18n import TEXT, domain_label, group_label, t

__all__ = ["GROUPS", "behind_text", "gap_card", "group_cards", "group_values", "headline_card",
           "no_road_note", "sensitivity_text", "status_note"]

#: The groups a card can show, in display order.
GROUPS = ("county", "urban", "rural")


def group_values(table: IndicatorTable, key: str) -> dict[str, Any]:
    """County, urban and rural values of indicator ``key`` in ``table`` (None when absent)."""
    s = table.summaries[key]["urban_rural"]
    groups = s["groups"]["mean"] if s is not None else pd.Series(dtype=float)
    return {"county": table.county.loc[key, "value"], "urban": groups.get("urban"),
            "rural": groups.get("rural")}


def group_cards(table: IndicatorTable, ind: Indicator, lang: str,
                groups: Sequence[str] = GROUPS, *, unit_in_label: bool = True,
                before: tuple[int, IndicatorTable] | None = None) -> list[dict[str, str]]:
    """One card per group: the value in the indicator's precision (``%`` and minutes after
    the value, a longer unit in the label unless ``unit_in_label`` is False, when the page
    says it elsewhere); with ``before`` = (year, table), the change since that year."""
    from metrics.years import change

    now = group_values(table, ind.key)
    then = group_values(before[1], ind.key) if before is not None else {}
    cards = []
    for g in groups:
        label = t(f"dom.{g}_value", lang)
        card = {"label": metric_label(label, ind, lang) if unit_in_label else label,
                "value": metric_value(now[g], ind, lang)}
        delta = change(now[g], then.get(g)) if before is not None else None
        if delta is not None:
            card["delta"] = fmt_change(delta, ind, lang, before[0])
            card["delta_color"] = "normal" if ind.higher_is_better else "inverse"
        cards.append(card)
    return cards


def status_note(table: IndicatorTable, ind: Indicator, lang: str) -> str:
    """The county's status against the target (as :func:`metrics.provision.compare_target`
    decided it in :func:`metrics.indicators.evaluate`), else which direction is better; then
    the villages with no road connection, when there are any (:func:`no_road_note`)."""
    row = table.county.loc[ind.key]
    if row["status"] not in ("met", "not_met"):
        text = t("dom.better" if ind.higher_is_better else "dom.worse", lang)
    elif row["status"] == "met":
        text = t("dom.status.met", lang, target=f"{row['target']:g} {unit_of(ind, lang)}")
    else:
        text = t("dom.status.not_met" if ind.higher_is_better else "dom.status.not_met_low", lang,
                 target=f"{row['target']:g} {unit_of(ind, lang)}")
    cut = no_road_note(table, ind, lang)
    return f"{text}{'；' if lang == 'zh' else '; '}{cut}" if cut else text


#: The no-road sentence by indicator kind: how the villages were counted.
_NO_ROAD_KEYS = {"time_to_nearest": "dom.no_road.mean", "share_within": "dom.no_road.share",
                 "fca": "dom.no_road.fca"}


def no_road_note(table: IndicatorTable, ind: Indicator, lang: str) -> str:
    """How the villages with no road connection to any facility of ``ind`` were counted
    (``no_road_units`` of :func:`metrics.indicators.evaluate`): left out of a mean time,
    not within for a share, no access for a 2SFCA; empty when there are none (always with
    straight lines).

    >>> from metrics.indicators import INDICATORS
    >>> ind = INDICATORS["edu_primary_walk_min"]
    >>> table = IndicatorTable((ind,), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {},
    ...                        pd.DataFrame({"no_road_units": [3]}, index=[ind.key]), {})
    >>> no_road_note(table, ind, "zh")
    '3 个村无道路连通，未计入平均'
    """
    county = table.county
    n = int(county.loc[ind.key, "no_road_units"]) if "no_road_units" in county.columns else 0
    key = _NO_ROAD_KEYS.get(ind.kind)
    return t(key, lang, n=n) if n and key else ""


def behind_text(gap: dict[str, Any] | None, ind: Indicator, lang: str) -> str:
    """Which side is behind, with the indicator's direction: ``乡村落后（越高越好）``.

    >>> from metrics.indicators import INDICATORS
    >>> gap = {"worse": "rural", "better": "urban"}
    >>> behind_text(gap, INDICATORS["culture_complex_ebike_min"], "en")
    'Rural areas are behind (lower is better)'
    """
    if gap is None or gap["worse"] is None:
        return t("gap.equal", lang)
    direction = t("ov.better_high" if ind.higher_is_better else "ov.better_low", lang)
    return t("gap.behind", lang, worse=group_label(gap["worse"], lang), direction=direction)


def gap_card(table: IndicatorTable, ind: Indicator, lang: str) -> dict[str, str] | None:
    """The urban-rural ratio as a card, said from the side behind: label ``城乡比（乡村 ÷
    城镇）``, value worse ÷ better (:func:`metrics.gaps.urban_rural_gap`), ``note`` which
    side is behind, ``help`` what the ratio means. None without both groups."""
    gap = urban_rural_gap(table.summaries[ind.key]["urban_rural"], ind.higher_is_better)
    if gap is None:
        return None
    sides = ratio_label(gap["worse"], gap["better"], lang)
    return {"label": t("gap.ratio", lang, sides=sides), "value": plain_number(gap["ratio"], 2),
            "note": behind_text(gap, ind, lang), "help": t("gap.ratio_help", lang, sides=sides)}


def _span(values: pd.Series, ind: Indicator, lang: str) -> str:
    """``88.3–94.9 %`` (one value when they agree), in the indicator's precision and unit."""
    v = values.dropna()
    if v.empty:
        return "–"
    lo, hi = fmt_value(v.min(), ind), fmt_value(v.max(), ind)
    text = lo if lo == hi else f"{lo}–{hi}"
    unit = unit_of(ind, lang)
    return f"{text} {unit}" if unit else text


def _groups(rows: pd.DataFrame, ind: Indicator, lang: str) -> str:
    return t("sens.groups", lang, urban=_span(rows["urban"], ind, lang),
             rural=_span(rows["rural"], ind, lang))


def _mode(mode: str, lang: str) -> str:
    key = f"dom.mode.{mode}"
    return t(key, lang) if key in TEXT else mode


def sensitivity_text(sens: pd.DataFrame | None, ind: Indicator, lang: str) -> str:
    """How far the indicator moves with its assumed speed and mode, in one or two sentences,
    from :func:`metrics.sensitivity.sensitivity`: the urban and rural range over the
    plausible speeds of its mode (``low``, ``high`` and the ``current`` speed), then the
    value for people without the mode (``without``) and any other case; for an indicator
    without a travel mode, what it rests on instead.

    Examples
    --------
    >>> from metrics.indicators import INDICATORS
    >>> sens = pd.DataFrame({"case": ["current", "low", "high", "without"],
    ...                      "mode": ["car", "car", "car", "ebike"],
    ...                      "speed_kmh": [40.0, 25.0, 50.0, 15.0],
    ...                      "urban": [100.0, 96.77, 100.0, 95.0], "rural": [98.8, 91.6, 100.0, 59.7]})
    >>> print(sensitivity_text(sens, INDICATORS["health_centre_share_15min"], "zh"))
    敏感性：小汽车 25–50 km/h 时，城镇 96.8–100.0 %，乡村 91.6–100.0 %（当前 40 km/h）。没有小汽车、改用电动自行车（15 km/h）：城镇 95.0 %，乡村 59.7 %。
    >>> sensitivity_text(None, INDICATORS["culture_village_centre_coverage"], "en")[:60]
    'Sensitivity: no travel speed or time standard involved; coun'
    """
    if sens is None or sens.empty:
        key = f"sens.none.{ind.kind}"
        return t(key if key in TEXT else "sens.none", lang)
    by_case = sens.set_index("case", drop=False)
    base = by_case.loc[[c for c in ("current", "low", "high") if c in by_case.index]]
    parts = []
    if len(base):
        speeds = base["speed_kmh"].astype(float)
        now = float(by_case.loc["current", "speed_kmh"]) if "current" in by_case.index else speeds.iloc[0]
        parts.append(t("sens.range", lang, mode=_mode(ind.mode or "", lang),
                       lo=f"{speeds.min():g}", hi=f"{speeds.max():g}", now=f"{now:g}",
                       groups=_groups(base, ind, lang)))
    for case, row in by_case.iterrows():
        if case in ("current", "low", "high"):
            continue
        one = by_case.loc[[case]]
        if case == "without":
            parts.append(t("sens.without", lang, own=_mode(ind.mode or "", lang), mode=_mode(row["mode"], lang),
                           speed=f"{float(row['speed_kmh']):g}", groups=_groups(one, ind, lang)))
        else:
            parts.append(t("sens.case", lang, mode=_mode(row["mode"], lang),
                           speed=f"{float(row['speed_kmh']):g}", groups=_groups(one, ind, lang)))
    return ("" if lang == "zh" else " ").join(parts)


def headline_card(table: IndicatorTable, ind: Indicator, lang: str, gini: float | None,
                  sensitivity: str = "") -> dict[str, str]:
    """The brief's card of a domain's headline indicator: urban / rural values, the ratio
    from the side behind (:func:`gap_card`), the Gini between units and the sensitivity line."""
    values = group_values(table, ind.key)
    gap = gap_card(table, ind, lang)
    sep = " · "
    note = f"{t('urban', lang)} / {t('rural', lang)}"
    if gap is not None:
        note += f"{sep}{gap['label']} {gap['value']}{sep}{gap['note']}"
    note += f"{sep}Gini {plain_number(gini, 3)}"
    if sensitivity:
        note += f"{sep}{sensitivity}"
    return {
        "label": f"{domain_label(ind.domain, lang)} · {label_of(ind, lang)}",
        "value": f"{fmt_value(values['urban'], ind)} / {fmt_value(values['rural'], ind)} "
                 f"{unit_of(ind, lang)}".strip(),
        "note": note}
