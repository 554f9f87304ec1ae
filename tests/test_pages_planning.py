"""The four planning pages through AppTest, in both languages: the optimum shown equals the
metrics on the same instance (built by the same :mod:`metrics.planning` functions the pages
call), URL parameters are honoured, scenarios open from their id."""

from __future__ import annotations

import base64
import json
import time

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import shape

from etl import db, scenarios
from metrics import boarding, consortia, indicators, siting
from metrics import planning as mp
from tests.conftest import metrics_by_label, open_app
from tests.test_planning import three_sites
from ui import planning
from ui.i18n import TEXT, t, with_unit

PAGES = ("plan_subcentre", "plan_consortia", "plan_boarding", "plan_scenarios")


@pytest.fixture(scope="module")
def data(built_db) -> dict[str, pd.DataFrame]:
    con = db.connect(built_db, read_only=True)
    try:
        out = {name: con.execute(f"SELECT * FROM {name} ORDER BY code").df()
               for name in ("units", "townships")}
        out["facilities"] = con.execute("SELECT * FROM facilities ORDER BY id").df()
        out["boundaries"] = con.execute(
            "SELECT code, geojson FROM boundaries WHERE level = 'township'").df()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def instance(data) -> mp.SubcentreInstance:
    """The sub-centre instance from the database's tables, by the function the page calls."""
    return mp.subcentre_instance(data["units"], data["facilities"])


def test_page_loaders_build_the_same_instances(built_db, monkeypatch, instance):
    """The pages' cached loaders hand the metrics functions the same tables as these tests."""
    open_app(built_db, monkeypatch, "plan_subcentre", lang="zh")
    page = planning.subcentre_instance()
    pd.testing.assert_frame_equal(page.sites, instance.sites)
    np.testing.assert_array_equal(page.cost, instance.cost)
    assert page.required == instance.required == (0, 1, 2)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_and_runs(built_db, monkeypatch, page, lang):
    at = open_app(built_db, monkeypatch, page, lang=lang)
    assert at.title[0].value == TEXT[f"page.{page}"][0 if lang == "zh" else 1]
    assert len(at.get("plotly_chart")) >= 1
    if page != "plan_scenarios":
        run = at.button[0]
        assert run.label == TEXT["plan.run" if page != "plan_boarding" else "plan.compute"][
            0 if lang == "zh" else 1]
        run.click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.get("plotly_chart")) >= 1
    if lang == "en":
        body = " ".join(m.label for m in at.metric) + " ".join(s.value for s in at.success)
        assert "人口" not in body and "分钟" not in body


@pytest.mark.parametrize(("objective", "eligible"), [
    ("pmedian", "central"), ("mclp", "central"), ("pcenter", "central"), ("pmedian", "all"),
    ("pmedian_cap", "all")])
@pytest.mark.parametrize("n_new", [1, 3])
def test_subcentre_optimum_equals_siting(built_db, monkeypatch, instance, objective, eligible,
                                         n_new):
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="en", n_new=str(n_new),
                  objective=objective, eligible=eligible, cover_min="20", run="1")
    assert at.radio(key="n_new").value == n_new and at.selectbox(key="objective").value == objective
    assert at.radio(key="eligible").value == eligible
    assert at.slider(key="cover_min").value == 20.0
    # the model on the county hospitals and the eligible centres only
    cols = [*instance.required, *mp.eligible_columns(instance, mp.ELIGIBILITY[eligible].types)]
    p = len(instance.required) + n_new
    w, c, req = instance.weights, instance.cost[:, cols], list(range(len(instance.required)))
    if objective == "mclp":
        r = siting.max_coverage(c, w, 20.0, p, req)
        share = 100 * r.objective / w.sum()
    else:
        if objective == "pcenter":
            r = siting.p_center(c, w, p, req)
        else:
            q = mp.bed_capacities(instance)[cols] if objective == "pmedian_cap" else None
            r = siting.p_median(c, w, p, req, capacities=q)
        chosen = [cols[j] for j in r.sites]
        mean = float(np.dot(w, instance.cost[:, chosen].min(axis=1)) / w.sum())
        assert metrics_by_label(at)["Average drive"] == f"{mean:,.1f} min"
        share = 100 * w[c[:, r.sites].min(axis=1) <= 20].sum() / w.sum()
    names = [instance.sites["name"].iloc[cols[j]] for j in r.sites if j not in req]
    assert all(n in at.success[0].value for n in names)
    assert metrics_by_label(at)["Residents within a 20-minute drive"] == f"{share:,.1f} %"
    # the county hospitals stay open and are named
    assert "开江县人民医院" in at.markdown[0].value


