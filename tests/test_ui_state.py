"""ui.state: URL parameters honoured, updated by widgets, invalid values fall back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from ui.state import as_bool, copy_link_html, parse, parse_list, serialise, share_url

INJECTION = "'; DROP TABLE units; --"


def page():
    """A tiny page in the house pattern: bind -> widget with key= -> sync -> copy link."""
    import streamlit as st

    from ui import state

    domains = ["education", "health", "elderly_care", "culture"]
    lang = state.language_selector()
    state.bind("domain", "education", options=domains)
    st.selectbox("domain", domains, key="domain")
    state.bind("max_min", 30, cast=int, bounds=(5, 120))
    st.slider("max_min", 5, 120, key="max_min")
    state.bind("weighted", True, cast=state.as_bool)
    st.checkbox("weighted", key="weighted")
    state.bind_list("types", ["health_centre"], options=["health_centre", "village_clinic"])
    st.multiselect("types", ["health_centre", "village_clinic"], key="types")
    state.sync(domain=st.session_state["domain"], max_min=st.session_state["max_min"],
               weighted=st.session_state["weighted"], types=st.session_state["types"])
    st.write(f"view:{lang}:{st.session_state['domain']}:{st.session_state['max_min']}")
    state.copy_link(lang)


def _run(params: dict | None = None) -> AppTest:
    at = AppTest.from_function(page)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    return at


def _qp(at: AppTest, name: str) -> list[str]:
    """A URL parameter as a list (AppTest gives one value as a plain string)."""
    v = at.query_params[name]
    return [v] if isinstance(v, str) else list(v)


def _view(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("view:"))


def test_defaults_written_to_the_url():
    at = _run()
    assert _view(at) == "view:zh:education:30"
    assert _qp(at, "domain") == ["education"]
    assert _qp(at, "max_min") == ["30"]
    assert _qp(at, "weighted") == ["1"]
    assert _qp(at, "types") == ["health_centre"]
    assert _qp(at, "lang") == ["zh"]


def test_params_honoured():
    at = _run({"domain": "health", "max_min": "45", "weighted": "0", "lang": "en",
               "types": ["village_clinic", "health_centre"]})
    assert _view(at) == "view:en:health:45"
    assert at.selectbox(key="domain").value == "health"
    assert at.slider(key="max_min").value == 45
    assert at.checkbox(key="weighted").value is False
    assert at.multiselect(key="types").value == ["village_clinic", "health_centre"]


@pytest.mark.parametrize("params", [
    {"domain": INJECTION}, {"domain": "<script>alert(1)</script>"}, {"max_min": INJECTION},
    {"max_min": "9999"}, {"max_min": "nan"}, {"weighted": INJECTION}, {"lang": INJECTION},
    {"types": [INJECTION]}, {"domain": "x" * 5000},
])
def test_invalid_values_fall_back(params):
    at = _run(params)
    assert _view(at) == "view:zh:education:30"
    # the URL is rewritten with the valid value
    name = next(iter(params))
    assert INJECTION not in _qp(at, name)
    assert "DROP" not in " ".join(v for k in at.query_params for v in _qp(at, k))


@pytest.mark.parametrize(("raw", "lang"), [("EN", "en"), (" en ", "en"), ("Zh", "zh"), ("xx", "zh"),
                                         (INJECTION, "zh")])
def test_language_is_read_and_written_back_normalised(raw, lang):
    at = _run({"lang": raw})
    assert _qp(at, "lang") == [lang]
    assert at.button_group(key="lang").value == lang
    assert _view(at).startswith(f"view:{lang}:")


def test_widget_change_updates_the_url():
    at = _run({"domain": "health"})
    at.selectbox(key="domain").select("culture").run()
    assert _qp(at, "domain") == ["culture"]
    at.slider(key="max_min").set_value(60).run()
    assert _qp(at, "max_min") == ["60"]
    at.multiselect(key="types").select("village_clinic").run()
    assert _qp(at, "types") == ["health_centre", "village_clinic"]
    assert _view(at) == "view:zh:culture:60"


def test_language_switch_updates_the_url():
    at = _run()
    at.button_group(key="lang").set_value("en").run()
    assert _qp(at, "lang") == ["en"]
    assert _view(at).startswith("view:en:")


def test_copy_link_shows_the_view_url():
    at = _run({"domain": "health", "max_min": "45"})
    url = at.code[0].value
    q = parse_qs(urlsplit(url).query)
    assert q["domain"] == ["health"] and q["max_min"] == ["45"] and q["lang"] == ["zh"]


def test_parse_table():
    assert parse(None, "a") == "a"
    assert parse("b", "a", options=["a", "b"]) == "b"
    assert parse(INJECTION, "a", options=["a", "b"]) == "a"
    assert parse("12", 5, cast=int) == 12
    assert parse("1e400", 1.0, cast=float) == 1.0
    assert parse("yes", False, cast=as_bool) is True
    assert parse("maybe", False, cast=as_bool) is False
    assert parse_list([], ["a"], ["a", "b"]) == ["a"]
    assert serialise(False) == "0"


def test_share_url_round_trips():
    params = {"lang": "en", "domain": "health", "q": INJECTION, "types": ["a", "b"], "none": None}
    url = share_url("http://127.0.0.1:8501/health?old=1#frag", params)
    parts = urlsplit(url)
    assert parts.path == "/health" and parts.fragment == ""
    assert parse_qs(parts.query) == {"lang": ["en"], "domain": ["health"], "q": [INJECTION],
                                     "types": ["a", "b"]}


def test_copy_button_html_is_constant():
    zh, en = copy_link_html("zh"), copy_link_html("en")
    assert "复制链接" in zh and "Copy link" in en
    # no data goes into the snippet: it reads the page address itself
    assert "window.parent.location.href" in zh
    assert zh.count("<script>") == 1
