"""Every slider of a setting shows the range and step the setting declares (metrics.settings).

A setting's slider is declared once, beside the setting; every page reads it through
``metrics.settings.slider`` (``ui.settings_ui.setting_slider``), so the URL parameter named
by the setting's key means the same on every page: a float within the same bounds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.proto.Slider_pb2 import Slider as SliderProto

from metrics import settings
from metrics.indicators import CATALOGUE
from tests.conftest import open_app
from ui.settings_ui import settings_of

ROOT = Path(__file__).resolve().parents[1]

#: One domain-page view per distinct set of setting sliders: (page, indicator).
DOMAIN_VIEWS = sorted({(i.domain, tuple(settings_of(i))): i.key
                       for i in CATALOGUE if settings_of(i)}.items())
#: One overview per threshold an indicator can have (its slider on the overview).
OVERVIEW_VIEWS = sorted({i.threshold: i.key for i in CATALOGUE if i.threshold}.items())


def _setting_sliders(at) -> dict[str, SliderProto]:
    """The page's sliders whose key is a setting, by key."""
    return {s.key: s.proto for s in at.slider if s.key in settings.SETTINGS}


def _assert_declared(sliders: dict[str, SliderProto]) -> None:
    for key, proto in sliders.items():
        lo, hi, step = settings.slider(key)
        assert (proto.min, proto.max, proto.step) == pytest.approx((lo, hi, step)), key
        assert proto.data_type == SliderProto.FLOAT, key


@pytest.mark.parametrize(("view", "ind"), DOMAIN_VIEWS, ids=[v[1] for v in DOMAIN_VIEWS])
def test_domain_page_sliders_come_from_the_settings(built_db, monkeypatch, view, ind):
    domain, keys = view
    at = open_app(built_db, monkeypatch, domain, ind=ind)
    sliders = _setting_sliders(at)
    assert sorted(sliders) == sorted(keys)
    _assert_declared(sliders)


@pytest.mark.parametrize(("threshold", "ind"), OVERVIEW_VIEWS, ids=[v[0] for v in OVERVIEW_VIEWS])
def test_overview_slider_comes_from_the_settings(built_db, monkeypatch, threshold, ind):
    at = open_app(built_db, monkeypatch, ind=ind)
    sliders = _setting_sliders(at)
    assert list(sliders) == [threshold]
    _assert_declared(sliders)


def test_a_domain_link_means_the_same_on_the_overview(built_db, monkeypatch):
    """A threshold written by a domain page ("45.0") is read by the overview, and back."""
    at = open_app(built_db, monkeypatch, ind="edu_primary_share_30min",
                  primary_lower_max_min="45.0")
    assert at.slider(key="primary_lower_max_min").value == 45.0
    at = open_app(built_db, monkeypatch, "education", ind="edu_primary_share_30min",
                  primary_lower_max_min="45")
    assert at.slider(key="primary_lower_max_min").value == 45.0


def test_boarding_planner_sliders_come_from_the_settings(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, "plan_boarding", timeout=240)
    sliders = _setting_sliders(at)
    assert sliders
    _assert_declared(sliders)


def _slider_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute) and n.func.attr == "slider"]


@pytest.mark.parametrize("path", sorted([*ROOT.glob("views/*.py"), *ROOT.glob("ui/*.py")]),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_page_draws_a_setting_slider_of_its_own(path):
    """A slider keyed by a setting's name is drawn by ui.settings_ui.setting_slider only."""
    for call in _slider_calls(path):
        for kw in call.keywords:
            if kw.arg == "key" and isinstance(kw.value, ast.Constant):
                assert kw.value.value not in settings.SETTINGS, (
                    f"{path.name}:{call.lineno}: use ui.settings_ui.setting_slider for "
                    f"{kw.value.value!r}")
