"""Roads against straight lines: where the straight-line estimate understates the trip.

Both travel models (:mod:`metrics.travel`) answer the same questions through the indicator
machinery — :func:`metrics.indicators.prepare` and :func:`~metrics.indicators.evaluate`, once
with :data:`metrics.travel.STRAIGHT` and once with the road network — for the time
indicators of the catalogue (kinds ``time_to_nearest`` and ``share_within``; the headline
ones by default, :func:`time_indicators`), each by its own mode and facility types:

* per village (unit *i*): t_s and t_n, the minutes to the nearest facility by the straight
  line (great-circle km × detour ÷ speed × 60) and along the roads; the difference
  Δ_i = t_n − t_s (minutes the straight line leaves out; negative where the roads are faster
  than the assumed door-to-door speed) and the ratio t_n ÷ t_s; whether the village is far
  from any road (its walking snap distance above :data:`metrics.network.FAR_FROM_ROAD_M`)
  and whether its facility is unreachable along the roads (t_n = ∞ while t_s is finite).
* per group (urban, rural, county): the indicator's population-weighted value under both
  models and their difference, network − straight: for ``share_within`` the share of the
  band within the standard, 100 · Σ P·[t ≤ t0] / Σ P (unreachable = outside); for
  ``time_to_nearest`` the mean minutes Σ P·t / Σ P over the villages with a reachable
  facility (the unreachable ones are counted apart, ``n_unreachable``).

No distance or time is computed here: every minute comes from the travel models. Pure:
inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics import indicators, travel
from metrics.indicators import Indicator
from metrics.network import FAR_FROM_ROAD_M, far_from_road

__all__ = ["GROUPS", "TIME_KINDS", "Comparison", "compare", "group_table", "time_indicators",
           "village_table"]

#: Indicator kinds that rest on the minutes to the nearest facility.
TIME_KINDS: tuple[str, ...] = ("time_to_nearest", "share_within")
#: Rows of the group table, in order.
GROUPS: tuple[str, ...] = ("urban", "rural", "county")


def time_indicators(catalogue: Sequence[Indicator] = indicators.CATALOGUE, *,
                    headline: bool = True) -> tuple[Indicator, ...]:
    """The indicators of ``catalogue`` timed to the nearest facility (headline ones only
    unless ``headline`` is False).

    >>> [i.key for i in time_indicators()][:2]
    ['edu_primary_share_30min', 'edu_junior_bus_min']
    """
    return tuple(i for i in catalogue if i.kind in TIME_KINDS and (i.headline or not headline))


def village_table(straight: travel.Nearest, network: travel.Nearest, mode: str,
                  overrides: Mapping[str, float] | None = None,
                  snap_m: np.ndarray | None = None,
                  index: pd.Index | None = None) -> pd.DataFrame:
    """Per village: ``straight_min``, ``network_min`` (∞ unreachable, NaN without a point),
    ``diff_min`` = network − straight and ``ratio`` = network ÷ straight (NaN when either is
    not finite or the straight time is 0), ``unreachable``, ``snap_m`` and ``far_from_road``.

    >>> s = travel.Nearest(np.array([0, 0, 0]), np.array([2.0, 4.0, 1.0]))
    >>> n = travel.Nearest(np.array([0, 0, -1]), np.array([3.0, 4.0, np.inf]))
    >>> v = village_table(s, n, "car", {"detour_factor": 1.0, "speed_car_kmh": 60.0},
    ...                   snap_m=np.array([10.0, 2500.0, 50.0]))
    >>> v[["diff_min", "ratio", "unreachable", "far_from_road"]].to_dict("list")
    {'diff_min': [1.0, 0.0, nan], 'ratio': [1.5, 1.0, nan], 'unreachable': [False, False, True], 'far_from_road': [False, True, False]}
    """
    t_s = np.asarray(straight.minutes(mode, overrides), dtype=float)
    t_n = np.asarray(network.minutes(mode, overrides), dtype=float)
    both = np.isfinite(t_s) & np.isfinite(t_n)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.where(both, t_n - t_s, np.nan)
        ratio = np.where(both & (t_s > 0), t_n / np.where(t_s > 0, t_s, 1.0), np.nan)
    snap = np.full(len(t_s), np.nan) if snap_m is None else np.asarray(snap_m, dtype=float)
    return pd.DataFrame({
        "straight_min": t_s, "network_min": t_n, "diff_min": diff, "ratio": ratio,
        "unreachable": np.isfinite(t_s) & np.isinf(t_n),
        "snap_m": snap, "far_from_road": far_from_road(snap, FAR_FROM_ROAD_M),
    }, index=index)


def _group_values(table: indicators.IndicatorTable, key: str) -> dict[str, float]:
    out = {g: float("nan") for g in GROUPS}
    s = table.summaries[key]["urban_rural"]
    if s is not None:
        means = s["groups"]["mean"]
        out.update({g: float(means[g]) for g in ("urban", "rural") if g in means.index})
    out["county"] = float(table.county.loc[key, "value"])
    return out


def group_table(straight: indicators.IndicatorTable, network: indicators.IndicatorTable,
                unreachable: Mapping[str, pd.Series] | None = None) -> pd.DataFrame:
    """One row per indicator and group (:data:`GROUPS`): ``straight``, ``network`` and
    ``diff`` = network − straight (the evaluated values: % within the standard or mean
    minutes), the standard's minutes ``t0`` (NaN without one), and ``n_unreachable`` villages
    of the group (from ``unreachable``: a boolean per village and indicator)."""
    rows = []
    urban = straight.units["urban_rural"]
    for ind in straight.catalogue:
        s, n = _group_values(straight, ind.key), _group_values(network, ind.key)
        t0 = (float(straight.settings[ind.threshold]) if ind.kind == "share_within"
              and ind.threshold else float("nan"))
        lost = (unreachable or {}).get(ind.key)
        for g in GROUPS:
            if lost is None:
                n_lost = 0
            else:
                pick = lost if g == "county" else lost & (urban == g).to_numpy()
                n_lost = int(np.asarray(pick).sum())
            rows.append({"indicator": ind.key, "kind": ind.kind, "group": g, "t0": t0,
                         "straight": s[g], "network": n[g], "diff": n[g] - s[g],
                         "n_unreachable": n_lost})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` found. ``villages``: per indicator key, :func:`village_table`
    indexed by unit code; ``groups``: :func:`group_table`; ``straight``/``network``: the two
    evaluated indicator tables; ``units``: the units' ``urban_rural``, ``township_code``."""

    catalogue: tuple[Indicator, ...]
    villages: Mapping[str, pd.DataFrame] = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    straight: indicators.IndicatorTable = field(repr=False)
    network: indicators.IndicatorTable = field(repr=False)

    def summary(self, key: str) -> dict[str, float]:
        """Counts for indicator ``key``: villages compared, understated by more than 5 and
        by more than 15 minutes, unreachable, far from any road; and the median Δ."""
        v = self.villages[key]
        return {"n": int(np.isfinite(v["straight_min"]).sum()),
                "over_5": int((v["diff_min"] > 5).sum()),
                "over_15": int((v["diff_min"] > 15).sum()),
                "unreachable": int(v["unreachable"].sum()),
                "far": int(v["far_from_road"].sum()),
                "median_diff": float(v["diff_min"].median()) if v["diff_min"].notna().any()
                else float("nan")}


