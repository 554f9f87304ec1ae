"""Sensitivity of the headline indicators to speed and mode, on the Kaijiang data."""

from __future__ import annotations

import numpy as np
import pytest

from etl import store
from metrics import sensitivity as sens
from metrics import settings
from metrics.gaps import headline_by_domain
from metrics.indicators import CATALOGUE, evaluate, prepare
from metrics.report import county_town


@pytest.fixture(scope="module")
def prepared(built_db):
    f = store.read_frames(built_db)
    return prepare(f["units"], f["facilities"], county_town=county_town(f["townships"]))


def test_every_case_equals_a_full_evaluation(prepared):
    for ind in headline_by_domain(CATALOGUE).values():
        s = sens.sensitivity(prepared, ind)
        if ind.mode is None:
            assert s.empty
            continue
        assert s["case"].iloc[0] == "current"
        for row in s.itertuples():
            full = evaluate(prepared, {settings.speed_key(ind.mode): row.speed_kmh})
            assert row.county == pytest.approx(full.county.loc[ind.key, "value"], nan_ok=True)
            groups = full.summaries[ind.key]["urban_rural"]["groups"]["mean"]
            assert row.rural == pytest.approx(groups["rural"], nan_ok=True)


def test_shares_never_rise_as_speed_falls(prepared):
    ind = next(i for i in CATALOGUE if i.kind == "share_within" and i.mode == "car")
    speeds = np.arange(10.0, 61.0, 5.0)
    key = settings.speed_key("car")
    rural = [evaluate(prepared, {key: v}).summaries[ind.key]["urban_rural"]["groups"]["mean"]
             ["rural"] for v in speeds]
    assert np.all(np.diff(rural) >= -1e-9)
    s = sens.sensitivity(prepared, ind).set_index("case")
    assert s.loc["low", "rural"] <= s.loc["current", "rural"] <= s.loc["high", "rural"]
    assert s.loc["without", "speed_kmh"] == settings.get("speed_ebike_kmh")


def test_plausible_ranges_cover_every_mode_and_hold_the_default():
    assert set(sens.PLAUSIBLE_KMH) == set(settings.MODES)
    for mode, (lo, hi) in sens.PLAUSIBLE_KMH.items():
        assert lo <= settings.get(settings.speed_key(mode)) <= hi, mode
