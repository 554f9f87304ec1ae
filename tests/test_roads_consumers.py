"""Every consumer of travel times follows the roads register (issue 14, item 4).

Two parts. The planning functions and the indicators given a
:class:`~metrics.network.NetworkModel` on a tiny hand-made network, answers worked by hand,
including a village with no road connection (not covered, counted, never 0 minutes). Then
the app: with the made-up road grid of :mod:`tests.kit_roads` loaded (never Kaijiang's
roads), every domain and planning page says 路网 and its figures differ from the
straight-line database's; after the roads are withdrawn they are the straight-line figures
again. The brief and the downloads name the model.
"""

from __future__ import annotations

import io
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from metrics import consortia, indicators, siting
from metrics import planning as mp
from metrics.indicators import INDICATORS
from tests.conftest import metrics_by_label, open_app
from tests.test_network import leg, places, world
from ui.downloads import ABOUT_SHEET, model_file_name, to_xlsx_bytes, travel_about

# -- a tiny world: one 县道 of 10 km, a piece of road on its own, and a road nobody lives by --
#
#   y = 10 000  5 ─── 6            (a health centre S2 here: nobody reaches it)
#   y =  5 000  3 ─── 4            (village c here: no site, no school reaches it)
#   y =      0  1 ──────────── 2   (villages a, b; hospital H, centre S1, school P)
#
# Car on a 县道: 40 km/h, 1.5 min a km; every place 100 m off its road: leg(100) each end.

POINTS = {1: (0.0, 0.0), 2: (10_000.0, 0.0), 3: (0.0, 5_000.0), 4: (2_000.0, 5_000.0),
          5: (0.0, 10_000.0), 6: (1_000.0, 10_000.0)}
ROADS = [(1, 2, "secondary"), (3, 4, "secondary"), (5, 6, "secondary")]
LEGS = 2 * leg(100)


@pytest.fixture(scope="module")
def net():
    return world(POINTS, ROADS)


def _units() -> pd.DataFrame:
    xy = places((1000, 100), (9000, 100), (1000, 5100))
    return xy.assign(code=["a", "b", "c"], name=["A", "B", "C"], township_code=["t", "t", "u"],
                     urban_rural=["rural"] * 3, population=[100.0, 300.0, 50.0],
                     pop_6_11=[10.0, 30.0, 5.0], pop_12_14=[4.0, 6.0, 2.0])


def _health() -> pd.DataFrame:
    xy = places((2000, -100), (8000, -100), (500, 9900))
    return xy.assign(id=["H", "S1", "S2"], name=["H", "S1", "S2"],
                     type=["county_hospital", "central_health_centre", "central_health_centre"],
                     beds=[100.0, 300.0, 20.0])


# -- planning on the tiny world ----------------------------------------------------------------

def test_subcentre_instance_along_roads(net):
    inst = mp.subcentre_instance(_units(), _health(), net)
    c = inst.cost
    assert c[0, 0] == pytest.approx(1.5 + LEGS)   # a → H: 1 km
    assert c[1, 0] == pytest.approx(10.5 + LEGS)  # b → H: 7 km
    assert c[1, 1] == pytest.approx(1.5 + LEGS)   # b → S1: 1 km
    assert np.isinf(c[2]).all()                   # c reaches nothing: inf, never 0
    assert np.isinf(c[:, 2]).all()                # nobody reaches S2


@pytest.mark.parametrize("objective", ["pmedian", "mclp", "pcenter", "lscp", "pmedian_cap"])
def test_subcentre_leaves_the_cut_off_village_uncovered(net, objective):
    inst = mp.subcentre_instance(_units(), _health(), net)
    # within 10 minutes: a reaches H (5.0 min), b only S1 (5.0; H is 14.0 away)
    out = mp.solve_subcentre(inst, 1, objective, 10.0)
    # S1 serves b; S2, which nobody reaches, is never chosen
    assert out.new == (1,)
    assert out.result.assignment.tolist() == [0, 1, -1]
    assert out.after["mean_min"] == pytest.approx(1.5 + LEGS)
    assert out.before["mean_min"] == pytest.approx((100 * 1.5 + 300 * 10.5) / 400 + LEGS)
    assert out.after["share"] == pytest.approx(100 * 400 / 450)  # c counts as not covered
    assert (out.after["no_road"], out.after["no_road_units"]) == (50.0, 1)
    assert mp.no_road(inst, mp.ELIGIBLE_TYPES_DEFAULT)["code"].tolist() == ["c"]
    assert out.before["share"] == pytest.approx(100 * 100 / 450)
    assert mp.beyond_reach(inst, 10.0).empty
    assert mp.cover_limit_min(inst) == pytest.approx(1.5 + LEGS)