def test_subcentre_maps_before_and_after_share_one_colour_scale(built_db, monkeypatch, instance):
    """The map after the optimisation keeps the scale of the map before it (0 to today's
    longest drive): shorter drives must look lighter, not be re-stretched to the same reds."""
    longest = float(instance.cost[:, list(instance.required)].min(axis=1).max())
    ranges = []
    for params in ({}, {"n_new": "3", "run": "1"}):
        at = open_app(built_db, monkeypatch, "plan_subcentre", lang="zh", **params)
        fig = json.loads(at.get("plotly_chart")[0].proto.spec)
        area = next(tr for tr in fig["data"] if tr.get("type") == "choroplethmap")
        ranges.append((area["zmin"], area["zmax"], max(area["z"])))
    (lo0, hi0, max0), (lo1, hi1, max1) = ranges
    assert (lo0, hi0) == (lo1, hi1) == (0.0, pytest.approx(longest))
    assert max0 == pytest.approx(longest) and max1 < max0 - 5  # the drives did get shorter


def test_subcentre_solves_in_under_a_second(instance):
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        mp.solve_subcentre(instance, 3, "pmedian", 30.0)
        best = min(best, time.perf_counter() - t0)
    assert best < 1.0


def test_consortia_equal_regions_and_compare(built_db, monkeypatch, data):
    at = open_app(built_db, monkeypatch, "plan_consortia", lang="zh", k="4", deviation="0.6", run="1")
    assert at.slider(key="k").value == 4 and at.slider(key="deviation").value == 0.6
    # the instance from the database's tables, by the functions the page calls
    inst = mp.township_instance(data["units"], data["townships"], data["facilities"],
                                {r.code: shape(json.loads(r.geojson))
                                 for r in data["boundaries"].itertuples()})
    t, leads, adj = inst.towns, inst.leads, inst.adjacency
    table = mp.solve_consortia(inst, 4, 0.6).table
    names = leads.set_index("id")["name"]
    text = at.success[0].value
    assert text.startswith("**4 个医共体")
    assert all(names[i] in text for i in set(table["lead"]))
    # the comparison with the four zones equals compare_assignments, one column per grouping
    cmp = consortia.compare_assignments(table["lead"].map(names), t["zone"], t["population"], None, adj)
    shown = next(d.value for d in at.dataframe if "四大片区" in d.value.columns).set_index("指标")
    assert shown.loc["与模型分区的调整兰德指数", "四大片区"] == f"{cmp.adjusted_rand:.3f}"
    assert shown.loc["与模型分区匹配的人口占比（%）", "四大片区"] == f"{100 * cmp.matched_share:.1f}"
    assert shown.loc["片数", "四大片区"] == "4" and shown.loc["片数", "模型分区"] == "4"
    # mean travel to the lead: the model's own, and the zones' with each zone's best lead
    cost = inst.cost
    p = t["population"]
    model_mean = float((table["travel"] * p).sum() / p.sum())
    assert shown.loc["居民到牵头医院平均车程（分钟）", "模型分区"] == f"{model_mean:.1f}"
    home = [t.index.get_loc(c) for c in leads["township_code"]]
    zones = consortia.grouping_travel(t["zone"].to_numpy(), cost, p.to_numpy(float), home)
    assert shown.loc["居民到牵头医院平均车程（分钟）", "四大片区"] == f"{zones.mean:.1f}"
    assert shown.loc["片内无牵头医院的片数", "四大片区"] == str(int(zones.region_lead["outside"].sum()))
    # the user's grouping starts as the zones
    assert shown["您的分区"].tolist() == shown["四大片区"].tolist()


