"""metrics.gaps: township ranking by hand, headline choice from the catalogue."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.gaps import headline_by_domain, largest_gaps, township_gaps, urban_rural_gap
from metrics.indicators import CATALOGUE, DOMAINS, INDICATORS


def _summary(means, pops):
    return {"groups": pd.DataFrame({"mean": means, "population": pops, "n_units": [1] * len(means)},
                                   index=[f"t{i}" for i in range(len(means))])}


def test_higher_is_better_worst_first():
    g = township_gaps(_summary([60.0, 100.0, 80.0], [1, 1, 2]), 80.0, True)
    assert g.index.tolist() == ["t0", "t2", "t1"]
    assert g["shortfall"].tolist() == [20.0, 0.0, -20.0]
    assert g["shortfall_pct"].tolist() == [25.0, 0.0, -25.0]
    assert g["rank"].tolist() == [1, 2, 3]


def test_lower_is_better_worst_first():
    g = township_gaps(_summary([10.0, 40.0], [5, 5]), 25.0, False)
    assert g.index.tolist() == ["t1", "t0"]
    assert g.loc["t1", "gap"] == 15.0 and g.loc["t1", "shortfall"] == 15.0


def test_zero_county_value_and_empty():
    g = township_gaps(_summary([0.0, 0.0], [1, 1]), 0.0, True)
    assert all(math.isnan(v) for v in g["shortfall_pct"])
    assert township_gaps(None, 1.0, True).empty


def test_inputs_not_modified():
    s = _summary([1.0, 2.0], [1, 1])
    before = s["groups"].copy()
    township_gaps(s, 1.5, True)
    pd.testing.assert_frame_equal(s["groups"], before)


def test_one_headline_per_domain():
    heads = headline_by_domain(CATALOGUE)
    assert list(heads) == list(DOMAINS)
    assert all(i.headline and i.domain == d for d, i in heads.items())


def _ur(urban, rural):
    return {"groups": pd.DataFrame({"mean": [urban, rural]}, index=["urban", "rural"])}


def test_largest_gap_by_hand():
    inds = [INDICATORS[k] for k in ("edu_primary_share_30min", "health_centre_share_15min",
                                    "culture_complex_ebike_min", "elderly_care_walk_min")]
    s = {"edu_primary_share_30min": _ur(90.0, 60.0),      # 1.5, rural worse
         "health_centre_share_15min": _ur(50.0, 100.0),   # 2.0, urban worse (higher is better)
         "culture_complex_ebike_min": _ur(10.0, 25.0),    # 2.5, rural worse (lower is better)
         "elderly_care_walk_min": None}
    g = largest_gaps(s, inds)
    assert g.index.tolist() == ["culture_complex_ebike_min", "health_centre_share_15min",
                                "edu_primary_share_30min"]
    assert g["factor"].tolist() == [2.5, 2.0, 1.5]
    assert g["worse"].tolist() == ["rural", "urban", "rural"]
    assert g["better"].tolist() == ["urban", "rural", "urban"]
    # the ratio is always worse ÷ better: above 1 for minutes, below 1 for shares
    assert g["ratio"].tolist() == pytest.approx([2.5, 0.5, 60.0 / 90.0])
    assert g["difference"].tolist() == pytest.approx([15.0, -50.0, -30.0])


def test_a_group_at_zero_is_the_largest_gap_not_left_out():
    """A rural value of 0 against a positive urban one is the largest gap of all (it used to
    be dropped for want of a ratio); both at 0 is no gap."""
    inds = [INDICATORS["edu_primary_share_30min"], INDICATORS["infant_care_places_per_1000_0_2"]]
    g = largest_gaps({"edu_primary_share_30min": _ur(90.0, 60.0),
                      "infant_care_places_per_1000_0_2": _ur(10.0, 0.0)}, inds)
    assert g.index[0] == "infant_care_places_per_1000_0_2"
    assert math.isinf(g["factor"].iloc[0]) and g["ratio"].iloc[0] == 0.0
    assert g["worse"].iloc[0] == "rural"
    assert largest_gaps({"edu_primary_share_30min": _ur(0.0, 0.0)},
                        [INDICATORS["edu_primary_share_30min"]]).empty
    assert largest_gaps({}, inds).empty


@pytest.mark.parametrize(("urban", "rural", "higher", "worse", "ratio", "difference"), [
    (93.9, 63.3, True, "rural", 63.3 / 93.9, 63.3 - 93.9),     # share: the countryside behind
    (12.2, 40.8, False, "rural", 40.8 / 12.2, 40.8 - 12.2),    # minutes: the countryside behind
    (9.1, 19.2, True, "urban", 9.1 / 19.2, 9.1 - 19.2),        # a rate the town lacks
    (5.0, 2.0, False, "urban", 5.0 / 2.0, 5.0 - 2.0),          # fewer minutes in the country
])
def test_urban_rural_gap_is_said_from_the_side_behind(urban, rural, higher, worse, ratio, difference):
    gap = urban_rural_gap(_ur(urban, rural), higher)
    assert gap["worse"] == worse and gap["better"] == ("urban" if worse == "rural" else "rural")
    assert gap["ratio"] == pytest.approx(ratio)
    assert gap["difference"] == pytest.approx(difference)
    assert gap["factor"] == pytest.approx(max(urban, rural) / min(urban, rural))
    # the ratio is below 1 exactly when higher is better
    assert (gap["ratio"] < 1) == higher


def test_equal_groups_have_no_side_behind():
    gap = urban_rural_gap(_ur(50.0, 50.0), True)
    assert gap["worse"] is None and gap["ratio"] == 1.0 and gap["factor"] == 1.0
    assert urban_rural_gap(None, True) is None
    assert urban_rural_gap({"groups": pd.DataFrame({"mean": [1.0]}, index=["urban"])}, True) is None


def test_largest_gap_is_sought_over_the_whole_catalogue(built_db):
    """Over every indicator with both groups, not the four headline ones: on the demo data
    infant-care places (not a headline card's figure) differ most."""
    from etl import db
    from metrics import indicators

    con = db.connect(built_db, read_only=True)
    try:
        units = con.execute("SELECT * FROM units ORDER BY code").df()
        fac = con.execute("SELECT * FROM facilities ORDER BY id").df()
    finally:
        con.close()
    table = indicators.evaluate(indicators.prepare(units, fac))
    summaries = {k: v["urban_rural"] for k, v in table.summaries.items()}
    every = largest_gaps(summaries, CATALOGUE)
    heads = largest_gaps(summaries, headline_by_domain(CATALOGUE).values())
    assert set(heads.index) <= set(every.index)
    with_both = {k for k, v in summaries.items() if v is not None}
    assert set(every.index) == with_both
    assert every["factor"].iloc[0] >= heads["factor"].iloc[0]
    assert every["factor"].is_monotonic_decreasing
