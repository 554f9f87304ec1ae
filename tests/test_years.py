"""Two years of registers: the year selector, the data as of a year, and the change against
the previous year on the cards, equal to the difference computed from each year's rows."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl import db
from metrics import indicators
from metrics.years import change, previous_year
from tests.conftest import ROOT, open_app
from ui.domain import fmt_change

CLINICS = ROOT / "data" / "registers" / "clinics_2024.csv"
KEY = "health_clinic_coverage"


def _register(src: Path, out: Path, year: int, keep) -> Path:
    """The generated clinic register rewritten as a county register of ``year``: rows kept
    by ``keep(i)``, the year column set, the "generated" note column dropped."""
    with open(src, encoding="gbk", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    drop = header.index("数据性质")
    year_col = header.index("年份")
    out_rows = [[c for j, c in enumerate(header) if j != drop]]
    for i, r in enumerate(rows[1:]):
        if keep(i):
            r[year_col] = str(year)
            out_rows.append([c for j, c in enumerate(r) if j != drop])
    with open(out, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(out_rows)
    return out


@pytest.fixture(scope="module")
def two_years(built_db, tmp_path_factory) -> Path:
    """The demo database with real clinic registers of 2023 (every third clinic) and 2024
    (all of them) loaded through the command line."""
    folder = tmp_path_factory.mktemp("years")
    path = folder / "equity.duckdb"
    shutil.copyfile(built_db, path)
    for year, keep in ((2023, lambda i: i % 3 == 0), (2024, lambda _i: True)):
        f = _register(CLINICS, folder / f"clinics_{year}.csv", year, keep)
        done = subprocess.run([sys.executable, "-m", "etl", "--db", str(path), "load", str(f),
                               "--kind", "clinics"], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    return path


def _values(path: Path, year: int) -> dict[str, float]:
    """County, urban and rural values of the indicator from the rows of ``year`` alone."""
    con = db.connect(path, read_only=True)
    try:
        units = con.execute("SELECT * FROM units ORDER BY code").df()
        fac = con.execute("SELECT * FROM facilities_in_year(?) ORDER BY id", [year]).df()
    finally:
        con.close()
    table = indicators.evaluate(indicators.prepare(units, fac), {})
    groups = table.summaries[KEY]["urban_rural"]["groups"]["mean"]
    return {"county": float(table.county.loc[KEY, "value"]), "urban": float(groups["urban"]),
            "rural": float(groups["rural"])}


def test_the_years_hold_what_was_loaded(two_years):
    con = db.connect(two_years, read_only=True)
    try:
        n23 = con.execute("SELECT count(*) FROM facilities_in_year(2023) "
                          "WHERE type = 'village_clinic'").fetchone()[0]
        n24 = con.execute("SELECT count(*) FROM facilities WHERE type = 'village_clinic'").fetchone()[0]
        generated = con.execute("SELECT count(*) FROM facilities WHERE type = 'village_clinic' "
                                "AND is_synthetic").fetchone()[0]
    finally:
        con.close()
    assert (n23, n24, generated) == (65, 194, 0)  # 194 clinics, every third: 65


def test_the_cards_show_the_change_from_the_previous_year(two_years, monkeypatch):
    before, now = _values(two_years, 2023), _values(two_years, 2024)
    assert now["county"] > before["county"]  # three times the clinics: more units covered
    at = open_app(two_years, monkeypatch, "health", lang="zh", ind=KEY)
    assert at.sidebar.selectbox(key="year").options == ["2023", "2024"]
    assert at.sidebar.selectbox(key="year").value == 2024
    from metrics.indicators import INDICATORS

    ind = INDICATORS[KEY]
    deltas = [m.proto.delta for m in at.metric][:3]
    assert deltas == [fmt_change(change(now[g], before[g]), ind, "zh", 2023)
                      for g in ("county", "urban", "rural")]


def test_the_earlier_year_shows_its_own_figures_without_a_change(two_years, monkeypatch):
    before = _values(two_years, 2023)
    at = open_app(two_years, monkeypatch, "health", lang="en", ind=KEY, year="2023")
    assert at.sidebar.selectbox(key="year").value == 2023
    county = at.metric[0]
    assert county.value == f"{before['county']:.1f} %"
    assert not county.proto.delta  # no register year before 2023
    assert at.query_params["year"] in ("2023", ["2023"])


def test_one_year_only_has_no_selector_and_no_change(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "health", lang="zh", ind=KEY)
    assert not [s for s in at.sidebar.selectbox if s.key == "year"]
    assert not any(m.proto.delta for m in at.metric)


def test_previous_year_rules():
    years = {"clinics": (2022, 2024), "hospitals": (2023,)}
    assert previous_year(2024, ["clinics"], years) == 2022
    assert previous_year(2024, ["clinics", "hospitals"], years) == 2023
    assert previous_year(2023, ["clinics"], years) is None  # clinics have no 2023 register
    assert previous_year(None, ["schools"], years) is None
    assert change(3.0, None) is None and change(5.5, 2.0) == 3.5


def test_the_plan_tracker_shows_each_target_from_its_baseline_to_2025(two_years, monkeypatch):
    """Village cultural centres: registers of 2024 only (the clinics alone have 2023), so the
    path starts in 2024 and ends at the plan's 2025 target (every village and community)."""
    from ui.i18n import t

    con = db.connect(two_years, read_only=True)
    try:
        with_centre = con.execute("SELECT count(DISTINCT unit_code) FROM facilities "
                                  "WHERE type = 'village_centre'").fetchone()[0]
        n_units = con.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        con.close()
    at = open_app(two_years, monkeypatch, "overview", lang="zh")
    tracker = next(d.value for d in at.dataframe if t("plan.path_text", "zh") in d.value.columns)
    row = tracker.loc[tracker[t("plan.target", "zh")].str.contains("村级文化服务中心")].iloc[0]
    assert row[t("plan.path_text", "zh")] == f"2024：{with_centre:,} → 2025 年目标：{n_units:,}"
    assert list(row[t("plan.path", "zh")]) == [float(with_centre), float(n_units)]


