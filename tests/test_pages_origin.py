"""The banner says, per page, exactly what on that page is generated, what is real and what
is missing (issue 12, item 4): AppTest on real databases whose registers are made real or
removed by plain SQL on the stored tables."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from etl import db
from metrics import provenance
from tests.conftest import open_app
from ui.i18n import t


def _banner(at) -> str:
    return " ".join(w.value for w in at.warning)


def _texts(at, kind: str) -> str:
    return " ".join(e.value for e in getattr(at, kind))


def _register(kind: str, lang: str) -> str:
    label = t(f"kind.{kind}", lang)
    return t("origin.register", lang, kind=label if lang == "zh" else label.lower())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_the_demo_data_each_page_names_its_own_generated_registers(built_db, monkeypatch,
                                                                       lang):
    at = open_app(built_db, monkeypatch, "education", lang=lang)
    banner = _banner(at)
    for kind in ("schools", "kindergartens"):
        assert _register(kind, lang) in banner
    assert t("origin.units", lang) in banner
    for kind in ("clinics", "hospitals", "culture", "elderly_care"):
        assert _register(kind, lang) not in banner  # not on this page
    at = open_app(built_db, monkeypatch, "health", lang=lang)
    banner = _banner(at)
    assert _register("clinics", lang) in banner and _register("hospitals", lang) in banner
    assert _register("schools", lang) not in banner


@pytest.fixture
def real_schools_no_culture(built_db, tmp_path):
    """Every school and kindergarten marked real (as if the county's registers had replaced
    them), every cultural facility removed."""
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    con = db.connect(path)
    try:
        con.execute("UPDATE facilities_education SET is_synthetic = false, "
                    "source = '县教育局学校名册.xlsx', year = 2025")
        con.execute("DELETE FROM facilities_culture")
    finally:
        con.close()
    return path


def test_real_registers_leave_the_banner_and_are_named_as_real(real_schools_no_culture,
                                                               monkeypatch):
    at = open_app(real_schools_no_culture, monkeypatch, "education", lang="zh")
    banner = _banner(at)
    assert t("origin.units", "zh") in banner  # village points and population still generated
    assert _register("schools", "zh") not in banner
    real = _texts(at, "caption")
    assert "学校登记表（2025 年，县教育局学校名册.xlsx）" in real.replace("\\", "")
    assert not at.exception


def test_a_page_whose_registers_are_all_real_and_present_has_no_facility_warning(
        real_schools_no_culture, monkeypatch):
    at = open_app(real_schools_no_culture, monkeypatch, "culture", lang="en")
    assert t("origin.missing", "en", items=_register("culture", "en")) in _texts(at, "info")
    assert _register("culture", "en") not in _banner(at)
    assert not at.exception


def test_origin_counts_rows_by_hand():
    units = pd.DataFrame({"is_synthetic": [True, False, False], "pop_year": [2020, 2023, 2024],
                          "source": ["demo", "人口.xlsx", "人口.xlsx"]})
    fac = pd.DataFrame({"type": ["care_home", "day_care", "care_home", "primary"],
                        "is_synthetic": [False, False, False, True],
                        "year": [2023, 2025, None, 2024],
                        "source": ["b.xlsx", "a.xlsx", "a.xlsx", "demo"]})
    out = provenance.origin(units, fac, {"elderly_care": ("care_home", "day_care"),
                                         "schools": ("primary",), "clinics": ("village_clinic",)})
    got = out.set_index("item")
    assert got.loc["units", "status"] == provenance.MIXED
    assert (got.loc["units", "real_rows"], got.loc["units", "synthetic_rows"]) == (2, 1)
    assert got.loc["units", "real_years"] == [2023, 2024]
    assert got.loc["elderly_care", "status"] == provenance.REAL
    assert got.loc["elderly_care", "rows"] == 3
    assert got.loc["elderly_care", "real_years"] == [2023, 2025]
    assert got.loc["elderly_care", "real_sources"] == ["a.xlsx", "b.xlsx"]
    assert got.loc["schools", "status"] == provenance.SYNTHETIC
    assert got.loc["clinics", "status"] == provenance.MISSING and got.loc["clinics", "rows"] == 0
