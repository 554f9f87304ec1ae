"""The one travel-time source (metrics.travel): known answers, brute-force references, and
proof that every consumer goes through it (a different model changes every consumer)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics import access, siting, travel
from metrics.geo import EARTH_RADIUS_KM
from metrics.indicators import INDICATORS, evaluate, prepare

ROOT = Path(__file__).resolve().parent.parent
KM_PER_DEG = EARTH_RADIUS_KM * np.pi / 180  # along a meridian


def _pts(lat, lon):
    return pd.DataFrame({"lat": lat, "lon": lon})


def test_matrix_is_great_circle_times_detour_over_speed():
    # 0.1° of latitude = 11.1195 km; car: × 1.3 ÷ 40 km/h × 60 = 1.95 min/km
    m = travel.matrix_min(_pts([31.0], [108.0]), _pts([31.0, 31.1, 31.2], [108.0] * 3), "car")
    assert m.shape == (1, 3)
    assert m[0] == pytest.approx([0.0, 0.1 * KM_PER_DEG * 1.95, 0.2 * KM_PER_DEG * 1.95])
    walk = travel.matrix_min(_pts([31.0], [108.0]), _pts([31.1], [108.0]), "walk",
                             {"speed_walk_kmh": 5.0, "detour_factor": 1.0})
    assert walk[0, 0] == pytest.approx(0.1 * KM_PER_DEG / 5.0 * 60)
    # the siting adapter is the same function
    assert siting.travel_matrix_min(_pts([31.0], [108.0]), _pts([31.1], [108.0]), "car")[0, 0] == \
        pytest.approx(m[0, 1])


def test_minutes_per_km_refuses_non_positive_speeds():
    with pytest.raises(ValueError, match="positive"):
        travel.minutes_per_km("car", {"speed_car_kmh": 0.0})
    with pytest.raises(ValueError, match="unknown travel mode"):
        travel.minutes_per_km("rocket")


def test_nearest_handles_missing_points_and_no_destination():
    o = ([31.0, np.nan, 31.3], [108.0, 108.0, 108.0])
    d = ([np.nan, 31.25, 31.05], [108.0, 108.0, 108.0])
    n = travel.nearest(o, d)
    # positions refer to the destinations as given (the one without a point is skipped)
    assert n.index.tolist() == [2, -1, 1]
    assert n.km[0] == pytest.approx(0.05 * KM_PER_DEG)
    assert np.isnan(n.km[1])
    mins = n.minutes("walk", {"speed_walk_kmh": 6.0, "detour_factor": 1.0})
    assert mins[2] == pytest.approx(0.05 * KM_PER_DEG * 10.0)
    none = travel.nearest(o, ([], []))
    assert np.isinf(none.km[[0, 2]]).all() and np.isnan(none.km[1])
    assert none.index.tolist() == [-1, -1, -1]


def test_within_equals_brute_force_inside_and_beyond_the_prepared_radius():
    rng = np.random.default_rng(7)
    o = _pts(31 + rng.random(60) * 0.4, 108 + rng.random(60) * 0.4)
    d = _pts(31 + rng.random(15) * 0.4, 108 + rng.random(15) * 0.4)
    full = travel.matrix_min(o, d, "ebike")
    w = travel.within(o, d, radius_km=8.0)
    for t0 in (10.0, 25.0, 60.0):  # 25 and 60 min by e-bike reach beyond 8 km
        oo, dd, mm = w.pairs("ebike", t0)
        got = {(int(a), int(b)): float(x) for a, b, x in zip(oo, dd, mm, strict=True)}
        want = {(int(a), int(b)): float(full[a, b]) for a, b in zip(*np.nonzero(full <= t0),
                                                                    strict=True)}
        assert set(got) == set(want), t0
        assert all(got[k] == pytest.approx(want[k]) for k in want)


@dataclass(frozen=True)
class Twice:
    """A model whose every trip takes twice the straight line's time."""

    key: str = "twice"
    zh: str = "两倍"
    en: str = "twice"

    def matrix(self, origins, destinations, mode, overrides=None):
        return 2 * travel.STRAIGHT.matrix(origins, destinations, mode, overrides)

    def nearest(self, origins, destinations):
        n = travel.STRAIGHT.nearest(origins, destinations)
        return travel.Nearest(n.index, 2 * n.km)

    def within(self, origins, destinations, radius_km):
        w = travel.STRAIGHT.within(origins, destinations, radius_km / 2)
        return travel.Within(w.origin, w.dest, 2 * w.km, radius_km, w.o_lat, w.o_lon,
                             w.d_lat, w.d_lon)


def test_a_model_passed_in_reaches_every_consumer():
    units = pd.DataFrame({"code": ["a", "b"], "lat": [31.0, 31.0], "lon": [108.0, 108.1],
                          "township_code": ["t", "t"], "urban_rural": ["urban", "rural"],
                          "population": [100, 300], "pop_6_11": [10, 30]})
    fac = pd.DataFrame({"id": ["s"], "type": ["primary"], "tier": ["township"],
                        "unit_code": ["a"], "township_code": ["t"],
                        "lat": [31.0], "lon": [108.0], "students": [40], "teachers": [4]})
    ind = INDICATORS["edu_primary_walk_min"]
    straight = evaluate(prepare(units, fac, catalogue=[ind])).values[ind.key].to_numpy()
    twice = evaluate(prepare(units, fac, catalogue=[ind], model=Twice())).values[ind.key]
    assert twice.to_numpy() == pytest.approx(2 * straight)
    assert straight[1] > 0
    # the 2SFCA: a supply 30 min away by the straight line is outside a 40-min catchment
    # when trips take twice as long
    km30 = 30 / travel.minutes_per_km("car")
    lat_s = 31.0 + km30 / KM_PER_DEG
    a = access.two_step_fca_points([31.0], [108.0], [100], [lat_s], [108.0], [5], 40.0)
    b = access.two_step_fca_points([31.0], [108.0], [100], [lat_s], [108.0], [5], 40.0,
                                   model=Twice())
    assert a.access[0] == pytest.approx(0.05) and b.access[0] == 0.0


#: Modules allowed to compute distances: the geometry and the travel models themselves, and the
#: distance metrics of metrics.access (k nearest by km, compared with PySAL).
_DISTANCE_OWNERS = {"metrics/geo.py", "metrics/travel.py", "metrics/network.py",
                    "metrics/network_search.py"}
_DISTANCE_NAMES = {"haversine_km", "nearest_km", "pairs_within_km", "chord_to_km",
                   "travel_time_min", "travel_matrix_min", "cKDTree"}


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            out.add(f.id if isinstance(f, ast.Name) else getattr(f, "attr", ""))
    return out


def test_no_consumer_computes_distances_or_times_on_its_own():
    offenders = {}
    files = [*ROOT.glob("metrics/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("views/*.py"),
             ROOT / "app.py"]
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if rel in _DISTANCE_OWNERS:
            continue
        used = _calls(path) & _DISTANCE_NAMES
        if rel == "metrics/access.py":
            used -= {"nearest_km"}  # k_nearest / nearest: distance metrics in km
        if rel == "metrics/siting.py":
            used -= {"travel_matrix_min"}  # its own adapter, delegating to travel
        if used:
            offenders[rel] = sorted(used)
    assert not offenders
