"""Consortia: hand-worked tiny worlds for regions and the comparison measures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.consortia import (
    adjacency_from_shapes,
    compare_assignments,
    is_connected,
    regions,
)
from metrics.siting import InfeasibleError

# six townships on a line 0..5; leads in townships 0, 2 and 5
POS = np.arange(6.0)
LEADS = [0, 2, 5]
COST = np.abs(POS[:, None] - POS[LEADS][None, :])
LINE_ADJ = [(i, i + 1) for i in range(5)]


def test_two_regions_by_hand():
    r = regions(COST, [1] * 6, LEADS, k=2, adjacency=LINE_ADJ, max_deviation=0.0)
    # balanced 3 + 3 means {0, 1, 2} and {3, 4, 5}: with leads 0 or 2 for the first
    # (0+1+2 = 2+1+0 = 3) and lead 5 for the second (2+1+0 = 3), total 6
    assert r.leads.tolist()[-1] == 2
    assert r.assignment[3:].tolist() == [2, 2, 2]
    assert r.objective == pytest.approx(6.0)
    assert r.contiguous and all(r.connected.values())
    assert sorted(r.populations.tolist()) == [3.0, 3.0]


def test_balance_changes_the_answer():
    pop = [10, 1, 1, 1, 1, 1]
    loose = regions(COST, pop, LEADS, k=2, adjacency=LINE_ADJ, max_deviation=1.0)
    tight = regions(COST, pop, LEADS, k=2, adjacency=LINE_ADJ, max_deviation=0.4)
    assert loose.objective <= tight.objective
    mean = sum(pop) / 2
    assert np.all(np.abs(tight.populations - mean) <= 0.4 * mean + 1e-9)


def test_contiguity_falls_back_when_impossible():
    # townships 0 and 2 are islands: no contiguous pair of regions exists around leads 0/2
    adj = [(1, 2), (3, 4), (4, 5)]
    r = regions(COST, [1] * 6, LEADS, k=2, adjacency=adj, max_deviation=0.0)
    assert not r.contiguous
    r2 = regions(COST, [1] * 6, LEADS, k=2, adjacency=None, max_deviation=0.0)
    assert r.objective == pytest.approx(r2.objective)


def test_contiguity_is_imposed():
    # without contiguity township 1 (next to lead 2's township 2? no: adjacency skips it)
    cost = np.array([[0.0, 5.0], [1.0, 1.2], [5.0, 0.0]])
    adj = [(0, 2), (1, 2)]  # township 1 touches only township 2
    free = regions(cost, [1, 1, 1], [0, 2], k=2, max_deviation=1.0)
    cont = regions(cost, [1, 1, 1], [0, 2], k=2, adjacency=adj, max_deviation=1.0)
    assert free.assignment.tolist() == [0, 0, 1]
    assert cont.assignment.tolist() == [0, 1, 1] and cont.contiguous


def test_infeasible_balance_is_readable():
    with pytest.raises(InfeasibleError, match="mean population"):
        regions(COST, [100, 1, 1, 1, 1, 1], LEADS, k=3, max_deviation=0.1)
    with pytest.raises(InfeasibleError, match="lead candidates"):
        regions(COST, [1] * 6, LEADS, k=4)


def test_compare_assignments_by_hand():
    a = pd.Series(["x", "x", "y", "y"], index=list("abcd"))
    same = compare_assignments(a, a.map({"x": "p", "y": "q"}))
    assert same.rand == 1.0 and same.adjusted_rand == pytest.approx(1.0)
    assert same.matched_share == 1.0
    b = pd.Series(["p", "p", "p", "q"], index=list("abcd"))
    pop = pd.Series([1.0, 1.0, 1.0, 5.0], index=list("abcd"))
    cmp = compare_assignments(a, b, population=pop)
    assert cmp.rand == pytest.approx(0.5)
    assert cmp.matched_share == pytest.approx((2 + 5) / 8)
    travel = pd.DataFrame({"x": [0, 1, 2, 3], "y": [3, 2, 1, 0]}, index=list("abcd"))
    cmp = compare_assignments(a, b, population=pop, travel=travel,
                              adjacency={"a": ["b"], "b": ["c"], "c": ["d"]})
    assert cmp.table.loc["a", "travel"] == pytest.approx(0 + 1 + 1 + 0)
    assert np.isnan(cmp.table.loc["b", "travel"])
    assert cmp.table.loc["a", "connected"]


def test_adjacency_and_connectivity():
    from shapely.geometry import box
    adj = adjacency_from_shapes({"a": box(0, 0, 1, 1), "b": box(1, 0, 2, 1),
                                 "c": box(2, 1, 3, 2), "d": box(2, 0, 3, 1)})
    assert adj == {"a": ["b"], "b": ["a", "d"], "c": ["d"], "d": ["b", "c"]}
    nb = [{1}, {0}, set()]
    assert is_connected([0, 1], nb) and not is_connected([0, 2], nb)
