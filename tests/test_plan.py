"""metrics.plan: the pilot plan's targets against a tiny world whose answers are known by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.schema import FACILITY_TYPES, REGISTER_KINDS
from metrics.plan import STATUSES, TARGETS, PlanTarget, plan_status

ROOT = Path(__file__).resolve().parent.parent
TASKS = pd.read_csv(ROOT / "data" / "reference" / "plan" / "tasks.csv")

# three townships (two named in the plan), five units
TOWNS = pd.DataFrame({"code": ["t_ren", "t_chang", "t_other"], "name": ["任市镇", "长岭镇", "新宁镇"],
                      "short_name": ["任市", "长岭", "新宁"]})
UNITS = pd.DataFrame({"code": ["u1", "u2", "u3", "u4", "u5"],
                      "township_code": ["t_ren", "t_ren", "t_chang", "t_other", "t_other"]})


def fac(*rows: tuple) -> pd.DataFrame:
    cols = ["type", "township_code", "unit_code", "boarding_beds", "boarders"]
    return pd.DataFrame([dict(zip(cols, r, strict=False)) for r in rows], columns=cols)


WORLD = fac(
    # 任市: 300 beds for 280 boarders over two schools (one without boarding data) -> met
    ("junior", "t_ren", "u1", 200, 180), ("primary", "t_ren", "u2", 100, 100),
    ("primary", "t_ren", "u2", None, None),
    # 长岭: 90 beds for 120 boarders -> not met
    ("nine_year", "t_chang", "u3", 90, 120),
    # culture: complexes in 2 of 3 townships (two in 任市), centres in 3 of 5 units
    ("township_complex", "t_ren", "u1"), ("township_complex", "t_ren", "u2"),
    ("township_complex", "t_other", "u4"),
    ("village_centre", "t_ren", "u1"), ("village_centre", "t_ren", "u1"),
    ("village_centre", "t_chang", "u3"), ("village_centre", "t_other", "u5"),
    # elderly care: two infant-care institutions, no medical-elderly centre
    ("infant_care", "t_other", "u4"), ("infant_care", "t_ren", "u1"), ("care_home", "t_ren", "u2"),
)


@pytest.fixture
def out() -> pd.DataFrame:
    return plan_status(WORLD, UNITS, TOWNS, TASKS).set_index("key")


def test_counts_by_hand(out):
    assert out.loc["township_complex", ["planned", "in_data", "status"]].tolist() == [3, 2, "partly"]
    assert "长岭镇" in out.loc["township_complex", "detail_zh"]
    assert out.loc["village_centre", ["planned", "in_data", "status"]].tolist() == [5, 3, "partly"]
    assert out.loc["infant_care_pilot", ["planned", "in_data", "status"]].tolist() == [1, 2, "met"]
    assert out.loc["medical_elderly_centre", ["planned", "in_data", "status"]].tolist() == [1, 0, "not_met"]
    assert out.loc["county_stage", ["in_data", "status"]].tolist() == [0, "not_met"]


def test_boarding_towns_by_hand(out):
    # 任市 300 ≥ 280 met; 长岭 90 < 120 not met; 甘棠 is not a township of this world
    row = out.loc["boarding_schools"]
    assert (row["planned"], row["in_data"], row["status"]) == (3, 1, "partly")
    assert "任市：床位 300 / 寄宿生 280" in row["detail_zh"]
    assert "长岭: 90 beds / 120 boarders" in row["detail_en"]
    assert "甘棠" in row["detail_zh"]


def test_not_in_data_targets(out):
    row = out.loc["medical_consortia"]
    assert row["planned"] == 5 and pd.isna(row["in_data"]) and row["status"] == "no_data"
    assert out.loc["minor_protection", "status"] == "no_data"


def test_lead_units_and_titles_come_from_the_task_list(out):
    assert out.loc["medical_elderly_centre", "lead_unit"] == "县卫健局"
    assert out.loc["boarding_schools", "lead_unit"] == "县教科局"
    assert out.loc["infant_care_pilot", "lead_unit"] == "县民政局"
    assert out.loc["village_centre", "lead_unit"].startswith("县文体旅游局")
    assert out.loc["boarding_schools", "title"] == "促进城乡教育资源均衡配置"


def test_every_target_met_when_everything_is_there():
    rows = [("junior", "t_ren", "u1", 10, 10), ("junior", "t_chang", "u3", 5, 4),
            ("junior", "t_other", "u4", 0, 0), ("county_stage", "t_other", "u4"),
            ("medical_elderly", "t_other", "u4"), ("infant_care", "t_other", "u4")]
    rows += [("township_complex", t, None) for t in TOWNS["code"]]
    rows += [("village_centre", None, u) for u in UNITS["code"]]
    towns = pd.concat([TOWNS, pd.DataFrame({"code": ["t_gan"], "name": ["甘棠镇"],
                                            "short_name": ["甘棠"]})], ignore_index=True)
    rows.append(("primary", "t_gan", None, 50, 50))
    rows.append(("township_complex", "t_gan", None))
    out = plan_status(fac(*rows), UNITS, towns, TASKS).set_index("key")
    measured = out.loc[[t.key for t in TARGETS if t.measure != "not_in_data"]]
    assert (measured["status"] == "met").all(), measured[["status", "detail_en"]]


def test_empty_registers_mean_no_data_not_failure():
    out = plan_status(fac(), UNITS, TOWNS, None).set_index("key")
    assert (out["status"] == "no_data").all()
    assert out["lead_unit"].isna().all()


def test_inputs_not_modified():
    before = WORLD.copy()
    plan_status(WORLD, UNITS, TOWNS, TASKS)
    pd.testing.assert_frame_equal(WORLD, before)


def test_targets_declared_with_the_plan_wording():
    plan_text = (ROOT / "data" / "reference" / "plan" / "tasks.csv").read_text(encoding="utf-8")
    assert {t.task for t in TARGETS} == {13, 14, 15, 16}
    for tg in TARGETS:
        assert tg.types == () or set(tg.types) <= set(FACILITY_TYPES)
        assert set(tg.register) in ({*v} for v in REGISTER_KINDS.values()) or tg.register == ()
        if tg.measure != "not_in_data":
            assert set(tg.types) <= set(tg.register)
    # the wording quoted is the plan's (the four-tier items and the numbered targets)
    for phrase in ("医养结合中心1个", "紧密型区域医合体5个", "任市、长岭、甘棠", "乡镇文化综合体",
                   "村级文化服务中心", "婴幼儿照护机构", "未成年人保护工作站"):
        assert phrase in plan_text
        assert any(phrase in tg.plan_zh for tg in TARGETS)
    assert set(plan_status(WORLD, UNITS, TOWNS)["status"]) <= set(STATUSES)


def test_bad_declarations_are_refused():
    with pytest.raises(ValueError):
        PlanTarget("x", 15, "x", "x", "count", "x", "x", types=("infant_care",))
    with pytest.raises(ValueError):
        PlanTarget("x", 15, "x", "x", "median", "x", "x")
