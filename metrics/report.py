"""The equity report: every indicator by urban/rural, township and distance quintile.

:func:`build_report` takes the ``units``, ``facilities`` and ``townships`` frames and
returns a plain dict that :func:`json.dumps` accepts (NaN → ``None``); its keys are
documented in ``docs/indicators.md``. :func:`render_text` prints it with Chinese and
English labels. Pure: the CLI (``python -m metrics report``) reads the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from metrics import travel
from metrics.indicators import (
    COUNTY_TOWN_CODE,
    DOMAINS,
    GROUPINGS,
    NO_SUMMARY_TEXT,
    QUINTILES_ORDERED,
    Indicator,
    IndicatorTable,
    evaluate,
    prepare,
)

__all__ = ["MEASURE_KEYS", "REPORT_SCHEMA", "build_report", "county_town", "render_text"]

#: Version tag of the JSON layout.
REPORT_SCHEMA = "kaijiang-equity/report/1"

#: Keys of a grouping's ``measures`` (from :func:`metrics.inequality.summarise`).
MEASURE_KEYS: tuple[str, ...] = (
    "n_units", "n_dropped", "mean", "gini", "theil", "theil_between", "theil_within",
    "theil_between_share", "mld", "mld_between", "mld_within", "mld_between_share",
    "best_group", "worst_group", "difference_groups", "difference", "ratio", "pair",
    "pair_difference", "pair_ratio", "coefficient_of_variation", "index_of_disparity",
    "par", "paf", "sii", "rii",
)

_UR_LABELS = {"urban": "城镇 urban", "rural": "乡村 rural"}
_Q_LABELS = {"Q1": "Q1 最近 nearest", "Q5": "Q5 最远 farthest"}


def _num(x: Any) -> float | int | None:
    """A JSON-safe number: None for missing, NaN or infinite."""
    if x is None or x is pd.NA:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)  # type: ignore[return-value]
    if isinstance(x, (int, np.integer)):
        return int(x)
    v = float(x)
    return v if math.isfinite(v) else None


def _json(x: Any) -> Any:
    if isinstance(x, (tuple, list)):
        return [_json(v) for v in x]
    if isinstance(x, str) or x is None:
        return x
    if isinstance(x, (np.str_,)):
        return str(x)
    return _num(x)


def county_town(townships: pd.DataFrame) -> tuple[float, float] | None:
    """(lat, lon) of 淙城街道 from the townships table, or None when it is missing.

    Examples
    --------
    >>> county_town(pd.DataFrame({"code": ["511723001"], "lat": [31.08], "lon": [107.86]}))
    (31.08, 107.86)
    """
    row = townships.loc[townships["code"].astype(str) == COUNTY_TOWN_CODE]
    if row.empty or pd.isna(row["lat"].iloc[0]) or pd.isna(row["lon"].iloc[0]):
        return None
    return float(row["lat"].iloc[0]), float(row["lon"].iloc[0])


def _group_rows(ind: Indicator, summary: dict[str, Any] | None, by: str,
                names: Mapping[str, str], target: float | None) -> list[dict[str, Any]]:
    if summary is None:
        return []
    rows = []
    table = summary["groups"]
    order = list(QUINTILES_ORDERED[::-1]) if by == "distance_quintile" else list(table.index)
    for group in [g for g in order if g in table.index]:
        r = table.loc[group]
        label = (_UR_LABELS.get(group, group) if by == "urban_rural"
                 else names.get(group, group) if by == "township_code"
                 else _Q_LABELS.get(group, group))
        status = None
        if target is not None:
            ok = r["mean"] >= target if ind.higher_is_better else r["mean"] <= target
            status = "met" if ok else "not_met"
        rows.append({"group": str(group), "label": label, "value": _num(r["mean"]),
                     "population": _num(r["population"]),
                     "population_share": _num(r["population_share"]),
                     "n_units": _num(r["n_units"]), "status": status})
    return rows


def _indicator(ind: Indicator, table: IndicatorTable, names: Mapping[str, str]) -> dict[str, Any]:
    county = table.county.loc[ind.key]
    target = None if ind.target is None else table.settings[ind.target]
    first = next((s for s in table.summaries[ind.key].values() if s is not None), None)
    out: dict[str, Any] = {
        "key": ind.key, "zh": ind.zh, "en": ind.en, "unit_zh": ind.unit_zh,
        "unit_en": ind.unit_en, "kind": ind.kind, "higher_is_better": ind.higher_is_better,
        "headline": ind.headline, "mode": ind.mode, "weight": ind.weight,
        "not_applicable": [{"code": c, "name": names.get(c, c)}
                           for c in table.not_applicable.get(ind.key, ())],
        "threshold": None if ind.threshold is None else {
            "key": ind.threshold, "value": table.settings[ind.threshold]},
        "county": {
            "value": _num(county["value"]), "n_units": _num(county["n_units"]),
            "target": _num(target), "target_key": ind.target,
            "gap": _num(county["gap"]), "gap_pct": _num(county["gap_pct"]),
            "status": county["status"] if isinstance(county["status"], str) else None,
            "no_road_units": _num(county.get("no_road_units", 0)),
            "no_road_pop": _num(county.get("no_road_pop", 0.0)),
        },
        "inequality": {k: (None if first is None else _num(first[k]))
                       for k in ("gini", "theil", "mld")},
        "by": {},
    }
    for by in GROUPINGS:
        s = table.summaries[ind.key][by]
        out["by"][by] = {
            "groups": _group_rows(ind, s, by, names, target),
            "measures": None if s is None else {k: _json(s[k]) for k in MEASURE_KEYS},
            "why_none": table.why_no_summary(ind.key, by),
        }
    return out


def build_report(
    frames: Mapping[str, pd.DataFrame],
    overrides: Mapping[str, float] | None = None,
    *,
    all_indicators: bool = False,
    table: IndicatorTable | None = None,
    model: travel.TravelModel | None = None,
) -> dict[str, Any]:
    """The report as a JSON-ready dict (layout in ``docs/indicators.md``).

    Parameters
    ----------
    frames : mapping
        ``units``, ``facilities`` and ``townships`` tables of the schema.
    overrides : mapping, optional
        Setting values replacing the defaults of :mod:`metrics.settings`.
    all_indicators : bool
        Every indicator of the catalogue instead of the headline ones.
    table : IndicatorTable, optional
        A result of :func:`metrics.indicators.evaluate` on the same frames, to reuse.
    model : TravelModel, optional
        The travel model (:mod:`metrics.travel`; default the straight-line estimate), named
        in ``meta.travel_model``.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b"], "lat": [31.0, 31.0], "lon": [108.0, 108.1],
    ...                       "township_code": ["511723001", "t"],
    ...                       "urban_rural": ["urban", "rural"], "population": [100, 300]})
    >>> for c in ("pop_0_2", "pop_3_5", "pop_6_11", "pop_12_14", "pop_60_64", "pop_65_plus"):
    ...     units[c] = 10
    >>> fac = pd.DataFrame({"id": ["h"], "type": ["health_centre"], "tier": ["township"],
    ...                     "unit_code": ["a"], "township_code": ["511723001"], "lat": [31.0],
    ...                     "lon": [108.0], "beds": [2], "doctors": [1]})
    >>> towns = pd.DataFrame({"code": ["511723001", "t"], "name": ["淙城街道", "T镇"],
    ...                       "lat": [31.0, 31.0], "lon": [108.0, 108.1]})
    >>> r = build_report({"units": units, "facilities": fac, "townships": towns})
    >>> beds = [i for d in r["domains"] for i in d["indicators"]
    ...         if i["key"] == "health_township_beds_per_1000"][0]
    >>> beds["county"]["value"], [g["value"] for g in beds["by"]["township_code"]["groups"]]
    (5.0, [20.0, 0.0])
    """
    units, facilities, townships = frames["units"], frames["facilities"], frames["townships"]
    town = county_town(townships)
    if table is None:
        table = evaluate(prepare(units, facilities, county_town=town, model=model), overrides)
    used: Any = model or travel.STRAIGHT
    names = dict(zip(townships["code"].astype(str), townships["name"].astype(str), strict=False))
    pop = pd.to_numeric(units.get("population"), errors="coerce") if "population" in units else None
    synthetic = [bool(f["is_synthetic"].fillna(False).any()) for f in (units, facilities)
                 if "is_synthetic" in f.columns]
    domains = []
    for domain, (zh, en) in DOMAINS.items():
        inds = [i for i in table.catalogue if i.domain == domain and (all_indicators or i.headline)]
        domains.append({"key": domain, "zh": zh, "en": en,
                        "indicators": [_indicator(i, table, names) for i in inds]})
    return {
        "schema": REPORT_SCHEMA,
        "meta": {
            "n_units": len(units), "n_facilities": len(facilities), "n_townships": len(townships),
            "population": None if pop is None else _num(pop.sum()),
            "synthetic": any(synthetic),
            "county_town": None if town is None else {
                "code": COUNTY_TOWN_CODE, "name": names.get(COUNTY_TOWN_CODE),
                "lat": town[0], "lon": town[1]},
            "settings": dict(table.settings),
            "overrides": {k: float(v) for k, v in (overrides or {}).items()},
            "all_indicators": all_indicators,
            "travel_model": {"key": used.key, "zh": used.zh, "en": used.en},
        },
        "groupings": {k: {"zh": zh, "en": en} for k, (zh, en) in GROUPINGS.items()},
        "domains": domains,
    }


# -- text -------------------------------------------------------------------------------------

def _f(x: float | None, digits: int | None = None) -> str:
    if x is None:
        return "—"
    x = 0.0 if abs(x) < 1e-12 else float(f"{x:.10g}")  # no 99.99999… printed as 100.0
    if digits is not None:
        return f"{x:.{digits}f}"
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 1 else f"{x:.3f}"


def _measures_line(m: dict[str, Any], by: str, labels: Mapping[str, str]) -> str:
    a, b = m["difference_groups"]
    parts = [f"差值 D ({labels.get(a, a)} − {labels.get(b, b)}) {_f(m['difference'])}",
             f"比值 R {_f(m['ratio'])}"]
    if m["pair"] is not None and by == "urban_rural":
        parts = [f"差值 D (城镇 − 乡村 urban − rural) {_f(m['pair_difference'])}",
                 f"比值 R {_f(m['pair_ratio'])}"]
    parts += [
        f"变异系数 CoV {_f(m['coefficient_of_variation'], 1)}%",
        f"差异指数 IDisW {_f(m['index_of_disparity'], 1)}%",
        f"PAR {_f(m['par'])}", f"PAF {_f(m['paf'], 1)}%",
        f"Theil 组间 between {_f(m['theil_between'], 4)} / 组内 within {_f(m['theil_within'], 4)}"
        f" ({_f(None if m['theil_between_share'] is None else 100 * m['theil_between_share'], 0)}%"
        " 组间 between)",
        f"MLD 组间 between {_f(m['mld_between'], 4)} / 组内 within {_f(m['mld_within'], 4)}",
    ]
    if by == "distance_quintile":
        parts += [f"SII {_f(m['sii'])}", f"RII {_f(m['rii'])}"]
    return "    " + " · ".join(parts)


def render_text(report: dict[str, Any]) -> str:
    """The report as plain text with Chinese and English labels.

    Examples
    --------
    >>> print(render_text({"meta": {"n_units": 0, "n_facilities": 0, "population": None,
    ...     "synthetic": False, "county_town": None, "overrides": {}}, "domains": []}))
    开江县城乡公共服务差距报告 Kaijiang urban-rural public-service gap report
    单元 units 0 · 设施 facilities 0 · 常住人口 residents —
    """
    meta = report["meta"]
    lines = ["开江县城乡公共服务差距报告 Kaijiang urban-rural public-service gap report",
             f"单元 units {meta['n_units']} · 设施 facilities {meta['n_facilities']} · "
             f"常住人口 residents {_f(meta['population'], 0) if meta['population'] else '—'}"]
    tm = meta.get("travel_model")
    if tm:
        lines.append(f"出行时间 travel times: {tm['zh']} {tm['en']}")
    if meta["synthetic"]:
        lines.append("注意：含示例（合成）数据 Note: includes synthetic data")
    if meta["overrides"]:
        lines.append("调整的设置 overrides: " + ", ".join(f"{k}={v:g}" for k, v in meta["overrides"].items()))
    for d in report["domains"]:
        lines += ["", f"== {d['zh']} {d['en']} =="]
        for ind in d["indicators"]:
            lines += _indicator_text(ind)
    return "\n".join(lines)


def _indicator_text(ind: dict[str, Any]) -> list[str]:
    c = ind["county"]
    better = "越高越好 higher is better" if ind["higher_is_better"] else "越低越好 lower is better"
    out = ["", f"● {ind['zh']} {ind['en']} [{ind['unit_zh']} {ind['unit_en']}] ({better})"]
    head = f"  全县 county {_f(c['value'])}"
    if ind["threshold"] is not None:
        t = ind["threshold"]
        head += f" · 标准 threshold {t['key']} = {t['value']:g}"
    if c["target"] is not None:
        status = {"met": "达标 met", "not_met": "未达标 not met"}.get(c["status"], "无数据 no data")
        head += f" · 目标 target {c['target']:g} → {status} (差距 gap {_f(c['gap'])})"
    ineq = ind["inequality"]
    head += (f" · Gini {_f(ineq['gini'], 3)} · Theil T {_f(ineq['theil'], 4)}"
             f" · MLD {_f(ineq['mld'], 4)}")
    out.append(head)
    if ind.get("not_applicable"):
        towns = "、".join(t["name"] for t in ind["not_applicable"])
        out.append(f"  不适用 not applicable: {towns}（由县级设施服务 served by the county tier）")
    for by, (zh, en) in (("urban_rural", ("城乡", "urban/rural")),
                         ("township_code", ("乡镇", "townships")),
                         ("distance_quintile", ("距县城五分位", "distance quintiles, near → far"))):
        block = ind["by"][by]
        if block["measures"] is None:
            why = NO_SUMMARY_TEXT.get(block.get("why_none") or "no_value", NO_SUMMARY_TEXT["no_value"])
            out.append(f"  {zh} {en}: {why[0]} {why[1]}")
            continue
        labels = {g["group"]: g["label"] for g in block["groups"]}
        groups = " | ".join(f"{g['label']} {_f(g['value'])}" for g in block["groups"])
        out.append(f"  {zh} {en}: {groups}")
        out.append(_measures_line(block["measures"], by, labels))
    return out