def test_subcentre_table_serves_nobody_by_no_road(net):
    inst = mp.subcentre_instance(_units(), _health(), net)
    out = mp.solve_subcentre(inst, 1, "pmedian", 30.0)
    table = mp.subcentre_assignment(inst, out.result)
    assert table["served"].sum() == 400.0  # c is served nowhere
    assert mp.model_value(inst, out) == pytest.approx(1.5 + LEGS)


def test_consortia_never_join_a_lead_without_a_road():
    # townships a..d on a line, leads in a and d; c has no road to the lead in a
    towns = pd.DataFrame({"population": [1.0, 1.0, 1.0, 1.0]}, index=list("abcd"))
    leads = pd.DataFrame({"id": ["H1", "H2"], "name": ["N1", "N2"], "township_code": ["a", "d"]})
    cost = np.array([[0, 3], [1, 2], [np.inf, 5], [3, 0]], dtype=float)
    # by travel alone {a, b, c} | {d} would do at ±100 %; c must go to N2 instead
    inst = mp.TownshipInstance(towns, leads, cost, None)
    out = mp.solve_consortia(inst, 2, 1.0)
    assert out.table["region"].tolist() == ["N1", "N1", "N2", "N2"]
    assert np.isfinite(out.table["travel"]).all()
    # the 片区 {a, b, c} | {d}: c cannot reach N1, which most of its region reaches
    g = consortia.grouping_travel(["x", "x", "x", "y"], cost, [1, 1, 1, 1], [0, 3])
    assert np.isinf(g.travel[2]) and g.mean == pytest.approx((0 + 1 + 0) / 3)
    # a township that reaches no lead at all: said, never bridged
    cut = cost.copy()
    cut[2] = np.inf
    with pytest.raises(siting.InfeasibleError, match="townships 2 reach no lead"):
        mp.solve_consortia(mp.TownshipInstance(towns, leads, cut, None), 2, 1.0)


def test_boarding_counts_the_village_with_no_road(net):
    units, _ = mp.school_tables(_units(), pd.DataFrame(columns=["type", "lon", "lat", "id"]))
    xy = places((2000, -100), (3000, -100))
    schools = xy.assign(type=["primary", "junior"], boarding_beds=[0.0, 50.0],
                        students=[200.0, 300.0], teachers=[10.0, 20.0],
                        township_code=["t", "t"]).set_axis(["P", "J"])
    out = mp.boarding_outcome(units, schools, ["J"], "car", model=net)
    sm = out.plan.summary
    assert (sm["no_road_villages"], sm["no_road_pupils"]) == (1.0, 7.0)
    # c's pupils: neither day pupils nor placed boarders
    row = out.plan.units.loc["c"]
    assert np.isinf(row["primary_min"]) and row["g1_3_day"] == 0.0
    assert sm["day_travel_max_min"] < np.inf
    straight = mp.boarding_outcome(units, schools, ["J"], "car")
    assert straight.plan.summary["no_road_villages"] == 0.0


# -- indicators on the tiny world ----------------------------------------------------------------

