"""The four domain pages through AppTest: numbers equal metrics.indicators.evaluate, URL state honoured."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import db
from metrics import indicators
from metrics.gaps import township_gaps
from tests.conftest import metrics_by_label, open_app
from ui.domain import (
    default_indicator,
    domain_indicators,
    fmt_value,
    gap_rows,
    glance_table,
    indicator_facts,
    metric_label,
    metric_value,
    overrides_from,
    settings_of,
    township_table,
    unit_table,
)
from ui.i18n import TEXT

DOMAINS = ("education", "health", "elderly_care", "culture")
RENSHI = "511723107"


@pytest.fixture(scope="module")
def data(built_db) -> dict[str, pd.DataFrame]:
    con = db.connect(built_db, read_only=True)
    try:
        return {name: con.execute(f"SELECT * FROM {name} ORDER BY code").df()
                for name in ("units", "townships")} | {
            "facilities": con.execute("SELECT * FROM facilities ORDER BY id").df()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def prepared(data) -> indicators.Prepared:
    return indicators.prepare(data["units"], data["facilities"])


def _expected(prepared, key: str, over: dict | None = None) -> dict[str, str]:
    table = indicators.evaluate(prepared, over)
    ind = indicators.INDICATORS[key]
    unit = {"zh": ind.unit_zh, "en": ind.unit_en}
    groups = table.summaries[key]["urban_rural"]["groups"]["mean"]
    return {"county": table.county.loc[key, "value"], "urban": groups["urban"],
            "rural": groups["rural"], "unit": unit, "ind": ind, "table": table}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("domain", DOMAINS)
def test_page_shows_the_evaluated_urban_and_rural_values(built_db, monkeypatch, prepared, domain, lang):
    at = open_app(built_db, monkeypatch, domain, lang=lang)
    key = default_indicator(domain)
    assert at.selectbox(key="ind").value == key
    exp = _expected(prepared, key)
    ind = exp["ind"]
    shown = metrics_by_label(at)
    names = {"zh": ("全县", "城镇", "乡村"), "en": ("County", "Urban", "Rural")}[lang]
    for label, value in zip(names, (exp["county"], exp["urban"], exp["rural"]), strict=True):
        assert shown[metric_label(label, ind, lang)] == metric_value(value, ind, lang)
    # title, map, comparison and ranking drew; the URL holds the view
    assert at.title[0].value == TEXT[f"page.{domain}"][0 if lang == "zh" else 1]
    charts = at.get("plotly_chart")
    assert len(charts) >= 3
    assert at.query_params["ind"] == [key] or at.query_params["ind"] == key
    # the language of the page: no Chinese labels on the English page's widgets
    if lang == "en":
        assert at.selectbox(key="ind").label == "Indicator"


def test_query_params_are_honoured(built_db, monkeypatch, prepared):
    at = open_app(built_db, monkeypatch, "education", lang="en", ind="edu_primary_share_30min",
               primary_lower_max_min="45", town=RENSHI)
    assert at.selectbox(key="ind").value == "edu_primary_share_30min"
    assert at.selectbox(key="town").value == RENSHI
    assert at.slider(key="primary_lower_max_min").value == 45.0
    exp = _expected(prepared, "edu_primary_share_30min", {"primary_lower_max_min": 45.0})
    shown = metrics_by_label(at)
    assert shown["Urban"] == f"{fmt_value(exp['urban'], exp['ind'])} %"
    assert shown["Rural"] == f"{fmt_value(exp['rural'], exp['ind'])} %"
    town_value = exp["table"].summaries["edu_primary_share_30min"]["township_code"]["groups"].loc[
        RENSHI, "mean"]
    assert shown["Selected township: 任市镇 Renshi Zhen"] == f"{fmt_value(town_value, exp['ind'])} %"


def test_widget_changes_update_the_url(built_db, monkeypatch, prepared):
    at = open_app(built_db, monkeypatch, "health", lang="zh")
    at.selectbox(key="ind").set_value("health_doctors_2sfca_per_1000").run()
    assert at.query_params["ind"] == "health_doctors_2sfca_per_1000"
    assert at.query_params["fca_catchment_min"] == "30.0"
    # the 15-minute circle's setting belongs to another indicator and leaves the link
    assert "medical_circle_min" not in at.query_params
    at.slider(key="fca_catchment_min").set_value(45.0).run()
    assert at.query_params["fca_catchment_min"] == "45.0"
    at.selectbox(key="town").set_value(RENSHI).run()
    assert at.query_params["town"] == RENSHI
    exp = _expected(prepared, "health_doctors_2sfca_per_1000", {"fca_catchment_min": 45.0})
    label = metric_label("城镇", exp["ind"], "zh")
    assert label == "城镇（人/千人）"
    assert metrics_by_label(at)[label] == fmt_value(exp["urban"], exp["ind"])


def test_invalid_params_fall_back(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "education", lang="xx", ind="<script>alert(1)</script>",
               primary_lower_max_min="9999", town="'; DROP TABLE units; --")
    assert at.selectbox(key="ind").value == default_indicator("education")
    assert at.selectbox(key="town").value == "all"
    assert at.slider(key="primary_lower_max_min").value == 30.0
    assert at.title[0].value == "教育"
    assert at.query_params["town"] == "all"


def test_culture_audit_and_elderly_empty_state_in_words(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "culture", lang="zh")
    text = " ".join(m.value for m in at.markdown)
    assert "缺乡镇文化综合体的乡镇" in text and "甘棠镇" in text and "广福镇" in text
    assert "缺图书馆分馆的乡镇：淙城街道、甘棠镇" in text
    at = open_app(built_db, monkeypatch, "elderly_care", lang="en")
    assert any("no medical-elderly care centre" in w.value for w in at.warning)


def test_education_boarding_and_groups(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "education", lang="zh", town=RENSHI)
    text = " ".join(m.value for m in at.markdown)
    assert "所学校床位不足" in text
    assert "乡村比城镇" in text and "乡村落后" in text  # the gap measures, from the side behind
    # the school-group table is shown (the demo registers carry school_group)
    frames = [d.value for d in at.dataframe]
    assert any("教育集团" in f.columns for f in frames)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sliders_show_their_unit_in_the_language_and_no_idle_decimals(built_db, monkeypatch, lang):
    at = open_app(built_db, monkeypatch, "education", lang=lang)
    speed = settings_of(indicators.INDICATORS["edu_primary_share_30min"])[1]
    minutes, walk = at.slider(key="primary_lower_max_min"), at.slider(key=speed)
    if lang == "zh":
        assert minutes.proto.label == "小学1—3年级单程上学时间上限（分钟）"
        assert walk.proto.label.endswith("（km/h）")
    else:
        assert minutes.proto.label.endswith("(min)")
    # 30 minutes in steps of 5 reads "30", 4.5 km/h in steps of 0.5 reads "4.5" (not 30.00)
    assert minutes.proto.format == "%.0f" and walk.proto.format == "%.1f"
    # the indicator's facts (its standard) use the same unit words
    facts = dict(indicator_facts(indicators.INDICATORS["edu_primary_share_30min"], {}, lang))
    standard = facts["标准" if lang == "zh" else "Standard"]
    assert ("30 分钟" if lang == "zh" else "30 min") in standard


def test_the_plan_s_boarding_towns_are_flagged_by_code(built_db, monkeypatch):
    """The education page flags the townships of metrics.boarding.PLAN_BOARDING_TOWNSHIPS,
    named by the township table."""
    at = open_app(built_db, monkeypatch, "education", lang="zh")
    town = next(d.value for d in at.dataframe if "试点寄宿镇" in d.value.columns)
    flagged = town.loc[town["试点寄宿镇"] == "是", "乡镇（街道）"].tolist()
    assert sorted(flagged) == sorted(["任市镇", "长岭镇", "甘棠镇"])


def test_boarding_balance_says_which_sign_is_short(built_db, monkeypatch, data):
    """The education page's beds − boarders column is named for both signs (it used to be
    "床位缺口", the boarding planner's name for need − beds, so a surplus read as a gap)."""
    at = open_app(built_db, monkeypatch, "education", lang="zh")
    town = next(d.value for d in at.dataframe if "试点寄宿镇" in d.value.columns)
    col = "床位余缺（张，负数为缺）"
    assert col in town.columns and "床位缺口（张）" not in town.columns
    from metrics import audit

    expected = audit.boarding_by_township(data["facilities"], data["townships"], ())
    expected = dict(zip(expected["name"], expected["boarding_beds"] - expected["boarders"],
                        strict=True))
    # beds − boarders, township by township, counts as whole numbers (not 935.0)
    assert town[col].tolist() == [expected[n] for n in town["乡镇（街道）"]]
    assert str(town[col].dtype) == "Int64"
    assert any("正数为富余床位，负数为缺床位" in c.value for c in at.caption)


