"""Going live without the demo (issue 12, item 3): ``etl build --no-demo`` builds the
reference data and the county's own registers only, and every page then says in words what
is missing instead of drawing an empty chart or raising.

AppTest on (a) a ``--no-demo`` database with no register and (b) the same with only the real
clinic sample loaded; the pure guards behind the pages are tested on small frames."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl import db, pipeline
from metrics import boarding, provenance
from metrics.indicators import INDICATORS, evaluate, prepare, register_loaded
from tests.conftest import open_app
from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"
PAGES = ("overview", "education", "health", "elderly_care", "culture", "plan_subcentre",
         "plan_consortia", "plan_boarding", "plan_scenarios", "data")


@pytest.fixture(scope="module")
def no_demo_db(tmp_path_factory) -> Path:
    """(a) ``build(demo=False)``: the reference data, no register at all."""
    path = tmp_path_factory.mktemp("nodemo") / "equity.duckdb"
    db.build(path, demo=False)
    return path


@pytest.fixture(scope="module")
def clinics_only_db(tmp_path_factory) -> Path:
    """(b) ``--no-demo`` plus the real clinic sample (6 clinics, GCJ-02, 2024), as
    ``etl load … --kind clinics --crs gcj02 --year 2024`` loads it."""
    path = tmp_path_factory.mktemp("clinics") / "equity.duckdb"
    db.build(path, demo=False)
    with db.writing(path, what="test load") as change:
        result = pipeline.load_file(change.con, SAMPLE, "clinics", crs="gcj02",
                                    data_dir=path.parent, year=2024, require_year=True)
    assert result.rows_loaded == 6
    return path


def _register(kind: str, lang: str) -> str:
    label = t(f"kind.{kind}", lang)
    return t("origin.register", lang, kind=label if lang == "zh" else label.lower())


def _said(at) -> str:
    return " ".join(e.value for kind in ("info", "warning", "error") for e in getattr(at, kind))


def _points(trace: dict) -> int:
    """Data points of a plotly trace (markers, bars, areas…)."""
    return max((len(trace.get(k) or []) for k in ("x", "y", "lon", "lat", "locations", "z",
                                                  "values", "cells")), default=0)


def _empty_charts(at) -> list[str]:
    out = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if not any(_points(tr) for tr in spec.get("data", [])):
            out.append(chart.proto.id)
    return out


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_the_demo_every_page_says_what_is_missing(no_demo_db, monkeypatch, page, lang):
    at = open_app(no_demo_db, monkeypatch, page, lang=lang)  # asserts: no exception
    said = _said(at)
    missing = "尚未导入" if lang == "zh" else "Not loaded yet"
    assert missing in said
    assert not at.warning or all("示例数据" not in w.value and "Synthetic data" not in w.value
                                 for w in at.warning)  # nothing generated on screen
    if page != "data":  # each page's own sections name the population register and say how
        assert _register("population", lang) in said, said
        assert "python -m etl load" in said
    assert not _empty_charts(at), page
    if page in ("education", "health", "elderly_care", "culture"):
        assert not at.dataframe, page  # sentences, not tables of zeros
    if page == "overview":  # each countable plan-tracker row names the register it lacks
        tracker = at.dataframe[-1].value
        detail = tracker[t("plan.detail", lang)].tolist()
        assert any(_register("elderly_care", lang) in d for d in detail), detail


@pytest.mark.parametrize("page", PAGES)
def test_with_only_a_real_clinic_register_every_page_works(clinics_only_db, monkeypatch, page):
    at = open_app(clinics_only_db, monkeypatch, page, lang="zh")
    said = _said(at)
    assert "尚未导入" in said
    assert not _empty_charts(at), page
    if page in ("health", "plan_subcentre", "plan_consortia"):
        assert _register("hospitals", "zh") in said
    if page != "data":
        assert _register("population", "zh") in said


def test_the_clinic_register_shows_on_the_health_page(clinics_only_db, monkeypatch):
    at = open_app(clinics_only_db, monkeypatch, "health", lang="en")
    counts = at.dataframe[0].value
    assert 6 in counts.iloc[:, 1].tolist()  # the six village clinics by kind
    banner = " ".join(e.value for e in at.info)
    assert t("origin.missing", "en", items="").split(":")[0] in banner
    # the clinics are real and loaded: never named as missing
    assert _register("clinics", "en") not in " ".join(
        e.value for e in at.info if "Not loaded yet" in e.value and "cannot" in e.value)


def test_the_overview_map_shows_the_clinics_without_population(clinics_only_db, monkeypatch):
    at = open_app(clinics_only_db, monkeypatch, "overview", lang="zh",
                  ind="health_clinic_coverage", fac=["village_clinic"])
    assert not _empty_charts(at)
    assert at.get("plotly_chart"), "the map with the six clinics is drawn"


# -- the pure guards ------------------------------------------------------------------------------

def _bare_units(n: int = 3) -> pd.DataFrame:
    """Units as the reference gives them without the demo: codes, no point, no population."""
    return pd.DataFrame({"code": [f"u{i}" for i in range(n)], "township_code": "t",
                         "urban_rural": ["urban", "rural", "rural"][:n],
                         "lon": np.nan, "lat": np.nan, "population": np.nan,
                         **dict.fromkeys(("pop_0_2", "pop_3_5", "pop_6_11", "pop_12_14",
                                          "pop_15_17", "pop_18_59", "pop_60_64", "pop_65_plus"),
                                         np.nan)})


def _no_facilities() -> pd.DataFrame:
    return pd.DataFrame({"id": pd.Series(dtype=str), "type": pd.Series(dtype=str),
                         "tier": pd.Series(dtype=str), "unit_code": pd.Series(dtype=str),
                         "township_code": pd.Series(dtype=str), "lon": pd.Series(dtype=float),
                         "lat": pd.Series(dtype=float)})


def test_missing_items_names_population_then_the_kinds():
    kinds = {"clinics": ("village_clinic",), "hospitals": ("health_centre",)}
    fac = pd.DataFrame({"type": ["village_clinic"]})
    assert provenance.missing_items(_bare_units(), fac, kinds, ["hospitals", "clinics"]) == [
        "population", "hospitals"]
    located = _bare_units().assign(lon=107.8, lat=31.1, population=100)
    assert provenance.missing_items(located, fac, kinds, ["clinics"]) == []
    assert provenance.missing_items(None, _no_facilities(), kinds, ["clinics"]) == ["clinics"]


def test_units_without_points_or_population_are_a_missing_item():
    out = provenance.origin(_bare_units().assign(is_synthetic=False, pop_year=None, source="NBS"),
                            pd.DataFrame({"type": [], "is_synthetic": [], "year": [],
                                          "source": []}), {"clinics": ("village_clinic",)})
    assert out.set_index("item")["status"].to_dict() == {"units": "missing", "clinics": "missing"}


def test_indicators_on_bare_units_and_no_facility_are_unknown_not_zero():
    table = evaluate(prepare(_bare_units(), _no_facilities()))
    assert table.county["value"].isna().all()
    assert (table.county["n_units"] == 0).all()


def test_an_unloaded_register_gives_no_value_where_a_loaded_one_gives_zero():
    units = _bare_units().assign(lon=[107.8, 107.9, 108.0], lat=31.1,
                                 population=100, pop_6_11=10, pop_60_64=5, pop_65_plus=5)
    post = INDICATORS["culture_courtyard_post_coverage"]
    share = INDICATORS["health_centre_share_15min"]
    none = evaluate(prepare(units, _no_facilities(), catalogue=[post, share])).county["value"]
    assert none.isna().all()  # no culture or health register at all: unknown
    complex_ = pd.DataFrame({"id": ["c"], "type": ["township_complex"], "tier": ["township"],
                             "unit_code": [None], "township_code": ["t"], "lon": [107.8],
                             "lat": [31.1]})
    some = evaluate(prepare(units, complex_, catalogue=[post, share])).county["value"]
    assert some[post.key] == 0.0  # the culture register is loaded and lists no courtyard post
    assert np.isnan(some[share.key])  # still no health register
    assert register_loaded(complex_, post.facility_types)
    assert not register_loaded(complex_, INDICATORS["health_clinic_coverage"].facility_types)


def test_boarding_plan_without_schools_does_not_raise():
    units = pd.DataFrame({"pop_6_11": [40.0], "pop_12_14": [12.0]}, index=["v"])
    schools = pd.DataFrame({"type": pd.Series(dtype=str),
                            "boarding_beds": pd.Series(dtype=float)})
    plan = boarding.boarding_plan(units, schools, np.zeros((1, 0)), boarding=[])
    assert plan.units["primary_school"].tolist() == [None]
    assert plan.summary["boarders"] == 0


def test_coverage_without_open_sites_or_villages():
    from metrics.planning import coverage as coverage_stats

    none_open = coverage_stats(np.zeros((2, 0)), np.array([1.0, 3.0]), [], 30)
    assert none_open["within"] == 0.0 and np.isnan(none_open["mean_min"])
    assert np.isnan(coverage_stats(np.zeros((0, 1)), np.zeros(0), [0], 30)["share"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_missing_text_names_the_registers_and_how_to_load_them(lang):
    from ui.domain import missing_text

    text = missing_text(["population", "elderly_care"], lang, "x")
    assert _register("population", lang) in text and _register("elderly_care", lang) in text
    assert "--kind population" in text and "--kind elderly_care" in text
    assert text.startswith("尚未导入" if lang == "zh" else "Not loaded yet")
    if lang == "zh":
        assert "村（社区）人口与位置缺失" in text
