"""metrics.audit on tiny worlds whose answers are worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics import audit

TOWNS = pd.DataFrame({"code": ["t1", "t2", "t3"], "name": ["任市镇", "长岭镇", "新宁镇"],
                      "short_name": ["任市", "长岭", "新宁"]})
UNITS = pd.DataFrame({"code": ["u1", "u2", "u3", "u4"], "name": ["甲村", "乙村", "丙社区", "丁村"],
                      "township_code": ["t1", "t1", "t2", "t3"],
                      "urban_rural": ["rural", "rural", "urban", "rural"]})


def _schools() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "name": ["任市初中", "任市小学", "长岭初中", "新宁小学", "县幼儿园"],
        "type": ["junior", "primary", "junior", "primary", "kindergarten"],
        "township_code": ["t1", "t1", "t2", "t3", "t3"],
        "students": [900, 400, 420, 200, 150],
        "teachers": [60, 20, 35, None, 10],
        "boarders": [900, 0, 420, 0, None],
        "boarding_beds": [450, 0, 500, 0, None],
        "places": [None, None, None, None, 180],
        "school_group": ["任市集团", "任市集团", "任市集团", None, ""],
    })


def test_counts_by_type_lists_absent_types_and_sums_known_values():
    fac = _schools()
    out = audit.counts_by_type(fac, ["primary", "junior", "nine_year"], ["students", "teachers"])
    assert out["n"].tolist() == [2, 2, 0]
    assert out["students"].tolist()[:2] == [600.0, 1320.0]
    assert out["teachers"].tolist()[:2] == [20.0, 95.0]  # the missing count is skipped
    assert math.isnan(out["teachers"].iloc[2])
    t1 = audit.counts_by_type(fac, ["primary", "junior"], township_code="t1")
    assert t1["n"].tolist() == [1, 1]


def test_boarding_by_school_gap_and_status():
    b = audit.boarding_by_school(_schools())
    # 任市初中: 450 beds for 900 boarders -> gap -450, 0.5 beds each; 长岭初中: +80
    assert b["name"].tolist() == ["任市初中", "长岭初中"]
    assert b["gap"].tolist() == [-450.0, 80.0]
    assert b["beds_per_boarder"].tolist() == pytest.approx([0.5, 500 / 420])
    assert b["status"].tolist() == ["short", "enough"]
    assert audit.boarding_shortfall(b) == {"n_schools": 1, "beds": 450.0}


def test_boarding_by_township_flags_the_plan_towns_and_lists_every_township():
    b = audit.boarding_by_township(_schools(), TOWNS, plan_towns=("任市", "长岭", "甘棠"))
    assert b["name"].tolist() == ["任市镇", "长岭镇", "新宁镇"]
    assert b["in_plan"].tolist() == [True, True, False]
    assert b["n_schools"].tolist() == [1, 1, 0]
    assert b["boarders"].tolist() == [900.0, 420.0, 0.0]
    assert b["gap"].tolist() == [-450.0, 80.0, 0.0]
    assert math.isnan(b["beds_per_boarder"].iloc[2])


def test_students_per_teacher_by_school():
    s = audit.students_per_teacher_by_school(_schools(), ["primary", "junior"])
    # 400/20 = 20, 900/60 = 15, 420/35 = 12, 新宁小学 has no teacher count
    assert s["name"].tolist() == ["任市小学", "任市初中", "长岭初中", "新宁小学"]
    assert s["students_per_teacher"].tolist()[:3] == [20.0, 15.0, 12.0]
    assert math.isnan(s["students_per_teacher"].iloc[3])


def test_school_groups_ignore_blank_membership():
    g = audit.school_groups(_schools())
    assert g.to_dict("records") == [{
        "school_group": "任市集团", "n_schools": 3, "n_townships": 2, "students": 1720.0,
        "teachers": 115.0, "members": "任市初中、任市小学、长岭初中"}]
    assert audit.school_groups(_schools().drop(columns="school_group")).empty
    assert audit.school_groups(_schools().assign(school_group=None)).empty


def _culture() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["c1", "c2", "v1", "p1", "l1", "lb1", "lb2"],
        "name": ["任市综合体", "长岭综合体", "甲村中心", "丙院坝", "县图书馆", "任市分馆", "长岭分馆"],
        "type": ["township_complex", "township_complex", "village_centre", "courtyard_post",
                 "library", "library_branch", "library_branch"],
        "unit_code": [None, None, "u1", "u3", None, None, None],
        "township_code": ["t1", "t2", "t1", "t2", "t3", "t1", "t2"],
        "hours_per_week": [None, None, None, None, 60, 30, 42],
    })


def test_township_coverage_names_what_each_township_lacks():
    cov = audit.township_coverage(UNITS, _culture(), TOWNS, ["township_complex", "library_branch"],
                                  ["village_centre", "courtyard_post"])
    assert cov["has_township_complex"].tolist() == [True, True, False]
    assert cov["has_library_branch"].tolist() == [True, True, False]
    assert cov["n_units"].tolist() == [2, 1, 1]
    # t1: 乙村 lacks a centre, both lack a courtyard post; t2: 丙社区 has a post, no centre
    assert cov["lacking_village_centre"].tolist() == [1, 1, 1]
    assert cov["lacking_courtyard_post"].tolist() == [2, 0, 1]


def test_units_lacking_lists_only_units_missing_something():
    lack = audit.units_lacking(UNITS, _culture(), ["village_centre", "courtyard_post"])
    assert lack["name"].tolist() == ["甲村", "乙村", "丙社区", "丁村"]  # nobody has both
    only_centre = audit.units_lacking(UNITS, _culture(), ["village_centre"])
    assert only_centre["name"].tolist() == ["乙村", "丙社区", "丁村"]
    assert not only_centre["has_village_centre"].any()


def test_hours_against_standard():
    h = audit.hours_against_standard(_culture(), {"library": 56, "library_branch": 42})
    assert h["name"].tolist() == ["任市分馆", "长岭分馆", "县图书馆"]
    assert h["gap"].tolist() == [-12.0, 0.0, 4.0]
    assert h["status"].tolist() == ["not_met", "met", "met"]  # exactly the standard is met


def test_inputs_are_not_modified():
    fac, units = _schools(), UNITS.copy()
    before = fac.copy()
    audit.boarding_by_township(fac, TOWNS, ("任市",))
    audit.school_groups(fac)
    audit.units_lacking(units, _culture(), ["village_centre"])
    pd.testing.assert_frame_equal(fac, before)
    pd.testing.assert_frame_equal(units, UNITS)


def test_named_list():
    assert audit.named_list(_culture(), "medical_elderly") == {"n": 0, "names": ""}
    assert audit.named_list(_culture(), "library_branch", sep=", ") == {"n": 2, "names": "任市分馆, 长岭分馆"}
