"""One boarding definition on every page: the plan tracker, the education page and the boarding
planner count the same schools (compulsory education, senior high left out), and the tracker's
figures for 任市 are the education page's."""

from __future__ import annotations

import inspect
import re

import pandas as pd
import pytest

from etl import db
from metrics import audit, boarding, plan
from metrics import planning_boarding as pb
from tests.conftest import open_app

RENSHI = "511723107"


@pytest.fixture(scope="module")
def frames(built_db) -> dict[str, pd.DataFrame]:
    con = db.connect(built_db, read_only=True)
    try:
        return {name: con.execute(f"SELECT * FROM {name}").df()
                for name in ("units", "townships", "facilities")}
    finally:
        con.close()


def test_every_place_counts_the_same_schools():
    assert boarding.COMPULSORY_TYPES == ("teaching_point", "primary", "nine_year", "junior")
    for fn in (audit.boarding_by_school, audit.boarding_by_township):
        assert inspect.signature(fn).parameters["types"].default == boarding.COMPULSORY_TYPES
    target = next(tg for tg in plan.TARGETS if tg.measure == "boarding")
    assert target.types == boarding.COMPULSORY_TYPES
    assert pb.SCHOOL_TYPES == boarding.COMPULSORY_TYPES
    assert "senior_high" not in boarding.COMPULSORY_TYPES


def test_tracker_equals_the_township_sums(frames):
    """Every plan town's tracker text is the education page's township row (registered beds
    and boarders of the compulsory-education schools); senior high is left out of both."""
    fac, towns = frames["facilities"], frames["townships"]
    table = audit.boarding_by_township(fac, towns).set_index("township_code")
    row = plan.plan_status(fac, frames["units"], towns).set_index("key").loc["boarding_schools"]
    for code in boarding.PLAN_BOARDING_TOWNSHIPS:
        short = towns.set_index("code").loc[code, "short_name"]
        beds, boarders = int(table.loc[code, "boarding_beds"]), int(table.loc[code, "boarders"])
        assert f"{short}：床位 {beds:,} / 寄宿生 {boarders:,}" in row["detail_zh"]
    # 任市 has a senior high school with boarders: it is not in the figure
    here = fac[fac["township_code"] == RENSHI]
    senior = here[here["type"] == "senior_high"]
    assert senior["boarders"].sum() > 0
    compulsory = here[here["type"].isin(boarding.COMPULSORY_TYPES)]
    assert table.loc[RENSHI, "boarders"] == compulsory["boarders"].sum()


def test_renshi_on_the_overview_and_the_education_page_agree(built_db, monkeypatch):
    """The same 任市 figures on the two pages (AppTest): the tracker's detail and the
    education page's township table."""
    overview = open_app(built_db, monkeypatch, lang="zh")
    detail = " ".join(str(v) for d in overview.dataframe for v in d.value.to_numpy().ravel())
    beds, boarders = (int(x.replace(",", "")) for x in
                      re.search(r"任市：床位 ([\d,]+) / 寄宿生 ([\d,]+)", detail).groups())
    edu = open_app(built_db, monkeypatch, "education", lang="zh")
    town = next(d.value for d in edu.dataframe if "试点寄宿镇" in d.value.columns)
    ren = town[town["乡镇（街道）"] == "任市镇"].iloc[0]
    assert (ren["寄宿床位（张）"], ren["登记寄宿生（人）"]) == (beds, boarders)


def test_the_planner_names_the_registered_figures_of_the_education_page(built_db, monkeypatch):
    """The planner's modelled need is labelled apart; its comparison line repeats the
    registered totals the education page states, and its beds today are those beds."""
    edu = open_app(built_db, monkeypatch, "education", lang="zh")
    summary = next(m.value for m in edu.markdown if "义务教育学校登记寄宿生" in m.value)
    boarders, beds = re.search(r"登记寄宿生 \*\*([\d,]+)\*\* 人、寄宿床位 \*\*([\d,]+)\*\* 张",
                               summary).groups()
    planner = open_app(built_db, monkeypatch, "plan_boarding", lang="zh")
    line = next(c.value for c in planner.caption if c.value.startswith("对照：学校登记表中"))
    assert f"登记寄宿生 {boarders} 人、寄宿床位 {beds} 张" in line
    result = next(m.value for m in planner.markdown if "名学生需要寄宿" in m.value)
    assert f"现有寄宿床位 {beds} 张" in result


def test_education_page_totals_add_up(built_db, monkeypatch):
    """beds − boarders = spare − short, and the short schools are those of the school table."""
    edu = open_app(built_db, monkeypatch, "education", lang="en")
    summary = next(m.value for m in edu.markdown if "compulsory-education schools register" in m.value)
    nums = [int(x.replace(",", "")) for x in re.findall(r"[−+-]?\d[\d,]*", summary)]
    boarders, beds, _n, n_short, short, spare, balance = nums[:7]
    assert beds - boarders == spare - short == balance
    school = next(d.value for d in edu.dataframe if "Beds spare (+) / short (−)" in d.value.columns
                  and "Type" in d.value.columns)
    gap = school["Beds spare (+) / short (−)"]
    assert (gap < 0).sum() == n_short and -gap[gap < 0].sum() == short
    assert school["Registered boarders"].sum() == boarders
