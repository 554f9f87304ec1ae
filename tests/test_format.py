"""How numbers read, table-driven: counts with separators, percentage points for differences of
percentages, never "-0", a unit on every slider — in Chinese and in English."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.indicators import INDICATORS
from ui.format import (
    column_formats,
    display_frame,
    fmt_change,
    fmt_number,
    fmt_value,
    metric_value,
    plain_number,
    ratio_label,
    signed,
)
from ui.frame import fmt
from ui.tables import gap_unit, localise

SHARE = INDICATORS["edu_primary_share_30min"]        # %, one decimal
MINUTES = INDICATORS["culture_complex_ebike_min"]     # minutes, one decimal
RATE = INDICATORS["elderly_care_beds_per_1000_60plus"]  # per 1,000, two decimals


@pytest.mark.parametrize(("value", "kind", "lang", "text"), [
    # counts: integers with thousands separators, never 20419.0
    (20419.0, "count", "zh", "20,419"),
    (20419.0, "count", "en", "20,419"),
    (414310, "count", "en", "414,310"),
    (2.6, "count", "zh", "3"),
    # a difference or change of two percentages is in percentage points
    (30.44, "pp", "zh", "+30.4 个百分点"),
    (30.44, "pp", "en", "+30.4 pp"),
    (-2.05, "pp", "zh", "-2.0 个百分点"),
    # no "-0" whatever rounds to zero
    (-0.04, "pp", "en", "0.0 pp"),
    (-0.004, "percent", "zh", "0.0 %"),
    (-0.3, "count", "en", "0"),
    (-0.01, "minutes_change", "zh", "0.0 分钟"),
    # the rest
    (77.4952, "percent", "en", "77.5 %"),
    (12.345, "minutes", "zh", "12.3 分钟"),
    (12.345, "minutes", "en", "12.3 min"),
    (3.5, "minutes_change", "en", "+3.5 min"),
    (0.4669, "ratio", "zh", "0.47"),
    (0.12345, "gini", "en", "0.123"),
    (float("nan"), "percent", "zh", "–"),
    (None, "count", "en", "–"),
])
def test_number_kinds(value, kind, lang, text):
    assert fmt_number(value, kind, lang) == text


@pytest.mark.parametrize(("value", "ind", "lang", "text"), [
    (77.49, SHARE, "zh", "77.5 %"),
    (-0.001, SHARE, "en", "0.0 %"),
    (12.345, MINUTES, "zh", "12.3 分钟"),
    (1472.516, RATE, "en", "1,472.52"),
    (-0.001, RATE, "zh", "0.00"),
])
def test_indicator_values(value, ind, lang, text):
    assert metric_value(value, ind, lang) == text


@pytest.mark.parametrize(("delta", "ind", "lang", "text"), [
    (30.44, SHARE, "zh", "+30.4 个百分点（较 2023 年）"),
    (30.44, SHARE, "en", "+30.4 pp (vs 2023)"),
    (-0.04, SHARE, "zh", "0.0 个百分点（较 2023 年）"),
    (-2.26, MINUTES, "en", "-2.3 min (vs 2023)"),
    (-0.004, RATE, "en", "0.00 beds / 1,000 aged 60+ (vs 2023)"),
])
def test_changes_from_the_previous_year(delta, ind, lang, text):
    assert fmt_change(delta, ind, lang, 2023) == text


@pytest.mark.parametrize(("ind", "lang", "unit"), [
    (SHARE, "zh", "个百分点"), (SHARE, "en", "pp"), (MINUTES, "zh", "分钟"), (RATE, "en", RATE.unit_en),
])
def test_a_difference_of_percentages_is_in_points(ind, lang, unit):
    assert gap_unit(ind, lang) == unit


@pytest.mark.parametrize(("value", "digits", "sign", "text"), [
    (-0.0, 1, False, "0.0"), (-0.04, 1, True, "0.0"), (0.04, 1, True, "0.0"),
    (-0.4, 0, False, "0"), (1234.56, 1, True, "+1,234.6"), (float("inf"), 2, False, "∞"),
])
def test_plain_numbers_never_read_minus_zero(value, digits, sign, text):
    assert plain_number(value, digits, sign=sign) == text


def test_signed_fmt_value_and_fmt_have_no_minus_zero():
    assert signed(-0.04, SHARE) == "0.0" and signed(2.34, SHARE) == "+2.3"
    assert fmt_value(-0.04, SHARE) == "0.0"
    assert fmt(-0.001, "%") == "0.0 %" and fmt(20419.0, "", 0) == "20,419"


@pytest.mark.parametrize(("worse", "better", "lang", "text"), [
    ("rural", "urban", "zh", "乡村 ÷ 城镇"), ("urban", "rural", "zh", "城镇 ÷ 乡村"),
    ("rural", "urban", "en", "rural ÷ urban"), ("urban", "rural", "en", "urban ÷ rural"),
])
def test_the_ratio_names_the_side_behind_first(worse, better, lang, text):
    assert ratio_label(worse, better, lang) == text


def test_tables_hold_integer_counts_and_no_minus_zero():
    frame = pd.DataFrame({"population": [20419.0, 300.4], "value": [-0.04, 12.36],
                          "gap": [-0.001, 3.0]})
    out = localise(frame, {"population": "population", "value": "value", "gap": "gap"}, "zh",
                   formats={"population": ".0f", "value": ".1f", "gap": ".1f"})
    assert str(out["常住人口"].dtype) == "Int64" and out["常住人口"].tolist() == [20419, 300]
    assert [str(v) for v in out["数值"]] == ["0.0", "12.4"]
    # the CSV download writes counts as integers
    assert "20419.0" not in out.to_csv() and "20419" in out.to_csv()
    # on screen: separators and the column's decimals
    assert column_formats(out) == {"常住人口": "%,d", "数值": "%,.1f", "城乡差距": "%,.1f"}
    # in the brief: the same, as text
    shown = display_frame(out)
    assert shown["常住人口"].tolist() == ["20,419", "300"]
    assert shown["数值"].tolist() == ["0.0", "12.4"]


def test_years_keep_no_separator():
    assert column_formats(pd.DataFrame({"数据年份": [2024], "n": [20419]})) == {
        "数据年份": "%d", "n": "%,d"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slider_of_the_consortia_page_has_a_unit(built_db, monkeypatch, lang):
    """The consortia planner's sliders said "人口允许偏离均值 0.5" with no unit."""
    from tests.conftest import open_app

    at = open_app(built_db, monkeypatch, "plan_consortia", lang=lang, timeout=240)
    labels = {s.key: s.proto.label for s in at.slider}
    if lang == "zh":
        assert labels["deviation"] == "人口允许偏离均值（占均值的比例）"
        assert labels["k"] == "分区数 k（个）"
    else:
        assert labels["deviation"].endswith("(share of the mean)")
        assert labels["k"].endswith("(regions)")
