"""Markdown in data and in the address, in a real browser: no link to another host, no image
from another host, no raw HTML and no bidi control reach the page, and no request leaves the
machine.

A register of schools named with Markdown links, images, raw HTML, Streamlit directives and
bidi controls is loaded into a test database; a scenario with such a name (and an added
facility with such a name) is saved beside it; every page is opened with a hostile value in
every query parameter the app reads.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from etl import scenarios
from tests import conftest as kit
from tests.test_markdown_injection import BIDI, PARAMS, PHISH, make_md_db

pytestmark = pytest.mark.browser

LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}
SCENARIO_NAME = PHISH + " :red[红] :material/lock: $x^2$ <b>b</b>\u202egnp"


@pytest.fixture(scope="module")
def md_server(built_db, tmp_path_factory, streamlit_server) -> tuple[str, str]:
    """(base URL, id of the hostile scenario) of a server on the Markdown-named database."""
    path = make_md_db(built_db, tmp_path_factory.mktemp("mdb"))
    added = {"op": "add", "id": "NEW-1", "type": "health_centre", "lon": 108.0, "lat": 31.0,
             "name": "![a](https://evil.example/added.png) [x](https://evil.example/x)", "beds": 10}
    sid = scenarios.save(scenarios.store_path(path), SCENARIO_NAME, "health", [added])
    return streamlit_server(path), sid


def _external(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return False
    return (urlsplit(url).hostname or "") not in LOCAL


def _visit(open_page, url: str) -> tuple[list[str], dict]:
    """Open ``url``, wait until the app is idle; returns the requests made and the DOM facts."""
    page = open_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    kit.settle(page, '[data-testid="stMain"]')
    page.wait_for_timeout(1000)  # let late images and fonts ask for their URLs
    kit.settle(page)
    facts = page.evaluate("""() => {
        const abs = (u) => { try { return new URL(u, location.href).href } catch (e) { return u } };
        const docs = [document, ...[...document.querySelectorAll('iframe')]
            .map(f => { try { return f.contentDocument } catch (e) { return null } })
            .filter(d => d)];
        const all = (sel) => docs.flatMap(d => [...d.querySelectorAll(sel)]);
        return {
          links: all('a[href]').map(a => abs(a.getAttribute('href'))),
          images: all('img[src]').map(i => abs(i.getAttribute('src'))),
          srcsets: all('[srcset]').map(i => i.getAttribute('srcset')),
          text: document.body.innerText,
          html_imgs: all('main img').length,
        };
    }""")
    return requests, facts


def _check(requests: list[str], facts: dict) -> None:
    assert not [u for u in requests if _external(u)], [u for u in requests if _external(u)]
    assert not [u for u in facts["links"] if _external(u)], facts["links"]
    assert not [u for u in facts["images"] if _external(u)], facts["images"]
    assert not [s for s in facts["srcsets"] if "evil" in s]
    assert not [c for c in facts["text"] if c in BIDI]


PAGES = ("overview", "education", "culture", "data", "plan_scenarios", "plan_boarding",
         "plan_subcentre", "plan_consortia")


def _query(**params: str | list[str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params, doseq=True)


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_values_make_no_link_image_or_request(md_server, open_page, page):
    base, _sid = md_server
    hostile = {p: PHISH for p in PARAMS if p not in ("page",)}
    hostile["fac"] = [PHISH, ":red[x]"]
    requests, facts = _visit(open_page, f"{base}/{page}?{_query(**hostile)}")
    _check(requests, facts)
    assert len(requests) > 3  # the page did load (the listener sees requests)


def test_a_hostile_scenario_name_is_text(md_server, open_page):
    base, sid = md_server
    requests, facts = _visit(open_page, f"{base}/plan_scenarios?lang=en&scenario={sid}")
    _check(requests, facts)
    assert "Opened scenario" in facts["text"]
    # the name is on screen as its own characters (bidi control removed), not as a link
    assert "请[重新登录](https://evil.example/login)" in facts["text"].replace("\u2060", "")
    assert ":material/lock:" in facts["text"].replace("\u2060", "")


@pytest.mark.parametrize("path", ["education?lang=en", "plan_boarding?lang=en&n_close=20",
                                  "education?lang=zh&town=511723107"])
def test_markdown_school_names_make_no_link_image_or_request(md_server, open_page, path):
    base, _sid = md_server
    requests, facts = _visit(open_page, f"{base}/{path}")
    _check(requests, facts)


def test_the_checks_see_an_injected_link_and_image(md_server, open_page):
    """Positive control: markup put into the page by hand is caught by the same checks."""
    base, _sid = md_server
    page = open_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base}/overview?lang=en")
    kit.settle(page, '[data-testid="stMain"]')
    page.evaluate("""() => document.querySelector('[data-testid="stMain"]').insertAdjacentHTML(
        'beforeend', '<a href="https://evil.example/l">l</a><img src="http://evil.example/p.png">')""")
    kit.wait_until(page, lambda: any("evil.example/p.png" in u for u in requests), "the image request")
    links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    assert [u for u in links if _external(u)] == ["https://evil.example/l"]
    assert [u for u in requests if _external(u)] == ["http://evil.example/p.png"]