def test_township_map_keeps_the_county_colour_scale(built_db, monkeypatch, prepared):
    """Every village of 任市镇 reaches a health centre within 15 minutes (100 %); shown alone,
    the map must still paint them at the good end of the county's scale, not mid-scale on
    an automatic 99.6-100.4 range."""
    import json

    key = "health_centre_share_15min"
    at = open_app(built_db, monkeypatch, "health", lang="zh", ind=key, town=RENSHI)
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    area = next(tr for f in figs for tr in f["data"] if tr.get("type") == "choroplethmap")
    county = indicators.evaluate(prepared).values[key]
    assert set(area["z"]) == {100.0}  # the township's villages only, all at 100 %
    assert (area["zmin"], area["zmax"]) == (county.min(), county.max())
    assert area["zmin"] < 100


# -- the pure helpers of ui.domain ------------------------------------------------------------

def test_township_table_and_unit_table_agree_with_the_summaries(prepared, data):
    table = indicators.evaluate(prepared)
    ind = indicators.INDICATORS["health_township_beds_per_1000"]
    ranked = township_table(table, ind, data["townships"])
    s = table.summaries[ind.key]["township_code"]["groups"]
    assert len(ranked) == len(s) and ranked["rank"].tolist() == list(range(1, len(s) + 1))
    # the overview's order: rank 1 = furthest behind the county (higher is better: lowest first)
    gaps = township_gaps(table.summaries[ind.key]["township_code"],
                         table.county.loc[ind.key, "value"], ind.higher_is_better)
    assert ranked["township_code"].tolist() == gaps.index.tolist()
    assert ranked["value"].is_monotonic_increasing
    assert ranked.set_index("township_code")["value"].to_dict() == pytest.approx(s["mean"].to_dict())
    units = unit_table(table, ind, data["units"], data["townships"], "zh", RENSHI)
    assert set(units["township"]) == {"任市镇"}
    # the weighted mean of the unit values is the township value
    w = units["weight"]
    assert (units["value"] * w).sum() / w.sum() == pytest.approx(s.loc[RENSHI, "mean"])


