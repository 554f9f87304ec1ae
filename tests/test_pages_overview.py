"""总览 through AppTest on the database built from data/: numbers equal what metrics returns."""

from __future__ import annotations

import html

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl import db
from metrics import indicators
from metrics.gaps import headline_by_domain, largest_gaps, township_gaps, urban_rural_gap
from metrics.plan import plan_status
from tests.conftest import open_app
from ui.domain import fmt_value, metric_value
from ui.format import ratio_label
from ui.frame import fmt
from ui.i18n import t
from ui.pinyin import place_label

INJECTION = "'; DROP TABLE units; --"


@pytest.fixture(scope="module")
def world(built_db):
    """The same tables and indicators the app computes, straight from the database."""
    con = db.connect(built_db, read_only=True)
    try:
        f = {name: con.execute(f"SELECT * FROM {name} ORDER BY code").df()
             for name in ("units", "townships")}
        f["facilities"] = con.execute("SELECT * FROM facilities ORDER BY id").df()
    finally:
        con.close()
    f["prepared"] = indicators.prepare(f["units"], f["facilities"])
    f["table"] = indicators.evaluate(f["prepared"])
    return f


def clear_caches() -> None:
    """The loaders are cached per process, not per database file: start each app afresh."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def metric_values(at, label):
    return [m.value for m in at.metric if m.label == label]


def qp(at, name):
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) and len(v) == 1 else v


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_cards_equal_the_metrics(built_db, monkeypatch, world, lang):
    at = open_app(built_db, monkeypatch, lang=lang)
    table = world["table"]
    heads = headline_by_domain(indicators.CATALOGUE)
    urban, rural = [], []
    for ind in heads.values():
        means = table.summaries[ind.key]["urban_rural"]["groups"]["mean"]
        urban.append(metric_value(means["urban"], ind, lang))
        rural.append(metric_value(means["rural"], ind, lang))
    assert metric_values(at, t("urban", lang)) == urban
    assert metric_values(at, t("rural", lang)) == rural
    # the same figures, to the same precision, as the domain pages' key numbers: care beds
    # per 1,000 aged 60+ with two decimals, minutes and shares with one and their unit
    elderly = table.summaries["elderly_care_beds_per_1000_60plus"]["urban_rural"]["groups"]["mean"]
    assert f"{elderly['urban']:.2f}" in urban
    culture = table.summaries["culture_complex_ebike_min"]["urban_rural"]["groups"]["mean"]
    assert f"{culture['rural']:.1f} {t('unit.min', lang) if lang == 'en' else '分钟'}" in rural
    # the ratio of each card is worse ÷ better, its label naming both sides in that order
    shown = [(m.label, m.value) for m in at.metric
             if m.label.startswith(t("gap.ratio", lang, sides="")[:3])]
    expected = []
    for ind in heads.values():
        gap = urban_rural_gap(table.summaries[ind.key]["urban_rural"], ind.higher_is_better)
        expected.append((t("gap.ratio", lang, sides=ratio_label(gap["worse"], gap["better"], lang)),
                         fmt(gap["ratio"], "", 2)))
    assert shown == expected
    assert [m.value for m in at.metric if m.label == t("ov.gini", lang)] == [
        fmt(table.summaries[i.key]["urban_rural"]["gini"], "", 3) for i in heads.values()]
    # every headline card says how far it moves with its speed (or that it has none)
    sens = [c.value for c in at.caption if c.value.startswith(t("sens.none", lang)[:4])]
    assert len(sens) == 4
    assert any("km/h" in c for c in sens)
    # the default data has one year: the cards say so
    assert sum(t("ov.one_year", lang, year=2024) in c.value for c in at.caption) == 4
    assert any(t("synthetic.title", lang) in w.value for w in at.warning)


def test_default_indicator_is_the_largest_gap(built_db, monkeypatch, world):
    """The map and ranking open on the largest urban-rural gap over every indicator."""
    at = open_app(built_db, monkeypatch)
    expected = largest_gaps({k: v["urban_rural"] for k, v in world["table"].summaries.items()},
                            indicators.CATALOGUE).index[0]
    assert at.selectbox(key="ind").value == expected
    assert qp(at, "ind") == expected
    assert any(indicators.INDICATORS[expected].zh in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_largest_gap_is_found_over_all_indicators_and_told_with_its_direction(
        built_db, monkeypatch, world, lang):
    """The call-out looks at every indicator (not only the headline cards), gives both values,
    says which side is behind and which value is how many times the other."""
    at = open_app(built_db, monkeypatch, lang=lang)
    gaps = largest_gaps({k: v["urban_rural"] for k, v in world["table"].summaries.items()},
                        indicators.CATALOGUE)
    heads = {i.key for i in headline_by_domain(indicators.CATALOGUE).values()}
    top, row = indicators.INDICATORS[gaps.index[0]], gaps.iloc[0]
    assert top.key not in heads  # the demo's largest gap is beyond the cards
    text = next(i.value for i in at.info
                if ("当前最大的城乡差距" if lang == "zh" else "Largest urban-rural gap") in i.value)
    unit = top.unit_zh if lang == "zh" else top.unit_en
    assert f"{fmt_value(row['urban'], top)} {unit}" in text
    assert f"{fmt_value(row['rural'], top)} {unit}" in text
    assert str(len(indicators.CATALOGUE)) in text and "1/" not in text
    high, low = ("urban", "rural") if row["urban"] > row["rural"] else ("rural", "urban")
    factor = f"{row['factor']:.2f}" if row["factor"] < 10 else f"{row['factor']:.1f}"  # 12.6, 2.11
    if lang == "zh":
        assert f"{t(row['worse'], 'zh')}落后" in text
        assert f"{t(high, 'zh')}是{t(low, 'zh')}的 {factor} 倍" in text
    else:
        assert f"{t(row['worse'], 'en')} areas are behind" in text
        assert f"the {high} value is {factor} times the {low} one" in text
    # every indicator's gap is listed, largest first, with the ratio worse ÷ better
    table = next(d.value for d in at.dataframe if t("ov.col.factor", lang) in d.value.columns)
    assert len(table) == len(gaps)
    assert table[t("ov.col.indicator", lang)].iloc[0] == (top.zh if lang == "zh" else top.en)
    assert table[t("ov.col.ratio", lang)].tolist() == pytest.approx(gaps["ratio"].round(2).tolist())


@pytest.mark.parametrize(("lang", "label", "name_in_caption", "sign_note"), [
    ("zh", "与全县相比（%，正数为落后）", "“与全县相比”", "为负表示好于全县"),
    ("en", "vs county (%, positive = behind)", '"vs county":', "negative = better"),
])
def test_ranking_percentage_column_reads_for_both_signs(built_db, monkeypatch, world, lang, label,
                                                        name_in_caption, sign_note):
    """The percentage against the county is signed (positive = behind, negative = ahead):
    its header says so, and the caption under the table names the column and both signs."""
    key = "health_township_beds_per_1000"
    at = open_app(built_db, monkeypatch, ind=key, lang=lang)
    table = world["table"]
    gaps = township_gaps(table.summaries[key]["township_code"], table.county.loc[key, "value"], True)
    ranking = next(d.value for d in at.dataframe if t("col.rank", lang) in d.value.columns)
    assert label in ranking.columns
    assert ranking[label].tolist() == pytest.approx(gaps["shortfall_pct"].round(1).tolist())
    # both signs occur: rank 1 is behind the county, the last is ahead of it
    assert ranking[label].iloc[0] > 0 > ranking[label].iloc[-1]
    help_text = next(c.value for c in at.caption
                     if t("ov.ranking_help", lang, order=t("rank.order", lang)) in c.value)
    assert name_in_caption in help_text and sign_note in help_text
    assert "落后全县" not in help_text and "shortfall" not in help_text


def test_ranking_and_plan_tables_equal_the_metrics(built_db, monkeypatch, world):
    key = "health_township_beds_per_1000"
    at = open_app(built_db, monkeypatch, ind=key, lang="en")
    table = world["table"]
    gaps = township_gaps(table.summaries[key]["township_code"], table.county.loc[key, "value"], True)
    names = dict(zip(world["townships"]["code"], world["townships"]["name"], strict=True))
    frames = [d.value for d in at.dataframe]
    ranking = next(f for f in frames if t("col.rank", "en") in f.columns)
    # the English view shows each township with its pinyin
    assert ranking[t("township", "en")].tolist() == [place_label(names[c], "en")
                                                     for c in gaps.index]
    value_col = next(c for c in ranking.columns if c.startswith(t("col.value", "en")))
    assert ranking[value_col].tolist() == pytest.approx(gaps["value"].round(2).tolist())
    # the chart beside the table lists the townships in the table's order: rank 1 (the
    # largest gap) on top, i.e. last in Plotly's bottom-up category order
    import json

    bar = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
               if any(tr.get("type") == "bar" for tr in json.loads(c.proto.spec)["data"]))
    # chart labels are HTML-escaped text (Plotly shows the entity as the character: Pu'an)
    assert [html.unescape(c) for c in bar["layout"]["yaxis"]["categoryarray"][::-1]] == \
        ranking[t("township", "en")].tolist()
    plan = plan_status(world["facilities"], world["units"], world["townships"])
    tracker = next(f for f in frames if t("plan.status", "en") in f.columns)
    assert tracker[t("plan.status", "en")].tolist() == [t(f"status.{s}", "en") for s in plan["status"]]
    # the plan's long wording wraps in tall rows instead of being cut at the column edge
    element = next(d for d in at.dataframe if t("plan.status", "en") in d.value.columns)
    assert element.proto.row_height >= 3 * 20
    # the lead unit in English with the Chinese beside it (ui.plan_text)
    assert tracker[t("plan.lead", "en")].iloc[0] == "County Education and Science Bureau (县教科局)"
    # the village-centre target: x of 162 in the data
    row = plan.set_index("key").loc["village_centre"]
    assert row["planned"] == 162
    assert f"{int(row['in_data'])}" in tracker[t("plan.in_data", "en")].tolist()


def test_query_params_select_the_view(built_db, monkeypatch, world):
    at = open_app(built_db, monkeypatch, ind="health_centre_share_15min", lang="en",
             medical_circle_min="30", town="511723109")
    assert at.selectbox(key="ind").value == "health_centre_share_15min"
    assert at.slider(key="medical_circle_min").value == 30
    assert at.selectbox(key="town").value == "511723109"
    assert any("Changling" in i.value or "长岭镇" in i.value for i in at.info)
    assert any(s.value == "Map: " + indicators.INDICATORS["health_centre_share_15min"].en
               for s in at.subheader)
    # the threshold reaches the cards: the health card equals evaluate() at 30 minutes
    table = indicators.evaluate(world["prepared"], {"medical_circle_min": 30.0})
    means = table.summaries["health_centre_share_15min"]["urban_rural"]["groups"]["mean"]
    assert metric_values(at, "Rural")[1] == fmt(means["rural"], "%")
    assert metric_values(at, "Urban")[0] != ""


def test_widget_changes_update_the_url(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch)
    at.selectbox(key="ind").set_value("edu_primary_share_30min").run()
    assert not at.exception
    assert qp(at, "ind") == "edu_primary_share_30min"
    # the threshold is a float on every page (metrics.settings.slider), so the same link
    # means the same on the overview and the domain pages
    assert qp(at, "primary_lower_max_min") == "30.0"
    at.slider(key="primary_lower_max_min").set_value(45.0).run()
    assert qp(at, "primary_lower_max_min") == "45.0"
    at.selectbox(key="town").set_value("511723107").run()
    assert qp(at, "town") == "511723107"
    at.multiselect(key="fac").set_value(["village_clinic", "primary"]).run()
    assert sorted(at.query_params["fac"]) == ["primary", "village_clinic"]
    # a threshold from another indicator is dropped from the URL when the indicator changes
    at.selectbox(key="ind").set_value("health_township_beds_per_1000").run()
    assert "primary_lower_max_min" not in at.query_params


def test_invalid_params_fall_back_and_change_nothing(built_db, monkeypatch):
    con = db.connect(built_db, read_only=True)
    before = db.status(con)
    con.close()
    at = open_app(built_db, monkeypatch, ind=INJECTION, town=INJECTION, lang=INJECTION,
             fac=INJECTION, primary_lower_max_min=INJECTION)
    assert at.selectbox(key="town").value == "all"
    assert at.selectbox(key="ind").value in indicators.INDICATORS
    assert qp(at, "lang") == "zh"
    assert all(INJECTION not in str(v) for v in at.query_params.values())
    con = db.connect(built_db, read_only=True)
    try:
        assert db.status(con) == before
    finally:
        con.close()


def test_map_and_charts_have_data(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, ind="culture_complex_ebike_min")
    charts = at.get("plotly_chart")
    assert len(charts) >= 2
    import json

    figs = [json.loads(c.proto.spec) for c in charts]
    map_fig = next(f for f in figs if any(tr.get("type") == "choroplethmap" for tr in f["data"]))
    area = next(tr for tr in map_fig["data"] if tr.get("type") == "choroplethmap")
    assert len(area["locations"]) == 162
    assert sum(v is not None for v in area["z"]) == 162
    legend = [tr.get("name") for tr in map_fig["data"] if tr.get("showlegend")]
    assert legend == ["乡镇文化综合体"]
    # a short colour-bar title (the indicator is the map's heading; a long one is cut off)
    assert area["colorbar"]["title"]["text"] == "数值（分钟）"
    # minutes to one decimal in the ranking, as on the culture page (not 36.75)
    ranking = next(d.value for d in at.dataframe if t("col.rank", "zh") in d.value.columns)
    values = ranking[next(c for c in ranking.columns if c.startswith(t("col.value", "zh")))]
    assert (values.round(1) == values).all() and not (values.round(0) == values).all()
    assert any(t("map.areas_generated", "zh") in c.value for c in at.caption)


def test_empty_facility_selection_is_explained(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch)
    at.multiselect(key="fac").set_value([]).run()
    assert not at.exception
    assert any(t("empty.no_selection", "zh") in c.value for c in at.caption)


def test_brief_is_offered(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, lang="en")
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("download.brief", "en") in labels
    # every gap, the township ranking and the plan tracker
    assert labels.count(t("download.csv", "en")) == 3
    assert pd.Series(labels).str.contains("XLSX").sum() == 3


def test_cached_views_follow_the_database(built_db, monkeypatch, tmp_path):
    """Every loader is keyed by the database path: a second database (here without village
    clinics and village culture centres) never gets the first one's tracker or map, though no
    cache is cleared (as on a server whose database file is replaced)."""
    import json
    import shutil

    other = tmp_path / "fewer.duckdb"
    shutil.copy(built_db, other)
    con = db.connect(other)
    try:
        # facilities is a view: its rows are deleted from the domains' stored tables
        con.execute("DELETE FROM facilities_health WHERE type = 'village_clinic'")
        con.execute("DELETE FROM facilities_culture WHERE type = 'village_centre'")
    finally:
        con.close()

    def view(path) -> tuple[list, list]:
        monkeypatch.setenv("EQUITY_DB", str(path))
        at = AppTest.from_file("../app.py", default_timeout=90)
        at.query_params["ind"] = "health_clinic_coverage"
        at.query_params["fac"] = "village_clinic"
        at.run()
        assert not at.exception, at.exception
        tracker = next(d.value for d in at.dataframe if t("plan.in_data", "zh") in d.value.columns)
        figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        points = [n for f in figs for tr in f["data"] if tr.get("type") == "scattermap"
                  for n in tr.get("lon", [])]
        return tracker[t("plan.in_data", "zh")].tolist(), points

    clear_caches()
    first = view(built_db)
    second = view(other)  # the caches of the first view are still there
    assert len(first[1]) > 0 and len(second[1]) == 0  # no clinic on the map
    assert first[0] != second[0]  # the tracker counts the culture centres of its own database
    assert view(built_db) == first  # back: the first database's view, from its caches
