"""Hostile names in a real browser: a register of schools named like markup, loaded into a test
database, shows as literal text on the Education and Data pages, no script runs (no dialog
fires), and the CSV/XLSX/HTML downloads the pages offer keep the names as inert text."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from etl import db
from tests import conftest as kit
from tests.test_injection import (
    AT_CMD,
    BAD_VALUE,
    FORMULA,
    HOSTILE_FILE,
    IMG,
    SCRIPT,
    make_hostile_db,
)

RENSHI, PUAN, XINNING = "511723107", "511723101", "511723100"
CONTROL = "<img src=x onerror=alert(7)>"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile(built_db, tmp_path_factory) -> Path:
    return make_hostile_db(built_db, tmp_path_factory.mktemp("xss"))


@pytest.fixture(scope="module")
def xss_url(streamlit_server, hostile) -> str:
    return streamlit_server(hostile)


def _watch_dialogs(page) -> list[str]:
    """Record (and dismiss) every dialog the page raises from now on."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def _open(open_page, url: str):
    """A page with every dialog recorded from the first byte, its tables drawn."""
    page = open_page(accept_downloads=True)
    dialogs = _watch_dialogs(page)
    page.goto(url)
    kit.settle(page, '[data-testid="stDataFrame"]')
    kit.wait_for_count(page, '[data-testid="stDataFrame"] [role="gridcell"]', 1)
    return page, dialogs


def _cells(page) -> list[str]:
    """Text of the table cells (the grid's accessible DOM mirror of its canvas)."""
    return page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts()


def _shown(page, text: str) -> list[str]:
    """The table cells once ``text`` is among them (the grid fills its mirror as it draws)."""
    kit.wait_until(page, lambda: text in _cells(page), f"a table cell {text!r}")
    return _cells(page)


def _download(page, key: str) -> bytes:
    with page.expect_download(timeout=kit.WAIT_MS) as info:
        page.locator(f".st-key-{key} button").click()
    return Path(info.value.path()).read_bytes()


def _no_script_ran(page, dialogs: list[str]) -> None:
    assert dialogs == []
    assert page.locator("img[onerror]").count() == 0 and page.locator("main script").count() == 0
    # positive control: the listener does catch a dialog raised by injected markup; once it
    # has, any handler injected earlier (same markup, same failing image) would have fired too
    page.evaluate("(html) => document.body.insertAdjacentHTML('beforeend', html)", CONTROL)
    kit.wait_until(page, lambda: len(dialogs) > 0, "the control's dialog")
    assert dialogs == ["7"]


@pytest.mark.parametrize(("town", "name"), [(RENSHI, SCRIPT), (PUAN, IMG), (XINNING, FORMULA)])
def test_education_page_shows_hostile_names_as_text(xss_url, open_page, town, name):
    page, dialogs = _open(open_page, f"{xss_url}/education?lang=en&town={town}")
    assert name in _shown(page, name)  # the literal text is on screen
    csv = pd.read_csv(io.BytesIO(_download(page, "dl_spt_csv")), dtype=str)
    cells = set(csv.stack())
    assert (f"'{name}" if name.startswith("=") else name) in cells
    ws = load_workbook(io.BytesIO(_download(page, "dl_spt_xlsx"))).active
    values = {c.value for row in ws.iter_rows() for c in row}
    assert name in values
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    _no_script_ran(page, dialogs)


def test_data_page_shows_hostile_file_names_and_rejects_as_text(xss_url, open_page, hostile):
    con = db.connect(hostile, read_only=True)
    try:
        load_id = con.execute("SELECT load_id FROM loads WHERE file_name = ?",
                              [HOSTILE_FILE]).fetchone()[0]
    finally:
        con.close()
    page, dialogs = _open(open_page, f"{xss_url}/data?lang=en&load={load_id}")
    cells = _shown(page, HOSTILE_FILE)
    assert HOSTILE_FILE in cells
    assert "在校生数" in _shown(page, "在校生数")  # the rejected row (its raw text is checked in the downloads)
    assert page.get_by_text(HOSTILE_FILE, exact=False).count() >= 1
    loads = pd.read_csv(io.BytesIO(_download(page, "dl_loads_csv")), dtype=str)
    assert HOSTILE_FILE in set(loads.stack())
    rejects = load_workbook(io.BytesIO(_download(page, "dl_rejects_xlsx"))).active
    assert any(isinstance(c.value, str) and BAD_VALUE in c.value
               for row in rejects.iter_rows() for c in row)
    brief = _download(page, "dl_brief_data").decode("utf-8")
    assert "&lt;img src=x onerror=alert(3)&gt;.csv" in brief
    assert "&lt;img src=x onerror=alert(2)&gt;" in brief
    assert "<img src=x" not in brief and "onerror=alert(2)>" not in brief
    _no_script_ran(page, dialogs)
    # the brief opened as a page of its own runs nothing either
    view = open_page()
    opened = _watch_dialogs(view)
    view.set_content(brief)
    assert HOSTILE_FILE in view.inner_text("body")
    _no_script_ran(view, opened)


def test_formula_names_are_not_formulas_in_the_downloads_of_the_education_page(xss_url, open_page):
    page, dialogs = _open(open_page, f"{xss_url}/education?lang=en&town=511723105")  # 讲治镇
    assert AT_CMD in _shown(page, AT_CMD)
    csv = pd.read_csv(io.BytesIO(_download(page, "dl_spt_csv")), dtype=str)
    assert f"'{AT_CMD}" in set(csv.stack())
    _no_script_ran(page, dialogs)
