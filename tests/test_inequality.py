"""Tests of metrics.inequality: hand-worked tiny worlds, naive loops, invariants, PySAL."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from inequality.gini import Gini
from inequality.theil import Theil, TheilD

from metrics.inequality import (
    Decomposition,
    Estimate,
    best_and_worst,
    bootstrap_ci,
    coefficient_of_variation,
    difference,
    gini,
    index_of_disparity,
    mld,
    mld_decomposition,
    population_attributable_fraction,
    population_attributable_risk,
    ratio,
    relative_index_of_inequality,
    slope_index_of_inequality,
    summarise,
    theil,
    theil_decomposition,
)
from tests.reference_impl_inequality import (
    gini_loops,
    mld_decomposition_loops,
    mld_loops,
    theil_decomposition_loops,
    theil_loops,
    wls_sii_loops,
)

Z = 1.959963984540054  # norm.ppf(0.975)


def random_world(seed: int, n: int = 60, n_groups: int = 4, zeros: bool = False):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(mean=1.0, sigma=0.8, size=n)
    if zeros:
        x[rng.choice(n, size=n // 6, replace=False)] = 0.0
    w = rng.integers(50, 3000, size=n).astype(float)
    g = rng.choice([f"g{i}" for i in range(n_groups)], size=n)
    return x, w, g


# --------------------------------------------------------------------------- tiny worlds


def test_gini_hand_worked():
    # x = 1, 2, 3 with weights 1, 1, 2: W = 4, mu = (1 + 2 + 6) / 4 = 2.25
    # sum_ij w_i w_j |x_i - x_j| = 2 * (1*1*1 + 1*2*2 + 1*2*1) = 2 * 7 = 14
    # G = 14 / (2 * 16 * 2.25) = 14 / 72
    assert gini([1, 2, 3], [1, 1, 2]) == pytest.approx(14 / 72, abs=1e-15)
    # all in one person of four: G = (n - 1) / n = 0.75
    assert gini([0, 0, 0, 8]) == pytest.approx(0.75, abs=1e-15)


def test_theil_and_mld_hand_worked():
    # x = 1, 3 equal weights: mu = 2
    # T = 0.5 * (0.5 ln 0.5) + 0.5 * (1.5 ln 1.5)
    t = 0.5 * 0.5 * math.log(0.5) + 0.5 * 1.5 * math.log(1.5)
    assert theil([1, 3]) == pytest.approx(t, abs=1e-15)
    # L = 0.5 ln(2/1) + 0.5 ln(2/3)
    assert mld([1, 3]) == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(2 / 3), abs=1e-15)
    # weights 3, 1 on x = 1, 5: mu = (3 + 5) / 4 = 2
    # T = 0.75 * 0.5 ln 0.5 + 0.25 * 2.5 ln 2.5
    t = 0.75 * 0.5 * math.log(0.5) + 0.25 * 2.5 * math.log(2.5)
    assert theil([1, 5], [3, 1]) == pytest.approx(t, abs=1e-15)


def test_theil_allows_zeros_mld_refuses_them():
    # x = 0, 2: mu = 1, T = 0.5 * 0 + 0.5 * 2 ln 2 = ln 2
    assert theil([0, 2]) == pytest.approx(math.log(2), abs=1e-15)
    with pytest.raises(ValueError, match="MLD"):
        mld([0, 2])
    with pytest.raises(ValueError, match="MLD"):
        mld_decomposition([0, 2], None, ["a", "b"])
    # a zero value with zero population carries nobody: it is dropped, not an error
    assert mld([0, 1, 3], [0, 1, 1]) == pytest.approx(mld([1, 3]), abs=1e-15)


def test_theil_decomposition_hand_worked():
    # rural: 1, 1 ; urban: 3, 3 (equal weights): within = 0, between = T([1, 3])
    d = theil_decomposition([1, 1, 3, 3], None, ["r", "r", "u", "u"])
    assert isinstance(d, Decomposition)
    assert d.within == pytest.approx(0.0, abs=1e-15)
    assert d.between == pytest.approx(theil([1, 3]), abs=1e-15)
    assert d.between_share == pytest.approx(1.0)
    # group means 1 and 3; shares of the total quantity v_r = 0.25, v_u = 0.75
    assert d.by_group.loc["u", "within_weight"] == pytest.approx(0.75)


def test_mld_decomposition_hand_worked():
    # 1, 2 | 3, 6 equal weights: mu = 3, mu_r = 1.5, mu_u = 4.5
    # between = 0.5 ln(3 / 1.5) + 0.5 ln(3 / 4.5)
    # L_r = 0.5 ln(1.5 / 1) + 0.5 ln(1.5 / 2) ; L_u = 0.5 ln(4.5 / 3) + 0.5 ln(4.5 / 6) = L_r
    d = mld_decomposition([1, 2, 3, 6], [1, 1, 1, 1], ["r", "r", "u", "u"])
    between = 0.5 * math.log(2) + 0.5 * math.log(2 / 3)
    within = 0.5 * math.log(1.5) + 0.5 * math.log(0.75)
    assert d.between == pytest.approx(between, abs=1e-15)
    assert d.within == pytest.approx(within, abs=1e-15)
    assert d.total == pytest.approx(mld([1, 2, 3, 6]), abs=1e-15)


# --------------------------------------------------------------------------- naive loops


@pytest.mark.parametrize("seed", range(5))
def test_gini_theil_mld_match_loops(seed):
    x, w, _ = random_world(seed)
    assert gini(x, w) == pytest.approx(gini_loops(list(x), list(w)), rel=1e-12)
    assert theil(x, w) == pytest.approx(theil_loops(list(x), list(w)), rel=1e-12)
    assert mld(x, w) == pytest.approx(mld_loops(list(x), list(w)), rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_decompositions_match_loops(seed):
    x, w, g = random_world(seed, zeros=seed % 2 == 0)
    tot, bet, wit = theil_decomposition_loops(list(x), list(w), list(g))
    d = theil_decomposition(x, w, g)
    assert (d.total, d.between, d.within) == pytest.approx((tot, bet, wit), rel=1e-12)
    x = x + 0.1  # MLD needs positive values
    tot, bet, wit = mld_decomposition_loops(list(x), list(w), list(g))
    d = mld_decomposition(x, w, g)
    assert (d.total, d.between, d.within) == pytest.approx((tot, bet, wit), rel=1e-12)


def test_gini_with_ties_matches_loops():
    x = [2.0, 2.0, 5.0, 0.0, 5.0, 2.0]
    w = [3.0, 1.0, 2.0, 4.0, 1.0, 7.0]
    assert gini(x, w) == pytest.approx(gini_loops(x, w), rel=1e-13)


# --------------------------------------------------------------------------- invariants


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("k", [0.001, 3.7, 1e4])
def test_scale_invariance(seed, k):
    x, w, g = random_world(seed)
    assert gini(k * x, w) == pytest.approx(gini(x, w), rel=1e-12)
    assert theil(k * x, w) == pytest.approx(theil(x, w), rel=1e-10)
    assert mld(k * x, w) == pytest.approx(mld(x, w), rel=1e-10)
    assert theil_decomposition(k * x, w, g).between == pytest.approx(
        theil_decomposition(x, w, g).between, rel=1e-10
    )


@pytest.mark.parametrize("seed", range(5))
def test_between_plus_within_is_total(seed):
    x, w, g = random_world(seed)
    for d, direct in (
        (theil_decomposition(x, w, g), theil(x, w)),
        (mld_decomposition(x, w, g), mld(x, w)),
    ):
        assert d.between + d.within == d.total  # total is defined as the sum
        assert d.total == pytest.approx(direct, rel=1e-12)
        assert d.by_group["within_contribution"].sum() == pytest.approx(d.within, rel=1e-12)
        assert d.by_group["between_contribution"].sum() == pytest.approx(d.between, abs=1e-15)


@pytest.mark.parametrize("value", [0.0, 1.0, 42.5])
def test_equal_values_give_zero(value):
    x = [value] * 5
    w = [1, 2, 3, 4, 5]
    assert gini(x, w) == 0.0
    assert theil(x, w) == 0.0
    if value > 0:
        assert mld(x, w) == 0.0


def test_replicating_a_unit_equals_doubling_its_weight():
    x = np.array([1.0, 4.0, 2.5, 9.0])
    w = np.array([10.0, 3.0, 7.0, 1.0])
    g = np.array(["a", "b", "a", "b"])
    x_rep, w_rep, g_rep = np.append(x, x[1]), np.append(w, w[1]), np.append(g, g[1])
    w_dbl = w.copy()
    w_dbl[1] *= 2
    for f in (gini, theil, mld):
        assert f(x_rep, w_rep) == pytest.approx(f(x, w_dbl), rel=1e-13)
    for f in (theil_decomposition, mld_decomposition):
        a, b = f(x_rep, w_rep, g_rep), f(x, w_dbl, g)
        assert (a.between, a.within) == pytest.approx((b.between, b.within), rel=1e-13)


def test_weights_scale_free():
    x, w, _ = random_world(7)
    assert gini(x, w * 1000) == pytest.approx(gini(x, w), rel=1e-13)
    assert gini(x, None) == pytest.approx(gini(x, np.ones_like(x)), rel=1e-15)


# --------------------------------------------------------------------------- PySAL


@pytest.mark.parametrize("seed", range(4))
def test_unweighted_matches_pysal(seed):
    x, _, g = random_world(seed)
    assert gini(x) == pytest.approx(Gini(x).g, abs=1e-9)
    assert theil(x) == pytest.approx(Theil(x).T, abs=1e-9)
    td = TheilD(x, g)
    d = theil_decomposition(x, None, g)
    assert d.between == pytest.approx(float(np.ravel(td.bg)[0]), abs=1e-9)
    assert d.within == pytest.approx(float(np.ravel(td.wg)[0]), abs=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_integer_weights_match_pysal_on_expanded_data(seed):
    rng = np.random.default_rng(100 + seed)
    x = rng.lognormal(size=25)
    w = rng.integers(1, 9, size=25)
    g = rng.choice(["urban", "rural"], size=25)
    xe, ge = np.repeat(x, w), np.repeat(g, w)
    assert gini(x, w) == pytest.approx(Gini(xe).g, abs=1e-9)
    assert theil(x, w) == pytest.approx(Theil(xe).T, abs=1e-9)
    td = TheilD(xe, ge)
    d = theil_decomposition(x, w, g)
    assert d.between == pytest.approx(float(np.ravel(td.bg)[0]), abs=1e-9)
    assert d.within == pytest.approx(float(np.ravel(td.wg)[0]), abs=1e-9)


# --------------------------------------------------------------------------- input handling


def test_nan_dropped_with_weights():
    assert gini([1, np.nan, 3], [1, 5, 1]) == pytest.approx(gini([1, 3]))
    assert gini([1, 2, 3], [1, np.nan, 1]) == pytest.approx(gini([1, 3]))
    d = theil_decomposition([1, 2, 3, 4], [1, 1, 1, 1], ["a", None, "b", "b"])
    assert d.total == pytest.approx(theil([1, 3, 4]))
    assert not math.isnan(theil([np.nan, 2, 2]))


def test_zero_weights_dropped():
    assert gini([1, 100, 3], [1, 0, 1]) == pytest.approx(gini([1, 3]))


@pytest.mark.parametrize(
    ("values", "weights", "message"),
    [
        ([1, -2], None, "non-negative"),
        ([1, 2], [1, -1], "non-negative"),
        ([np.inf, 2], None, "finite"),
        ([np.nan, np.nan], None, "no unit"),
        ([1, 2], [0, 0], "no unit"),
        ([1, 2, 3], [1, 1], "same length"),
    ],
)
def test_bad_inputs_raise_readable_errors(values, weights, message):
    with pytest.raises(ValueError, match=message):
        gini(values, weights)


def test_series_aligned_on_index_and_not_mutated():
    v = pd.Series([1.0, np.nan, 3.0], index=["a", "b", "c"])
    w = pd.Series([2.0, 1.0, 1.0], index=["c", "b", "a"])  # other order
    v0, w0 = v.copy(), w.copy()
    assert gini(v, w) == pytest.approx(gini([1.0, 3.0], [1.0, 2.0]))
    pd.testing.assert_series_equal(v, v0)
    pd.testing.assert_series_equal(w, w0)


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    x, w, g = random_world(3)
    a = bootstrap_ci(gini, x, w, n=300, seed=5)
    b = bootstrap_ci(gini, x, w, n=300, seed=5)
    assert a == b
    assert a[0] < gini(x, w) < a[1]
    lo, hi = bootstrap_ci(lambda v, q, k: theil_decomposition(v, q, k).between, x, w, g, n=200)
    assert 0 <= lo <= hi


# --------------------------------------------------------------------------- HEAT measures


def test_difference_and_ratio_with_ci():
    # D = 30 - 20 = 10, SE = sqrt(3^2 + 4^2) = 5, CI = 10 -/+ 1.96 * 5
    d = difference(30.0, 20.0, se_a=3.0, se_b=4.0)
    assert (d.value, d.se) == (10.0, 5.0)
    assert d.ci == pytest.approx((10 - Z * 5, 10 + Z * 5))
    assert difference(30.0, 20.0) == Estimate(10.0)
    # R = 30 / 20 = 1.5, SE_R = sqrt(3^2 + 1.5^2 * 4^2) / 20 = sqrt(45) / 20
    r = ratio(30.0, 20.0, se_a=3.0, se_b=4.0)
    se = math.sqrt(45) / 20
    assert r.se == pytest.approx(se)
    assert r.ci == pytest.approx((1.5 * math.exp(-Z * se / 1.5), 1.5 * math.exp(Z * se / 1.5)))
    with pytest.raises(ValueError, match="denominator"):
        ratio(1.0, 0.0)


def test_estimate_is_an_immutable_float():
    e = Estimate(2.5, se=0.1, ci_low=2.3, ci_high=2.7)
    assert e == 2.5 and e + 1 == 3.5 and isinstance(e, float)
    with pytest.raises(AttributeError):
        e.se = 3.0
    back = pickle.loads(pickle.dumps(e))
    assert (back.value, back.se, back.ci) == (2.5, 0.1, (2.3, 2.7))


def test_best_and_worst_respects_direction():
    est = pd.Series({"urban": 5.0, "rural": 2.0, "mixed": 3.0})
    assert best_and_worst(est, higher_is_better=True) == ("urban", "rural")
    assert best_and_worst(est, higher_is_better=False) == ("rural", "urban")


def test_cov_and_idis_hand_worked():
    # y = 2, 4, 6 with populations 1, 2, 1: mu = (2 + 8 + 6) / 4 = 4
    # variance = 0.25*4 + 0.5*0 + 0.25*4 = 2 -> COV = 100 * sqrt(2) / 4
    assert coefficient_of_variation([2, 4, 6], [1, 2, 1]).value == pytest.approx(
        100 * math.sqrt(2) / 4
    )
    # IDISW = 100 * (0.25*2 + 0.5*0 + 0.25*2) / 4 = 25 ; IDISU = 100 * (4/3) / 4
    assert index_of_disparity([2, 4, 6], [1, 2, 1]).value == pytest.approx(25.0)
    assert index_of_disparity([2, 4, 6], [1, 2, 1], weighted=False).value == pytest.approx(100 / 3)
    # a known setting average replaces the weighted mean: mu = 5
    assert index_of_disparity([2, 4, 6], [1, 2, 1], mean=5.0).value == pytest.approx(
        100 * (0.25 * 3 + 0.5 * 1 + 0.25 * 1) / 5
    )


def test_simulated_intervals_are_seeded():
    a = coefficient_of_variation([2, 4, 6], [1, 2, 1], se=[0.3, 0.2, 0.4], n_sim=400, seed=3)
    b = coefficient_of_variation([2, 4, 6], [1, 2, 1], se=[0.3, 0.2, 0.4], n_sim=400, seed=3)
    assert a.ci == b.ci and a.ci_low < a.value < a.ci_high
    assert index_of_disparity([2, 4, 6], [1, 2, 1]).ci is None


def test_par_paf_hand_worked():
    # y = 20, 50 ; pop 300, 100 -> mu = (6000 + 5000) / 400 = 27.5
    # favourable: ref = 50, PAR = 22.5, PAF = 100 * 22.5 / 27.5
    y, pop = [20.0, 50.0], [300, 100]
    assert population_attributable_risk(y, pop, True).value == pytest.approx(22.5)
    assert population_attributable_fraction(y, pop, True).value == pytest.approx(100 * 22.5 / 27.5)
    # adverse: ref = 20, PAR = -7.5
    assert population_attributable_risk(y, pop, False).value == pytest.approx(-7.5)
    # an explicit reference worse than the mean is clamped to 0 (HEAT)
    est = pd.Series(y, index=["rural", "urban"])
    assert population_attributable_risk(est, pop, True, reference="rural").value == 0.0


def test_par_analytic_ci_for_proportions():
    # coverage in %: y = 20 %, 50 % ; pop 300, 100 ; scale 100
    # c = 0.5*100 = 50, d = 50, a = 0.275*400 - 50 = 60, b = 400 - 60 - 100 = 240, N = 400
    c, d, a, b, n = 50.0, 50.0, 60.0, 240.0, 400.0
    se_frac = math.sqrt(c * n * (a * d * (n - c) + b * c**2) / ((a + c) ** 3 * (c + d) ** 3))
    par = population_attributable_risk([20.0, 50.0], [300, 100], True, scale=100)
    assert par.se == pytest.approx(27.5 * se_frac)
    assert par.ci == pytest.approx((22.5 - Z * 27.5 * se_frac, 22.5 + Z * 27.5 * se_frac))
    paf = population_attributable_fraction([20.0, 50.0], [300, 100], True, scale=100)
    assert paf.se == pytest.approx(100 * se_frac)
    # a rate that is not a proportion of its scale gets no analytic interval
    assert population_attributable_risk([200.0, 500.0], [300, 100], True, scale=100).ci is None


def test_sii_rii_hand_worked():
    # three equal groups, y = 1, 2, 3 at ranks 1/6, 1/2, 5/6: slope = 1 / (1/3) = 3
    # intercept = 2 - 3 * 0.5 = 0.5 -> RII = (0.5 + 3) / 0.5 = 7 ; perfect fit -> SE 0
    sii = slope_index_of_inequality([1.0, 2.0, 3.0], [1, 1, 1])
    assert sii.value == pytest.approx(3.0)
    assert sii.se == pytest.approx(0.0, abs=1e-12)
    assert relative_index_of_inequality([1.0, 2.0, 3.0], [1, 1, 1]).value == pytest.approx(7.0)
    # order given as ranks (higher = more advantaged) reverses the slope
    assert slope_index_of_inequality([1.0, 2.0, 3.0], [1, 1, 1], order=[3, 2, 1]).value == (
        pytest.approx(-3.0)
    )


@pytest.mark.parametrize("seed", range(4))
def test_sii_matches_loops(seed):
    rng = np.random.default_rng(seed)
    y = rng.uniform(1, 10, size=5)
    pop = rng.integers(100, 5000, size=5).astype(float)
    b0, b1, se = wls_sii_loops(list(y), list(pop))
    sii = slope_index_of_inequality(y, pop)
    assert sii.value == pytest.approx(b1, rel=1e-10)
    assert sii.se == pytest.approx(se, rel=1e-10)
    assert sii.ci == pytest.approx((b1 - Z * se, b1 + Z * se), rel=1e-10)
    assert relative_index_of_inequality(y, pop).value == pytest.approx((b0 + b1) / b0, rel=1e-10)


def test_sii_two_groups_has_no_se():
    sii = slope_index_of_inequality([1.0, 3.0], [1, 1])
    assert sii.value == pytest.approx(4.0)  # ranks 1/4, 3/4
    assert sii.ci is None


# --------------------------------------------------------------------------- summarise


def test_summarise_urban_rural():
    # rural units 1, 1 (pop 100 each); urban 3, 3 (pop 50 each)
    s = summarise(
        [1, 1, 3, 3],
        [100, 100, 50, 50],
        ["rural", "rural", "urban", "urban"],
        higher_is_better=True,
    )
    assert s["pair"] == ("urban", "rural")
    assert s["pair_difference"] == 2.0 and s["pair_ratio"] == 3.0
    assert s["best_group"] == "urban" and s["worst_group"] == "rural"
    assert s["theil_within"] == pytest.approx(0.0, abs=1e-15)
    assert s["theil_between"] == pytest.approx(s["theil"])
    # mu = 5/3 ; PAR = 3 - 5/3
    assert s["par"] == pytest.approx(4 / 3)
    assert s["sii"] is None and s["ci"] == {}
    assert s["groups"].loc["urban", "population_share"] == pytest.approx(1 / 3)


def test_summarise_ordered_and_bootstrap():
    x, w, _ = random_world(11, n=80)
    q = np.array(["q1", "q2", "q3", "q4", "q5"])[np.arange(80) % 5]
    s = summarise(
        x, w, q, higher_is_better=True, ordered=["q5", "q4", "q3", "q2", "q1"], n_boot=50, seed=2
    )
    est = s["groups"]["mean"]
    assert s["difference_groups"] == ("q1", "q5")
    assert s["difference"] == pytest.approx(est["q1"] - est["q5"])
    rank = pd.Series({"q5": 0, "q4": 1, "q3": 2, "q2": 3, "q1": 4})
    assert s["sii"] == pytest.approx(
        slope_index_of_inequality(est, s["groups"]["population"], rank).value
    )
    assert s["pair"] is None
    lo, hi = s["ci"]["gini"]
    assert lo <= hi
    again = summarise(
        x, w, q, higher_is_better=True, ordered=["q5", "q4", "q3", "q2", "q1"], n_boot=50, seed=2
    )
    assert again["ci"] == s["ci"]


def test_summarise_with_zeros_reports_mld_as_none():
    s = summarise([0, 2, 3, 5], [1, 1, 1, 1], ["rural", "rural", "urban", "urban"], True)
    assert s["mld"] is None and s["mld_between"] is None
    assert s["theil"] > 0
    assert s["n_dropped"] == 0


def test_summarise_counts_dropped_units():
    s = summarise([1, np.nan, 3, 5], [10, 10, 0, 10], ["rural", "rural", "urban", "urban"], True)
    assert (s["n_units"], s["n_dropped"]) == (2, 2)
    assert s["pair_ratio"] == 5.0


def test_summarise_rejects_unlisted_groups():
    with pytest.raises(ValueError, match="ordered"):
        summarise([1, 2], [1, 1], ["a", "b"], True, ordered=["a"])
