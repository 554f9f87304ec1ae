"""The settings table: complete, consistent and documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import settings
from metrics.settings import GROUPS, MODES, SETTINGS, get, settings_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics-access.md"


@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_every_setting_is_fully_described(key):
    s = SETTINGS[key]
    assert s.key == key
    assert s.group in GROUPS
    for text in (s.unit, s.zh, s.en, s.help_zh, s.help_en, s.source):
        assert text.strip()
    assert s.default >= 0
    # a verified value must cite something other than "assumption"
    assert not (s.verified and s.source == "assumption")


@pytest.mark.parametrize("key", sorted(k for k, s in SETTINGS.items() if s.slider is not None))
def test_every_slider_holds_its_default_on_its_grid(key):
    lo, hi, step = settings.slider(key)
    assert all(isinstance(v, float) for v in (lo, hi, step))
    assert 0 <= lo < hi and step > 0
    assert lo <= SETTINGS[key].default <= hi
    # the default and the upper end are reachable in whole steps from the lower end
    for v in (SETTINGS[key].default, hi):
        n = (v - lo) / step
        assert n == pytest.approx(round(n)), (key, v)


def test_every_setting_a_page_changes_has_a_slider():
    from metrics.indicators import CATALOGUE

    used = {i.threshold for i in CATALOGUE if i.threshold} | {MODES[i.mode] for i in CATALOGUE if i.mode}
    assert all(SETTINGS[k].slider is not None for k in used)
    with pytest.raises(KeyError, match="no slider"):
        settings.slider("detour_factor")
    with pytest.raises(KeyError):
        settings.slider("nope")


def test_every_mode_has_a_speed_setting():
    for mode, key in MODES.items():
        assert key in SETTINGS and SETTINGS[key].unit == "km/h", mode


def test_get_and_overrides():
    assert get("hospital_beds_per_1000") == 6.0
    assert get("detour_factor", {"detour_factor": 1.4}) == 1.4
    with pytest.raises(KeyError):
        get("nope")
    with pytest.raises(KeyError):
        get("detour_factor", {"typo": 1.0})
    with pytest.raises(ValueError):
        get("detour_factor", {"detour_factor": -1})


def test_table_is_read_only():
    with pytest.raises(TypeError):
        settings.SETTINGS["detour_factor"] = None  # type: ignore[index]


def test_markdown_lists_every_setting_in_both_languages():
    for lang in ("en", "zh"):
        md = settings_markdown(lang)
        for key in SETTINGS:
            assert f"`{key}`" in md


def test_docs_contain_the_rendered_table():
    assert settings_markdown() in DOCS.read_text(encoding="utf-8")
