"""Boarding planner and school merging: hand-worked tiny worlds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.boarding import (
    boarding_plan,
    default_boarding_schools,
    grade_bands,
    merge_small_schools,
)

UNITS = pd.DataFrame({"pop_6_11": [60.0, 20.0, 10.0], "pop_12_14": [30.0, 9.0, 6.0]},
                     index=["near", "far", "remote"])
SCHOOLS = pd.DataFrame({
    "type": ["primary", "nine_year", "junior"],
    "township_code": ["511723001", "511723107", "511723001"],
    "boarding_beds": [0, 10, 0], "students": [300, 500, 400], "teachers": [20, 40, 30]},
    index=["P", "B", "J"])
# minutes: near is close to everything; far is 40 min from P/J and 35 from B;
# remote is 60 min from P/J and 50 from B
TIME = np.array([[10.0, 20.0, 10.0], [40.0, 35.0, 50.0], [60.0, 50.0, 60.0]])


def test_grade_bands_split_and_finer_input():
    g = grade_bands(UNITS)
    assert g.loc["near"].tolist() == [30.0, 30.0, 30.0]
    finer = UNITS.assign(g1_3=[40.0, 10.0, 5.0], g4_6=[20.0, 10.0, 5.0])
    assert grade_bands(finer).loc["near", "g1_3"] == 40.0
    assert grade_bands(UNITS, {"grade_1_3_share": 0.6}).loc["far", "g1_3"] == pytest.approx(12.0)


def test_boarding_by_hand():
    plan = boarding_plan(UNITS, SCHOOLS, TIME)  # default boarding school: B (任市 nine-year)
    u = plan.units
    # far: nearest primary B at 35 min > 30 → grades 1-3 unmet; 4-6 by day (≤ 45)
    assert u.loc["far", "g1_3_unmet"] == 10.0 and u.loc["far", "g4_6_day"] == 10.0
    # far junior: nearest junior B at 35 ≤ 45 → day; remote junior: 50 > 45 → board at B
    assert u.loc["far", "junior_day"] == 9.0 and u.loc["remote", "junior_board"] == 6.0
    # remote 4-6: nearest primary 50 > 45 → board at B
    assert u.loc["remote", "g4_6_board"] == 5.0
    assert plan.schools.loc["B", "boarders"] == 11.0
    assert plan.schools.loc["B", "shortfall"] == 1.0
    s = plan.summary
    assert s["pupils"] == 135.0
    assert s["day_pupils"] + s["boarders"] + s["unmet_g1_3"] + s["unmet_g4_6"] + \
        s["unmet_junior"] == pytest.approx(135.0)


def test_rules_are_editable():
    strict = boarding_plan(UNITS, SCHOOLS, TIME, overrides={"boarding_grades_4_6": 0.0})
    assert strict.units.loc["remote", "g4_6_unmet"] == 5.0
    assert strict.schools.loc["B", "boarders"] == 6.0
    generous = boarding_plan(UNITS, SCHOOLS, TIME, overrides={"primary_lower_max_min": 40.0})
    assert generous.units.loc["far", "g1_3_day"] == 10.0
    beds2 = boarding_plan(UNITS, SCHOOLS, TIME, overrides={"boarding_beds_per_boarder": 2.0})
    assert beds2.schools.loc["B", "beds_needed"] == 22.0


def test_no_boarding_school_means_unmet():
    plan = boarding_plan(UNITS, SCHOOLS, TIME, boarding=[])
    assert plan.summary["boarders"] == 0.0
    assert plan.units.loc["remote", "junior_unmet"] == 6.0
    assert default_boarding_schools(SCHOOLS).tolist() == ["B"]


def test_merge_smallest_teaching_point():
    s = pd.DataFrame({"type": ["teaching_point", "teaching_point", "primary"],
                      "students": [12, 30, 400], "teachers": [3, 4, 25]}, index=["t1", "t2", "c"])
    st = np.array([[0, 8, 20], [8, 0, 10], [20, 10, 0]], dtype=float)
    units = pd.DataFrame({"pop_6_11": [20.0, 40.0], "pop_12_14": [0.0, 0.0]}, index=["u1", "u2"])
    ut = np.array([[5.0, 12.0, 25.0], [30.0, 20.0, 2.0]])
    r = merge_small_schools(s, st, units, ut, n_close=1)
    assert r.schools.loc["t1", "moved_to"] == "t2"  # nearest remaining school
    assert r.schools.loc["t2", "students_after"] == 42.0
    assert r.schools.loc["t2", "teachers_after"] == 7.0
    assert r.summary["primary_travel_before_min"] == pytest.approx((20 * 5 + 40 * 2) / 60)
    assert r.summary["primary_travel_after_min"] == pytest.approx((20 * 12 + 40 * 2) / 60)
    stay = merge_small_schools(s, st, n_close=1, overrides={"teachers_move_with_merge": 0.0})
    assert stay.schools.loc["t2", "teachers_after"] == 4.0
    assert stay.summary["spt_after"] == pytest.approx(442 / 29)


def test_plan_boarding_townships_are_the_plan_s_three_by_code():
    """The pilot plan's boarding townships are held once, as codes; their names come from
    the township table (here the reference file the database is built from)."""
    from pathlib import Path

    from metrics.boarding import PLAN_BOARDING_TOWNSHIPS

    ref = Path(__file__).resolve().parents[1] / "data" / "reference" / "kaijiang_townships_2023.csv"
    towns = pd.read_csv(ref, dtype=str)
    names = towns.set_index("township_code_9")["township_name"]
    assert [names[c] for c in PLAN_BOARDING_TOWNSHIPS] == ["任市镇", "长岭镇", "甘棠镇"]
