"""Inequality measures: Gini, Theil T, MLD with exact decompositions, and HEAT summary measures.

Two kinds of input:

* **Unit-level** measures (:func:`gini`, :func:`theil`, :func:`mld`, the decompositions,
  :func:`bootstrap_ci`) take one value per unit (village or community), e.g. doctors per
  1000 residents, and one weight per unit: its population (every resident counts once),
  1 (every unit counts once) or 1/n of its township (every township counts once) — the
  caller chooses, and the page must say which (``metrics.indicators.weighting_text``).
* **Subgroup** measures in the style of the WHO Health Equity Assessment Toolkit
  (:func:`difference`, :func:`ratio`, :func:`coefficient_of_variation`,
  :func:`index_of_disparity`, :func:`population_attributable_risk`,
  :func:`population_attributable_fraction`, :func:`slope_index_of_inequality`,
  :func:`relative_index_of_inequality`) take one estimate per subgroup (urban / rural,
  distance quintiles …) and the subgroup populations.

Input rules shared by every function here:

* arrays or pandas Series; Series are aligned on their index (values lead);
* rows whose value, weight or group is missing (NaN/None) are dropped together;
* rows with zero weight are dropped (they carry no population);
* negative values or weights and infinite numbers raise ``ValueError``;
* MLD (GE(0)) needs strictly positive values: a zero value with a positive weight raises
  ``ValueError`` (``summarise`` reports it as ``None`` instead); Theil T accepts zeros
  (``0 · ln 0 = 0``);
* inputs are never modified.

Intervals on a census: the registers and the population cover every village, so there
is no sampling error to estimate. The bootstrap over villages (:func:`bootstrap_ci`,
``summarise(n_boot=...)``) answers another question — how far a measure moves when the set
of villages is redrawn, i.e. how much it rests on a few villages — and is labelled so
(:data:`BOOTSTRAP_TEXT`), never as a confidence interval of a sample.

Sources: WHO (2024) *Health Equity Assessment Toolkit (HEAT and HEAT Plus): technical
notes*, and the WHO ``heatmeasures``/``healthequal`` R code that implements them;
Theil H. (1967) *Economics and Information Theory*; Shorrocks A.F. (1980) "The class of
additively decomposable inequality measures", *Econometrica* 48(3):613-625.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import xlogy
from scipy.stats import norm

ArrayLike = Sequence[float] | np.ndarray | pd.Series

__all__ = [
    "BOOTSTRAP_TEXT",
    "Decomposition",
    "Estimate",
    "best_and_worst",
    "bootstrap_ci",
    "coefficient_of_variation",
    "difference",
    "gini",
    "index_of_disparity",
    "mld",
    "mld_decomposition",
    "population_attributable_fraction",
    "population_attributable_risk",
    "ratio",
    "relative_index_of_inequality",
    "slope_index_of_inequality",
    "summarise",
    "theil",
    "theil_decomposition",
]


#: What the bootstrap over villages means on census data, for the page: ``label`` (the
#: interval's name) and ``meaning`` (its tooltip), each (zh, en). Not sampling error.
BOOTSTRAP_TEXT: dict[str, tuple[str, str]] = {
    "label": ("重抽村（社区）的 95% 范围 {lo}–{hi}", "95% range over redrawn villages {lo}–{hi}"),
    "meaning": (
        "数据覆盖全部村（社区），没有抽样误差，这不是抽样置信区间。范围表示把各村（社区）"
        "有放回地重抽 {n} 次后该值的变动：范围宽，说明结果取决于少数几个村；范围窄，"
        "说明结果不靠个别村。",
        "The data cover every village and community, so there is no sampling error and "
        "this is not a confidence interval of a sample. The range shows how the value moves "
        "when the villages are redrawn with replacement {n} times: a wide range means the "
        "figure rests on a few villages, a narrow one that no single village drives it."),
}


# --------------------------------------------------------------------------- results


class Estimate(float):
    """A summary measure that behaves as its float value and carries its uncertainty.

    ``se`` and the interval are ``None`` when they cannot be computed (no standard errors
    given, too few subgroups). For ratios the interval is asymmetric (built on the log).
    Immutable; compares and computes like the plain float ``value``.

    Examples
    --------
    >>> e = Estimate(2.0, se=0.5, ci_low=1.0, ci_high=3.0)
    >>> e == 2.0, e.value, e.ci
    (True, 2.0, (1.0, 3.0))
    """

    se: float | None
    ci_low: float | None
    ci_high: float | None

    def __new__(
        cls,
        value: float,
        se: float | None = None,
        ci_low: float | None = None,
        ci_high: float | None = None,
    ) -> Estimate:
        obj = super().__new__(cls, value)
        object.__setattr__(obj, "se", None if se is None else float(se))
        object.__setattr__(obj, "ci_low", None if ci_low is None else float(ci_low))
        object.__setattr__(obj, "ci_high", None if ci_high is None else float(ci_high))
        return obj

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Estimate is immutable")

    def __reduce__(self) -> tuple[type, tuple[float, float | None, float | None, float | None]]:
        return (Estimate, (float(self), self.se, self.ci_low, self.ci_high))

    def __repr__(self) -> str:
        return (
            f"Estimate(value={float(self)!r}, se={self.se!r}, "
            f"ci_low={self.ci_low!r}, ci_high={self.ci_high!r})"
        )

    @property
    def value(self) -> float:
        """The point estimate as a plain float."""
        return float(self)

    @property
    def ci(self) -> tuple[float, float] | None:
        """The interval as ``(low, high)``, or ``None``."""
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_low, self.ci_high)


@dataclass(frozen=True)
class Decomposition:
    """Exact between/within split of a generalised-entropy index.

    ``total`` is defined as ``between + within`` (so the identity holds to the last bit);
    it equals :func:`theil` or :func:`mld` on the same data up to rounding (~1e-15).
    ``by_group`` has one row per group: ``population``, ``population_share`` (s_g),
    ``mean`` (mu_g), ``index`` (the group's own index), ``within_weight`` (v_g for Theil,
    s_g for MLD), ``within_contribution`` and ``between_contribution``; each of the last
    two columns sums to the matching attribute.
    """

    measure: str
    total: float
    between: float
    within: float
    by_group: pd.DataFrame = field(compare=False, repr=False)

    @property
    def between_share(self) -> float:
        """Share of the total explained by differences between group means (0 when total is 0)."""
        return self.between / self.total if self.total > 0 else 0.0


# --------------------------------------------------------------------------- input handling


def _aligned(obj: Any, index: pd.Index | None, name: str) -> np.ndarray | None:
    """Array from ``obj``; a Series is re-indexed on ``index`` when values came as a Series."""
    if obj is None:
        return None
    if isinstance(obj, pd.Series) and index is not None:
        return obj.reindex(index).to_numpy()
    arr = np.asarray(obj)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _clean(
    values: ArrayLike,
    weights: ArrayLike | None = None,
    groups: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    """Validate and filter inputs; returns ``(x, w, g, n_dropped)`` as new arrays."""
    index = values.index if isinstance(values, pd.Series) else None
    x = np.asarray(values, dtype=float).ravel() if index is None else values.to_numpy(float)
    w_raw = _aligned(weights, index, "weights")
    w = np.ones_like(x) if w_raw is None else np.asarray(w_raw, dtype=float)
    g = _aligned(groups, index, "groups")
    if w.shape != x.shape or (g is not None and g.shape != x.shape):
        raise ValueError("values, weights and groups must have the same length")
    keep = ~(np.isnan(x) | np.isnan(w))
    if g is not None:
        keep &= ~pd.isna(g)
    if np.isinf(x[keep]).any() or np.isinf(w[keep]).any():
        raise ValueError("values and weights must be finite")
    if (x[keep] < 0).any():
        raise ValueError("values must be non-negative")
    if (w[keep] < 0).any():
        raise ValueError("weights must be non-negative")
    keep &= w > 0
    if not keep.any():
        raise ValueError("no unit has both a value and a positive weight")
    return x[keep], w[keep], (None if g is None else g[keep]), int((~keep).sum())


def _all_equal(x: np.ndarray) -> bool:
    return bool(np.all(x == x[0]))


# --------------------------------------------------------------------------- kernels


def _gini_kernel(x: np.ndarray, w: np.ndarray) -> float:
    if _all_equal(x):
        return 0.0
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    total_w = ws.sum()
    mu = np.dot(ws, xs) / total_w
    cum = np.cumsum(ws)
    # sum_i w_i x_i (weight below i - weight above i), with ties cancelling pairwise
    s = np.dot(ws * xs, 2.0 * cum - ws - total_w)
    return float(s / (total_w**2 * mu))


def _theil_kernel(x: np.ndarray, w: np.ndarray) -> float:
    if _all_equal(x):
        return 0.0
    s = w / w.sum()
    r = x / np.dot(s, x)
    return float(np.dot(s, xlogy(r, r)))


def _check_positive(x: np.ndarray) -> None:
    if (x == 0).any():
        raise ValueError(
            "MLD (GE(0)) is undefined when a unit with population has the value 0; "
            "use theil() or gini(), or exclude those units explicitly"
        )


def _mld_kernel(x: np.ndarray, w: np.ndarray) -> float:
    _check_positive(x)
    if _all_equal(x):
        return 0.0
    s = w / w.sum()
    return float(-np.dot(s, np.log(x / np.dot(s, x))))


# --------------------------------------------------------------------------- unit-level API


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    r"""Population-weighted Gini coefficient.

    .. math::

        G = \frac{\sum_i \sum_j w_i w_j \lvert x_i - x_j \rvert}{2 W^2 \mu},
        \qquad W = \sum_i w_i, \quad \mu = \frac{\sum_i w_i x_i}{W}

    computed in :math:`O(n \log n)` after sorting as
    :math:`G = \sum_i w_i x_i (2 C_i - w_i - W) / (W^2 \mu)` with :math:`C_i` the cumulative
    weight up to and including unit :math:`i`. With unit weights this is the "population"
    Gini without the :math:`n/(n-1)` small-sample factor (as in PySAL ``inequality``), and
    a unit of weight 2 counts exactly as two identical units of weight 1.
    0 = everyone has the same value; values near 1 = provision concentrated on few people.

    Parameters
    ----------
    values : array-like or Series
        One non-negative value per unit (e.g. beds per 1000 residents).
    weights : array-like or Series, optional
        Population of each unit; equal weights when omitted.

    Returns
    -------
    float
        Gini coefficient in [0, 1); 0 when all values are equal (including all zero).

    References
    ----------
    Gini C. (1912) *Variabilità e mutabilità*; weighted form as in Lerman R. & Yitzhaki S.
    (1989) "Improving the accuracy of estimates of Gini coefficients", J. Econometrics 42.

    Examples
    --------
    >>> gini([1, 1, 1])
    0.0
    >>> round(gini([0, 0, 0, 4]), 4)  # one person of four holds everything
    0.75
    >>> round(gini([0, 4], weights=[3, 1]), 4)  # same world with weights
    0.75
    """
    x, w, _, _ = _clean(values, weights)
    return _gini_kernel(x, w)


def theil(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    r"""Population-weighted Theil T index, GE(1).

    .. math::

        T = \sum_i s_i \frac{x_i}{\mu} \ln \frac{x_i}{\mu},
        \qquad s_i = \frac{w_i}{\sum_j w_j}, \quad \mu = \sum_i s_i x_i

    with :math:`0 \ln 0 = 0`, so zero values are allowed. 0 = perfect equality; the maximum
    is :math:`\ln(W / w_{\min})` when one unit holds everything.

    Parameters
    ----------
    values : array-like or Series
        One non-negative value per unit.
    weights : array-like or Series, optional
        Population of each unit; equal weights when omitted.

    Returns
    -------
    float

    References
    ----------
    Theil H. (1967) *Economics and Information Theory*, North-Holland;
    WHO HEAT technical notes (Theil index, TI).

    Examples
    --------
    >>> theil([2, 2, 2])
    0.0
    >>> round(theil([1, 3]), 6)  # mu = 2: 0.5*(0.5 ln 0.5) + 0.5*(1.5 ln 1.5)
    0.130812
    """
    x, w, _, _ = _clean(values, weights)
    return _theil_kernel(x, w)


def mld(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    r"""Population-weighted mean log deviation (Theil L), GE(0).

    .. math::

        L = \sum_i s_i \ln \frac{\mu}{x_i},
        \qquad s_i = \frac{w_i}{\sum_j w_j}, \quad \mu = \sum_i s_i x_i

    Undefined when a unit with positive weight has the value 0: this raises ``ValueError``
    rather than dropping the unit silently (a village with no clinic is the very
    inequality we measure). Use :func:`theil` or :func:`gini` for such indicators.

    Parameters
    ----------
    values : array-like or Series
        One strictly positive value per unit.
    weights : array-like or Series, optional
        Population of each unit; equal weights when omitted.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If any value with positive weight is 0.

    References
    ----------
    Theil H. (1967); Shorrocks A.F. (1980) Econometrica 48(3):613-625 (GE(0)).

    Examples
    --------
    >>> round(mld([1, 3]), 6)  # ln 2 - (ln 1 + ln 3)/2
    0.143841
    >>> mld([0, 1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: MLD (GE(0)) is undefined when a unit with population has the value 0; ...
    """
    x, w, _, _ = _clean(values, weights)
    return _mld_kernel(x, w)


def _decompose_kernel(
    measure: str, x: np.ndarray, w: np.ndarray, codes: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Per-group terms of the Theil T or MLD decomposition (codes are 0..n_groups-1)."""
    wg = np.bincount(codes, weights=w, minlength=n_groups)
    mu_g = np.bincount(codes, weights=w * x, minlength=n_groups) / wg
    s_g = wg / wg.sum()
    mu = float(np.dot(s_g, mu_g))
    if measure == "theil_t":
        # T_g = sum_{i in g} (w_i / W_g) r_i ln r_i, r_i = x_i / mu_g (0 when mu_g = 0)
        r = np.divide(x, mu_g[codes], out=np.zeros_like(x), where=mu_g[codes] > 0)
        index_g = np.bincount(codes, weights=w * xlogy(r, r), minlength=n_groups) / wg
        rel = mu_g / mu if mu > 0 else np.ones_like(mu_g)
        within_weight = s_g * rel
        between_c = s_g * xlogy(rel, rel)
    else:
        # L_g = sum_{i in g} (w_i / W_g) ln(mu_g / x_i)
        index_g = -np.bincount(codes, weights=w * np.log(x / mu_g[codes]), minlength=n_groups) / wg
        within_weight = s_g
        between_c = s_g * np.log(mu / mu_g)
    return {
        "population": wg,
        "population_share": s_g,
        "mean": mu_g,
        "index": index_g,
        "within_weight": within_weight,
        "within_contribution": within_weight * index_g,
        "between_contribution": between_c,
    }


def _decompose(measure: str, x: np.ndarray, w: np.ndarray, g: np.ndarray) -> Decomposition:
    codes, labels = pd.factorize(g, sort=True)
    terms = _decompose_kernel(measure, x, w, codes, len(labels))
    within = float(terms["within_contribution"].sum())
    between = float(terms["between_contribution"].sum())
    by_group = pd.DataFrame(terms, index=pd.Index(labels, name="group"))
    return Decomposition(measure, between + within, between, within, by_group)


def theil_decomposition(
    values: ArrayLike, weights: ArrayLike | None, groups: ArrayLike
) -> Decomposition:
    r"""Exact between/within decomposition of Theil T (Shorrocks 1980).

    .. math::

        T = \underbrace{\sum_g v_g T_g}_{\text{within}}
          + \underbrace{\sum_g s_g \frac{\mu_g}{\mu} \ln \frac{\mu_g}{\mu}}_{\text{between}},
        \qquad s_g = \frac{W_g}{W}, \quad v_g = s_g \frac{\mu_g}{\mu}

    where :math:`T_g` is the Theil T inside group :math:`g` and :math:`v_g` is the group's
    share of the total quantity (e.g. of all beds).

    Parameters
    ----------
    values, weights : array-like or Series
        As in :func:`theil`; ``weights=None`` means equal weights.
    groups : array-like or Series
        Group label of each unit (e.g. ``urban_rural`` or ``township_code``).

    Returns
    -------
    Decomposition
        ``total``, ``between``, ``within`` and ``by_group``.

    References
    ----------
    Shorrocks A.F. (1980) Econometrica 48(3):613-625; Theil H. (1967).

    Examples
    --------
    >>> d = theil_decomposition([1, 1, 3, 3], None, ["r", "r", "u", "u"])
    >>> round(d.between, 6), d.within  # all inequality lies between the two groups
    (0.130812, 0.0)
    >>> d.between + d.within == d.total
    True
    """
    x, w, g, _ = _clean(values, weights, groups)
    return _decompose("theil_t", x, w, g)


def mld_decomposition(
    values: ArrayLike, weights: ArrayLike | None, groups: ArrayLike
) -> Decomposition:
    r"""Exact between/within decomposition of the mean log deviation (Shorrocks 1980).

    .. math::

        L = \underbrace{\sum_g s_g L_g}_{\text{within}}
          + \underbrace{\sum_g s_g \ln \frac{\mu}{\mu_g}}_{\text{between}},
        \qquad s_g = \frac{W_g}{W}

    The within weights are population shares, so "between" is the inequality left if every
    unit had its group's mean — the cleanest urban/rural split.

    Parameters
    ----------
    values, weights, groups
        As in :func:`theil_decomposition`; values must be strictly positive.

    Returns
    -------
    Decomposition

    References
    ----------
    Shorrocks A.F. (1980) Econometrica 48(3):613-625.

    Examples
    --------
    >>> d = mld_decomposition([1, 2, 3, 6], [1, 1, 1, 1], ["r", "r", "u", "u"])
    >>> round(d.total, 4), round(d.between, 4), round(d.within, 4)  # see the comment below
    (0.2027, 0.1438, 0.0589)

    (mu = 3, mu_r = 1.5, mu_u = 4.5; between = (ln 2 + ln 2/3) / 2;
    each L_g = (ln 1.5 + ln 0.75) / 2.)
    """
    x, w, g, _ = _clean(values, weights, groups)
    _check_positive(x)
    return _decompose("mld", x, w, g)


def bootstrap_ci(
    func: Callable[..., float],
    values: ArrayLike,
    weights: ArrayLike | None = None,
    groups: ArrayLike | None = None,
    n: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Seeded percentile bootstrap interval of a unit-level measure, resampling units.

    Units (after the usual cleaning) are drawn with replacement, together with their
    weights; with ``groups`` the draw is stratified (each group keeps its number of units)
    and ``func(values, weights, groups)`` is called, otherwise ``func(values, weights)``.

    On a full census (every village, every facility) there is no sampling error: the
    interval is not a confidence interval of a sample but the spread of the measure over
    redrawn sets of villages — how much it depends on which villages happen to exist, i.e.
    on a few of them. Show it with that meaning (:data:`BOOTSTRAP_TEXT`).

    Parameters
    ----------
    func : callable
        Returns a float, e.g. :func:`gini` or ``lambda v, w, g: theil_decomposition(v, w, g).between``.
    values, weights, groups : array-like or Series
        As in :func:`gini` / :func:`theil_decomposition`.
    n : int
        Number of bootstrap replicates.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same interval.
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(low, high)`` percentiles of the replicates.

    References
    ----------
    Efron B. & Tibshirani R. (1993) *An Introduction to the Bootstrap*, ch. 13.

    Examples
    --------
    >>> lo, hi = bootstrap_ci(gini, [1, 2, 3, 4, 10], [5, 5, 5, 5, 1], n=200, seed=1)
    >>> 0 <= lo <= gini([1, 2, 3, 4, 10], [5, 5, 5, 5, 1]) <= hi
    True
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    x, w, g, _ = _clean(values, weights, groups)
    rng = np.random.default_rng(seed)
    if g is None:
        strata = [np.arange(x.size)]
    else:
        codes, _ = pd.factorize(g)
        strata = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    reps = np.empty(n)
    for b in range(n):
        idx = np.concatenate([rng.choice(s, size=s.size, replace=True) for s in strata])
        if g is None:
            reps[b] = func(x[idx], w[idx])
        else:
            reps[b] = func(x[idx], w[idx], g[idx])
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(reps, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


# --------------------------------------------------------------------------- HEAT subgroup measures


def _z(level: float) -> float:
    return float(norm.ppf(0.5 + level / 2.0))


def _subgroups(
    estimates: ArrayLike,
    weights: ArrayLike | None = None,
    se: ArrayLike | None = None,
    order: ArrayLike | None = None,
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Labels, estimates, populations, standard errors and order keys of usable subgroups.

    Subgroups with a missing estimate or population, or zero population, are dropped.
    Series arguments are aligned on the index of ``estimates``.
    """
    index = estimates.index if isinstance(estimates, pd.Series) else None
    y = np.asarray(estimates, dtype=float).ravel()
    labels = pd.RangeIndex(y.size) if index is None else index
    pop_raw = _aligned(weights, index, "weights")
    pop = np.ones_like(y) if pop_raw is None else np.asarray(pop_raw, dtype=float)
    s_raw = _aligned(se, index, "se")
    s = None if s_raw is None else np.asarray(s_raw, dtype=float)
    k_raw = _aligned(order, index, "order")
    key = None if k_raw is None else np.asarray(k_raw, dtype=float)
    for arr, name in ((pop, "weights"), (s, "se"), (key, "order")):
        if arr is not None and arr.shape != y.shape:
            raise ValueError(f"{name} must have one entry per subgroup")
    keep = ~(np.isnan(y) | np.isnan(pop))
    if np.isinf(y[keep]).any() or np.isinf(pop[keep]).any():
        raise ValueError("subgroup estimates and populations must be finite")
    if (pop[keep] < 0).any() or (y[keep] < 0).any():
        raise ValueError("subgroup estimates and populations must be non-negative")
    keep &= pop > 0
    if not keep.any():
        raise ValueError("no subgroup has both an estimate and a positive population")
    s = None if s is None or np.isnan(s[keep]).any() else s[keep]
    if key is not None and np.isnan(key[keep]).any():
        raise ValueError("order is missing for some subgroups")
    return labels[keep], y[keep], pop[keep], s, (None if key is None else key[keep])


def best_and_worst(estimates: ArrayLike, higher_is_better: bool) -> tuple[Hashable, Hashable]:
    """Labels of the best and the worst subgroup (first one on ties; NaN estimates ignored).

    Examples
    --------
    >>> best_and_worst(pd.Series({"urban": 3.1, "rural": 1.2}), higher_is_better=True)
    ('urban', 'rural')
    """
    labels, y, _, _, _ = _subgroups(estimates)
    hi, lo = labels[int(np.argmax(y))], labels[int(np.argmin(y))]
    return (hi, lo) if higher_is_better else (lo, hi)


def difference(
    a: float,
    b: float,
    se_a: float | None = None,
    se_b: float | None = None,
    level: float = 0.95,
) -> Estimate:
    r"""Difference between two subgroups, :math:`D = y_a - y_b` (HEAT "D").

    With standard errors, :math:`SE_D = \sqrt{SE_a^2 + SE_b^2}` and the interval is
    :math:`D \pm z \, SE_D`. HEAT's convention for choosing a and b: two subgroups →
    the named pair (here urban − rural); non-ordered → highest − lowest estimate;
    ordered → most advantaged − most disadvantaged (reversed for adverse indicators).
    :func:`summarise` applies it.

    Examples
    --------
    >>> d = difference(3.0, 1.0, se_a=0.3, se_b=0.4)  # SE = sqrt(0.09 + 0.16)
    >>> d.value, d.se, round(d.ci_low, 4), round(d.ci_high, 4)
    (2.0, 0.5, 1.02, 2.98)
    """
    value = float(a) - float(b)
    if se_a is None or se_b is None:
        return Estimate(value)
    se = math.hypot(se_a, se_b)
    z = _z(level)
    return Estimate(value, se, value - z * se, value + z * se)


def ratio(
    a: float,
    b: float,
    se_a: float | None = None,
    se_b: float | None = None,
    level: float = 0.95,
) -> Estimate:
    r"""Ratio of two subgroups, :math:`R = y_a / y_b` (HEAT "R").

    With standard errors (HEAT technical notes), :math:`SE_R = \frac{1}{y_b}
    \sqrt{SE_a^2 + R^2 SE_b^2}` and the interval is built on the log scale:
    :math:`\exp(\ln R \pm z \, SE_R / R)`. ``se`` is :math:`SE_R`.

    Raises
    ------
    ValueError
        If ``b`` is 0 (the ratio is undefined).

    Examples
    --------
    >>> ratio(3.0, 1.5)
    Estimate(value=2.0, se=None, ci_low=None, ci_high=None)
    >>> r = ratio(3.0, 1.5, se_a=0.3, se_b=0.15)
    >>> round(r.se, 4), round(r.ci_low, 3), round(r.ci_high, 3)
    (0.2828, 1.516, 2.639)
    """
    if b == 0:
        raise ValueError("ratio undefined: the denominator subgroup has the value 0")
    value = float(a) / float(b)
    if se_a is None or se_b is None:
        return Estimate(value)
    se = math.sqrt(se_a**2 + value**2 * se_b**2) / abs(b)
    if value <= 0:
        return Estimate(value, se)
    z = _z(level)
    half = z * se / value
    return Estimate(value, se, math.exp(math.log(value) - half), math.exp(math.log(value) + half))


def _simulate(
    func: Callable[[np.ndarray], float],
    y: np.ndarray,
    se: np.ndarray | None,
    n_sim: int,
    seed: int,
    level: float,
) -> tuple[float | None, float | None]:
    """HEAT's simulation interval: redraw each estimate from N(y, se) truncated at 0."""
    if se is None or n_sim < 1:
        return None, None
    rng = np.random.default_rng(seed)
    draws = rng.normal(y, se, size=(n_sim, y.size))
    bad = draws < 0
    y_all, se_all = np.broadcast_to(y, draws.shape), np.broadcast_to(se, draws.shape)
    while bad.any():
        draws[bad] = rng.normal(y_all[bad], se_all[bad])
        bad = draws < 0
    reps = np.array([func(d) for d in draws])
    alpha = (1.0 - level) / 2.0
    lo, hi = np.nanquantile(reps, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def _cov_kernel(y: np.ndarray, p: np.ndarray, mean: float | None) -> float:
    mu = float(np.dot(p, y)) if mean is None else mean
    if mu <= 0:
        raise ValueError("coefficient of variation undefined: the mean is 0")
    return 100.0 * math.sqrt(float(np.dot(p, (y - mu) ** 2))) / mu


def coefficient_of_variation(
    estimates: ArrayLike,
    weights: ArrayLike | None = None,
    se: ArrayLike | None = None,
    mean: float | None = None,
    n_sim: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Estimate:
    r"""Population-weighted coefficient of variation across subgroups (HEAT "COV"), in %.

    .. math::

        COV = 100 \cdot \frac{\sqrt{\sum_j p_j (y_j - \mu)^2}}{\mu},
        \qquad p_j = \frac{N_j}{\sum_k N_k}, \quad \mu = \sum_j p_j y_j

    ``mean`` replaces :math:`\mu` by a known setting average. With subgroup ``se`` the
    interval comes from HEAT's simulation (each estimate drawn from a normal truncated at
    0, ``n_sim`` times, seeded).

    Examples
    --------
    >>> round(coefficient_of_variation([1.0, 3.0], [1, 1]).value, 4)  # 100 * 1 / 2
    50.0
    """
    _, y, pop, s, _ = _subgroups(estimates, weights, se)
    p = pop / pop.sum()
    value = _cov_kernel(y, p, mean)
    lo, hi = _simulate(lambda d: _cov_kernel(d, p, mean), y, s, n_sim, seed, level)
    return Estimate(value, None, lo, hi)


def _idis_kernel(y: np.ndarray, p: np.ndarray, weighted: bool, mean: float | None) -> float:
    mu = float(np.dot(p, y)) if mean is None else mean
    if mu <= 0:
        raise ValueError("index of disparity undefined: the mean is 0")
    dev = np.abs(y - mu)
    avg = float(np.dot(p, dev)) if weighted else float(dev.mean())
    return 100.0 * avg / mu


def index_of_disparity(
    estimates: ArrayLike,
    weights: ArrayLike | None = None,
    se: ArrayLike | None = None,
    weighted: bool = True,
    mean: float | None = None,
    n_sim: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Estimate:
    r"""Index of disparity (HEAT "IDISW" weighted, "IDISU" unweighted), in %.

    .. math::

        IDISW = 100 \cdot \frac{\sum_j p_j \lvert y_j - \mu \rvert}{\mu}, \qquad
        IDISU = 100 \cdot \frac{\frac{1}{n} \sum_j \lvert y_j - \mu \rvert}{\mu}

    with :math:`\mu = \sum_j p_j y_j` (the setting average, or ``mean``). Interval by
    HEAT's simulation when ``se`` is given.

    Examples
    --------
    >>> index_of_disparity([1.0, 3.0], [3, 1]).value  # mu = 1.5; (0.75*0.5 + 0.25*1.5)/1.5
    50.0
    >>> round(index_of_disparity([1.0, 3.0], [3, 1], weighted=False).value, 4)  # 1/1.5
    66.6667
    """
    _, y, pop, s, _ = _subgroups(estimates, weights, se)
    p = pop / pop.sum()
    value = _idis_kernel(y, p, weighted, mean)
    lo, hi = _simulate(lambda d: _idis_kernel(d, p, weighted, mean), y, s, n_sim, seed, level)
    return Estimate(value, None, lo, hi)


def _par_parts(
    estimates: ArrayLike,
    weights: ArrayLike | None,
    higher_is_better: bool,
    reference: Hashable | None,
    mean: float | None,
    scale: float | None,
) -> tuple[float, float, float | None]:
    """PAR (clamped), the mean, and the Walter standard error of the fraction (or None)."""
    labels, y, pop, _, _ = _subgroups(estimates, weights)
    if reference is None:
        j = int(np.argmax(y)) if higher_is_better else int(np.argmin(y))
    else:
        if reference not in labels:
            raise ValueError(f"reference subgroup {reference!r} has no estimate")
        j = int(labels.get_loc(reference))
    p = pop / pop.sum()
    mu = float(np.dot(p, y)) if mean is None else float(mean)
    par = float(y[j]) - mu
    if (higher_is_better and par < 0) or (not higher_is_better and par > 0):
        par = 0.0
    se_frac = None
    if scale is not None and mu > 0 and np.all(y <= scale):
        # Walter's 2x2 table as in HEAT: c, d = ref-group with/without, a, b = the others
        n_tot, n_ref = pop.sum(), pop[j]
        c = y[j] / scale * n_ref
        d = n_ref - c
        a = mu / scale * n_tot - c
        b = n_tot - a - n_ref
        den = (a + c) ** 3 * (c + d) ** 3
        num = c * n_tot * (a * d * (n_tot - c) + b * c**2)
        if den > 0 and num >= 0:
            se_frac = math.sqrt(num / den)
    return par, mu, se_frac


def population_attributable_risk(
    estimates: ArrayLike,
    weights: ArrayLike | None,
    higher_is_better: bool,
    reference: Hashable | None = None,
    mean: float | None = None,
    scale: float | None = None,
    level: float = 0.95,
) -> Estimate:
    r"""Population attributable risk (HEAT "PAR"): the gain if everyone had the reference level.

    .. math::

        PAR = y_{\text{ref}} - \mu, \qquad \mu = \sum_j p_j y_j

    The reference is the best subgroup (highest estimate when ``higher_is_better``, else
    the lowest) unless ``reference`` names one (HEAT uses the most advantaged subgroup for
    ordered dimensions). PAR is ≥ 0 for favourable and ≤ 0 for adverse indicators; a value
    of the wrong sign is set to 0, as in HEAT.

    The analytic interval (HEAT, after Walter 1976) is only valid for **proportions**: pass
    ``scale`` (1, 100 or 1000 for a share, percentage or per-mille) and subgroup
    *population counts* as ``weights``. Then :math:`SE_{PAR} = \mu \cdot SE_{PAF}` with
    :math:`SE_{PAF}` from Walter's 2×2 table. Rates such as beds per 1000 residents are not
    proportions: leave ``scale=None`` (no interval) and use :func:`bootstrap_ci` on units.

    Examples
    --------
    >>> population_attributable_risk([2.0, 4.0], [3, 1], higher_is_better=True).value  # 4 - 2.5
    1.5
    >>> population_attributable_risk([2.0, 4.0], [3, 1], higher_is_better=False).value  # 2 - 2.5
    -0.5
    """
    par, mu, se_frac = _par_parts(estimates, weights, higher_is_better, reference, mean, scale)
    if se_frac is None:
        return Estimate(par)
    se = mu * se_frac
    z = _z(level)
    return Estimate(par, se, par - z * se, par + z * se)


def population_attributable_fraction(
    estimates: ArrayLike,
    weights: ArrayLike | None,
    higher_is_better: bool,
    reference: Hashable | None = None,
    mean: float | None = None,
    scale: float | None = None,
    level: float = 0.95,
) -> Estimate:
    r"""Population attributable fraction (HEAT "PAF"), in % of the mean.

    .. math::

        PAF = 100 \cdot \frac{PAR}{\mu}

    Same reference, sign rule and interval conditions as
    :func:`population_attributable_risk`; :math:`SE_{PAF}` (in percentage points) is
    100 × Walter's standard error of the attributable fraction. (HEAT's R code adds the
    fractional SE to a percentage; we keep both on the percentage scale.)

    Examples
    --------
    >>> population_attributable_fraction([2.0, 4.0], [3, 1], higher_is_better=True).value
    60.0
    """
    par, mu, se_frac = _par_parts(estimates, weights, higher_is_better, reference, mean, scale)
    if mu <= 0:
        raise ValueError("PAF undefined: the mean is 0")
    paf = 100.0 * par / mu
    if se_frac is None:
        return Estimate(paf)
    se = 100.0 * se_frac
    z = _z(level)
    return Estimate(paf, se, paf - z * se, paf + z * se)


def _wls_kernel(y: np.ndarray, pop: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """WLS of y on the mid-point rank (subgroups already sorted); (b0, b1) and HC1 vcov."""
    p = pop / pop.sum()
    mid = np.cumsum(p) - p / 2.0
    x_mat = np.column_stack([np.ones_like(mid), mid])
    xtw = x_mat.T * p
    bread = np.linalg.inv(xtw @ x_mat)
    beta = bread @ (xtw @ y)
    n, k = y.size, 2
    if n <= k:
        return beta, None
    resid = y - x_mat @ beta
    meat = (xtw * resid**2) @ (x_mat * p[:, None])
    return beta, n / (n - k) * bread @ meat @ bread


def _ridit_wls(
    estimates: ArrayLike, weights: ArrayLike | None, order: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Coefficients (b0, b1) of the WLS fit of y on the mid-point rank, and their HC1 vcov."""
    _, y, pop, _, key = _subgroups(estimates, weights, order=order)
    if y.size < 2:
        raise ValueError("SII/RII need at least two ordered subgroups")
    srt = np.argsort(np.arange(y.size) if key is None else key, kind="stable")
    return _wls_kernel(y[srt], pop[srt])


def slope_index_of_inequality(
    estimates: ArrayLike,
    weights: ArrayLike | None,
    order: ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    r"""Slope index of inequality (HEAT "SII") for an ordered dimension.

    Subgroups are sorted from most disadvantaged to most advantaged (``order``: higher =
    more advantaged; default = the given order) and placed at the mid-point of their
    cumulative population share,
    :math:`r_j = \sum_{k<j} p_k + p_j / 2`. The estimates are regressed on :math:`r_j` by
    weighted least squares with weights :math:`p_j` (``healthequal::sii(linear=TRUE)``,
    the choice for indicators that are not proportions):

    .. math::

        y_j = \beta_0 + \beta_1 r_j, \qquad SII = \hat y(1) - \hat y(0) = \hat\beta_1

    The standard error is the heteroskedasticity-robust (HC1) one, as in HEAT; it needs at
    least three subgroups. (HEAT fits a logistic model for binary proportions; that variant
    is not implemented here.) Positive SII for a favourable indicator = concentrated
    among the advantaged.

    Examples
    --------
    >>> round(slope_index_of_inequality([1.0, 2.0, 3.0], [1, 1, 1]).value, 6)  # ranks 1/6, 1/2, 5/6
    3.0
    """
    beta, vcov = _ridit_wls(estimates, weights, order)
    value = float(beta[1])
    if vcov is None:
        return Estimate(value)
    se = math.sqrt(max(float(vcov[1, 1]), 0.0))
    z = _z(level)
    return Estimate(value, se, value - z * se, value + z * se)


def relative_index_of_inequality(
    estimates: ArrayLike,
    weights: ArrayLike | None,
    order: ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    r"""Relative index of inequality (HEAT "RII"): :math:`RII = \hat y(1) / \hat y(0)`.

    Same weighted regression as :func:`slope_index_of_inequality`;
    :math:`RII = (\hat\beta_0 + \hat\beta_1) / \hat\beta_0`. ``se`` is the delta-method
    standard error of :math:`\ln RII` (HC1 covariance) and the interval is
    :math:`\exp(\ln RII \pm z \, se)`. 1 = no inequality.

    Raises
    ------
    ValueError
        If the fitted value at rank 0 is not positive (the ratio is meaningless).

    Examples
    --------
    >>> round(relative_index_of_inequality([1.0, 2.0, 3.0], [1, 1, 1]).value, 6)  # 3.5 / 0.5
    7.0
    """
    beta, vcov = _ridit_wls(estimates, weights, order)
    b0, b1 = float(beta[0]), float(beta[1])
    if b0 <= 0 or b0 + b1 <= 0:
        raise ValueError("RII undefined: a fitted value at rank 0 or 1 is not positive")
    value = (b0 + b1) / b0
    if vcov is None:
        return Estimate(value)
    grad = np.array([1.0 / (b0 + b1) - 1.0 / b0, 1.0 / (b0 + b1)])
    se = math.sqrt(max(float(grad @ vcov @ grad), 0.0))
    z = _z(level)
    return Estimate(value, se, value * math.exp(-z * se), value * math.exp(z * se))


# --------------------------------------------------------------------------- summarise


def _point_measures(
    x: np.ndarray,
    w: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    higher_is_better: bool,
    rank_of_group: np.ndarray | None,
    pair_codes: tuple[int, int] | None,
) -> dict[str, float | int | None]:
    """Every measure on arrays (group codes 0..n_groups-1); None where undefined.

    Integer entries ``difference_a``/``difference_b``/``best``/``worst`` are group codes.
    """
    out: dict[str, float | int | None] = {"mean": float(np.dot(w, x) / w.sum())}
    out["gini"] = _gini_kernel(x, w)
    out["theil"] = _theil_kernel(x, w)
    td = _decompose_kernel("theil_t", x, w, codes, n_groups)
    out["theil_between"] = float(td["between_contribution"].sum())
    out["theil_within"] = float(td["within_contribution"].sum())
    tot = out["theil_between"] + out["theil_within"]
    out["theil_between_share"] = out["theil_between"] / tot if tot > 0 else 0.0
    if (x > 0).all():
        out["mld"] = _mld_kernel(x, w)
        md = _decompose_kernel("mld", x, w, codes, n_groups)
        out["mld_between"] = float(md["between_contribution"].sum())
        out["mld_within"] = float(md["within_contribution"].sum())
        tot = out["mld_between"] + out["mld_within"]
        out["mld_between_share"] = out["mld_between"] / tot if tot > 0 else 0.0
    else:
        out["mld"] = out["mld_between"] = out["mld_within"] = out["mld_between_share"] = None

    # subgroup estimates: population-weighted means of unit values
    est, pop = td["mean"], td["population"]
    p = pop / pop.sum()
    mu = float(np.dot(p, est))
    best = int(np.argmax(est)) if higher_is_better else int(np.argmin(est))
    worst = int(np.argmin(est)) if higher_is_better else int(np.argmax(est))
    out["best"], out["worst"] = best, worst
    # HEAT pairwise choice: ordered -> extremes of the order, else highest vs lowest
    if rank_of_group is not None:
        disadv, adv = int(np.argmin(rank_of_group)), int(np.argmax(rank_of_group))
        a, b = (adv, disadv) if higher_is_better else (disadv, adv)
        ref = adv
    else:
        a, b = int(np.argmax(est)), int(np.argmin(est))
        ref = best
    out["difference_a"], out["difference_b"] = a, b
    out["difference"] = float(est[a] - est[b])
    out["ratio"] = float(est[a] / est[b]) if est[b] > 0 else None
    if pair_codes is not None:
        pa, pb = pair_codes
        out["pair_difference"] = float(est[pa] - est[pb])
        out["pair_ratio"] = float(est[pa] / est[pb]) if est[pb] > 0 else None
    else:
        out["pair_difference"] = out["pair_ratio"] = None
    if mu > 0:
        out["coefficient_of_variation"] = _cov_kernel(est, p, None)
        out["index_of_disparity"] = _idis_kernel(est, p, True, None)
        par = float(est[ref]) - mu
        if (higher_is_better and par < 0) or (not higher_is_better and par > 0):
            par = 0.0
        out["par"], out["paf"] = par, 100.0 * par / mu
    else:
        out["coefficient_of_variation"] = out["index_of_disparity"] = None
        out["par"], out["paf"] = 0.0, None
    out["sii"] = out["rii"] = None
    if rank_of_group is not None and n_groups >= 2:
        srt = np.argsort(rank_of_group, kind="stable")
        beta, _ = _wls_kernel(est[srt], pop[srt])
        b0, b1 = float(beta[0]), float(beta[1])
        out["sii"] = b1
        out["rii"] = (b0 + b1) / b0 if b0 > 0 and b0 + b1 > 0 else None
    return out


_CODE_KEYS = ("best", "worst", "difference_a", "difference_b")

_BOOT_KEYS = (
    "mean",
    "gini",
    "theil",
    "theil_between",
    "theil_within",
    "mld",
    "mld_between",
    "mld_within",
    "difference",
    "ratio",
    "pair_difference",
    "pair_ratio",
    "coefficient_of_variation",
    "index_of_disparity",
    "par",
    "paf",
    "sii",
    "rii",
)


def summarise(
    values: ArrayLike,
    weights: ArrayLike | None,
    groups: ArrayLike,
    higher_is_better: bool,
    ordered: Sequence[Hashable] | None = None,
    *,
    pair: tuple[Hashable, Hashable] | None = ("urban", "rural"),
    n_boot: int = 0,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Every measure of this module for one indicator, from unit-level data.

    Subgroup estimates are weighted means of the unit values
    (:math:`\\mu_g = \\sum_{i \\in g} w_i x_i / W_g`), and the HEAT measures are computed on
    them with the subgroup weights ("population" in the result is the sum of the weights:
    residents when the weights are populations, units or townships when they count 1
    each). Register data have no sampling error, so there are no analytic intervals here;
    with ``n_boot > 0`` every measure gets a seeded bootstrap range (units resampled within
    groups) under ``"ci"`` — how much it rests on which villages exist, not a sampling
    interval (:data:`BOOTSTRAP_TEXT`).

    Parameters
    ----------
    values, weights, groups : array-like or Series
        One value, population and group label per unit.
    higher_is_better : bool
        True for favourable indicators (beds per 1000), False for adverse (travel time).
    ordered : sequence of labels, optional
        Group labels from most disadvantaged to most advantaged; enables SII and RII and
        switches D, R and PAR to HEAT's ordered conventions (extremes of the order;
        PAR reference = most advantaged).
    pair : tuple of two labels, optional
        Pair reported as ``pair_difference`` (a − b) and ``pair_ratio`` (a / b) when both
        are present; default urban vs rural.
    n_boot, seed, level
        Bootstrap replicates (0 = none), seed and confidence level.

    Returns
    -------
    dict
        ``n_units``, ``n_dropped``, ``groups`` (DataFrame: mean, population,
        population_share, n_units), ``mean``, ``gini``, ``theil``, ``theil_between``,
        ``theil_within``, ``theil_between_share``, ``mld``, ``mld_between``,
        ``mld_within``, ``mld_between_share`` (MLD keys are ``None`` when a value is 0),
        ``best_group``, ``worst_group``, ``difference_groups``, ``difference``, ``ratio``,
        ``pair``, ``pair_difference``, ``pair_ratio``, ``coefficient_of_variation``,
        ``index_of_disparity``, ``par``, ``paf``, ``sii``, ``rii`` (``None`` where
        undefined), ``higher_is_better``, and ``ci`` (measure → (low, high); empty when
        ``n_boot == 0``).

    Examples
    --------
    >>> s = summarise([1, 1, 3, 3], [100, 100, 50, 50], ["rural", "rural", "urban", "urban"],
    ...               higher_is_better=True)
    >>> s["pair_difference"], s["pair_ratio"], round(s["gini"], 4)  # G = 2*(2/3)*(1/3)*2 / (2*5/3)
    (2.0, 3.0, 0.2667)
    """
    x, w, g, n_dropped = _clean(values, weights, groups)
    codes, uniques = pd.factorize(g, sort=True)
    labels = pd.Index(uniques, name="group")
    n_groups = len(labels)
    rank_of_group = None
    if ordered is not None:
        position = {lab: i for i, lab in enumerate(ordered)}
        missing = [str(lab) for lab in labels if lab not in position]
        if missing:
            raise ValueError(f"groups not listed in `ordered`: {missing}")
        rank_of_group = np.array([position[lab] for lab in labels], dtype=float)
    pair_codes = None
    if pair is not None and pair[0] in labels and pair[1] in labels:
        pair_codes = (int(labels.get_loc(pair[0])), int(labels.get_loc(pair[1])))
    args = (n_groups, higher_is_better, rank_of_group, pair_codes)
    out = _point_measures(x, w, codes, *args)
    pop = np.bincount(codes, weights=w, minlength=n_groups)
    table = pd.DataFrame(
        {
            "mean": np.bincount(codes, weights=w * x, minlength=n_groups) / pop,
            "population": pop,
            "population_share": pop / pop.sum(),
            "n_units": np.bincount(codes, minlength=n_groups),
        },
        index=labels,
    )
    result: dict[str, Any] = {
        "n_units": int(x.size),
        "n_dropped": n_dropped,
        "higher_is_better": higher_is_better,
        "groups": table,
        **{k: v for k, v in out.items() if k not in _CODE_KEYS},
        "best_group": labels[out["best"]],
        "worst_group": labels[out["worst"]],
        "difference_groups": (labels[out["difference_a"]], labels[out["difference_b"]]),
        "pair": None if pair_codes is None else tuple(pair),
        "ci": {},
    }
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        strata = [np.flatnonzero(codes == c) for c in range(n_groups)]
        reps: dict[str, list[float]] = {k: [] for k in _BOOT_KEYS}
        for _ in range(n_boot):
            idx = np.concatenate([rng.choice(s, size=s.size, replace=True) for s in strata])
            rep = _point_measures(x[idx], w[idx], codes[idx], *args)
            for k in _BOOT_KEYS:
                if rep[k] is not None and out[k] is not None:
                    reps[k].append(rep[k])
        alpha = (1.0 - level) / 2.0
        for k, vals in reps.items():
            if vals:
                lo, hi = np.quantile(vals, [alpha, 1.0 - alpha])
                result["ci"][k] = (float(lo), float(hi))
    return result
