"""Tables of an indicator for the screen, the downloads and the briefs (pure: tables in, tables out).

Villages with the rule that made each urban or rural (:func:`unit_table`,
:func:`rule_label`, the rule in words :func:`urban_rural_rule`), townships ranked with
their status against the target (:func:`township_table`, the domain pages, status from
:func:`metrics.provision.compare_target`) and townships ranked by their gap to the county
(:func:`township_gap_table`, the overview) — both in the one order of
:func:`metrics.gaps.township_gaps`, rank 1 = furthest behind the county —, the gap
measures in words, said from the side behind (:func:`gap_rows`), the urban-rural gap of
every indicator (:func:`all_gaps_table`), townships × indicators (:func:`glance_table`) and
the translation of any of them (:func:`localise`). Values are rounded by the indicator's
own rule (:func:`ui.format.digits`), counts are integers, and no value reads "-0".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from metrics.gaps import largest_gaps, township_gaps, urban_rural_gap
from metrics.indicators import Indicator, IndicatorTable
from metrics.provision import compare_target
from ui.format import (
    digits,
    integer_counts,
    label_of,
    no_minus_zero,
    plain_number,
    ratio_label,
    unit_of,
    weighting_text,
)
from ui.i18n import TEXT, domain_label, facility_label, group_label, t, with_unit
from ui.pinyin import place_label

__all__ = [
    "all_gaps_table", "gap_rows", "glance_table", "localise", "names_by_code", "rule_label",
    "township_gap_table", "township_table", "unit_table", "urban_rural_rule",
]


def names_by_code(townships: pd.DataFrame) -> dict[str, str]:
    """Township code -> name.

    >>> names_by_code(pd.DataFrame({"code": [511723107], "name": ["任市镇"]}))
    {'511723107': '任市镇'}
    """
    return dict(zip(townships["code"].astype(str), townships["name"].astype(str), strict=True))


def unit_table(table: IndicatorTable, ind: Indicator, units: pd.DataFrame,
               townships: pd.DataFrame, lang: str, township: str | None = None) -> pd.DataFrame:
    """One row per village or community: names, urban/rural and the rule that made it so,
    the value and its weight.

    Columns (language-neutral): ``code``, ``name``, ``township``, ``township_code``,
    ``urban_rural``, ``urban_rural_label``, ``urban_rural_rule`` (:func:`rule_label`),
    ``lon``, ``lat``, ``value``, ``weight``. ``township`` filters to one township code.
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
    rules = u["urban_rural_rule"] if "urban_rural_rule" in u.columns else pd.Series(None, index=u.index)
    kinds = u["unit_type"] if "unit_type" in u.columns else pd.Series(None, index=u.index)
    out["urban_rural_rule"] = [rule_label(rules.get(c), kinds.get(c), g, lang)
                               for c, g in zip(out["code"], out["urban_rural"], strict=True)]
    out["lon"], out["lat"] = out["code"].map(u["lon"]), out["code"].map(u["lat"])
    if township:
        out = out.loc[out["township_code"] == str(township)]
    cols = ["code", "name", "township", "township_code", "urban_rural", "urban_rural_label",
            "urban_rural_rule", "lon", "lat", "value", "weight"]
    return out[cols].reset_index(drop=True)


def township_table(table: IndicatorTable, ind: Indicator, townships: pd.DataFrame) -> pd.DataFrame:
    """Townships in the overview's order (:func:`metrics.gaps.township_gaps`: rank 1 =
    furthest behind the county): ``rank``, ``township_code``, ``name``, ``value``, ``gap``
    (township − county), ``weight`` (sum of the summary weights), ``n_units``, ``status``
    against the target (:func:`metrics.provision.compare_target`: ``met``, ``not_met``,
    ``no_data``; None without a target).

    Empty (same columns) when the indicator has no value anywhere.
    """
    cols = ["rank", "township_code", "name", "value", "gap", "weight", "n_units", "status"]
    s = table.summaries[ind.key]["township_code"]
    if s is None:
        return pd.DataFrame(columns=cols)
    county = float(table.county.loc[ind.key, "value"])
    g = township_gaps(s, county, ind.higher_is_better)
    out = pd.DataFrame({"township_code": g.index.astype(str), "value": g["value"].to_numpy(),
                        "gap": g["gap"].to_numpy(), "weight": g["population"].to_numpy(),
                        "n_units": g["n_units"].to_numpy(), "rank": g["rank"].to_numpy()})
    out["name"] = out["township_code"].map(names_by_code(townships)).fillna(out["township_code"])
    target = table.county.loc[ind.key, "target"]
    if ind.target is not None and not pd.isna(target):
        cmp = compare_target(out["value"], float(target), ind.higher_is_better)
        out["status"] = cmp["status"].to_numpy()
    else:
        out["status"] = None
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
        t("township", lang): [place_label(names.get(c, c), lang) for c in gaps.index],
        with_unit(t("col.value", lang), unit, lang): no_minus_zero(gaps["value"].round(n)),
        with_unit(t("col.gap", lang), gap_unit(ind, lang), lang): no_minus_zero(gaps["gap"].round(n)),
        t("col.shortfall_pct", lang): no_minus_zero(gaps["shortfall_pct"].astype(float).round(1)),
        t("col.zone", lang): [place_label(zone.get(c, ""), lang) for c in gaps.index],
        t("col.n_units", lang): integer_counts(gaps["n_units"]),
    }).reset_index(drop=True)


