"""metrics.scenario: edits applied by a pure function; the diff of an edited table."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.scenario import CAPACITY_FIELDS, DOMAIN_FIELDS, apply_changes, diff_changes


@pytest.fixture
def fac() -> pd.DataFrame:
    return pd.DataFrame({"id": ["a", "b", "c"], "type": ["health_centre"] * 3,
                         "tier": ["township"] * 3, "lon": [108.0, 108.1, 108.2],
                         "lat": [31.0, 31.1, 31.2], "beds": [10.0, 20.0, None]})


def test_every_op(fac):
    before = fac.copy()
    out = apply_changes(fac, [
        {"op": "close", "id": "a"},
        {"op": "move", "id": "b", "lon": 108.5, "lat": 31.5},
        {"op": "upgrade", "id": "c", "type": "central_health_centre", "tier": "county"},
        {"op": "set", "id": "c", "field": "beds", "value": 80},
        {"op": "add", "id": "n", "type": "health_centre", "lon": 108.3, "lat": 31.3, "beds": 5,
         "unknown_column": 1},
    ])
    pd.testing.assert_frame_equal(fac, before)  # the input is not modified
    assert out["id"].tolist() == ["b", "c", "n"]
    b, c, n = (out.set_index("id").loc[k] for k in ("b", "c", "n"))
    assert (b["lon"], b["lat"]) == (108.5, 31.5)
    assert c["type"] == "central_health_centre" and c["tier"] == "county" and c["beds"] == 80
    assert n["beds"] == 5 and n["type"] == "health_centre"
    assert "unknown_column" not in out.columns


def test_no_changes_is_identity(fac):
    pd.testing.assert_frame_equal(apply_changes(fac, []), fac)


def test_changes_apply_in_order(fac):
    out = apply_changes(fac, [{"op": "set", "id": "a", "field": "beds", "value": 1},
                              {"op": "set", "id": "a", "field": "beds", "value": 2}])
    assert out.loc[0, "beds"] == 2


@pytest.mark.parametrize("edit", [
    {"op": "explode", "id": "a"},
    {"op": "close", "id": "zzz"},
    {"op": "move", "id": "a", "lon": float("nan"), "lat": 31},
    {"op": "move", "id": "a", "lon": 500, "lat": 31},
    {"op": "set", "id": "a", "field": "name", "value": "x"},
    {"op": "set", "id": "a", "field": "beds", "value": -1},
    {"op": "add", "id": "a", "type": "health_centre", "lon": 108, "lat": 31},
    {"op": "add", "id": "n", "type": "health_centre", "lon": 108},
])
def test_bad_edits_raise(fac, edit):
    with pytest.raises(ValueError):
        apply_changes(fac, [edit])


def test_close_then_edit_the_same_id_raises(fac):
    with pytest.raises(ValueError):
        apply_changes(fac, [{"op": "close", "id": "a"}, {"op": "move", "id": "a", "lon": 1, "lat": 1}])


def test_diff_round_trip(fac):
    edited = fac.assign(open=[False, True, True])
    edited.loc[1, ["lon", "lat"]] = [108.4, 31.4]
    edited.loc[2, "type"] = "central_health_centre"
    edited.loc[2, "beds"] = 15.0
    changes = diff_changes(fac, edited, ["beds"])
    assert [c["op"] for c in changes] == ["close", "move", "upgrade", "set"]
    out = apply_changes(fac, changes).set_index("id")
    expected = edited[edited["open"]].drop(columns="open").set_index("id")
    pd.testing.assert_frame_equal(out[expected.columns], expected, check_dtype=False)


def test_diff_of_an_unchanged_table_is_empty(fac):
    assert diff_changes(fac, fac.assign(open=True), ["beds"]) == []


def test_domain_fields_are_capacity_fields():
    assert set(CAPACITY_FIELDS) == {f for fs in DOMAIN_FIELDS.values() for f in fs}