def _values(obj) -> list:
    """A trace's array as a list (Plotly sends numeric arrays as base64 typed arrays)."""
    if isinstance(obj, dict) and {"dtype", "bdata"} <= set(obj):
        return np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"])).tolist()
    return list(obj)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_consortia_legend_shows_the_lead_hospital_symbol(built_db, monkeypatch, lang):
    """The legend entry 牵头医院 draws the map's symbol, a white dot in a dark ring: map markers
    have no outline (the ring is a larger dark dot underneath, out of the legend), so the
    legend's own marker carries the same fill, ring colour and the same inner/outer sizes."""
    at = open_app(built_db, monkeypatch, "plan_consortia", lang=lang, k="5", run="1")
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    lead = t("plan.role.lead", lang)
    shown = [tr for tr in fig["data"] if tr.get("showlegend", True) and tr.get("name") == lead]
    assert len(shown) == 1  # one legend entry, and it is not a map trace
    legend = shown[0]
    assert legend["type"] == "scatter" and all(x is None for x in legend["x"])
    on_map = [tr for tr in fig["data"] if tr["type"] == "scattermap" and tr.get("legendgroup") == "lead"]
    dot = next(tr for tr in on_map if tr.get("name") == lead)
    ring = next(tr for tr in on_map if tr is not dot)
    lons = [_values(tr["lon"]) for tr in (dot, ring)]
    assert len(lons[0]) == 5 and lons[0] == lons[1]  # one symbol per consortium
    assert ring["marker"]["size"] > dot["marker"]["size"]
    m = legend["marker"]
    assert m.get("symbol", "circle") == "circle"
    assert m["color"] == dot["marker"]["color"]
    assert m["line"]["color"] == ring["marker"]["color"] != m["color"]
    # an SVG outline is centred on the edge: inner and outer diameters as on the map
    assert m["size"] - m["line"]["width"] == pytest.approx(dot["marker"]["size"])
    assert m["size"] + m["line"]["width"] == pytest.approx(ring["marker"]["size"])
    # one click on the legend entry hides or shows the dots and their rings together
    assert legend["legendgroup"] == dot["legendgroup"] == ring["legendgroup"]
    # the legend trace's empty axes draw nothing over the map
    assert fig["layout"]["xaxis"]["visible"] is False and fig["layout"]["yaxis"]["visible"] is False


def test_consortia_zones_map_has_no_lead_entry(built_db, monkeypatch):
    """Before a run the map shows the four zones only: no lead hospitals, no legend entry."""
    at = open_app(built_db, monkeypatch, "plan_consortia", lang="zh")
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not [tr for tr in fig["data"] if tr.get("name") == t("plan.role.lead", "zh")]


def test_boarding_equals_boarding_plan(built_db, monkeypatch, data):
    uu, s = mp.school_tables(data["units"], data["facilities"])
    chosen = list(boarding.default_boarding_schools(s))[:2]
    at = open_app(built_db, monkeypatch, "plan_boarding", lang="en", boarding=chosen,
                  junior_day_max_min="60", mode="school_bus", n_close="3")
    assert at.multiselect(key="boarding").value == chosen
    assert at.slider(key="junior_day_max_min").value == 60.0
    out = mp.boarding_outcome(uu, s, chosen, "school_bus", {"junior_day_max_min": 60.0}, 3,
                              board_mode="school_bus")
    sm = out.plan.summary
    m = metrics_by_label(at)
    for label, key in (("Need a boarding place", "need"), ("Placed", "boarders"),
                       ("Not placed", "unplaced"), ("Beds needed", "beds_needed"),
                       ("Existing beds used", "beds_used"), ("New beds to build", "new_beds"),
                       ("Beds left empty", "spare_beds")):
        assert m[label] == f"{sm[key]:,.0f}", label
    assert m["Primary pupils per teacher"] == f"{out.spt_after:,.1f}"
    # the walking caveat is for walking only
    note = t("plan.brd.mode_note", "en")
    assert not any(note in i.value for i in at.info)
    walk = open_app(built_db, monkeypatch, "plan_boarding", lang="en", boarding=chosen, mode="walk_child")
    assert any(note in i.value for i in walk.info)
    walk_need = float(metrics_by_label(walk)["Need a boarding place"].replace(",", ""))
    bus = mp.boarding_outcome(uu, s, chosen, "school_bus").plan.summary["need"]
    assert walk_need > bus  # slower travel: more pupils beyond the day-trip limits


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def test_boarding_planner_totals_add_up_on_screen(built_db, monkeypatch):
    """The default view (day trips on foot): need = placed + not placed, beds needed = used +
    new, and the school table's total row is the same figures."""
    at = open_app(built_db, monkeypatch, "plan_boarding", lang="zh")
    m = {k: _num(v) for k, v in metrics_by_label(at).items() if "分钟" not in k}
    assert m["需要寄宿（人）"] == m["已安置（人）"] + m["未能安置（人）"] > 0
    assert m["需要床位（张）"] == m["占用现有床位（张）"] + m["需新建床位（张）"]
    by_school = next(d.value for d in at.dataframe if "所选（可新建）" in d.value.columns)
    total = by_school.iloc[-1]
    assert total["学校"] == "合计"
    assert total["安置寄宿生（人）"] == m["已安置（人）"]
    assert total["需新建床位（张）"] == m["需新建床位（张）"]
    assert total["现有床位（张）"] == total["空余床位（张）"] + m["占用现有床位（张）"]
    assert by_school.iloc[:-1]["需新建床位（张）"].sum() == m["需新建床位（张）"]
    text = " ".join(x.value for x in at.markdown)
    assert f"**{m['需要寄宿（人）']:,.0f}** 名学生需要寄宿" in text