def gap_unit(ind: Indicator, lang: str) -> str:
    """The unit of a difference of the indicator's values: percentage points for a share.

    >>> from metrics.indicators import INDICATORS
    >>> gap_unit(INDICATORS["edu_primary_share_30min"], "zh"), gap_unit(INDICATORS["edu_primary_walk_min"], "en")
    ('个百分点', 'min')
    """
    unit = unit_of(ind, lang)
    return t("unit.pp", lang) if unit == "%" else unit


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def gap_rows(summary: Mapping[str, Any] | None, town_summary: Mapping[str, Any] | None,
             ind: Indicator, lang: str) -> pd.DataFrame:
    """The gap measures with one plain sentence each: columns measure, value, meaning.

    ``summary`` is the urban/rural :func:`metrics.inequality.summarise` dict,
    ``town_summary`` the township one (for the between-townships share). The difference and
    the ratio start from the side behind (:func:`metrics.gaps.urban_rural_gap`): "乡村 −
    城镇", "乡村 ÷ 城镇", as on the overview; the Gini says how it is weighted.
    """
    rows: list[tuple[str, str, str]] = []
    if summary is None:
        return pd.DataFrame(rows, columns=["measure", "value", "meaning"])
    n = digits(ind)
    unit = gap_unit(ind, lang)
    direction = t("dom.better" if ind.higher_is_better else "dom.worse", lang)
    gap = urban_rural_gap(summary, ind.higher_is_better) if summary.get("groups") is not None else None
    if gap is not None:
        worse, better = gap["worse"] or "rural", gap["better"] or "urban"
        w_name, b_name = group_label(worse, lang), group_label(better, lang)
        if lang == "en":
            w_name, b_name = w_name.lower(), b_name.lower()
        d = gap["difference"]
        minus = f"{group_label(worse, lang)} − {group_label(better, lang)}"
        if lang == "en":
            minus = minus.lower()
        shown = plain_number(d, n, sign=True)
        if plain_number(abs(d), n) == plain_number(0, n):
            meaning = t("dom.s.difference_zero", lang)
        else:
            key = "dom.s.difference_pos" if d > 0 else "dom.s.difference_neg"
            meaning = t(key, lang, worse=w_name, better=b_name,
                        abs=plain_number(abs(d), n), unit=unit, direction=direction)
        rows.append((t("dom.m.difference", lang, sides=minus), shown, meaning))
        r = gap["ratio"]
        rows.append((t("dom.m.ratio", lang, sides=ratio_label(worse, better, lang)),
                     plain_number(r, 2),
                     t("dom.s.ratio_none", lang) if r is None
                     else t("dom.s.ratio", lang, worse=w_name, better=b_name, v=plain_number(r, 2))))
    undefined = t("dom.s.undefined", lang)
    g = _num(summary.get("gini"))
    rows.append((t("dom.m.gini", lang), plain_number(g, 3),
                 undefined if g is None else t("dom.s.gini", lang, weighting=weighting_text(ind, lang))))
    th = _num(summary.get("theil"))
    rows.append((t("dom.m.theil", lang), plain_number(th, 3),
                 undefined if th is None else t("dom.s.theil", lang)))
    share = _num(summary.get("theil_between_share"))
    if gap is not None and th is not None and th > 0 and share is not None:
        b, w = _percent_pair(share)
        rows.append((t("dom.m.between", lang), f"{b}%", t("dom.s.between", lang, b=b, w=w)))
    ts = _num(town_summary.get("theil_between_share")) if town_summary else None
    if th is not None and th > 0 and ts is not None:
        b, w = _percent_pair(ts)
        rows.append((t("dom.m.between_town", lang), f"{b}%", t("dom.s.between_town", lang, b=b, w=w)))
    return pd.DataFrame(rows, columns=["measure", "value", "meaning"])


def _percent_pair(share: float) -> tuple[str, str]:
    """A share and its complement in whole per cent, never "-0" (a share a hair below 0).

    >>> _percent_pair(0.404), _percent_pair(-1e-9)
    (('40', '60'), ('0', '100'))
    """
    b = min(max(100.0 * share, 0.0), 100.0)
    return plain_number(b, 0), plain_number(100.0 - b, 0)


def rule_label(rule: Any, unit_type: Any, group: Any, lang: str) -> str:
    """Why a village or community counts as urban or rural, in words.

    >>> rule_label("ur2016:122", "村", "urban", "zh"), rule_label("type", "社区", "urban", "en")
    ('2016 城乡代码 122（镇乡结合区）', 'no 2016 code: by type, community → urban')
    """
    text = "" if rule is None or (isinstance(rule, float) and math.isnan(rule)) else str(rule)
    if text.startswith("ur2016:"):
        code = text.split(":", 1)[1]
        key = f"ur.code.{code}"
        return t("ur.code", lang, code=code, name=t(key, lang) if key in TEXT else "–")
    if text == "type":
        kind = f"ur.kind.{unit_type}"
        return t("ur.type", lang, kind=t(kind, lang) if kind in TEXT else str(unit_type),
                 group=group_label(group, lang) if lang == "zh" else group_label(group, lang).lower())
    return text or "–"


