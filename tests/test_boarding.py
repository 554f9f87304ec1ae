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
    # remote 4-6: nearest primary 50 > 45 → board at B (50 ≤ the 60-minute boarding limit)
    assert u.loc["remote", "g4_6_board"] == 5.0
    assert u.loc["remote", "junior_board_school"] == "B" and u.loc["remote", "junior_board_min"] == 50.0
    # 11 boarders in B's 10 beds: B, chosen, builds one
    assert plan.schools.loc["B", ["boarders", "boarding_beds", "new_beds", "spare"]].tolist() == [
        11.0, 10.0, 1.0, 0.0]
    s = plan.summary
    assert s["pupils"] == 135.0
    assert s["day_pupils"] + s["need"] + s["unmet_g1_3"] + s["unmet_g4_6"] == pytest.approx(135.0)
    assert (s["need"], s["boarders"], s["unplaced"], s["beds_used"], s["new_beds"]) == (
        11.0, 11.0, 0.0, 10.0, 1.0)


def test_rules_are_editable():
    strict = boarding_plan(UNITS, SCHOOLS, TIME, overrides={"boarding_grades_4_6": 0.0})
    assert strict.units.loc["remote", "g4_6_unmet"] == 5.0
    assert strict.units.loc["remote", "g4_6_need"] == 0.0  # may not board: not a need
    assert strict.schools.loc["B", "boarders"] == 6.0
    generous = boarding_plan(UNITS, SCHOOLS, TIME, overrides={"primary_lower_max_min": 40.0})
    assert generous.units.loc["far", "g1_3_day"] == 10.0
    beds2 = boarding_plan(UNITS, SCHOOLS, TIME, overrides={"boarding_beds_per_boarder": 2.0})
    assert beds2.schools.loc["B", "beds_needed"] == 22.0
    assert beds2.summary["beds_used"] + beds2.summary["new_beds"] == 22.0


def test_no_boarding_school_chosen_uses_the_beds_there_are():
    """Nobody chosen: B's 10 beds still take boarders, the eleventh is not placed (beds full)."""
    plan = boarding_plan(UNITS, SCHOOLS, TIME, boarding=[])
    assert plan.summary["boarders"] == 10.0 and plan.summary["new_beds"] == 0.0
    assert plan.summary["unplaced_beds_full"] == 1.0
    assert default_boarding_schools(SCHOOLS).tolist() == ["B"]
    none = boarding_plan(UNITS, SCHOOLS.assign(boarding_beds=0), TIME, boarding=[])
    assert none.summary["boarders"] == 0.0
    assert none.summary["unplaced_beds_full"] == 0.0  # no bed anywhere: out of reach
    assert none.units.loc["remote", "junior_unplaced"] == 6.0
    assert none.units.loc["remote", "junior_unplaced_reason"] == "no_school_in_reach"


# -- hand-worked placements ------------------------------------------------------------------
# One village v, 30 junior pupils (no primary pupils), no junior school within the 45-minute day
# limit. X: a junior school with 20 beds, not chosen, 50 min away; C: a chosen junior school
# without beds, 58 min away; F: a junior school with 100 beds, 75 min away (beyond the 60-minute
# boarding limit).
V = pd.DataFrame({"pop_6_11": [0.0], "pop_12_14": [30.0]}, index=["v"])
XCF = pd.DataFrame({"type": ["junior", "junior", "junior"], "boarding_beds": [20, 0, 100],
                    "township_code": ["a", "511723107", "b"]}, index=["X", "C", "F"])
T_XCF = np.array([[50.0, 58.0, 75.0]])


def test_spare_beds_at_a_school_not_chosen_are_used_first():
    plan = boarding_plan(V, XCF, T_XCF, boarding=["C"])
    sch = plan.schools
    # X's 20 spare beds first (not chosen, so it builds none), then 10 new beds at C
    assert sch.loc["X", ["boarders", "new_beds", "spare"]].tolist() == [20.0, 0.0, 0.0]
    assert sch.loc["C", ["boarders", "new_beds"]].tolist() == [10.0, 10.0]
    # F has beds but lies beyond the boarding limit: nobody is sent there
    assert sch.loc["F", ["boarders", "spare"]].tolist() == [0.0, 100.0]
    # the village's boarders are split: the school taking most is named
    assert plan.units.loc["v", "junior_board_school"] == "X"
    assert plan.summary[["need", "boarders", "unplaced", "beds_used", "new_beds"]].tolist() == [
        30.0, 30.0, 0.0, 20.0, 10.0]