def test_metrics_report_of_a_year(two_years):
    """``python -m metrics report --year 2023 --json`` gives the 2023 figures, the default the
    latest: each equal to the values computed from that year's rows."""
    import json

    def report(*extra: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "metrics", "report", "--db", str(two_years),
                               "--json", "--all", *extra], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def county(rep: dict) -> float:
        found = [i for d in rep["domains"] for i in d["indicators"] if i["key"] == KEY]
        return found[0]["county"]["value"]

    old, latest = report("--year", "2023"), report()
    assert old["meta"]["year"] == 2023 and "year" not in latest["meta"]
    assert county(old) == pytest.approx(_values(two_years, 2023)["county"])
    assert county(latest) == pytest.approx(_values(two_years, 2024)["county"])


def test_the_township_ranking_shows_each_townships_change(two_years, monkeypatch):
    from metrics.indicators import INDICATORS
    from ui.domain import township_table
    from ui.i18n import t, with_unit

    def by_township(year: int) -> dict[str, float]:
        con = db.connect(two_years, read_only=True)
        try:
            units = con.execute("SELECT * FROM units ORDER BY code").df()
            towns = con.execute("SELECT * FROM townships ORDER BY code").df()
            fac = con.execute("SELECT * FROM facilities_in_year(?) ORDER BY id", [year]).df()
        finally:
            con.close()
        table = indicators.evaluate(indicators.prepare(units, fac), {})
        tt = township_table(table, INDICATORS[KEY], towns)
        return dict(zip(tt["name"], tt["value"], strict=True))

    old, new = by_township(2023), by_township(2024)
    at = open_app(two_years, monkeypatch, "health", lang="en", ind=KEY)
    col = with_unit(t("year.change", "en", prev=2023), "pp", "en")
    ranking = next(d.value for d in at.dataframe if col in d.value.columns)
    name_col = t("dom.col.township", "en")
    for _, row in ranking.iterrows():
        name = row[name_col].split(" ")[0]  # "任市镇 Renshi Zhen": the Chinese name first
        want = round(new[name] - old[name], 1)
        assert row[col] == (f"{want:+,.1f}" if want else "0.0")
