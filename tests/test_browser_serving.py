"""Loads while the dashboard serves: a real Streamlit server, real Chromium sessions and a
``python -m etl load`` at the same time.

The command-line load succeeds while viewers use the pages; the viewers never see an error;
once the load has been published, the same server shows it without a restart.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from etl import db
from tests import conftest as kit
from tests.test_writers import BIG_ROWS, _wait_until_holding

sys.path.insert(0, str(kit.ROOT / "bench"))

from bench_etl import make_csv  # noqa: E402

pytestmark = pytest.mark.browser

PAGES = ("overview", "education", "health", "data")


def _no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]


def test_a_command_line_load_lands_while_viewers_browse(built_db, tmp_path, streamlit_server,
                                                        open_page):
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    big = tmp_path / "schools_while_serving.csv"
    make_csv(big, BIG_ROWS, seed=5)
    url = streamlit_server(path)
    viewers = [open_page(f"{url}/{p}?lang=en") for p in PAGES[:2]]
    for page in viewers:
        kit.settle(page)
        _no_error(page)

    proc = subprocess.Popen([sys.executable, "-m", "etl", "--db", str(path), "load", str(big),
                             "--kind", "schools", "--year", "2024"], cwd=kit.ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    _wait_until_holding(path, proc, "etl load")
    # viewers keep working while the load runs: every page renders, without an error
    rounds = 0
    while proc.poll() is None or rounds < len(PAGES):
        page = viewers[rounds % 2]
        page.goto(f"{url}/{PAGES[rounds % len(PAGES)]}?lang=en")
        kit.settle(page)
        _no_error(page)
        rounds += 1
        assert rounds < 200
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "Traceback" not in err

    con = db.connect(path, read_only=True)
    try:
        load_id, rows = con.execute("SELECT load_id, rows_loaded FROM loads WHERE file_name = ?",
                                    [big.name]).fetchone()
    finally:
        con.close()
    assert rows > 0.95 * BIG_ROWS
    # the server, started before the load, now shows it: the Data page's load filter offers it
    # (a load id that is not among the options would be put back to "all" in the address)
    viewers[0].goto(f"{url}/data?lang=en&load={load_id}")
    kit.settle(viewers[0])
    _no_error(viewers[0])
    assert kit.url_params(viewers[0])["load"] == [str(load_id)]
    # and a viewer that stayed on its page through the load carries on without an error
    viewers[1].reload()
    kit.settle(viewers[1])
    _no_error(viewers[1])