def test_a_pupil_beyond_the_boarding_limit_is_not_placed():
    plan = boarding_plan(V, XCF, T_XCF, boarding=["C"], overrides={"boarding_max_min": 45.0})
    assert plan.summary["boarders"] == 0.0
    assert plan.summary["unplaced_no_school_in_reach"] == 30.0
    assert plan.units.loc["v", "junior_unplaced_reason"] == "no_school_in_reach"
    # a longer limit reaches F's beds, which are used before C builds any
    far = boarding_plan(V, XCF, T_XCF, boarding=["C"], overrides={"boarding_max_min": 90.0})
    assert far.schools["new_beds"].sum() == 0.0
    assert far.schools.loc[["X", "F"], "boarders"].tolist() == [20.0, 10.0]


def test_full_beds_and_no_school_chosen_leave_pupils_out_with_the_reason():
    plan = boarding_plan(V, XCF, T_XCF, boarding=[])
    assert plan.schools.loc["X", "boarders"] == 20.0
    assert plan.summary["unplaced_beds_full"] == 10.0
    assert plan.units.loc["v", "junior_unplaced_reason"] == "beds_full"


def test_the_boarders_trip_can_use_its_own_minutes():
    slow = T_XCF * 2  # the day trip on foot; the boarders' trip by bus below
    plan = boarding_plan(V, XCF, slow, boarding=["C"], board_time_min=T_XCF)
    assert plan.summary["boarders"] == 30.0
    alone = boarding_plan(V, XCF, slow, boarding=["C"])
    assert alone.summary["unplaced_no_school_in_reach"] == 30.0


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("over", [{}, {"boarding_max_min": 20.0}, {"boarding_beds_per_boarder": 1.5},
                                  {"boarding_grades_4_6": 0.0}, {"junior_day_max_min": 15.0}])
def test_totals_add_up(seed, over):
    """need = placed + not placed; beds needed = used + new; beds today = used + empty;
    pupils = day + need + unmet; the school table sums to the summary."""
    rng = np.random.default_rng(seed)
    units = pd.DataFrame({"pop_6_11": rng.integers(0, 80, 12).astype(float),
                          "pop_12_14": rng.integers(0, 40, 12).astype(float)},
                         index=[f"v{i}" for i in range(12)])
    kinds = rng.choice(["teaching_point", "primary", "nine_year", "junior"], 8)
    schools = pd.DataFrame({"type": kinds, "boarding_beds": rng.integers(0, 60, 8) * (kinds != "teaching_point"),
                            "township_code": "t"}, index=[f"s{j}" for j in range(8)])
    time = rng.uniform(5, 90, (12, 8))
    plan = boarding_plan(units, schools, time, boarding=["s0", "s3"], overrides=over)
    s = plan.summary
    assert s["need"] == pytest.approx(s["boarders"] + s["unplaced"])
    assert s["unplaced"] == pytest.approx(s["unplaced_no_school_in_reach"] + s["unplaced_beds_full"])
    assert s["beds_needed"] == pytest.approx(s["beds_used"] + s["new_beds"])
    assert s["boarding_beds"] == pytest.approx(s["beds_used"] + s["spare_beds"])
    assert s["pupils"] == pytest.approx(s["day_pupils"] + s["need"] + s["unmet_g1_3"] + s["unmet_g4_6"])
    assert s["need"] == pytest.approx(s["need_g4_6"] + s["need_junior"])
    sch = plan.schools
    for col, key in (("boarders", "boarders"), ("new_beds", "new_beds"), ("spare", "spare_beds"),
                     ("boarding_beds", "boarding_beds"), ("beds_needed", "beds_needed")):
        assert sch[col].sum() == pytest.approx(s[key])
    # nobody boards beyond the limit, new beds only at the chosen schools
    limit = over.get("boarding_max_min", 60.0)
    assert (plan.flows["minutes"] <= limit + 1e-9).all()
    assert sch.loc[~sch["chosen"], "new_beds"].sum() == 0
    u = plan.units
    for band in ("g4_6", "junior"):
        assert (u[f"{band}_board"] + u[f"{band}_unplaced"]).to_numpy() == pytest.approx(
            u[f"{band}_need"].to_numpy())


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


