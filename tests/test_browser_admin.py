"""The admin upload end to end: a real browser logs in and uploads through the real widget.

A copy of the built database in a temporary folder, served by the shared kit's Streamlit
server with an admin password in its environment; Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from etl import db
from tests import conftest as kit

SAMPLE = kit.ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"
PASSWORD = "browser-test-pw-2024"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_server(built_db, tmp_path_factory, streamlit_server):
    """(url, database path): a server on a private copy of the database, admin configured."""
    path = tmp_path_factory.mktemp("admin_browser") / "equity.duckdb"
    shutil.copy(built_db, path)
    return streamlit_server(path, EQUITY_ADMIN_PASSWORD=PASSWORD, EQUITY_ADMIN_USER=None), path


def _settle(page, text: str | None = None) -> None:
    if text is not None:
        kit.wait_for_text(page, text)
    kit.settle(page)


def _loads(path: Path) -> list[str]:
    con = db.connect(path, read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT file_name FROM loads ORDER BY load_id").fetchall()]
    finally:
        con.close()


def test_admin_logs_in_and_uploads_through_the_real_widget(admin_server, open_page):
    url, path = admin_server
    before = _loads(path)
    page = open_page(f"{url}/data?lang=en")
    _settle(page, "Load and rebuild in the app (admin)")
    upload_input = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    assert upload_input.is_disabled()  # read-only until logged in

    # a wrong password: refused, with the one message
    page.get_by_role("textbox", name="Password").fill("not-it")
    page.get_by_role("button", name="Admin login").click()
    _settle(page, "Wrong account or password.")
    assert upload_input.is_disabled()

    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Admin login").click()
    _settle(page, "Logged in as admin")
    assert not upload_input.is_disabled()

    upload_input.set_input_files(str(SAMPLE))
    page.wait_for_selector('[data-testid="stFileChipName"]')  # the name is shortened there
    kit.choose(page, "Register kind", "Village clinics")
    kit.choose(page, "Coordinate system", "GCJ-02")
    page.get_by_role("spinbutton", name="Year").fill("2024")  # the sample has no year column
    _settle(page)
    # "Load" checks first and says what the load will replace; nothing is written yet
    page.get_by_role("button", name="Load", exact=True).click()
    _settle(page, "will replace 194 generated village clinics")
    assert _loads(path) == before
    page.get_by_role("button", name="Confirm load").click()
    _settle(page, f"{SAMPLE.name}: read 8, loaded 6, rejected 2.")
    assert "replaced 194 generated village clinics" in page.inner_text("body")
    assert "Rows rejected in this file, and why" in page.inner_text("body")
    assert _loads(path) == [*before, SAMPLE.name]
    # the admin state is in the session, never in the address
    params = parse_qs(urlsplit(page.url).query)
    assert not any("admin" in k or "auth" in k for k in params)
    assert PASSWORD not in page.url
    # someone opening the same link is read-only
    other = open_page(page.url)
    _settle(other, "Load and rebuild in the app (admin)")
    assert other.locator('[data-testid="stFileUploaderDropzoneInput"]').is_disabled()
