"""Great-circle distances and tree queries against brute force and geopy."""

from __future__ import annotations

import numpy as np
import pytest
from geopy.distance import geodesic

from metrics.geo import (
    EARTH_RADIUS_KM,
    chord_to_km,
    haversine_km,
    km_to_chord,
    nearest_km,
    pairs_within_km,
    to_unit_vectors,
)
from tests import reference_impl_access as ref


def _points(rng, n, lat=(31.0, 31.6), lon=(107.6, 108.3)):
    return rng.uniform(*lat, n), rng.uniform(*lon, n)


def test_one_degree_of_latitude_is_r_times_pi_over_180():
    assert haversine_km(10.0, 20.0, 11.0, 20.0) == pytest.approx(EARTH_RADIUS_KM * np.pi / 180)


def test_haversine_broadcasts_and_is_symmetric():
    d = haversine_km(np.array([[31.0], [32.0]]), 108.0, [31.0, 32.0], [108.0, 108.0])
    assert d.shape == (2, 2)
    assert d[0, 1] == pytest.approx(d[1, 0])
    assert d[0, 0] == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [((31.2, 107.9), (31.4, 108.1)),  # within Kaijiang
     ((30.66, 104.06), (39.90, 116.40)),  # Chengdu - Beijing
     ((18.25, 109.5), (53.5, 122.3)),  # Sanya - Mohe
     ((0.0, 0.0), (0.0, 90.0))],
)
def test_haversine_within_half_percent_of_geodesic(a, b):
    ours = float(haversine_km(a[0], a[1], b[0], b[1]))
    assert ours == pytest.approx(geodesic(a, b).km, rel=0.005)


def test_unit_vectors_have_norm_one_and_chord_round_trips():
    rng = np.random.default_rng(1)
    la, lo = rng.uniform(-89, 89, 50), rng.uniform(-180, 180, 50)
    v = to_unit_vectors(la, lo)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)
    # chord between two points gives the haversine distance exactly
    c = np.linalg.norm(v[:-1] - v[1:], axis=1)
    assert np.allclose(chord_to_km(c), haversine_km(la[:-1], lo[:-1], la[1:], lo[1:]), rtol=1e-9)
    assert chord_to_km(km_to_chord(123.4)) == pytest.approx(123.4)


def test_nearest_matches_brute_force():
    rng = np.random.default_rng(7)
    sla, slo = _points(rng, 200)
    dla, dlo = _points(rng, 60)
    dist, idx = nearest_km(sla, slo, dla, dlo)
    expected = ref.nearest(list(zip(sla, slo, strict=True)), list(zip(dla, dlo, strict=True)))
    assert dist == pytest.approx([e[0] for e in expected], rel=1e-9, abs=1e-9)
    assert idx.tolist() == [e[1] for e in expected]


def test_k_nearest_sorted_and_padded_when_too_few():
    dist, idx = nearest_km([31.0], [108.0], [31.1, 31.2], [108.0, 108.0], k=3)
    assert dist.shape == (1, 3)
    assert idx[0].tolist() == [0, 1, -1]
    assert np.isinf(dist[0, 2]) and dist[0, 0] < dist[0, 1]


def test_empty_inputs():
    d, i = nearest_km([], [], [31.0], [108.0])
    assert d.shape == (0,) and i.shape == (0,)
    d, i = nearest_km([31.0], [108.0], [], [])
    assert np.isinf(d[0]) and i[0] == -1
    s, t, km = pairs_within_km([31.0], [108.0], [], [], 5.0)
    assert s.size == t.size == km.size == 0


def test_bad_coordinates_raise():
    with pytest.raises(ValueError, match="swapped"):
        nearest_km([108.0], [31.0], [31.0], [108.0])
    with pytest.raises(ValueError, match="finite"):
        nearest_km([np.nan], [108.0], [31.0], [108.0])


@pytest.mark.parametrize("radius_km", [0.0, 2.0, 8.0, 25.0])
def test_pairs_within_matches_brute_force(radius_km):
    rng = np.random.default_rng(int(radius_km * 10))
    sla, slo = _points(rng, 150)
    dla, dlo = _points(rng, 120)
    dla[:5], dlo[:5] = sla[:5], slo[:5]  # coincident points: distance 0
    s, d, km = pairs_within_km(sla, slo, dla, dlo, radius_km)
    full = haversine_km(sla[:, None], slo[:, None], dla[None, :], dla[None, :] * 0 + dlo[None, :])
    want = {(int(i), int(j)) for i, j in zip(*np.nonzero(full <= radius_km), strict=True)}
    assert set(zip(s.tolist(), d.tolist(), strict=True)) == want
    assert km == pytest.approx(full[s, d], rel=1e-9, abs=1e-9)


def test_pairs_near_antimeridian_and_pole_use_the_tree_and_stay_exact():
    sla = np.array([0.0, 89.99, -45.0])
    slo = np.array([179.99, 0.0, -179.999])
    dla = np.array([0.0, 89.98, -45.0, 10.0])
    dlo = np.array([-179.99, 120.0, 179.999, 10.0])
    s, d, km = pairs_within_km(sla, slo, dla, dlo, 5.0)
    assert sorted(zip(s.tolist(), d.tolist(), strict=True)) == [(0, 0), (1, 1), (2, 2)]
    assert km == pytest.approx(haversine_km(sla[s], slo[s], dla[d], dlo[d]))
