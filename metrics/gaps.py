"""Gaps as every page tells them: townships against the county, urban against rural.

* :func:`township_gaps`: townships ranked by their shortfall against the county, rank 1 =
  furthest behind; the overview and the domain pages both rank with it, so a township has
  the same rank on both.
* :func:`urban_rural_gap`: one indicator's urban-rural gap said from the side behind
  (worse ÷ better, worse − better), whatever the indicator's direction.
* :func:`largest_gaps`: indicators ordered by the size of that gap, to find the largest
  over the whole catalogue; :func:`headline_by_domain`: each domain's headline indicator.

Pure helpers on the outputs of :mod:`metrics.indicators`: no Streamlit, no database;
inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from metrics.indicators import Indicator

__all__ = ["headline_by_domain", "largest_gaps", "township_gaps", "urban_rural_gap"]


def headline_by_domain(catalogue: Iterable[Indicator]) -> dict[str, Indicator]:
    """The first indicator flagged ``headline`` in each domain, in catalogue order.

    Examples
    --------
    >>> from metrics.indicators import CATALOGUE
    >>> {d: i.key for d, i in headline_by_domain(CATALOGUE).items()}["health"]
    'health_centre_share_15min'
    """
    out: dict[str, Indicator] = {}
    for ind in catalogue:
        if ind.headline and ind.domain not in out:
            out[ind.domain] = ind
    return out


def township_gaps(
    summary: Mapping[str, Any] | None, county_value: float, higher_is_better: bool
) -> pd.DataFrame:
    """Townships ranked by their shortfall against the county value, worst first.

    ``gap`` = township value − county value; ``shortfall`` = −gap when higher is better,
    +gap otherwise (positive = worse than the county); ``shortfall_pct`` = 100 ·
    shortfall / |county value| (NaN when the county value is 0); ``rank`` 1 = worst.

    Parameters
    ----------
    summary : dict or None
        :func:`metrics.inequality.summarise` by township (``IndicatorTable.summaries
        [key]["township_code"]``); None gives an empty frame.
    county_value : float
        The county value of the indicator (``IndicatorTable.county.loc[key, "value"]``).
    higher_is_better : bool
        Direction of the indicator.

    Returns
    -------
    DataFrame
        Index township code; columns ``value``, ``population``, ``n_units``, ``gap``,
        ``shortfall``, ``shortfall_pct``, ``rank``.

    Examples
    --------
    >>> s = {"groups": pd.DataFrame({"mean": [50.0, 90.0], "population": [10.0, 30.0],
    ...                              "n_units": [2, 3]}, index=["a", "b"])}
    >>> g = township_gaps(s, 80.0, higher_is_better=True)
    >>> g[["value", "gap", "shortfall", "rank"]].to_dict("index")["a"]
    {'value': 50.0, 'gap': -30.0, 'shortfall': 30.0, 'rank': 1}
    """
    cols = ["value", "population", "n_units", "gap", "shortfall", "shortfall_pct", "rank"]
    if summary is None or summary.get("groups") is None or len(summary["groups"]) == 0:
        return pd.DataFrame(columns=cols)
    g = summary["groups"]
    value = g["mean"].astype(float)
    gap = value - county_value
    shortfall = -gap if higher_is_better else gap
    pct = 100.0 * shortfall / abs(county_value) if county_value else shortfall * np.nan
    out = pd.DataFrame({
        "value": value, "population": g["population"].astype(float),
        "n_units": g["n_units"].astype(int), "gap": gap, "shortfall": shortfall,
        "shortfall_pct": pct,
    })
    out.index = out.index.astype(str)
    out = out.sort_values(["shortfall", "population"], ascending=[False, False], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out[cols]


def urban_rural_gap(summary: Mapping[str, Any] | None,
                    higher_is_better: bool) -> dict[str, Any] | None:
    """The urban-rural gap of one indicator, said from the side that is behind.

    ``worse`` / ``better`` name the groups (``"urban"``, ``"rural"``; both None when the
    values are equal), ``worse_value`` / ``better_value`` their values, ``ratio`` =
    worse ÷ better (below 1 when higher is better, above 1 when lower is better, 1 = no gap;
    None when the better value is 0), ``factor`` = larger ÷ smaller value (≥ 1, inf when the
    smaller is 0) and ``difference`` = worse − better. None without both groups or when both
    values are 0.

    Examples
    --------
    >>> s = {"groups": pd.DataFrame({"mean": [12.2, 40.8]}, index=["urban", "rural"])}
    >>> g = urban_rural_gap(s, higher_is_better=False)  # minutes: the countryside is behind
    >>> g["worse"], g["better"], round(g["ratio"], 2), round(g["factor"], 2), round(g["difference"], 1)
    ('rural', 'urban', 3.34, 3.34, 28.6)
    >>> urban_rural_gap(s, higher_is_better=True)["ratio"] < 1  # the town is behind on a rate
    True
    """
    if summary is None or summary.get("groups") is None:
        return None
    means = summary["groups"]["mean"]
    if "urban" not in means.index or "rural" not in means.index:
        return None
    urban, rural = float(means["urban"]), float(means["rural"])
    if not (np.isfinite(urban) and np.isfinite(rural)) or (urban == 0 and rural == 0):
        return None
    if urban == rural:
        worse = better = None
        worse_value = better_value = urban
    else:
        urban_higher = urban > rural
        worse = "rural" if urban_higher == higher_is_better else "urban"
        better = "urban" if worse == "rural" else "rural"
        worse_value, better_value = (rural, urban) if worse == "rural" else (urban, rural)
    lo, hi = sorted((abs(urban), abs(rural)))
    return {"urban": urban, "rural": rural, "worse": worse, "better": better,
            "worse_value": worse_value, "better_value": better_value,
            "ratio": worse_value / better_value if better_value else None,
            "factor": hi / lo if lo else float("inf"),
            "difference": worse_value - better_value}


def largest_gaps(
    summaries: Mapping[str, Mapping[str, Any] | None], indicators: Iterable[Indicator]
) -> pd.DataFrame:
    """Indicators ordered by the size of their urban-rural gap, largest first.

    The size is ``factor``, the larger group value over the smaller (:func:`urban_rural_gap`),
    so 2.0 means one group has twice the other's value whichever way round; a group at 0
    against a positive other is the largest gap of all (inf). ``worse`` names the group
    behind given the indicator's direction, ``ratio`` is worse ÷ better. Pass every
    indicator of the catalogue to find the largest gap anywhere. Indicators without both
    groups, or with both at 0, are left out.

    Parameters
    ----------
    summaries : mapping
        Key -> urban/rural summary (``IndicatorTable.summaries[key]["urban_rural"]``).
    indicators : iterable of Indicator
        The indicators to compare (e.g. :data:`metrics.indicators.CATALOGUE`).

    Returns
    -------
    DataFrame
        Index indicator key; columns ``urban``, ``rural``, ``worse``, ``better``, ``ratio``
        (worse ÷ better), ``factor`` (larger ÷ smaller), ``difference`` (worse − better).

    Examples
    --------
    >>> from metrics.indicators import INDICATORS
    >>> s = {k: {"groups": pd.DataFrame({"mean": [u, r]}, index=["urban", "rural"])}
    ...      for k, u, r in [("edu_primary_share_30min", 90.0, 60.0),
    ...                      ("culture_complex_ebike_min", 10.0, 20.0)]}
    >>> g = largest_gaps(s, [INDICATORS["edu_primary_share_30min"], INDICATORS["culture_complex_ebike_min"]])
    >>> g[["ratio", "factor", "worse"]].to_dict("index")["culture_complex_ebike_min"]
    {'ratio': 2.0, 'factor': 2.0, 'worse': 'rural'}
    >>> round(float(g.loc["edu_primary_share_30min", "ratio"]), 3), g.index[0]
    (0.667, 'culture_complex_ebike_min')
    """
    cols = ["urban", "rural", "worse", "better", "ratio", "factor", "difference"]
    rows = []
    for ind in indicators:
        gap = urban_rural_gap(summaries.get(ind.key), ind.higher_is_better)
        if gap is not None:
            rows.append({"key": ind.key, **{c: gap[c] for c in cols}})
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows).set_index("key")
    out.index.name = None
    return out.sort_values("factor", ascending=False, kind="stable")[cols]