def test_township_status_is_compare_target(prepared, data):
    """The ranking's status column is metrics.provision.compare_target of each township."""
    from metrics.provision import compare_target

    table = indicators.evaluate(prepared)
    for key in ("elderly_care_beds_per_1000_60plus", "culture_branch_hours_per_week"):
        ind = indicators.INDICATORS[key]
        ranked = township_table(table, ind, data["townships"])
        target = table.county.loc[key, "target"]
        assert ranked["status"].tolist() == [
            compare_target(v, target, ind.higher_is_better).status for v in ranked["value"]]
    # an indicator without a target has no status
    ranked = township_table(table, indicators.INDICATORS["edu_primary_walk_min"], data["townships"])
    assert ranked["status"].isna().all()
    # a township without a value has no data, not "not met" (this test's own table)
    ind = indicators.INDICATORS["elderly_care_beds_per_1000_60plus"]
    summary = table.summaries[ind.key]["township_code"]
    groups = summary["groups"].copy()
    groups.loc[groups.index[0], "mean"] = float("nan")
    table.summaries[ind.key]["township_code"] = {**summary, "groups": groups}
    ranked = township_table(table, ind, data["townships"])
    assert ranked.set_index("township_code").loc[str(groups.index[0]), "status"] == "no_data"


def test_gap_rows_explain_each_measure_in_a_sentence():
    """Difference and ratio start from the side behind, as the overview's cards do."""
    groups = pd.DataFrame({"mean": [10.0, 22.5]}, index=["urban", "rural"])
    summary = {"groups": groups, "pair_difference": -12.5, "pair_ratio": 10.0 / 22.5, "gini": 0.2,
               "theil": 0.1, "theil_between_share": 0.4}
    ind = indicators.INDICATORS["edu_primary_walk_min"]
    rows = gap_rows(summary, {"theil_between_share": 0.25}, ind, "zh")
    assert rows["measure"].tolist()[:2] == ["差值（乡村 − 城镇）", "城乡比（乡村 ÷ 城镇）"]
    assert rows["value"].tolist() == ["+12.5", "2.25", "0.200", "0.100", "40%", "25%"]
    assert rows["meaning"][0] == "乡村比城镇高 12.5 分钟（越低越好，乡村落后）。"
    assert rows["meaning"][1].startswith("乡村是城镇的 2.25 倍")
    assert "按6—11岁人口加权" in rows["meaning"][2]
    assert "40% 来自城乡之间" in rows["meaning"][4]
    en = gap_rows(summary, None, ind, "en")
    assert en["meaning"][1].startswith("The rural value is 2.25 times the urban one")
    assert len(en) == 5
    # a share where the town is behind: the ratio is below 1, the difference in points
    share = indicators.INDICATORS["culture_village_centre_coverage"]
    rows = gap_rows({"groups": pd.DataFrame({"mean": [80.0, 90.0]}, index=["urban", "rural"]),
                     "gini": 0.1, "theil": 0.0}, None, share, "zh")
    assert rows["measure"].tolist()[:2] == ["差值（城镇 − 乡村）", "城乡比（城镇 ÷ 乡村）"]
    assert rows["value"].tolist()[:2] == ["-10.0", "0.89"]
    assert "10.0 个百分点" in rows["meaning"][0]
    assert "每个村（社区）计一次" in rows["meaning"][2]  # not "population-weighted"
    none = gap_rows({"groups": pd.DataFrame({"mean": [1.0, 0.0]}, index=["urban", "rural"]),
                     "gini": None, "theil": None}, None, ind, "en")
    assert none["value"].tolist() == ["+1.0", "–", "–", "–"]  # town 1 min, country 0: no ratio