def test_boarding_planner_places_within_the_limit_and_says_why_not(built_db, monkeypatch):
    """Boarders walking to a boarding school within 60 minutes: many cannot be placed, and
    each village row says why; nobody is placed farther than the limit."""
    at = open_app(built_db, monkeypatch, "plan_boarding", lang="en", board_mode="walk_child")
    m = metrics_by_label(at)
    assert _num(m["Not placed"]) > 0
    assert any("Why pupils are not placed" in w.value for w in at.warning)
    villages = next(d.value for d in at.dataframe if "Why not placed" in d.value.columns)
    out = villages[villages["Not placed"] > 0]
    assert set(out["Why not placed"]) <= {t("plan.brd.reason.no_school_in_reach", "en"),
                                          t("plan.brd.reason.beds_full", "en")}
    assert (villages["Boarders' trip (min)"].dropna() <= 60).all()


def test_boarding_merge_shows_staffing_and_travel_by_band(built_db, monkeypatch, data):
    at = open_app(built_db, monkeypatch, "plan_boarding", lang="zh", n_close="3",
                  teachers_move_with_merge="false")
    m = metrics_by_label(at)
    closed = next(d.value for d in at.dataframe if "学生转入" in d.value.columns)
    assert _num(m["腾出的教师岗位（个）"]) == closed["专任教师（人）"].sum() > 0
    frames = [d.value for d in at.dataframe]
    col = "生师比：撤并前 → 后（生/专任教师）"
    receiving = next(f for f in frames if col in f.columns)
    # teachers stay: every receiving school has more pupils per teacher afterwards
    pairs = [[float(x) for x in v.split(" → ")] for v in receiving[col]]
    assert pairs and all(after > before for before, after in pairs)
    assert (receiving["调入教师（人）"] == 0).all()
    bands = next(f for f in frames if "平均单程·撤并后（分钟）" in f.columns)
    assert bands["学段"].tolist() == ["1—3年级", "4—6年级", "初中"]
    # the county ratio before the merge is the education page's indicator
    uu, s = mp.school_tables(data["units"], data["facilities"])
    from metrics import planning_boarding as pb

    ind = indicators.evaluate(indicators.prepare(
        data["units"], data["facilities"],
        catalogue=[indicators.INDICATORS["edu_primary_students_per_teacher"]])).county
    assert pb.primary_students_per_teacher(uu, s) == pytest.approx(
        ind.loc["edu_primary_students_per_teacher", "value"])