def compare(units: pd.DataFrame, facilities: pd.DataFrame, model: travel.TravelModel,
            overrides: Mapping[str, float] | None = None,
            catalogue: Sequence[Indicator] | None = None,
            straight: travel.TravelModel = travel.STRAIGHT) -> Comparison:
    """Every time indicator of ``catalogue`` (default :func:`time_indicators`) under the
    straight line and under ``model`` (the road network), with the same settings.

    Parameters
    ----------
    units, facilities : DataFrame
        As :func:`metrics.indicators.prepare` takes them.
    model : TravelModel
        The road-network model (:class:`metrics.network.NetworkModel`).
    overrides : mapping, optional
        Settings replacing the defaults (speeds, detour factor, standards).
    catalogue : sequence of Indicator, optional
        Indicators of kinds :data:`TIME_KINDS`.
    straight : TravelModel
        The model compared against (the straight line).

    Returns
    -------
    Comparison
    """
    cat = tuple(catalogue if catalogue is not None else time_indicators())
    wrong = [i.key for i in cat if i.kind not in TIME_KINDS]
    if wrong:
        raise ValueError(f"not timed to the nearest facility: {wrong}")
    over = dict(overrides or {})
    p_s = indicators.prepare(units, facilities, catalogue=cat, model=straight)
    p_n = indicators.prepare(units, facilities, catalogue=cat, model=model)
    villages: dict[str, pd.DataFrame] = {}
    for ind in cat:
        group = "+".join(ind.facility_types)  # Prepared.nearest's key
        near = p_n.nearest[group]
        snap = getattr(near, "snap_m", None)
        v = village_table(p_s.nearest[group], near, ind.mode or "", over,
                          snap if snap is not None and len(snap) else None, p_s.units.index)
        if ind.key in p_s.unloaded:
            v = v.assign(straight_min=np.nan, network_min=np.nan, diff_min=np.nan,
                         ratio=np.nan, unreachable=False)
        villages[ind.key] = v
    tab_s, tab_n = indicators.evaluate(p_s, over), indicators.evaluate(p_n, over)
    groups = group_table(tab_s, tab_n, {k: v["unreachable"].to_numpy() for k, v in villages.items()})
    return Comparison(cat, villages, groups, tab_s, tab_n)
