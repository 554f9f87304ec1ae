"""Placing boarders in beds: hand-worked instances and invariants on random ones."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.boarding_assign import BEDS_FULL, NO_SCHOOL_IN_REACH, place_boarders


def test_spare_beds_at_an_unchosen_school_are_used_before_building():
    # v is 12 min from the chosen school C (no beds) and 30 min from S (an unchosen school
    # with 5 spare beds): the 4 boarders take S's beds although C is nearer
    p = place_boarders({"junior": [4]}, [[12.0, 30.0]], {"junior": [True, True]},
                       beds=[0, 5], chosen=[True, False], max_min=40,
                       village_ids=["v"], school_ids=["C", "S"])
    assert p.schools.loc["S", "boarders"] == 4 and p.schools.loc["C", "new_beds"] == 0
    assert p.schools.loc["S", "spare"] == 1
    assert p.totals["new_beds"] == 0 and p.totals["unplaced"] == 0


def test_a_boarder_beyond_the_limit_is_reported_not_sent_far_away():
    # the only boarding school is 55 min away; the limit is 45 min
    p = place_boarders({"g4_6": [6.0], "junior": [3.0]}, [[55.0]],
                       {"g4_6": [True], "junior": [True]}, beds=[100], chosen=[True], max_min=45,
                       village_ids=["far"], school_ids=["B"])
    assert p.flows.empty
    assert p.unplaced["reason"].eq(NO_SCHOOL_IN_REACH).all()
    assert p.unplaced["boarders"].sum() == 9
    assert p.totals[["need", "placed", "unplaced", "unplaced_no_school_in_reach"]].tolist() == \
        [9.0, 0.0, 9.0, 9.0]


def test_full_beds_without_a_chosen_school_leave_boarders_out_with_the_reason():
    p = place_boarders({"junior": [5.0]}, [[10.0]], {"junior": [True]}, beds=[3],
                       chosen=[False], max_min=45)
    assert p.totals["placed"] == 3 and p.totals["unplaced_beds_full"] == 2
    assert p.unplaced["reason"].tolist() == [BEDS_FULL]


def test_a_school_only_takes_the_bands_it_teaches_and_beds_are_shared():
    # P teaches primary only (10 beds), J junior only (chosen); a nine-year N (4 beds)
    # teaches both: grades 4-6 fill P then N; juniors go to N's remaining beds, then J
    t = [[10.0, 20.0, 15.0]]
    p = place_boarders({"g4_6": [12.0], "junior": [5.0]}, t,
                       {"g4_6": [True, False, True], "junior": [False, True, True]},
                       beds=[10, 0, 4], chosen=[False, True, False], max_min=40,
                       school_ids=["P", "J", "N"])
    f = p.flows.set_index(["band", "school"])["boarders"]
    assert f[("g4_6", "P")] == 10 and f[("g4_6", "N")] == 2
    assert f[("junior", "N")] == 2 and f[("junior", "J")] == 3
    assert p.schools.loc["J", "new_beds"] == 3 and p.totals["new_beds"] == 3


def test_beds_per_boarder_scales_the_beds_needed():
    p = place_boarders({"junior": [4.0]}, [[5.0]], {"junior": [True]}, beds=[2], chosen=[True],
                       max_min=30, beds_per_boarder=1.5)
    assert p.schools["beds_needed"].tolist() == [6.0]
    assert p.schools["new_beds"].tolist() == [pytest.approx(4.0)]


@pytest.mark.parametrize("seed", range(8))
def test_invariants_on_random_instances(seed):
    rng = np.random.default_rng(seed)
    n, m = 25, 9
    t = rng.uniform(0, 90, (n, m))
    t[rng.random((n, m)) < 0.1] = np.inf
    need = {"g4_6": rng.integers(0, 20, n).astype(float), "junior": rng.integers(0, 15, n) * 1.0}
    teaches = {"g4_6": rng.random(m) < 0.7, "junior": rng.random(m) < 0.6}
    beds = rng.integers(0, 40, m) * (rng.random(m) < 0.6)
    chosen = rng.random(m) < 0.3
    limit = 50.0
    p = place_boarders(need, t, teaches, beds, chosen, limit)
    tot = p.totals
    # totals add up
    assert tot["need"] == pytest.approx(sum(v.sum() for v in need.values()))
    assert tot["placed"] + tot["unplaced"] == pytest.approx(tot["need"])
    assert tot["unplaced_no_school_in_reach"] + tot["unplaced_beds_full"] == \
        pytest.approx(tot["unplaced"])
    # placements within the limit, at schools teaching the band, beds respected
    assert (p.flows["minutes"] <= limit).all()
    for band, ok in teaches.items():
        assert ok[p.flows.loc[p.flows["band"] == band, "school"].to_numpy(int)].all()
    s = p.schools
    assert (s["beds_needed"] <= s["beds"] + s["new_beds"] + 1e-6).all()
    assert (s.loc[~s["chosen"], "new_beds"] == 0).all()
    # no new bed while a spare bed in reach could have taken one of that school's boarders
    for j in np.flatnonzero(s["new_beds"].to_numpy() > 1e-6):
        rows = p.flows[p.flows["school"] == j]
        for band, v in zip(rows["band"], rows["village"], strict=True):
            alt = (t[v] <= limit) & teaches[band] & (s["spare"].to_numpy() > 1e-6)
            assert not alt.any(), (j, band, v)
    # 'no school in reach' means exactly that
    for _, r in p.unplaced.iterrows():
        hosts = (beds > 0) | chosen
        reachable = ((t[r["village"]] <= limit) & teaches[r["band"]] & hosts).any()
        assert reachable == (r["reason"] == BEDS_FULL)
