"""Provision ratios by group, facility-level ratios, coverage of the culture tiers, targets.

Pure functions on the ``units`` and ``facilities`` tables of ``etl/schema.py``. Units are
identified by ``code`` (a column, or the index when there is no such column); facilities
carry ``unit_code`` (may be empty), ``township_code`` and ``tier``.

How a facility's capacity is placed on units (:func:`allocate_to_units`):

1. a facility whose ``unit_code`` is a known unit belongs to that unit;
2. otherwise it is spread over the units of its ``township_code`` in proportion to their
   population (``pop_columns``), equally if that population is 0;
3. a facility of ``tier == "county"`` (county hospital, senior high school, county
   library …) serves the whole county: with ``county_level="shared"`` it is spread over
   all units in proportion to population, with ``"own"`` it follows rules 1-2 like any
   other facility, with ``"exclude"`` it is left out.

Grouping then sums the unit shares by any unit column (``urban_rural``,
``township_code`` …), so "by township" and "urban vs rural" use the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "COUNTY_LEVEL_RULES",
    "DEFAULT_COVERAGE_TYPES",
    "Coverage",
    "TargetComparison",
    "allocate_to_units",
    "compare_target",
    "coverage_by_tier",
    "provision_by_group",
    "ratio_by_group",
]

#: Allowed values of ``county_level``.
COUNTY_LEVEL_RULES: tuple[str, ...] = ("shared", "own", "exclude")

#: Culture tiers checked by :func:`coverage_by_tier`: facility type -> level it is expected at.
DEFAULT_COVERAGE_TYPES: dict[str, str] = {
    "village_centre": "unit",
    "courtyard_post": "unit",
    "township_complex": "township",
    "library_branch": "township",
    "culture_branch": "township",
}


def _unit_table(units: pd.DataFrame) -> pd.DataFrame:
    """Units indexed by code (a copy; the input is not touched)."""
    out = units.set_index("code", drop=True) if "code" in units.columns else units.copy()
    out.index = out.index.astype(str)
    out.index.name = "code"
    if not out.index.is_unique:
        raise ValueError("unit codes must be unique")
    return out


def _unit_population(units: pd.DataFrame, pop_columns: Sequence[str]) -> pd.Series:
    missing = [c for c in pop_columns if c not in units.columns]
    if missing:
        raise ValueError(f"units lack population columns: {missing}")
    return units[list(pop_columns)].fillna(0).astype(float).sum(axis=1)


def _as_code(s: pd.Series) -> pd.Series:
    """Codes as strings, missing as <NA>, blank strings treated as missing."""
    out = s.astype("string").str.strip()
    return out.mask(out == "")


def allocate_to_units(
    units: pd.DataFrame,
    facilities: pd.DataFrame,
    columns: Sequence[str],
    pop_columns: Sequence[str] = ("population",),
    county_level: str = "shared",
) -> pd.DataFrame:
    """Share of every facility's ``columns`` that falls on each unit (rules in the module doc).

    Parameters
    ----------
    units, facilities : DataFrame
        Tables of the schema.
    columns : sequence of str
        Facility columns to allocate (e.g. ``["beds"]``); missing values stay missing.
    pop_columns : sequence of str
        Unit population columns whose sum sets the shares of rules 2 and 3.
    county_level : {"shared", "own", "exclude"}
        Rule for facilities with ``tier == "county"``.

    Returns
    -------
    DataFrame
        One row per (facility, unit) with ``facility``, ``unit``, ``share`` (sums to 1 per
        facility) and each column multiplied by ``share``.

    Raises
    ------
    ValueError
        If a facility can be placed neither by unit nor by township.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b"], "township_code": ["t", "t"],
    ...                       "population": [300, 100]})
    >>> fac = pd.DataFrame({"id": ["h"], "unit_code": [None], "township_code": ["t"],
    ...                     "tier": ["township"], "beds": [40]})
    >>> allocate_to_units(units, fac, ["beds"])[["unit", "share", "beds"]]
      unit  share  beds
    0    a   0.75  30.0
    1    b   0.25  10.0
    """
    if county_level not in COUNTY_LEVEL_RULES:
        raise ValueError(f"county_level must be one of {COUNTY_LEVEL_RULES}, got {county_level!r}")
    u = _unit_table(units)
    pop = _unit_population(u, pop_columns)
    n = len(facilities)
    blank = pd.Series(pd.NA, index=range(n), dtype="string")
    f = pd.DataFrame(
        {
            "facility": (
                facilities["id"].astype(str).to_numpy()
                if "id" in facilities.columns
                else np.arange(n).astype(str)
            ),
            "unit_code": (
                _as_code(facilities["unit_code"]).to_numpy()
                if "unit_code" in facilities.columns
                else blank.to_numpy()
            ),
            "township_code": (
                _as_code(facilities["township_code"]).to_numpy()
                if "township_code" in facilities.columns
                else blank.to_numpy()
            ),
        }
    )
    for c in columns:
        f[c] = pd.to_numeric(facilities[c], errors="coerce").astype(float).to_numpy()
    tier = facilities["tier"].to_numpy() if "tier" in facilities.columns else np.full(n, None)
    county = pd.Series(tier == "county", index=f.index)
    shared = county & (county_level == "shared")
    excluded = county & (county_level == "exclude")
    direct = ~shared & ~excluded & f["unit_code"].isin(pop.index).fillna(False)
    town = (
        _as_code(u["township_code"])
        if "township_code" in u.columns
        else pd.Series(pd.NA, index=u.index, dtype="string")
    )
    by_town = ~shared & ~excluded & ~direct & f["township_code"].isin(town.dropna()).fillna(False)
    unplaced = ~(shared | excluded | direct | by_town)
    if unplaced.any():
        ids = f.loc[unplaced, "facility"].tolist()
        raise ValueError(
            f"{len(ids)} facilities have neither a known unit_code nor a known "
            f"township_code: {ids[:10]}"
        )
    # shares of each unit within its township and within the county (equal if no population)
    units_df = pd.DataFrame({"unit": u.index, "township_code": town.to_numpy(), "pop": pop})
    town_total = units_df.groupby("township_code")["pop"].transform("sum")
    town_size = units_df.groupby("township_code")["pop"].transform("size")
    units_df["town_share"] = np.where(
        town_total > 0, units_df["pop"] / town_total.where(town_total > 0, 1), 1.0 / town_size
    )
    total = pop.sum()
    units_df["county_share"] = pop / total if total > 0 else 1.0 / len(pop)
    keep = ["facility", *columns]
    pieces = [
        f.loc[direct, keep].assign(unit=f.loc[direct, "unit_code"].astype(object), share=1.0),
        f.loc[by_town, [*keep, "township_code"]]
        .merge(units_df[["unit", "township_code", "town_share"]], on="township_code")
        .rename(columns={"town_share": "share"})
        .drop(columns="township_code"),
        f.loc[shared, keep]
        .merge(units_df[["unit", "county_share"]], how="cross")
        .rename(columns={"county_share": "share"}),
    ]
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return pd.DataFrame(columns=["facility", "unit", "share", *columns])
    out = pd.concat(pieces, ignore_index=True)
    out = out[["facility", "unit", "share", *columns]]
    out[list(columns)] = out[list(columns)].mul(out["share"], axis=0)
    return out


def _group_key(u: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series("county", index=u.index, name="group")
    if by == "code":
        return pd.Series(u.index, index=u.index, name="code")
    if by not in u.columns:
        raise ValueError(f"units have no column {by!r} to group by")
    return u[by].rename(by)


def provision_by_group(
    units: pd.DataFrame,
    facilities: pd.DataFrame,
    numerator: str,
    pop_columns: Sequence[str],
    by: str | None = "urban_rural",
    per: float = 1000,
    county_level: str = "shared",
    target: float | None = None,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    r"""Capacity per ``per`` residents of the relevant age bands, by group of units.

    .. math::

        \text{ratio}_g = \text{per} \cdot \frac{\sum_f a_{f,g} \, q_f}{\sum_{i \in g} P_i}

    with :math:`q_f` the facility's ``numerator`` (e.g. beds), :math:`a_{f,g}` the share of
    facility :math:`f` that falls on group :math:`g` (rules in the module docstring) and
    :math:`P_i` the unit's population summed over ``pop_columns`` (e.g. ``pop_65_plus``
    for care beds). Facilities with a missing numerator count as 0 and are counted in
    ``n_missing`` so the page can warn.

    Parameters
    ----------
    units, facilities : DataFrame
        Tables of the schema (pre-filtered to the facility types of interest).
    numerator : str
        Capacity column of ``facilities``.
    pop_columns : sequence of str
        Population columns of ``units`` forming the denominator.
    by : str or None
        Unit column to group by (``"urban_rural"``, ``"township_code"``, ``"code"`` for one
        row per unit) or ``None`` for the whole county.
    per : float
        Residents per which the ratio is expressed.
    county_level : {"shared", "own", "exclude"}
        Rule for county-tier facilities.
    target : float, optional
        The standard (passed in from the settings table); adds ``target``, ``gap`` and
        ``status`` columns as in :func:`compare_target`.
    higher_is_better : bool
        Direction of the target.

    Returns
    -------
    DataFrame
        Indexed by group: ``numerator`` sum, ``population``, ``<numerator>_per_<per>``,
        ``n_missing`` (and the target columns). The ratio is NaN for a group without
        population.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b", "c"], "township_code": ["t1", "t1", "t2"],
    ...                       "urban_rural": ["urban", "rural", "rural"],
    ...                       "pop_65_plus": [100, 100, 200]})
    >>> fac = pd.DataFrame({"id": ["x", "y"], "unit_code": ["a", None],
    ...                     "township_code": ["t1", "t2"], "tier": ["township", "township"],
    ...                     "care_beds": [10, 4]})
    >>> provision_by_group(units, fac, "care_beds", ["pop_65_plus"])  # doctest: +NORMALIZE_WHITESPACE
                 care_beds  population  care_beds_per_1000  n_missing
    urban_rural
    rural              4.0       300.0           13.333333          0
    urban             10.0       100.0          100.000000          0
    """
    u = _unit_table(units)
    pop = _unit_population(u, pop_columns)
    key = _group_key(u, by)
    alloc = allocate_to_units(u, facilities, [numerator], pop_columns, county_level)
    alloc_group = key.reindex(alloc["unit"]).to_numpy()
    num = alloc[numerator].fillna(0.0).groupby(alloc_group).sum()
    missing = alloc.loc[alloc[numerator].isna()].groupby(alloc_group[alloc[numerator].isna()])
    n_missing = missing["facility"].nunique()
    population = pop.groupby(key).sum()
    out = pd.DataFrame({"population": population.astype(float)})
    out.insert(0, numerator, num.reindex(out.index).fillna(0.0).astype(float))
    ratio_col = f"{numerator}_per_{per:g}"
    with np.errstate(divide="ignore", invalid="ignore"):
        out[ratio_col] = np.where(
            out["population"] > 0, per * out[numerator] / out["population"], np.nan
        )
    out["n_missing"] = n_missing.reindex(out.index).fillna(0).astype(int)
    out.index.name = key.name
    if target is not None:
        cmp = compare_target(out[ratio_col], target, higher_is_better)
        out = out.join(cmp[["target", "gap", "status"]])
    return out


def ratio_by_group(
    facilities: pd.DataFrame,
    numerator: str,
    denominator: str,
    by: str | None,
    units: pd.DataFrame | None = None,
    pop_columns: Sequence[str] = ("population",),
    county_level: str = "own",
) -> pd.DataFrame:
    r"""Ratio of two facility columns by group, e.g. students per teacher.

    .. math::

        \text{ratio}_g = \frac{\sum_{f \in g} n_f}{\sum_{f \in g} d_f}

    over facilities where **both** columns are known (pairwise complete), so a school
    missing its teacher count does not inflate the ratio.

    ``by`` is a facility column (``township_code``, ``type``, ``school_group`` …) used
    directly when the facilities have it; otherwise (``units`` given, ``by`` a unit column
    such as ``urban_rural``) facilities are placed on units by :func:`allocate_to_units`
    (``county_level`` defaults to ``"own"``: a county high school counts where it stands).
    ``None`` gives the county total.

    Returns
    -------
    DataFrame
        Indexed by group: ``numerator``, ``denominator`` sums, ``<numerator>_per_<denominator>``
        (NaN when the denominator is 0) and ``n_facilities`` (complete facilities; a
        facility spread over several groups counts in each).

    Examples
    --------
    >>> fac = pd.DataFrame({"id": ["s1", "s2", "s3"], "township_code": ["t1", "t1", "t2"],
    ...                     "students": [300, 100, 50], "teachers": [20, None, 5]})
    >>> ratio_by_group(fac, "students", "teachers", "township_code")  # doctest: +NORMALIZE_WHITESPACE
                   students  teachers  students_per_teachers  n_facilities
    township_code
    t1                300.0      20.0                   15.0             1
    t2                 50.0       5.0                   10.0             1
    """
    complete = facilities.loc[facilities[numerator].notna() & facilities[denominator].notna()]
    if by is None or units is None or by in facilities.columns:
        if by is not None and by not in complete.columns:
            raise ValueError(f"facilities have no column {by!r}; pass units to group by it")
        key = (
            pd.Series("county", index=complete.index, name="group") if by is None else complete[by]
        )
        num = complete[numerator].astype(float).groupby(key).sum()
        den = complete[denominator].astype(float).groupby(key).sum()
        n_fac = complete.groupby(key).size()
        name = key.name
    else:
        u = _unit_table(units)
        gkey = _group_key(u, by)
        alloc = allocate_to_units(u, complete, [numerator, denominator], pop_columns, county_level)
        g = gkey.reindex(alloc["unit"]).to_numpy()
        num = alloc[numerator].groupby(g).sum()
        den = alloc[denominator].groupby(g).sum()
        n_fac = alloc.groupby(g)["facility"].nunique()
        name = gkey.name
    out = pd.DataFrame({numerator: num, denominator: den})
    with np.errstate(divide="ignore", invalid="ignore"):
        out[f"{numerator}_per_{denominator}"] = np.where(
            out[denominator] > 0, out[numerator] / out[denominator], np.nan
        )
    out["n_facilities"] = n_fac.reindex(out.index).fillna(0).astype(int)
    out.index.name = name
    return out


@dataclass(frozen=True)
class Coverage:
    """Which units and townships have a facility of each tier.

    ``units``: one row per unit, ``township_code`` (and ``urban_rural`` if present) and a
    boolean ``has_<type>`` per unit-level type. ``townships``: one row per township with
    ``has_<type>`` per township-level type, ``n_units`` and ``share_<type>`` — the share of
    its units having each unit-level type. ``unplaced``: facilities of a unit-level type
    without a known ``unit_code`` (not counted), by type.
    """

    units: pd.DataFrame = field(compare=False)
    townships: pd.DataFrame = field(compare=False)
    unplaced: Mapping[str, int] = field(default_factory=dict, compare=False)


def coverage_by_tier(
    units: pd.DataFrame,
    facilities: pd.DataFrame,
    types: Mapping[str, str] | None = None,
) -> Coverage:
    """Presence of each culture tier per unit and per township.

    Parameters
    ----------
    units, facilities : DataFrame
        Tables of the schema.
    types : mapping, optional
        Facility type -> ``"unit"`` or ``"township"`` (the level at which one is expected);
        default :data:`DEFAULT_COVERAGE_TYPES` (village centre and courtyard post per
        village/community; township complex, library branch and culture branch per
        township).

    Returns
    -------
    Coverage

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b"], "township_code": ["t", "t"]})
    >>> fac = pd.DataFrame({"type": ["village_centre", "township_complex"],
    ...                     "unit_code": ["a", None], "township_code": ["t", "t"]})
    >>> cov = coverage_by_tier(units, fac)
    >>> cov.units["has_village_centre"].tolist(), float(cov.townships.loc["t", "share_village_centre"])
    ([True, False], 0.5)
    >>> bool(cov.townships.loc["t", "has_township_complex"])
    True
    """
    types = dict(DEFAULT_COVERAGE_TYPES if types is None else types)
    bad = {t: lvl for t, lvl in types.items() if lvl not in ("unit", "township")}
    if bad:
        raise ValueError(f"levels must be 'unit' or 'township': {bad}")
    u = _unit_table(units)
    unit_town = _as_code(u["township_code"])
    f_unit = _as_code(facilities["unit_code"]) if "unit_code" in facilities.columns else None
    f_town = _as_code(facilities["township_code"])
    keep_cols = [c for c in ("township_code", "urban_rural") if c in u.columns]
    by_unit = u[keep_cols].copy()
    towns = pd.Index(sorted(unit_town.dropna().unique()), name="township_code")
    by_town = pd.DataFrame(index=towns)
    by_town["n_units"] = unit_town.value_counts().reindex(towns).fillna(0).astype(int)
    unplaced: dict[str, int] = {}
    for ftype, level in types.items():
        is_type = (facilities["type"] == ftype).fillna(False).to_numpy()
        if level == "unit":
            codes = pd.Series([], dtype="string") if f_unit is None else f_unit[is_type]
            known = codes[codes.isin(u.index)]
            unplaced[ftype] = int(is_type.sum() - len(known))
            has = pd.Series(u.index.isin(known.unique()), index=u.index)
            by_unit[f"has_{ftype}"] = has
            by_town[f"share_{ftype}"] = has.groupby(unit_town).mean().reindex(towns)
        else:
            present = set(f_town[is_type].dropna())
            by_town[f"has_{ftype}"] = by_town.index.isin(list(present))
    return Coverage(by_unit, by_town, {k: v for k, v in unplaced.items() if v})


@dataclass(frozen=True)
class TargetComparison:
    """A value beside its target: ``gap = value - target`` (signed), ``gap_pct`` = gap in %
    of the target (``None`` for a zero target), ``status`` = ``"met"``, ``"not_met"`` or
    ``"no_data"``."""

    value: float | None
    target: float
    gap: float | None
    gap_pct: float | None
    status: str


def _status(value: float | None, target: float, higher_is_better: bool, tolerance: float) -> str:
    if value is None or pd.isna(value):
        return "no_data"
    ok = value >= target - tolerance if higher_is_better else value <= target + tolerance
    return "met" if ok else "not_met"


def compare_target(
    value: float | pd.Series | None,
    target: float,
    higher_is_better: bool,
    tolerance: float = 0.0,
) -> TargetComparison | pd.DataFrame:
    """Gap to a target and whether it is met.

    ``met`` when ``value >= target - tolerance`` (``higher_is_better``) or
    ``value <= target + tolerance`` (otherwise). A Series of values gives a DataFrame
    with columns ``value``, ``target``, ``gap``, ``gap_pct``, ``status`` on the same index.

    Examples
    --------
    >>> c = compare_target(3.0, 4.0, higher_is_better=True)
    >>> c.gap, c.gap_pct, c.status
    (-1.0, -25.0, 'not_met')
    >>> compare_target(25.0, 30.0, higher_is_better=False).status  # e.g. minutes of travel
    'met'
    """
    target = float(target)
    if isinstance(value, pd.Series):
        v = value.astype(float)
        gap = v - target
        out = pd.DataFrame(
            {
                "value": v,
                "target": target,
                "gap": gap,
                "gap_pct": 100.0 * gap / target if target != 0 else np.nan,
                "status": [_status(x, target, higher_is_better, tolerance) for x in v],
            },
            index=value.index,
        )
        return out
    status = _status(value, target, higher_is_better, tolerance)
    if status == "no_data":
        return TargetComparison(None, target, None, None, status)
    v = float(value)
    gap = v - target
    gap_pct = 100.0 * gap / target if target != 0 else None
    return TargetComparison(v, target, gap, gap_pct, status)
