"""The sub-centre page through AppTest (issue 16): the default proposal is made of eligible
centres with their load per bed, its shared link (old or new) reopens it, widening the
eligibility is a choice that says what it costs, every model runs or says why not, and the
next-best proposal is explained."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import db
from metrics import planning as mp
from tests.conftest import open_app
from ui.frame import fmt
from ui.i18n import TEXT, t


@pytest.fixture(scope="module")
def instance(built_db) -> mp.SubcentreInstance:
    con = db.connect(built_db, read_only=True)
    try:
        units = con.execute("SELECT * FROM units ORDER BY code").df()
        facilities = con.execute("SELECT * FROM facilities ORDER BY id").df()
    finally:
        con.close()
    return mp.subcentre_instance(units, facilities)


def _said(at) -> str:
    return "\n".join(e.value for kind in (at.success, at.warning, at.info, at.markdown)
                     for e in kind)


def _names(inst: mp.SubcentreInstance, cols) -> list[str]:
    return [str(inst.sites["name"].iloc[j]) for j in cols]


def test_default_two_site_proposal_is_eligible_with_its_load_per_bed(built_db, monkeypatch,
                                                                     instance):
    """The link of the review (two sites, p-median, no eligibility in it) opens the proposal
    of central health centres only, each with beds, residents per bed and the flag."""
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="zh", n_new="2",
                  objective="pmedian", run="1")
    out = mp.solve_subcentre(instance, 2, "pmedian", 30.0, eligible_types=mp.ELIGIBLE_TYPES_DEFAULT)
    central = set(instance.sites.index[instance.sites["type"] == "central_health_centre"])
    assert len(out.new) == 2 and set(out.new) <= central
    proposal = at.success[0].value
    for j in out.new:
        name, beds = instance.sites["name"].iloc[j], instance.sites["beds"].iloc[j]
        assert t("plan.sub.site_beds", "zh", name=name, beds=f"{beds:,.0f}") in proposal
    # no ordinary health centre is proposed
    ordinary = instance.sites[instance.sites["type"] == "health_centre"]["name"]
    assert not [n for n in ordinary if n in proposal]
    # the load per bed of each, against the county's, flagged when far above it
    load = mp.subcentre_assignment(instance, out.result)
    county = mp.county_load(instance)["per_bed"]
    warned = " ".join(w.value for w in at.warning)
    for r in load[[("chosen" in roles) for roles in load["roles"]]].itertuples():
        row = t("plan.sub.load_row", "zh", name=r.names[0], beds=fmt(r.beds, "", 0),
                served=fmt(r.served, "", 0), per_bed=fmt(r.per_bed, "", 0),
                times=fmt(r.load_ratio, "", 1), need=fmt(r.beds_at_county, "", 0))
        assert (row in warned) == bool(r.per_bed > mp.LOAD_FLAG_RATIO * county)
    table = at.dataframe[0].value
    per_bed = table[[c for c in table.columns if c.startswith(TEXT["plan.sub.col.per_bed"][0])][0]]
    assert per_bed.notna().all()
    # the shared link names everything the proposal depends on
    assert {k: at.query_params[k] for k in ("eligible", "objective", "n_new", "run")} == {
        "eligible": "central", "objective": "pmedian", "n_new": "2", "run": "1"}
    # and opens it again, the same
    again = open_app(built_db, monkeypatch, "plan_subcentre",
                     **{k: at.query_params[k] for k in at.query_params})
    assert again.success[0].value.split("（求解用时")[0] == proposal.split("（求解用时")[0]


def test_widening_to_every_health_centre_is_a_choice(built_db, monkeypatch, instance):
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="en", n_new="2",
                  eligible="all", run="1")
    out = mp.solve_subcentre(instance, 2, "pmedian", 30.0, eligible_types=mp.ELIGIBILITY["all"].types)
    proposal = at.success[0].value
    assert all(n in proposal for n in _names(instance, out.new))
    assert "among all township health centres" in proposal
    eligible_note = [c.value for c in at.caption if c.value.startswith("Eligible:")]
    assert eligible_note and "20 to choose from" in eligible_note[0]


def test_the_next_best_proposal_is_explained(built_db, monkeypatch, instance):
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="en", n_new="2", run="1")
    out = mp.solve_subcentre(instance, 2, "pmedian", 30.0, eligible_types=mp.ELIGIBLE_TYPES_DEFAULT)
    alt = mp.next_best(instance, out)
    text = [m.value for m in at.markdown if m.value.startswith(("**Next best", "**An equally"))]
    assert text, _said(at)
    assert all(n in text[0] for n in _names(instance, alt.solution.new))
    assert f"{_names(instance, alt.added)[0]} instead of {_names(instance, alt.dropped)[0]}" in text[0]
    assert fmt(mp.model_value(instance, alt.solution), "", 1) in text[0]


def test_set_covering_says_which_villages_no_eligible_centre_reaches(built_db, monkeypatch,
                                                                    instance):
    limit = mp.cover_limit_min(instance, mp.ELIGIBLE_TYPES_DEFAULT)
    assert limit > 30.0  # the generated data: two villages lie beyond 30 minutes
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="zh", objective="lscp",
                  cover_min="30", run="1")
    far = mp.beyond_reach(instance, 30.0, mp.ELIGIBLE_TYPES_DEFAULT)
    warned = " ".join(w.value for w in at.warning)
    assert f"{limit:.1f}" in warned and all(n in warned for n in far["name"])
    assert not at.success and "run" not in at.query_params
    # widened, set covering finds the fewest sub-centres itself
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="zh", objective="lscp",
                  eligible="all", cover_min="30", run="1")
    out = mp.solve_subcentre(instance, 1, "lscp", 30.0, eligible_types=mp.ELIGIBILITY["all"].types)
    assert f"最少需要 {len(out.new)} 所次中心" in at.success[0].value


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("objective", mp.MODELS)
def test_every_model_runs_from_its_link(built_db, monkeypatch, lang, objective):
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang=lang, objective=objective,
                  n_new="2", cover_min="45", run="1")
    assert at.success, _said(at)
    assert at.query_params["objective"] == objective and at.query_params["run"] == "1"
    assert len(at.dataframe[0].value) >= 2  # the county hospitals and a sub-centre at least
    if lang == "en":
        assert not [m.label for m in at.metric if "分钟" in m.label or "人口" in m.label]


def test_hostile_values_fall_back_to_the_defaults(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="en", eligible="<b>all</b>",
                  objective="'; DROP TABLE units; --", n_new="2", run="1")
    assert at.radio(key="eligible").value == "central"
    assert at.selectbox(key="objective").value == "pmedian"
    assert at.success and "among central health centres" in at.success[0].value


def test_the_sub_centre_page_states_its_county_figure(built_db, monkeypatch, instance):
    at = open_app(built_db, monkeypatch, "plan_subcentre", lang="en", n_new="1", run="1")
    county = mp.county_load(instance)
    note = [c.value for c in at.caption if c.value.startswith("Residents per bed")]
    assert note and f"{county['residents']:,.0f} residents" in note[0]
    assert f"{county['beds']:,.0f} beds" in note[0] and f"= {county['per_bed']:,.0f} a bed" in note[0]
    assert isinstance(at.dataframe[0].value, pd.DataFrame)
