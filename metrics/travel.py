"""Travel time: the one place that answers "minutes from these places to those places, by
this mode, under these settings".

Every consumer asks here — the time and share indicators, the 2SFCA, sub-centre siting, the
consortia, the boarding planner and the scenarios — and none computes a distance or a time
of its own. A *travel model* gives three answers:

* :meth:`~StraightLine.matrix` — every origin × every destination (siting, consortia,
  boarding);
* :meth:`~StraightLine.nearest` — per origin, the nearest destination; the answer is
  prepared once and turned into minutes for any mode and settings (time indicators);
* :meth:`~StraightLine.within` — the origin-destination pairs within a time bound, prepared
  once for a generous bound and filtered per mode and settings (2SFCA catchments).

Today the only model is the straight line (:data:`STRAIGHT`)::

    t = great-circle km × detour ÷ speed(mode) × 60

with the speed of the mode and the detour factor from :mod:`metrics.settings`. Travel along
roads plugs in as another model with the same three methods: pass it as ``model`` (the
functions below take it) and every consumer follows.

Places are DataFrames with ``lat``/``lon`` columns (WGS-84 degrees) or ``(lat, lon)`` pairs
of arrays. An origin without a point gets NaN; a destination without a point is never
chosen; an origin with no destination at all gets ``inf`` (never 0). Pure: inputs are never
modified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from metrics import settings
from metrics.geo import haversine_km, nearest_km, pairs_within_km

__all__ = [
    "STRAIGHT", "Nearest", "Pairs", "Places", "StraightLine", "TravelModel", "Within", "coords", "distance_km",
    "describe", "matrix_min", "minutes_per_km", "nearest", "within",
]

#: Places: a table with ``lat``/``lon`` columns or a ``(lat, lon)`` pair of arrays.
Places = pd.DataFrame | tuple[ArrayLike, ArrayLike]

F64 = NDArray[np.float64]


def coords(places: Places) -> tuple[F64, F64]:
    """``(lat, lon)`` arrays of float of ``places`` (a table or a pair); bad values NaN.

    >>> coords(([31.0, "x"], [108.0, 108.5]))
    (array([31., nan]), array([108. , 108.5]))
    """
    if isinstance(places, pd.DataFrame):
        lat, lon = places["lat"], places["lon"]
    else:
        lat, lon = places
    return (pd.to_numeric(pd.Series(np.asarray(lat).ravel()), errors="coerce").to_numpy(float),
            pd.to_numeric(pd.Series(np.asarray(lon).ravel()), errors="coerce").to_numpy(float))


def minutes_per_km(mode: str, overrides: Mapping[str, float] | None = None) -> float:
    """Minutes per straight-line km by ``mode``: detour ÷ speed × 60.

    >>> round(minutes_per_km("car"), 6)  # 1.3 ÷ 40 km/h × 60
    1.95
    >>> minutes_per_km("walk", {"detour_factor": 1.0, "speed_walk_kmh": 6.0})
    10.0
    """
    speed = settings.get(settings.speed_key(mode), overrides)
    detour = settings.get("detour_factor", overrides)
    if speed <= 0 or detour <= 0:
        raise ValueError(f"speed of {mode!r} and the detour factor must be positive")
    return detour / speed * 60.0


def distance_km(a: Places, b: Places) -> F64:
    """Great-circle km between every place of ``a`` and every place of ``b`` (a geometric
    distance, not a travel time: for grouping places that stand together).

    >>> distance_km(([31.0], [108.0]), ([31.0, 31.1], [108.0, 108.0])).round(2)
    array([[ 0.  , 11.12]])
    """
    a_lat, a_lon = coords(a)
    b_lat, b_lon = coords(b)
    return np.asarray(haversine_km(a_lat[:, None], a_lon[:, None], b_lat[None, :], b_lon[None, :]),
                      dtype=np.float64)


@dataclass(frozen=True)
class Nearest:
    """Per origin, the nearest destination, ready to be turned into minutes.

    ``index``: position of the nearest destination (-1 when none or no origin point);
    ``km``: its straight-line km (``inf`` when there is no destination, NaN without a point).
    """

    index: NDArray[np.int64]
    km: F64

    def minutes(self, mode: str, overrides: Mapping[str, float] | None = None) -> F64:
        """Minutes to the nearest destination by ``mode`` (``inf`` none, NaN no point)."""
        return self.km * minutes_per_km(mode, overrides)


@dataclass(frozen=True)
class Within:
    """Origin-destination pairs within a straight-line radius, prepared once; filtered to a
    time bound per mode and settings by :meth:`pairs` (found afresh when the bound needs a
    wider radius than prepared)."""

    origin: NDArray[np.int64]
    dest: NDArray[np.int64]
    km: F64
    radius_km: float
    o_lat: F64
    o_lon: F64
    d_lat: F64
    d_lon: F64

    def pairs(self, mode: str, max_min: float, overrides: Mapping[str, float] | None = None
              ) -> tuple[NDArray[np.int64], NDArray[np.int64], F64]:
        """``(origin, dest, minutes)`` of the pairs with minutes ≤ ``max_min``."""
        per_km = minutes_per_km(mode, overrides)
        radius = max_min / per_km
        if radius > self.radius_km:
            return _within_radius(self.o_lat, self.o_lon, self.d_lat, self.d_lon, radius, per_km)
        keep = self.km <= radius
        return self.origin[keep], self.dest[keep], np.minimum(self.km[keep] * per_km, max_min)


def _within_radius(o_lat: F64, o_lon: F64, d_lat: F64, d_lon: F64, radius_km: float,
                   per_km: float) -> tuple[NDArray[np.int64], NDArray[np.int64], F64]:
    o_ok = np.flatnonzero(np.isfinite(o_lat) & np.isfinite(o_lon))
    d_ok = np.flatnonzero(np.isfinite(d_lat) & np.isfinite(d_lon))
    o, d, km = pairs_within_km(o_lat[o_ok], o_lon[o_ok], d_lat[d_ok], d_lon[d_ok], radius_km)
    # the radius bounds the pairs: a pair on the edge stays inside whatever the rounding
    return o_ok[o].astype(np.int64), d_ok[d].astype(np.int64), np.minimum(
        km * per_km, radius_km * per_km)


class Pairs(Protocol):
    """What :meth:`TravelModel.within` returns: pairs filtered by time per mode."""

    def pairs(self, mode: str, max_min: float, overrides: Mapping[str, float] | None = None
              ) -> tuple[NDArray[np.int64], NDArray[np.int64], F64]: ...


class TravelModel(Protocol):
    """What a travel model answers (the straight line today, roads with issue 14)."""

    key: str
    zh: str
    en: str

    def matrix(self, origins: Places, destinations: Places, mode: str,
               overrides: Mapping[str, float] | None = None) -> F64: ...

    def nearest(self, origins: Places, destinations: Places) -> Nearest: ...

    def within(self, origins: Places, destinations: Places, radius_km: float) -> Pairs: ...


@dataclass(frozen=True)
class StraightLine:
    """Great-circle distance × detour factor ÷ speed of the mode."""

    key: str = "straight_line"
    zh: str = "直线估算"
    en: str = "straight-line estimate"

    def matrix(self, origins: Places, destinations: Places, mode: str,
               overrides: Mapping[str, float] | None = None) -> F64:
        return distance_km(origins, destinations) * minutes_per_km(mode, overrides)

    def nearest(self, origins: Places, destinations: Places) -> Nearest:
        o_lat, o_lon = coords(origins)
        d_lat, d_lon = coords(destinations)
        km = np.full(len(o_lat), np.nan)
        index = np.full(len(o_lat), -1, dtype=np.int64)
        o_ok = np.isfinite(o_lat) & np.isfinite(o_lon)
        d_ok = np.flatnonzero(np.isfinite(d_lat) & np.isfinite(d_lon))
        if o_ok.any():
            dist, pos = nearest_km(o_lat[o_ok], o_lon[o_ok], d_lat[d_ok], d_lon[d_ok])
            km[o_ok] = dist
            index[o_ok] = np.where(pos >= 0, d_ok[np.maximum(pos, 0)] if len(d_ok) else -1, -1)
        return Nearest(index, km)

    def within(self, origins: Places, destinations: Places, radius_km: float) -> Within:
        o_lat, o_lon = coords(origins)
        d_lat, d_lon = coords(destinations)
        o, d, km = _within_radius(o_lat, o_lon, d_lat, d_lon, radius_km, 1.0)
        return Within(o, d, km, float(radius_km), o_lat, o_lon, d_lat, d_lon)


#: The straight-line model, the default of every consumer.
STRAIGHT = StraightLine()


def matrix_min(origins: Places, destinations: Places, mode: str = "car",
               overrides: Mapping[str, float] | None = None,
               model: TravelModel | None = None) -> F64:
    """Origins × destinations travel minutes by ``mode`` under the settings.

    >>> d = pd.DataFrame({"lat": [31.0], "lon": [108.0]})
    >>> f = pd.DataFrame({"lat": [31.0, 31.1], "lon": [108.0, 108.0]})
    >>> matrix_min(d, f, "car").round(1)  # 11.12 km × 1.3 ÷ 40 km/h × 60
    array([[ 0. , 21.7]])
    """
    return (model or STRAIGHT).matrix(origins, destinations, mode, overrides)


def nearest(origins: Places, destinations: Places, model: TravelModel | None = None) -> Nearest:
    """The nearest destination of every origin; ``.minutes(mode, overrides)`` for its time.

    >>> n = nearest(([31.0, np.nan], [108.0, 108.0]), ([np.nan, 31.1], [108.0, 108.0]))
    >>> n.index.tolist(), n.minutes("car").round(1).tolist()
    ([1, -1], [21.7, nan])
    >>> nearest(([31.0], [108.0]), ([], [])).minutes("walk").tolist()
    [inf]
    """
    return (model or STRAIGHT).nearest(origins, destinations)


def within(origins: Places, destinations: Places, radius_km: float = 50.0,
           model: TravelModel | None = None) -> Pairs:
    """The pairs within ``radius_km`` (the straight model's preparation bound), to be
    filtered by time with ``.pairs(mode, max_min, overrides)``.

    >>> w = within(([31.0, 31.3], [108.0, 108.0]), ([31.1], [108.0]))
    >>> o, d, m = w.pairs("car", 30.0)  # 11.1 km → 21.7 min, 22.2 km → 43.4 min
    >>> o.tolist(), d.tolist(), m.round(1).tolist()
    ([0], [0], [21.7])
    """
    return (model or STRAIGHT).within(origins, destinations, radius_km)


def describe(model: TravelModel | None, lang: str) -> str:
    """The model's name for screens, briefs and reports.

    >>> describe(None, "zh"), describe(STRAIGHT, "en")
    ('直线估算', 'straight-line estimate')
    """
    m: Any = model or STRAIGHT
    return m.zh if lang == "zh" else m.en