def urban_rural_rule(units: pd.DataFrame, lang: str) -> str:
    """How urban and rural are told apart, with the counts of this data (villages counted
    as urban, communities as rural).

    >>> u = pd.DataFrame({"unit_type": ["村", "社区", "村"], "urban_rural": ["urban", "urban", "rural"]})
    >>> "1 个村计为城镇" in urban_rural_rule(u, "zh")
    True
    """
    kind, group = units["unit_type"].astype(str), units["urban_rural"].astype(str)
    return t("ur.rule", lang, urban_villages=int(((kind == "村") & (group == "urban")).sum()),
             rural_communities=int(((kind == "社区") & (group == "rural")).sum()),
             n_urban=int((group == "urban").sum()), n_rural=int((group == "rural").sum()))


def all_gaps_table(table: IndicatorTable, indicators: Sequence[Indicator], lang: str, *,
                   screen: bool = False) -> pd.DataFrame:
    """The urban-rural gap of every indicator, largest first (:func:`metrics.gaps.largest_gaps`):
    domain, indicator, unit, direction, urban and rural values in the indicator's precision,
    the side behind, the ratio behind ÷ ahead and the gap factor larger ÷ smaller. With
    ``screen``, a narrower table: urban and rural values as text with their unit in one
    column, no unit and direction columns (the download keeps them, as numbers)."""
    gaps = largest_gaps({i.key: table.summaries[i.key]["urban_rural"] for i in indicators}, indicators)
    by_key = {i.key: i for i in indicators}
    rows = []
    for key, g in gaps.iterrows():
        ind = by_key[key]
        n = digits(ind)
        row = {t("ov.col.domain", lang): domain_label(ind.domain, lang),
               t("ov.col.indicator", lang): label_of(ind, lang)}
        if screen:
            unit = unit_of(ind, lang)
            row[t("ov.col.values", lang)] = (f"{plain_number(g['urban'], n)} / {plain_number(g['rural'], n)}"
                                            f" {unit}").strip()
        else:
            row[t("ov.col.unit", lang)] = unit_of(ind, lang)
            row[t("ov.col.direction", lang)] = t("ov.better_high" if ind.higher_is_better
                                                 else "ov.better_low", lang)
            row[t("urban", lang)] = round(float(g["urban"]), n) + 0.0
            row[t("rural", lang)] = round(float(g["rural"]), n) + 0.0
        row[t("ov.col.behind", lang)] = group_label(g["worse"], lang) if g["worse"] else "–"
        ratio, factor = g["ratio"], g["factor"]
        row[t("ov.col.ratio", lang)] = (None if ratio is None or pd.isna(ratio)
                                        else round(float(ratio), 2))
        row[t("ov.col.factor", lang)] = None if not math.isfinite(factor) else round(float(factor), 2)
        rows.append(row)
    return pd.DataFrame(rows)


#: headers of columns that hold township or village names (pinyin beside them in English)
PLACE_HEADERS = frozenset({"dom.col.township", "dom.col.unit", "township"})


def localise(frame: pd.DataFrame, columns: Mapping[str, str], lang: str, *,
             townships: pd.DataFrame | None = None, formats: Mapping[str, str] | None = None
             ) -> pd.DataFrame:
    """A table for the screen and the downloads: chosen columns, translated values and headers.

    ``columns``: column -> i18n key of its header, in display order. Values of ``type``
    become facility labels, ``township_code`` township names, ``status`` and booleans
    words; columns headed as townships or villages (:data:`PLACE_HEADERS`) show the
    names with their pinyin in English (:func:`ui.pinyin.place_label`); ``formats`` rounds numeric columns (e.g. ``{"gap": ".1f"}``), and ``".0f"``
    makes a column of counts integers (20419, never 20419.0). No value reads "-0".
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
            s = integer_counts(s) if n == 0 else no_minus_zero(s.astype("float64").round(n))
        elif pd.api.types.is_float_dtype(s):
            s = no_minus_zero(s)
        if columns[col] in PLACE_HEADERS and lang == "en":
            s = s.map(lambda v: place_label(v, lang) if isinstance(v, str) else v)
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
    out = pd.DataFrame({t("dom.col.township", lang):
                        [place_label(n, lang) for n in townships["name"].astype(str)]})
    for key in keys:
        ind = INDICATORS[key]
        col = by[key] if key in by.columns else pd.Series(dtype=float)
        col.index = col.index.astype(str)
        n = digits(ind)
        vals = [round(float(col.get(c, float("nan"))), n) + 0.0 for c in codes]
        vals.append(round(float(table.county.loc[key, "value"]), n) + 0.0)
        out.loc[len(codes), t("dom.col.township", lang)] = t("county", lang)
        out[with_unit(label_of(ind, lang), unit_of(ind, lang), lang)] = vals
    return out
