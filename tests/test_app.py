"""The app through Streamlit's AppTest, on the database built from data/."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from etl import db


@pytest.fixture
def app(built_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("EQUITY_DB", str(built_db))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    return at


def test_overview_shows_the_headline_numbers_from_the_database(app, built_db):
    assert not app.exception
    con = db.connect(built_db, read_only=True)
    try:
        s = db.status(con)
    finally:
        con.close()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["乡镇（街道） Townships"] == "13"
    assert metrics["村（社区） Villages and communities"] == "162"
    assert metrics["常住人口 Residents (2020)"] == "414,310"
    assert metrics["教育 Education"] == str(s["facilities_education"])
    assert metrics["城镇化率 Urban share (2020 census)"] == "43.53 %"


def test_synthetic_banner_is_shown(app):
    assert any("示例数据" in w.value for w in app.warning)