def test_glance_table_has_every_township_and_the_county(prepared, data):
    table = indicators.evaluate(prepared)
    keys = ["health_township_beds_per_1000", "health_centre_car_min"]
    g = glance_table(table, keys, data["townships"], "en")
    assert len(g) == 14 and g.iloc[-1, 0] == "County"
    assert g.iloc[-1, 1] == pytest.approx(table.county.loc[keys[0], "value"], abs=0.005)
    assert list(g.columns)[1] == ("Township health-centre beds per 1,000 residents "
                                  "(beds / 1,000 residents)")


def test_settings_and_overrides():
    for domain in DOMAINS:
        assert domain_indicators(domain)
        for ind in domain_indicators(domain):
            for key in settings_of(ind):
                assert key in (ind.threshold, f"speed_{ind.mode}_kmh")
    assert overrides_from({"speed_car_kmh": 40.0, "medical_circle_min": 20}) == {"medical_circle_min": 20.0}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ranking_order_and_ratio_direction_agree_with_the_overview(built_db, monkeypatch, lang):
    """The same indicator on the overview and on its domain page: the townships in the same
    order with the same ranks and the same words (rank 1 = furthest behind the county), and
    the urban-rural ratio the same way round (the side behind ÷ the side ahead)."""
    from ui.i18n import t

    key = "health_centre_share_15min"
    ov = open_app(built_db, monkeypatch, ind=key, lang=lang)
    dom = open_app(built_db, monkeypatch, "health", ind=key, lang=lang)
    rank = t("col.rank", lang)
    ov_rank = next(d.value for d in ov.dataframe if rank in d.value.columns)
    dom_rank = next(d.value for d in dom.dataframe if rank in d.value.columns)
    assert ov_rank[t("township", lang)].tolist() == dom_rank[t("dom.col.township", lang)].tolist()
    assert ov_rank[rank].tolist() == dom_rank[rank].tolist() == list(range(1, len(ov_rank) + 1))
    assert any(m.value == f"**{t('rank.title', lang)}**" for m in ov.markdown)
    assert any(s.value == t("rank.title", lang) for s in dom.subheader)
    # the ratio: the overview's health card and the domain page's gap measures
    from metrics.gaps import headline_by_domain

    ratios = [m for m in ov.metric if m.label.startswith(t("gap.ratio", lang, sides="")[:3])]
    ratio = ratios[list(headline_by_domain(indicators.CATALOGUE)).index("health")]
    text = " ".join(m.value for m in dom.markdown).replace("\\", "")
    colon = "：" if lang == "zh" else ": "
    assert f"{ratio.label}{colon}{ratio.value}" in text
    assert ratio.label == t("gap.ratio", lang, sides="乡村 ÷ 城镇" if lang == "zh" else "rural ÷ urban")


def test_a_retired_indicator_link_opens_its_successor_and_says_who_has_no_value(built_db,
                                                                                 monkeypatch):
    """Links made before beds were split by tier keep working; the county seat, which holds
    the county hospitals, is named as served by them, not ranked last."""
    at = open_app(built_db, monkeypatch, "health", lang="zh", ind="health_beds_per_1000")
    assert at.selectbox(key="ind").value == "health_township_beds_per_1000"
    captions = " ".join(c.value for c in at.caption)
    assert "淙城街道" in captions and "县级医院" in captions
