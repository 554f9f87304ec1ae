"""How much a travel-time indicator moves with its assumptions (speed and mode).

Every travel-time figure rests on an assumed speed: 40 km/h by car door to door, 4.5 km/h on
foot for adults, 4 for children, 3.6 for people over 60. A headline that looks fine at an
optimistic speed can hide a gap at a realistic one, so each headline card shows the
indicator's range over plausible speeds of its mode and, for a motor mode, the value for
people without one (the next slower mode most rural residents have). The plausible ranges
are modelling assumptions, stated here and on screen:

========== ============ ==========================================================
mode        range km/h   why
========== ============ ==========================================================
walk        3.5 – 5.5    adults: hill paths with loads to brisk walking on the flat
walk_child  3.0 – 5.0    children 6-14 on the way to school: small children on hill
                         paths to older pupils on the flat (about 4.5 km/h in
                         10-metre walk tests)
walk_older  2.5 – 4.5    people over 60: frail walkers to fit ones (1.0 m/s =
                         3.6 km/h is a design speed for crossings, not a ceiling)
bicycle     8 – 15       hilly rural roads to flat town streets
ebike       10 – 20      rural roads; GB 17761-2018 caps design speed at 25 km/h
car         25 – 50      winding township roads to county roads
school_bus  20 – 40      with stops, rural to county roads
========== ============ ==========================================================

Pupils without a school bus walk at the children's speed (``walk_child``).

A case replaces the speed of the indicator's mode (and nothing else): with the straight-line
model, a trip by e-bike at 15 km/h takes exactly as long as the same trip at a car speed of
15 km/h. Pure: the prepared indicators in, a new table out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from metrics import settings
from metrics.indicators import Indicator, Prepared, evaluate

__all__ = ["PLAUSIBLE_KMH", "WITHOUT", "cases", "sensitivity"]

#: Plausible speeds per mode (low, high), km/h: assumptions (module docstring).
PLAUSIBLE_KMH: Mapping[str, tuple[float, float]] = {
    "walk": (3.5, 5.5), "walk_child": (3.0, 5.0), "walk_older": (2.5, 4.5),
    "bicycle": (8.0, 15.0), "ebike": (10.0, 20.0), "car": (25.0, 50.0),
    "school_bus": (20.0, 40.0),
}
#: For a motor mode, the mode of people without one (pupils walk at children's speed).
WITHOUT: Mapping[str, str] = {"car": "ebike", "school_bus": "walk_child"}


def cases(ind: Indicator, overrides: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The speeds to try for ``ind``: the current one, the plausible low and high of its
    mode and, for a motor mode, the default speed of the mode people without one use.

    Returns a table with ``case`` (``current``, ``low``, ``high``, ``without``), ``mode``
    (whose speed is used) and ``speed_kmh``; empty for indicators without a travel mode.

    >>> from metrics.indicators import INDICATORS
    >>> cases(INDICATORS["health_centre_share_15min"]).to_dict("list")
    {'case': ['current', 'low', 'high', 'without'], 'mode': ['car', 'car', 'car', 'ebike'], \
'speed_kmh': [40.0, 25.0, 50.0, 15.0]}
    """
    if ind.mode is None:
        return pd.DataFrame(columns=["case", "mode", "speed_kmh"])
    lo, hi = PLAUSIBLE_KMH[ind.mode]
    rows = [("current", ind.mode, settings.get(settings.speed_key(ind.mode), overrides)),
            ("low", ind.mode, lo), ("high", ind.mode, hi)]
    if ind.mode in WITHOUT:
        other = WITHOUT[ind.mode]
        rows.append(("without", other, settings.get(settings.speed_key(other), overrides)))
    return pd.DataFrame(rows, columns=["case", "mode", "speed_kmh"])


def sensitivity(prepared: Prepared, ind: Indicator,
                overrides: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The indicator's county, urban and rural values for each of its :func:`cases`.

    Only ``ind`` is evaluated (a few milliseconds per case). Columns: ``case``, ``mode``,
    ``speed_kmh``, ``county``, ``urban``, ``rural``; empty for indicators without a mode.

    Examples
    --------
    Village b is 9.53 km from the only clinic: 18.6 min at 40 km/h (1.3 detour), inside
    a 20-min standard; at 25 km/h (29.7 min) and by e-bike (49.5 min) outside.

    >>> from metrics.indicators import INDICATORS, prepare
    >>> units = pd.DataFrame({"code": ["a", "b"], "lat": [31.0, 31.0], "lon": [108.0, 108.1],
    ...                       "township_code": ["t", "t"], "urban_rural": ["urban", "rural"],
    ...                       "population": [100, 300]})
    >>> fac = pd.DataFrame({"id": ["c"], "type": ["health_centre"], "tier": ["township"],
    ...                     "unit_code": ["a"], "township_code": ["t"], "lat": [31.0],
    ...                     "lon": [108.0]})
    >>> ind = INDICATORS["health_centre_share_15min"]
    >>> s = sensitivity(prepare(units, fac, catalogue=[ind]), ind, {"medical_circle_min": 20})
    >>> s[["case", "speed_kmh", "urban", "rural"]].to_dict("list")
    {'case': ['current', 'low', 'high', 'without'], 'speed_kmh': [40.0, 25.0, 50.0, 15.0], \
'urban': [100.0, 100.0, 100.0, 100.0], 'rural': [100.0, 0.0, 100.0, 0.0]}
    """
    out = cases(ind, overrides)
    if out.empty:
        return out.assign(county=[], urban=[], rural=[])
    only = replace(prepared, catalogue=(ind,))
    key = settings.speed_key(ind.mode)  # type: ignore[arg-type]
    county, urban, rural = [], [], []
    for speed in out["speed_kmh"]:
        table = evaluate(only, {**(overrides or {}), key: float(speed)})
        county.append(float(table.county.loc[ind.key, "value"]))
        groups = (table.summaries[ind.key].get("urban_rural") or {}).get("groups")
        means = groups["mean"] if groups is not None else pd.Series(dtype=float)
        urban.append(float(means.get("urban", np.nan)))
        rural.append(float(means.get("rural", np.nan)))
    return out.assign(county=county, urban=urban, rural=rural)
