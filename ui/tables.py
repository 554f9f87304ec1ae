"""Tables of an indicator for the screen, the downloads and the briefs (pure: tables in, tables out).

Villages (:func:`unit_table`), townships ranked by value with their status against the
target (:func:`township_table`, status from :func:`metrics.provision.compare_target`),
townships ranked by their gap to the county (:func:`township_gap_table`, the overview), the gap measures in words (:func:`gap_rows`), townships × indicators
(:func:`glance_table`) and the translation of any of them (:func:`localise`). Values are
rounded by the indicator's own rule (:func:`ui.format.digits`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from metrics.indicators import Indicator, IndicatorTable
from metrics.provision import compare_target
from ui.format import digits, label_of, unit_of, value_format
from ui.i18n import facility_label, group_label, t, with_unit

__all__ = [
    "gap_rows", "glance_table", "localise", "names_by_code", "township_gap_table",
    "township_table", "unit_table",
]


def names_by_code(townships: pd.DataFrame) -> dict[str, str]:
    """Township code -> name.

    >>> names_by_code(pd.DataFrame({"code": [511723107], "name": ["任市镇"]}))
    {'511723107': '任市镇'}
    """
    return dict(zip(townships["code"].astype(str), townships["name"].astype(str), strict=True))


def unit_table(table: IndicatorTable, ind: Indicator, units: pd.DataFrame,
               townships: pd.DataFrame, lang: str, township: str | None = None) -> pd.DataFrame:
    """One row per village or community: names, urban/rural, the value and its weight.

    Columns (language-neutral): ``code``, ``name``, ``township``, ``township_code``,
    ``urban_rural``, ``urban_rural_label``, ``lon``, ``lat``, ``value``, ``weight``.
    ``township`` filters to one township code.
    """
    u = units.set_index(units["code"].astype(str))
    names = names_by_code(townships)
    out = pd.DataFrame({
        "code": table.values.index.astype(str),
        "value": table.values[ind.key].to_numpy(),
        "weight": table.weights[ind.key].to_numpy(),
    })
    out["name"] = out["code"].map(u["name"])
    out["township_code"] = out["code"].map(u["township_code"].astype(str))
    out["township"] = out["township_code"].map(names)
    out["urban_rural"] = out["code"].map(u["urban_rural"])
    out["urban_rural_label"] = out["urban_rural"].map(lambda g: group_label(g, lang))
    out["lon"], out["lat"] = out["code"].map(u["lon"]), out["code"].map(u["lat"])
    if township:
        out = out.loc[out["township_code"] == str(township)]
    cols = ["code", "name", "township", "township_code", "urban_rural", "urban_rural_label",
            "lon", "lat", "value", "weight"]
    return out[cols].reset_index(drop=True)


def township_table(table: IndicatorTable, ind: Indicator, townships: pd.DataFrame) -> pd.DataFrame:
    """Townships ranked best first: ``rank``, ``township_code``, ``name``, ``value``,
    ``weight`` (sum of the summary weights), ``n_units``, ``status`` against the target
    (:func:`metrics.provision.compare_target`: ``met``, ``not_met``, ``no_data``; None
    without a target).

    Empty (same columns) when the indicator has no value anywhere.
    """
    cols = ["rank", "township_code", "name", "value", "weight", "n_units", "status"]
    s = table.summaries[ind.key]["township_code"]
    if s is None:
        return pd.DataFrame(columns=cols)
    g = s["groups"]
    out = pd.DataFrame({"township_code": g.index.astype(str), "value": g["mean"].to_numpy(),
                        "weight": g["population"].to_numpy(), "n_units": g["n_units"].to_numpy()})
    out["name"] = out["township_code"].map(names_by_code(townships)).fillna(out["township_code"])
    target = table.county.loc[ind.key, "target"]
    if ind.target is not None and not pd.isna(target):
        cmp = compare_target(out["value"], float(target), ind.higher_is_better)
        out["status"] = cmp["status"].to_numpy()
    else:
        out["status"] = None
    out = out.sort_values("value", ascending=not ind.higher_is_better).reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out[cols]


def township_gap_table(gaps: pd.DataFrame, ind: Indicator, townships: pd.DataFrame,
                       lang: str) -> pd.DataFrame:
    """The overview's ranking for the screen: townships by their gap to the county, worst
    first (``gaps`` from :func:`metrics.gaps.township_gaps`): rank, name, value and gap in the
    indicator's precision, per cent against the county, zone and number of units; headers
    translated, with the unit."""
    names = names_by_code(townships)
    zone = dict(zip(townships["code"].astype(str), townships["zone"].astype(str), strict=True))
    unit, n = unit_of(ind, lang), digits(ind)
    return pd.DataFrame({
        t("col.rank", lang): gaps["rank"],
        t("township", lang): [names.get(c, c) for c in gaps.index],
        with_unit(t("col.value", lang), unit, lang): gaps["value"].round(n),
        with_unit(t("col.gap", lang), unit, lang): gaps["gap"].round(n),
        t("col.shortfall_pct", lang): gaps["shortfall_pct"].round(1),
        t("col.zone", lang): [zone.get(c, "") for c in gaps.index],
        t("col.n_units", lang): gaps["n_units"],
    }).reset_index(drop=True)


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def gap_rows(summary: Mapping[str, Any] | None, town_summary: Mapping[str, Any] | None,
             ind: Indicator, lang: str) -> pd.DataFrame:
    """The gap measures with one plain sentence each: columns measure, value, meaning.

    ``summary`` is the urban/rural :func:`metrics.inequality.summarise` dict,
    ``town_summary`` the township one (for the between-townships share).
    """
    rows: list[tuple[str, str, str]] = []
    if summary is None:
        return pd.DataFrame(rows, columns=["measure", "value", "meaning"])
    fmt = value_format(ind)
    unit = t("dom.points", lang) if unit_of(ind, lang) == "%" else unit_of(ind, lang)
    better = t("dom.better" if ind.higher_is_better else "dom.worse", lang)
    d = _num(summary.get("pair_difference"))
    if d is not None:
        key = "dom.s.difference_zero" if d == 0 else (
            "dom.s.difference_pos" if d > 0 else "dom.s.difference_neg")
        rows.append((t("dom.m.difference", lang), format(d, "+" + fmt.lstrip(",")),
                     t(key, lang, abs=format(abs(d), fmt), unit=unit, better=better)))
        r = _num(summary.get("pair_ratio"))
        rows.append((t("dom.m.ratio", lang), "–" if r is None else format(r, ".2f"),
                     t("dom.s.ratio_none", lang) if r is None else t("dom.s.ratio", lang, v=format(r, ".2f"))))
    undefined = t("dom.s.undefined", lang)
    g = _num(summary.get("gini"))
    rows.append((t("dom.m.gini", lang), "–" if g is None else format(g, ".3f"),
                 undefined if g is None else t("dom.s.gini", lang)))
    th = _num(summary.get("theil"))
    rows.append((t("dom.m.theil", lang), "–" if th is None else format(th, ".3f"),
                 undefined if th is None else t("dom.s.theil", lang)))
    share = _num(summary.get("theil_between_share"))
    if d is not None and th is not None and th > 0 and share is not None:
        b = 100 * share
        rows.append((t("dom.m.between", lang), f"{b:.0f}%",
                     t("dom.s.between", lang, b=f"{b:.0f}", w=f"{100 - b:.0f}")))
    ts = _num(town_summary.get("theil_between_share")) if town_summary else None
    if th is not None and th > 0 and ts is not None:
        b = 100 * ts
        rows.append((t("dom.m.between_town", lang), f"{b:.0f}%",
                     t("dom.s.between_town", lang, b=f"{b:.0f}", w=f"{100 - b:.0f}")))
    return pd.DataFrame(rows, columns=["measure", "value", "meaning"])


def localise(frame: pd.DataFrame, columns: Mapping[str, str], lang: str, *,
             townships: pd.DataFrame | None = None, formats: Mapping[str, str] | None = None
             ) -> pd.DataFrame:
    """A table for the screen and the downloads: chosen columns, translated values and headers.

    ``columns``: column -> i18n key of its header, in display order. Values of ``type``
    become facility labels, ``township_code`` township names, ``status`` and booleans
    words; ``formats`` rounds numeric columns (e.g. ``{"gap": ".0f"}``).
    """
    out = pd.DataFrame(index=frame.index)
    names = names_by_code(townships) if townships is not None else {}
    for col in columns:
        s = frame[col]
        if col == "type":
            s = s.map(lambda v: facility_label(str(v), lang))
        elif col == "township_code":
            s = s.astype(str).map(lambda v: names.get(v, v))
        elif col == "status":
            s = s.map(lambda v: t(f"dom.st.{v}", lang) if isinstance(v, str) else "–")
        elif s.dtype == bool:
            s = s.map(lambda v: t("dom.yes" if v else "dom.no", lang))
        elif formats and col in formats and pd.api.types.is_numeric_dtype(s):
            n = int(formats[col].strip(".f") or 0)
            s = s.astype("float64").round(n)
        out[col] = s
    return out.rename(columns={c: t(k, lang) for c, k in columns.items()}).reset_index(drop=True)


def glance_table(table: IndicatorTable, keys: Sequence[str], townships: pd.DataFrame,
                 lang: str) -> pd.DataFrame:
    """Townships × indicators (group values), headers with units, plus the county row.

    Every township is listed in code order; a missing value is NaN.
    """
    from metrics.indicators import INDICATORS

    by = table.by_group("township_code")
    codes = townships["code"].astype(str)
    out = pd.DataFrame({t("dom.col.township", lang): townships["name"].astype(str).to_numpy()})
    for key in keys:
        ind = INDICATORS[key]
        col = by[key] if key in by.columns else pd.Series(dtype=float)
        col.index = col.index.astype(str)
        n = digits(ind)
        vals = [round(float(col.get(c, float("nan"))), n) for c in codes]
        vals.append(round(float(table.county.loc[key, "value"]), n))
        out.loc[len(codes), t("dom.col.township", lang)] = t("county", lang)
        out[with_unit(label_of(ind, lang), unit_of(ind, lang), lang)] = vals
    return out