def test_merging_shows_the_staffing_at_the_receiving_school_and_the_posts_freed():
    """t1 (12 pupils, 3 teachers) closes into t2 (30 pupils, 4 teachers: 7.5 per teacher).
    Teachers moving: t2 has 42 / 7 = 6 per teacher, no post freed; keeping its 7.5 would take
    12 / 7.5 = 1.6 teachers. Teachers staying: 3 posts freed, t2 has 42 / 4 = 10.5."""
    s = pd.DataFrame({"type": ["teaching_point", "teaching_point", "primary"],
                      "students": [12, 30, 400], "teachers": [3, 4, 25]}, index=["t1", "t2", "c"])
    st = np.array([[0, 8, 20], [8, 0, 10], [20, 10, 0]], dtype=float)
    move = merge_small_schools(s, st, n_close=1)
    assert move.schools.loc["t2", ["students_in", "teachers_in", "spt_before", "spt_after"]].tolist() == [
        12.0, 3.0, 7.5, 6.0]
    assert move.summary[["teachers_closed", "teachers_moved", "posts_freed"]].tolist() == [3.0, 3.0, 0.0]
    assert move.summary["teachers_to_keep_ratio"] == pytest.approx(1.6)
    stay = merge_small_schools(s, st, n_close=1, overrides={"teachers_move_with_merge": 0.0})
    assert stay.summary["posts_freed"] == 3.0
    assert stay.schools.loc["t2", "spt_after"] == pytest.approx(10.5)


def test_merging_reports_travel_by_grade_band():
    """Closing t1 sends u1's pupils from 5 to 12 minutes (nearest open: t2); junior pupils
    keep their junior school J. Limits: grades 1-3 at 10 min puts u1 beyond after the merge."""
    s = pd.DataFrame({"type": ["teaching_point", "teaching_point", "junior"],
                      "students": [12, 30, 300], "teachers": [3, 4, 20]}, index=["t1", "t2", "J"])
    st = np.array([[0, 8, 20], [8, 0, 10], [20, 10, 0]], dtype=float)
    units = pd.DataFrame({"pop_6_11": [20.0], "pop_12_14": [6.0]}, index=["u1"])
    ut = np.array([[5.0, 12.0, 30.0]])
    r = merge_small_schools(s, st, units, ut, n_close=1, overrides={"primary_lower_max_min": 10.0})
    sm = r.summary
    for band in ("g1_3", "g4_6"):
        assert (sm[f"{band}_travel_before_min"], sm[f"{band}_travel_after_min"]) == (5.0, 12.0)
    assert sm["g1_3_beyond_before"] == 0.0 and sm["g1_3_beyond_after"] == 10.0
    assert sm["g4_6_beyond_after"] == 0.0  # 12 ≤ 45
    assert (sm["junior_travel_before_min"], sm["junior_travel_after_min"]) == (30.0, 30.0)


def test_plan_boarding_townships_are_the_plan_s_three_by_code():
    """The pilot plan's boarding townships are held once, as codes; their names come from
    the township table (here the reference file the database is built from)."""
    from pathlib import Path

    from metrics.boarding import PLAN_BOARDING_TOWNSHIPS

    ref = Path(__file__).resolve().parents[1] / "data" / "reference" / "kaijiang_townships_2023.csv"
    towns = pd.read_csv(ref, dtype=str)
    names = towns.set_index("township_code_9")["township_name"]
    assert [names[c] for c in PLAN_BOARDING_TOWNSHIPS] == ["任市镇", "长岭镇", "甘棠镇"]
