"""Key numbers of an indicator: county, urban and rural cards for the pages and the briefs.

A card is a dict ``{"label", "value"}`` with optional ``note``, ``delta`` and ``delta_color``:
what ``st.metric`` shows and :func:`ui.brief.brief_html` prints. The domain pages show the
county, urban and rural cards with the status against the target; the overview shows the
urban and rural ones of each domain's headline indicator (:func:`headline_card` for its
brief). Pure: tables in, dicts out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from metrics.indicators import Indicator, IndicatorTable
from ui.format import fmt_change, fmt_value, label_of, metric_label, metric_value, unit_of
from ui.i18n import domain_label, t

__all__ = ["GROUPS", "group_cards", "group_values", "headline_card", "status_note"]

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
    decided it in :func:`metrics.indicators.evaluate`), else which direction is better."""
    row = table.county.loc[ind.key]
    if row["status"] not in ("met", "not_met"):
        return t("dom.better" if ind.higher_is_better else "dom.worse", lang)
    target = f"{row['target']:g} {unit_of(ind, lang)}"
    if row["status"] == "met":
        return t("dom.status.met", lang, target=target)
    return t("dom.status.not_met" if ind.higher_is_better else "dom.status.not_met_low", lang, target=target)


def headline_card(table: IndicatorTable, ind: Indicator, lang: str,
                  gini: float | None) -> dict[str, str]:
    """The brief's card of a domain's headline indicator: urban / rural values, their ratio
    and the Gini between units."""
    from ui.frame import fmt

    values = group_values(table, ind.key)
    ratio = table.summaries[ind.key]["urban_rural"]["pair_ratio"]
    return {
        "label": f"{domain_label(ind.domain, lang)} · {label_of(ind, lang)}",
        "value": f"{fmt_value(values['urban'], ind)} / {fmt_value(values['rural'], ind)} "
                 f"{unit_of(ind, lang)}",
        "note": f"{t('urban', lang)} / {t('rural', lang)} · {t('ov.ratio', lang)} "
                f"{fmt(ratio, '', 2)} · Gini {fmt(gini, '', 3)}"}