def test_indicators_count_villages_with_no_road(net):
    school = places((2000, -100)).assign(id=["P"], type=["primary"], tier=["township"],
                                         unit_code=["a"], township_code=["t"])
    cat = [INDICATORS["edu_primary_walk_min"], INDICATORS["edu_primary_share_30min"]]
    table = indicators.evaluate(indicators.prepare(_units(), school, catalogue=cat, model=net))
    walk = 60 / 4.0  # children walk the road at 4 km/h: 15 min a km
    a_min, b_min = 1 * walk + LEGS, 7 * walk + LEGS
    v = table.values
    assert v.loc["c", "edu_primary_walk_min"] != 0 and np.isnan(v.loc["c", "edu_primary_walk_min"])
    assert v.loc["c", "edu_primary_share_30min"] == 0.0  # not within the standard
    county = table.county
    assert county.loc["edu_primary_walk_min", "value"] == pytest.approx(
        (10 * a_min + 30 * b_min) / 40)
    assert county.loc["edu_primary_share_30min", "value"] == pytest.approx(100 * 10 / 45)
    for key in county.index:
        assert county.loc[key, "no_road_units"] == 1
        assert county.loc[key, "no_road_pop"] == 50.0
    # straight lines: nobody is cut off
    plain = indicators.evaluate(indicators.prepare(_units(), school, catalogue=cat))
    assert (plain.county["no_road_units"] == 0).all()


def test_card_says_how_the_villages_were_counted(net):
    from ui.cards import status_note

    school = places((2000, -100)).assign(id=["P"], type=["primary"], tier=["township"],
                                         unit_code=["a"], township_code=["t"])
    cat = [INDICATORS["edu_primary_walk_min"], INDICATORS["edu_primary_share_30min"]]
    table = indicators.evaluate(indicators.prepare(_units(), school, catalogue=cat, model=net))
    assert status_note(table, cat[0], "zh").endswith("1 个村无道路连通，未计入平均")
    assert "1 villages with no road connection, counted as not within" in status_note(
        table, cat[1], "en")
    plain = indicators.evaluate(indicators.prepare(_units(), school, catalogue=cat))
    assert "道路" not in status_note(plain, cat[0], "zh")


# -- downloads ---------------------------------------------------------------------------------------

def test_downloads_name_the_model(net):
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]}), "t",
                                                about={"出行时间 Travel times": "路网 road network"})))
    assert wb.active.title == "t"  # the data stay the first sheet
    assert [c.value for c in wb[ABOUT_SHEET][2]] == ["出行时间 Travel times", "路网 road network"]
    assert travel_about(net) == {"出行时间 Travel times": "路网 road network"}
    assert model_file_name("x", "network", "csv") == "x_roads.csv"
    assert model_file_name("x", "straight_line", "csv") == "x_straight.csv"


# -- the app -----------------------------------------------------------------------------------------

DOMAIN_PAGES = {"education": {}, "health": {}, "elderly_care": {"ind": "elderly_care_walk_min"},
                "culture": {}}
PLAN_PAGES = ("plan_subcentre", "plan_consortia", "plan_boarding", "plan_scenarios")


@pytest.fixture(scope="module")
def withdrawn_db(roads_db, tmp_path_factory):
    """A copy of the roads database with its roads register withdrawn."""
    from tests.kit_roads import withdraw_roads

    folder = tmp_path_factory.mktemp("withdrawn") / "db"
    shutil.copytree(roads_db.parent, folder)
    withdraw_roads(folder / roads_db.name)
    return folder / roads_db.name


def _figures(at) -> dict:
    """What a page shows as numbers: its metrics, its markdown and its tables."""
    out: dict = dict(metrics_by_label(at))
    # the solver's time (求解用时 0.13 秒) varies from run to run
    out["_md"] = [re.sub(r"[\d.]+ 秒", "", m.value) for m in [*at.markdown, *at.success]]
    out["_tables"] = [d.value.to_csv() for d in at.dataframe]
    return out


def _says(at, words: str) -> bool:
    return any(words in c.value for c in at.caption)


@pytest.mark.parametrize("page", [*DOMAIN_PAGES, *PLAN_PAGES])
def test_every_page_switches_with_the_roads(built_db, roads_db, withdrawn_db, monkeypatch, page):
    params = {"lang": "zh", **DOMAIN_PAGES.get(page, {})}
    if page in ("plan_subcentre", "plan_consortia"):
        params["run"] = "1"
    straight = open_app(built_db, monkeypatch, page, **params)
    assert _says(straight, "直线估算") and not _says(straight, "出行时间：路网")
    roads = open_app(roads_db, monkeypatch, page, **params)
    assert _says(roads, "出行时间：路网")
    assert _figures(roads) != _figures(straight)
    back = open_app(withdrawn_db, monkeypatch, page, **params)
    assert _says(back, "直线估算") and not _says(back, "出行时间：路网")
    assert _figures(back) == _figures(straight)


