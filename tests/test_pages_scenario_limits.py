"""Limits on saving scenarios, through the page (AppTest): names are checked and refused with a
message (never cut), one session saves at most ``EQUITY_MAX_SCENARIOS_PER_SESSION`` and the
store holds at most ``EQUITY_MAX_SCENARIOS``; both messages in both languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import scenarios
from tests.conftest import open_app
from ui.i18n import t


@pytest.fixture
def private_db(built_db, tmp_path) -> Path:
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    return path


def save(at: AppTest, name: str, lang: str) -> list[str]:
    """Type ``name``, press Save; returns the error messages shown."""
    at.text_input[-1].set_value(name)
    next(b for b in at.button if b.label == t("plan.scn.save_button", lang)).click().run()
    assert not at.exception, at.exception
    return [e.value for e in at.error]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_names_are_checked_and_refused_with_a_message(private_db, monkeypatch, lang):
    store = scenarios.store_path(private_db)
    at = open_app(private_db, monkeypatch, "plan_scenarios", timeout=240, lang=lang)
    long = "长" * (scenarios.MAX_NAME + 5)
    assert save(at, long, lang) == [t("plan.scn.name_too_long", lang, max=scenarios.MAX_NAME,
                                      n=scenarios.MAX_NAME + 5)]
    assert save(at, "第一行\n第二行", lang) == [t("plan.scn.name_control", lang)]
    assert save(at, "\u200b \u202e", lang) == [t("plan.scn.need_name", lang)]
    assert scenarios.list_all(store).empty  # nothing saved, nothing cut
    assert save(at, "  关闭\u200b甘棠\u202e ", lang) == []
    assert list(scenarios.list_all(store)["name"]) == ["关闭甘棠"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_saves_per_session_and_in_total_are_limited(private_db, monkeypatch, lang):
    store = scenarios.store_path(private_db)
    monkeypatch.setenv(scenarios.ENV_MAX_PER_SESSION, "2")
    monkeypatch.setenv(scenarios.ENV_MAX_TOTAL, "3")
    at = open_app(private_db, monkeypatch, "plan_scenarios", timeout=240, lang=lang)
    assert save(at, "一", lang) == [] and save(at, "二", lang) == []
    assert save(at, "三", lang) == [t("plan.scn.session_limit", lang, n=2, max=2)]
    assert len(scenarios.list_all(store)) == 2
    # another session may save until the store is full
    other = open_app(private_db, monkeypatch, "plan_scenarios", timeout=240, lang=lang)
    assert save(other, "三", lang) == []
    assert save(other, "四", lang) == [t("plan.scn.store_full", lang, max=3)]
    assert sorted(scenarios.list_all(store)["name"]) == sorted(["一", "二", "三"])
