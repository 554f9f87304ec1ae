"""数据 through AppTest: loads, rejected rows with reasons, templates and how to load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl import db, pipeline
from etl.aliases import FIELDS
from tests.conftest import open_app
from ui.i18n import t

MESSY = Path(__file__).parent / "data" / "messy"
INJECTION = "'; DROP TABLE units; --"


@pytest.fixture(scope="module")
def db_with_rejects(built_db, tmp_path_factory):
    """The default database plus two messy registers that leave rejected rows."""
    path = tmp_path_factory.mktemp("rejects") / "equity.duckdb"
    shutil.copy(built_db, path)
    con = db.connect(path)
    try:
        pipeline.load_file(con, MESSY / "clinics_gbk.csv", "clinics", crs="gcj02", keep_raw=False)
        pipeline.load_file(con, MESSY / "hospitals.xlsx", "hospitals", keep_raw=False)
        loads = con.execute("SELECT load_id, file_name FROM loads ORDER BY load_id").df()
        rejects = con.execute("SELECT * FROM rejects ORDER BY load_id, row_number").df()
    finally:
        con.close()
    return path, loads, rejects


def qp(at, name):
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) and len(v) == 1 else v


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_default_data_has_loads_and_no_rejects(built_db, monkeypatch, lang):
    monkeypatch.delenv("EQUITY_ADMIN_PASSWORD", raising=False)
    at = open_app(built_db, monkeypatch, "data", lang=lang)
    assert any(s.value == t("dp.loads", lang) for s in at.subheader)
    loads = at.dataframe[0].value
    assert len(loads) == 7
    assert "schools_2024.xlsx" in loads.iloc[:, 1].tolist()
    assert any(t("dp.no_rejects", lang) in s.value for s in at.success)
    # without an admin account the page says data changes are disabled and how to enable them
    assert any(t("auth.disabled", lang) in i.value for i in at.info)
    assert any("python -m etl load FILE --kind" in c.value for c in at.code)
    assert any(t("synthetic.title", lang) in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rejects_with_reasons_in_the_chosen_language(db_with_rejects, monkeypatch, lang):
    path, loads, rejects = db_with_rejects
    at = open_app(path, monkeypatch, "data", lang=lang)
    shown = next(d.value for d in at.dataframe if len(d.value) == len(rejects))
    reason_col = "reason_zh" if lang == "zh" else "reason_en"
    assert sorted(shown.iloc[:, -1]) == sorted(rejects[reason_col])
    # raw values as plain text, exactly as stored
    assert sorted(shown.iloc[:, 4]) == sorted(rejects["raw"])


def test_filter_by_load_from_the_url_and_widget(db_with_rejects, monkeypatch):
    path, loads, rejects = db_with_rejects
    hospitals = int(loads.loc[loads["file_name"] == "hospitals.xlsx", "load_id"].iloc[0])
    at = open_app(path, monkeypatch, "data", load=str(hospitals))
    assert at.selectbox(key="load").value == str(hospitals)
    n = int((rejects["load_id"] == hospitals).sum())
    assert any(t("dp.rejects_count", "zh", n=n) in c.value for c in at.caption)
    clinics = int(loads.loc[loads["file_name"] == "clinics_gbk.csv", "load_id"].iloc[0])
    at.selectbox(key="load").set_value(str(clinics)).run()
    assert qp(at, "load") == str(clinics)
    n = int((rejects["load_id"] == clinics).sum())
    assert any(t("dp.rejects_count", "zh", n=n) in c.value for c in at.caption)


def test_templates_list_the_accepted_headers(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "data", kind="clinics", lang="en")
    assert at.selectbox(key="kind").value == "clinics"
    fields = next(d.value for d in at.dataframe if t("dp.aliases", "en") in d.value.columns)
    expected = [f for f in FIELDS if "clinics" in f.kinds]
    assert fields[t("dp.field", "en")].tolist() == [f.name for f in expected]
    assert "卫生室名称" in fields[t("dp.aliases", "en")].iloc[1]
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("dp.template_csv", "en") in labels and t("dp.template_xlsx", "en") in labels
    assert t("download.brief", "en") in labels
    at.selectbox(key="kind").set_value("culture").run()
    assert qp(at, "kind") == "culture"
    assert any("--kind culture" in c.value for c in at.code)


def test_invalid_params_fall_back(db_with_rejects, monkeypatch):
    path, _loads, rejects = db_with_rejects
    at = open_app(path, monkeypatch, "data", load=INJECTION, kind=INJECTION, lang=INJECTION)
    assert at.selectbox(key="load").value == "all"
    assert at.selectbox(key="kind").value == "schools"
    assert qp(at, "lang") == "zh"
    con = db.connect(path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 162
        assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == len(rejects)
    finally:
        con.close()