def test_domain_page_metrics_change_along_roads(built_db, roads_db, monkeypatch):
    straight = metrics_by_label(open_app(built_db, monkeypatch, "education", lang="zh"))
    roads = metrics_by_label(open_app(roads_db, monkeypatch, "education", lang="zh"))
    assert straight.keys() == roads.keys() and straight != roads


def test_planning_loaders_use_the_network(roads_db, monkeypatch):
    from metrics.network import NetworkModel
    from ui import data, planning

    open_app(roads_db, monkeypatch, "plan_subcentre", lang="zh")
    model = data.travel_model()
    assert isinstance(model, NetworkModel)
    inst = planning.subcentre_instance()
    f = data.frames()
    assert np.array_equal(inst.cost, mp.subcentre_instance(f["units"], f["facilities"], model).cost)
    assert not np.array_equal(inst.cost, mp.subcentre_instance(f["units"], f["facilities"]).cost)


def test_brief_names_the_model(built_db, roads_db, monkeypatch):
    from ui.brief import page_brief

    open_app(roads_db, monkeypatch, "education", lang="zh")
    assert "出行时间：路网" in page_brief("t", "s", [], [], [], "zh", synthetic=False)
    open_app(built_db, monkeypatch, "education", lang="en")
    assert "Travel times: straight-line estimate" in page_brief("t", "s", [], [], [], "en",
                                                                synthetic=False)


def test_far_from_road_is_listed_only_along_roads(built_db, roads_db, monkeypatch):
    from ui import data
    from ui.missing import far_from_road_table

    open_app(built_db, monkeypatch, "education", lang="zh")
    assert data.far_from_road().empty
    open_app(roads_db, monkeypatch, "education", lang="zh")
    far = data.far_from_road()  # the test grid runs every 0.01°: nobody is 2 km from it
    assert far.empty and list(far.columns) == ["code", "name", "township_code", "snap_m"]
    table = far_from_road_table(pd.DataFrame({"code": ["a"], "name": ["甲村"], "township_code": ["t"],
                                              "snap_m": [2500.4]}), {"t": "乙镇"}, "zh")
    assert table.iloc[0].tolist() == ["甲村", "乙镇", 2500]


def test_domain_page_lists_villages_far_from_road(built_db, tmp_path, monkeypatch):
    """A sparse made-up grid (a road every 0.06°, about 6 km): the villages between its
    lines are more than 2 km from any road, listed with their distance."""
    from metrics.network import FAR_FROM_ROAD_M
    from tests.kit_roads import load_grid
    from ui import data

    sparse = load_grid(built_db, tmp_path / "sparse", step_deg=0.06)
    at = open_app(sparse, monkeypatch, "health", lang="zh")
    far = data.far_from_road()
    assert len(far) and (far["snap_m"] > FAR_FROM_ROAD_M).all()
    assert far["snap_m"].is_monotonic_decreasing
    title = next(e.label for e in at.expander if "离道路较远" in e.label)
    assert f"{len(far)} 个" in title
    en = open_app(sparse, monkeypatch, "culture", lang="en")
    assert any("far from any road" in e.label for e in en.expander)


def test_withdrawing_the_roads_recomputes_the_cached_plans(roads_db, tmp_path, monkeypatch):
    """The planning caches key on the data's version: withdrawing the roads (a new version
    of the same database) brings straight lines back without clearing any cache."""
    from tests.kit_roads import withdraw_roads
    from ui import data, planning

    folder = tmp_path / "db"
    shutil.copytree(roads_db.parent, folder)
    db_file = folder / roads_db.name
    open_app(db_file, monkeypatch, "plan_subcentre", lang="zh")
    on_roads = planning.subcentre_instance()
    assert data.on_roads()
    withdraw_roads(db_file)
    assert not data.on_roads()
    straight = planning.subcentre_instance()
    assert not np.array_equal(on_roads.cost, straight.cost)
    f = data.frames()
    np.testing.assert_array_equal(straight.cost,
                                  mp.subcentre_instance(f["units"], f["facilities"]).cost)
