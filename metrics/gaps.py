"""Ranking townships by their gap to the county, and picking each domain's headline indicator.

Pure helpers on the outputs of :mod:`metrics.indicators` for the overview page: no
Streamlit, no database; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from metrics.indicators import Indicator

__all__ = ["headline_by_domain", "largest_gaps", "township_gaps"]


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


def largest_gaps(
    summaries: Mapping[str, Mapping[str, Any] | None], indicators: Iterable[Indicator]
) -> pd.DataFrame:
    """Indicators ordered by the size of their urban-rural gap, largest first.

    The size is the factor between the better and the worse group, max(r, 1/r) with
    r = urban / rural (``pair_ratio`` of the urban/rural summary), so 2.0 means one group
    has twice (or half) the other's value whichever way round. ``worse`` names the group
    on the wrong side given the indicator's direction. Indicators without both groups or
    with a zero value are left out.

    Parameters
    ----------
    summaries : mapping
        Key -> urban/rural summary (``IndicatorTable.summaries[key]["urban_rural"]``).
    indicators : iterable of Indicator
        The indicators to compare (e.g. the headline of each domain).

    Returns
    -------
    DataFrame
        Index indicator key; columns ``urban``, ``rural``, ``ratio``, ``factor``, ``worse``.

    Examples
    --------
    >>> from metrics.indicators import INDICATORS
    >>> s = {k: {"groups": pd.DataFrame({"mean": [u, r]}, index=["urban", "rural"]),
    ...          "pair_ratio": u / r}
    ...      for k, u, r in [("edu_primary_share_30min", 90.0, 60.0),
    ...                      ("culture_complex_ebike_min", 10.0, 20.0)]}
    >>> g = largest_gaps(s, [INDICATORS["edu_primary_share_30min"], INDICATORS["culture_complex_ebike_min"]])
    >>> g[["factor", "worse"]].to_dict("index")["culture_complex_ebike_min"]
    {'factor': 2.0, 'worse': 'rural'}
    >>> g.index[0]
    'culture_complex_ebike_min'
    """
    rows = []
    for ind in indicators:
        s = summaries.get(ind.key)
        if s is None or s.get("pair_ratio") is None:
            continue
        r = float(s["pair_ratio"])
        if not np.isfinite(r) or r <= 0:
            continue
        means = s["groups"]["mean"]
        urban_higher = r > 1
        worse = "rural" if urban_higher == ind.higher_is_better else "urban"
        rows.append({"key": ind.key, "urban": float(means["urban"]), "rural": float(means["rural"]),
                     "ratio": r, "factor": max(r, 1 / r), "worse": worse if r != 1 else None})
    cols = ["urban", "rural", "ratio", "factor", "worse"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows).set_index("key")
    return out.sort_values("factor", ascending=False, kind="stable")[cols]
