"""The report CLI on a database built from data/: runs, parses, and agrees with the metrics."""

from __future__ import annotations

import json
import math

import pytest

from etl import db, store
from metrics import __main__ as cli
from metrics.indicators import CATALOGUE, DOMAINS, GROUPINGS, evaluate, prepare
from metrics.report import MEASURE_KEYS, REPORT_SCHEMA, build_report, county_town, render_text


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "equity.duckdb"
    db.build(path)
    return path


@pytest.fixture(scope="module")
def frames(db_path):
    return store.read_frames(db_path)


@pytest.fixture(scope="module")
def cli_json(db_path):
    return _run_cli(["report", "--db", str(db_path), "--json", "--all"])


def _run_cli(argv: list[str]) -> str:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main(argv) == 0
    return buf.getvalue()


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and (b is None or (isinstance(b, float) and math.isnan(b)))
    return a == pytest.approx(float(b), rel=1e-12, abs=1e-12)


def test_read_frames(frames):
    assert set(frames) == {"units", "facilities", "townships"}
    assert len(frames["units"]) > 100 and len(frames["townships"]) == 13
    assert frames["units"]["code"].is_monotonic_increasing
    with pytest.raises(ValueError):
        store.read_frames("nowhere.duckdb", ("units; DROP TABLE units",))


def test_read_frames_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        store.read_frames(tmp_path / "absent.duckdb")
    assert not (tmp_path / "absent.duckdb").exists()


def test_json_parses_and_has_every_domain(cli_json):
    report = json.loads(cli_json)
    assert report["schema"] == REPORT_SCHEMA
    assert [d["key"] for d in report["domains"]] == list(DOMAINS)
    listed = [i["key"] for d in report["domains"] for i in d["indicators"]]
    assert listed == [i.key for d in DOMAINS for i in CATALOGUE if i.domain == d]
    assert report["meta"]["county_town"]["name"] == "淙城街道"
    for d in report["domains"]:
        assert d["indicators"], d["key"]
        for ind in d["indicators"]:
            assert set(ind["by"]) == set(GROUPINGS)
            for block in ind["by"].values():
                if block["measures"] is not None:
                    assert set(block["measures"]) == set(MEASURE_KEYS)


def test_json_numbers_equal_the_metrics(cli_json, frames):
    report = json.loads(cli_json)
    town = county_town(frames["townships"])
    table = evaluate(prepare(frames["units"], frames["facilities"], county_town=town))
    for ind in (i for d in report["domains"] for i in d["indicators"]):
        key = ind["key"]
        assert _same(ind["county"]["value"], table.county.loc[key, "value"]), key
        for by in GROUPINGS:
            s = table.summaries[key][by]
            block = ind["by"][by]
            if s is None:
                assert block["measures"] is None and block["groups"] == []
                continue
            for m in ("gini", "theil", "theil_between", "theil_within", "mld", "difference",
                      "ratio", "coefficient_of_variation", "index_of_disparity", "par", "paf",
                      "sii", "rii", "pair_difference"):
                assert _same(block["measures"][m], s[m]), (key, by, m)
            means = s["groups"]["mean"]
            for g in block["groups"]:
                assert _same(g["value"], means[g["group"]]), (key, by, g["group"])


def test_sii_over_quintiles_in_order(cli_json):
    report = json.loads(cli_json)
    ind = next(i for d in report["domains"] for i in d["indicators"]
               if i["key"] == "health_doctors_2sfca_per_1000")
    block = ind["by"]["distance_quintile"]
    assert [g["group"] for g in block["groups"]] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert block["measures"]["sii"] is not None and block["measures"]["rii"] is not None
    assert block["measures"]["difference_groups"] == ["Q1", "Q5"]  # advantaged − disadvantaged
    ur = ind["by"]["urban_rural"]["measures"]
    assert ur["pair"] == ["urban", "rural"] and ur["pair_difference"] is not None


def test_text_report_has_both_languages_and_every_domain(db_path):
    text = _run_cli(["report", "--db", str(db_path)])
    for zh, en in DOMAINS.values():
        assert f"== {zh} {en} ==" in text
    for label in ("城镇 urban", "乡村 rural", "淙城街道", "Gini", "Theil", "SII", "RII", "PAF",
                  "变异系数 CoV", "差异指数 IDisW"):
        assert label in text, label


def test_overrides_reach_the_report(frames, db_path):
    out = json.loads(_run_cli(["report", "--db", str(db_path), "--json",
                               "--set", "primary_lower_max_min=60"]))
    assert out["meta"]["overrides"] == {"primary_lower_max_min": 60.0}
    base = build_report(frames)
    share = {r: next(i for d in r_["domains"] for i in d["indicators"]
                     if i["key"] == "edu_primary_share_30min")["county"]["value"]
             for r, r_ in (("base", base), ("wider", out))}
    assert share["wider"] >= share["base"]
    with pytest.raises(SystemExit):
        cli.main(["report", "--db", str(db_path), "--set", "no_such_setting=1"])


def test_render_text_of_the_built_report(frames):
    report = build_report(frames, all_indicators=True)
    text = render_text(report)
    assert "Kaijiang" in text and text.count("● ") == len(CATALOGUE)
    json.dumps(report, allow_nan=False)
