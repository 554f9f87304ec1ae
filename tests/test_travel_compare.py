"""Roads against straight lines (``metrics.travel_compare`` and the 路网与直线 page).

The tiny world, worked by hand (car at the default 40 km/h, detour factor 1, adults walk at
6 km/h: an off-road leg costs 10 min per km; standard: 26 min):

* a road of 20 km (drawn 0.1° long) from node 1 (31.0° N, 108.0° E) to node 2 (31.0, 108.1)
  where the health centre stands, and a piece of road not connected to it near village d;
* a (urban, 100 people) on node 1: 20 km at 40 km/h = 30 min along the road;
* b (rural, 300) 0.009° north of the road's middle: a 1,000.8 m walk (10.008 min) and
  half the road (15 min) = 25.008 min;
* c (rural, 100) 0.03° north of the health centre: the road's end is its nearest point,
  a 3,335.8 m walk (33.36 min) — far from any road (> 2 km);
* d (rural, 100) 0.001° from the unconnected piece: unreachable along roads.

Straight line: great-circle km × 1 ÷ 40 × 60 = 1.5 min per km, every village within 26 min.
Shares within 26 min, network: urban 0 %, rural 300 ÷ 500 = 60 %, county 300 ÷ 600 = 50 %.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from metrics.geo import EARTH_RADIUS_KM
from metrics.indicators import INDICATORS
from metrics.network import NetworkModel
from metrics.travel_compare import compare, time_indicators
from tests.conftest import open_app
from ui.i18n import t

OVER = {"detour_factor": 1.0, "speed_walk_kmh": 6.0, "medical_circle_min": 26.0}
CAT = [INDICATORS["health_centre_car_min"], INDICATORS["health_centre_share_15min"]]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km, written out (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _leg_min(dlat_deg: float) -> float:
    """Minutes of an off-road walk due north or south: metres ÷ 100 (6 km/h, detour 1)."""
    return EARTH_RADIUS_KM * 1000 * math.radians(dlat_deg) / 100


PLACES = {"a": (31.0, 108.0), "b": (31.009, 108.05), "c": (31.03, 108.1), "d": (30.98, 108.09)}
CENTRE = (31.0, 108.1)


def world():
    units = pd.DataFrame({
        "code": list(PLACES), "lat": [p[0] for p in PLACES.values()],
        "lon": [p[1] for p in PLACES.values()], "township_code": ["t"] * 4,
        "urban_rural": ["urban", "rural", "rural", "rural"], "population": [100, 300, 100, 100]})
    fac = pd.DataFrame({"id": ["h"], "type": ["health_centre"], "tier": ["township"],
                        "unit_code": [None], "township_code": ["t"], "lat": [CENTRE[0]],
                        "lon": [CENTRE[1]], "beds": [10]})
    nodes = pd.DataFrame({"node_id": [1, 2, 3, 4], "lat": [31.0, 31.0, 30.979, 30.979],
                          "lon": [108.0, 108.1, 108.08, 108.095]})
    edges = pd.DataFrame({"u": [1, 3], "v": [2, 4], "length_m": [20000.0, 1500.0],
                          "road_class": ["secondary", "secondary"]})
    return units, fac, NetworkModel.from_frames(nodes, edges)


def expected():
    straight = {k: 1.5 * _km(*p, *CENTRE) for k, p in PLACES.items()}
    network = {"a": 30.0, "b": _leg_min(0.009) + 15.0, "c": _leg_min(0.03), "d": math.inf}
    return straight, network


def test_villages_match_the_hand_worked_minutes():
    units, fac, model = world()
    c = compare(units, fac, model, OVER, catalogue=CAT)
    straight, network = expected()
    v = c.villages["health_centre_car_min"]
    assert v["straight_min"].to_dict() == pytest.approx(straight)
    assert v["network_min"].to_dict() == pytest.approx(network)
    assert v["diff_min"].drop("d").to_dict() == pytest.approx(
        {k: network[k] - straight[k] for k in "abc"})
    assert v.at["a", "ratio"] == pytest.approx(30.0 / straight["a"])
    assert np.isnan(v.at["d", "diff_min"]) and np.isnan(v.at["d", "ratio"])
    assert v["unreachable"].to_dict() == {"a": False, "b": False, "c": False, "d": True}
    assert v["far_from_road"].to_dict() == {"a": False, "b": False, "c": True, "d": False}
    assert v.at["c", "snap_m"] == pytest.approx(_leg_min(0.03) * 100)
    assert c.summary("health_centre_car_min") == {
        "n": 4, "over_5": 3, "over_15": 3, "unreachable": 1, "far": 1,
        "median_diff": pytest.approx(network["b"] - straight["b"])}


def test_groups_match_the_hand_worked_shares_and_means():
    units, fac, model = world()
    g = compare(units, fac, model, OVER, catalogue=CAT).groups.set_index(["indicator", "group"])
    share = g.loc["health_centre_share_15min"]
    assert share["straight"].to_dict() == pytest.approx({"urban": 100.0, "rural": 100.0, "county": 100.0})
    assert share["network"].to_dict() == pytest.approx({"urban": 0.0, "rural": 60.0, "county": 50.0})
    assert share["diff"].to_dict() == pytest.approx({"urban": -100.0, "rural": -40.0, "county": -50.0})
    assert share["t0"].tolist() == [26.0] * 3
    assert share["n_unreachable"].to_dict() == {"urban": 0, "rural": 1, "county": 1}
    straight, network = expected()
    pop = {"a": 100, "b": 300, "c": 100, "d": 100}

    def mean(t, keys):
        return sum(pop[k] * t[k] for k in keys) / sum(pop[k] for k in keys)

    time = g.loc["health_centre_car_min"]
    assert time["straight"].to_dict() == pytest.approx(
        {"urban": straight["a"], "rural": mean(straight, "bcd"), "county": mean(straight, "abcd")})
    # the unreachable village is left out of the mean time (and counted apart)
    assert time["network"].to_dict() == pytest.approx(
        {"urban": 30.0, "rural": mean(network, "bc"), "county": mean(network, "abc")})
    assert np.isnan(time["t0"]).all()


def test_straight_model_against_itself_differs_nowhere():
    units, fac, _ = world()
    c = compare(units, fac, __import__("metrics.travel", fromlist=["STRAIGHT"]).STRAIGHT, OVER,
                catalogue=CAT)
    assert (c.groups["diff"] == 0).all()
    assert (c.villages["health_centre_car_min"]["diff_min"] == 0).all()


def test_headline_time_indicators_only_and_other_kinds_refused():
    keys = [i.key for i in time_indicators()]
    assert keys == ["edu_primary_share_30min", "edu_junior_bus_min", "health_centre_share_15min",
                    "elderly_care_walk_min", "culture_complex_ebike_min"]
    units, fac, model = world()
    with pytest.raises(ValueError, match="not timed"):
        compare(units, fac, model, catalogue=[INDICATORS["health_doctors_2sfca_per_1000"]])


def test_inputs_are_not_modified():
    units, fac, model = world()
    before = (units.copy(), fac.copy())
    compare(units, fac, model, OVER, catalogue=CAT)
    pd.testing.assert_frame_equal(units, before[0])
    pd.testing.assert_frame_equal(fac, before[1])


# --- the page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_without_roads_explains_how_to_load_them(built_db, monkeypatch, lang):
    at = open_app(built_db, monkeypatch, "travel_compare", lang=lang)
    assert at.title[0].value == t("page.travel_compare", lang)
    assert any(t("tc.empty", lang) in i.value for i in at.info)
    assert any("--kind roads" in c.value for c in at.code)
    assert not at.get("plotly_chart") and not at.metric


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_with_roads_compares_both_models(roads_db, monkeypatch, lang):
    at = open_app(roads_db, monkeypatch, "travel_compare", lang=lang)
    labels = {m.label: m.value for m in at.metric}
    assert labels[t("tc.m.n", lang)] == "162"
    assert t("tc.m.unreachable", lang) in labels
    (chart,) = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert any(d.get("meta") == "roads" for d in spec["data"])
    assert len(chart.proto.spec) < 1_000_000
    table = next(d.value for d in at.dataframe if t("tc.col.network", lang) in d.value.columns)
    assert len(table) == 5 * 3
    assert {t(g, lang) for g in ("urban", "rural", "county")} == set(table[t("tc.col.group", lang)])
    # the grid is no one's roads: never named as Kaijiang's
    text = json.dumps([d for d in spec["data"] if d.get("meta") == "roads"], ensure_ascii=False)
    assert "开江" not in text and "Kaijiang" not in text
    said = t("frame.travel", lang, model="路网" if lang == "zh" else "road network")
    assert any(said in c.value for c in at.caption)


def test_page_honours_the_view_in_the_url(roads_db, monkeypatch):
    at = open_app(roads_db, monkeypatch, "travel_compare", lang="en",
                  ind="health_centre_share_15min", measure="ratio")
    assert at.selectbox(key="ind").value == "health_centre_share_15min"
    assert at.radio(key="measure").value == "ratio"
    at.selectbox(key="ind").set_value("elderly_care_walk_min").run()
    assert not at.exception
    assert at.query_params["ind"] in ("elderly_care_walk_min", ["elderly_care_walk_min"])
