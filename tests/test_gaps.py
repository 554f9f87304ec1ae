"""metrics.gaps: township ranking by hand, headline choice from the catalogue."""

from __future__ import annotations

import math

import pandas as pd

from metrics.gaps import headline_by_domain, largest_gaps, township_gaps
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
    return {"groups": pd.DataFrame({"mean": [urban, rural]}, index=["urban", "rural"]),
            "pair_ratio": urban / rural if rural else None}


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


def test_largest_gap_ignores_zero_and_empty():
    assert largest_gaps({"edu_primary_share_30min": _ur(10.0, 0.0)},
                        [INDICATORS["edu_primary_share_30min"]]).empty