def test_boarding_rules_read_in_chinese_with_plain_numbers(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "plan_boarding", lang="zh")
    beds, share = at.slider(key="boarding_beds_per_boarder"), at.slider(key="grade_1_3_share")
    assert beds.proto.label == "寄宿生人均床位（床/寄宿生）"
    assert share.proto.label == "6—11岁中1—3年级比例（0–1）"  # the unit, not the label again
    labels = " ".join(x.proto.label for x in at.slider)
    assert "beds / boarder" not in labels and "share" not in labels and "（min）" not in labels
    # steps of 5 minutes read "45", steps of 0.05 read "1.00"
    assert at.slider(key="junior_day_max_min").proto.format == "%.0f"
    assert beds.proto.format == "%.2f"


def test_scenario_opens_from_its_id(built_db, monkeypatch, data):
    changes = [{"op": "close", "id": "WS-0011"},
               {"op": "set", "id": "WS-0013", "field": "doctors", "value": 40}]
    sid = scenarios.save(scenarios.store_path(built_db), "test scenario", "health", changes)
    at = open_app(built_db, monkeypatch, "plan_scenarios", lang="en", scenario=sid)
    assert at.selectbox(key="domain").value == "health"
    assert any("test scenario" in i.value for i in at.info)
    after = mp.scenario_indicators(data["units"], data["facilities"], changes)
    table = next(d.value for d in at.dataframe if "Indicator" in d.value.columns).set_index("Indicator")
    ind = indicators.INDICATORS["health_doctors_2sfca_per_1000"]
    # values to the indicator's own precision, as on its domain page (2.79 doctors, 21.0 min)
    assert table.loc[ind.en, "County · scenario"] == pytest.approx(
        round(after.county.loc[ind.key, "value"], 2))
    drive = indicators.INDICATORS["health_hospital_car_min"]
    assert table.loc[drive.en, "County · scenario"] == pytest.approx(
        round(after.county.loc[drive.key, "value"], 1))
    assert table.loc[drive.en, "Gini · scenario"] == pytest.approx(
        round(after.summaries[drive.key]["urban_rural"]["gini"], 3))
    # coordinates are labelled in words, not as raw column names
    editor = next(d for d in at.dataframe if "lon" in d.value.columns)
    config = json.loads(editor.proto.columns)
    assert (config["lon"]["label"], config["lat"]["label"]) == ("Longitude", "Latitude")
    assert at.query_params["scenario"] in (sid, [sid])
    # an unknown id warns and leaves the link
    at = open_app(built_db, monkeypatch, "plan_scenarios", lang="en", scenario="nope")
    assert at.warning and "scenario" not in at.query_params


def test_subcentre_table_gives_hospitals_at_one_place_one_row():
    """The hand-worked instance of ``tests.test_planning.three_sites``."""
    inst = three_sites()
    table = planning.subcentre_table(inst, mp.solve_subcentre(inst, 1, "pmedian", 30.0), "zh")
    assert table.iloc[:, 0].tolist() == ["A、B", "C"]
    assert table.iloc[:, 1].tolist() == [TEXT["plan.role.kept"][0], TEXT["plan.role.chosen"][0]]
    assert table.iloc[0, 2] == 150 and np.isnan(table.iloc[1, 2])
    assert table.iloc[:, 3].tolist() == [30, 30]
    assert table.iloc[:, -1].tolist() == [round((10 * 4 + 20 * 3) / 30, 1), 10.0]
    # no county figure (no beds in the register): the load is unknown, never 0
    assert table.iloc[:, 5].tolist() == ["–", "–"]


def test_subcentre_page_shows_the_county_hospitals_as_one_row(built_db, monkeypatch, instance):
    """The three county hospitals (within about 1 km in the county town) are one row, and
    the rows' residents add up to the county's."""
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="zh", n_new="3", run="1")
    table = at.dataframe[0].value
    county = list(instance.sites["name"].iloc[list(instance.required)])
    assert len(county) == 3
    first = table.iloc[0, 0]
    assert all(n in first for n in county), first
    assert not any(n in v for v in table.iloc[1:, 0] for n in county)
    served = with_unit(TEXT["plan.col.served"][0], TEXT["plan.sub.unit.people"][0], "zh")
    assert table[served].sum() == pytest.approx(instance.weights.sum(), abs=3)
    assert TEXT["plan.sub.same_place"][0].split("{km}")[0] in " ".join(c.value for c in at.caption)
