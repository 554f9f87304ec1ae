"""Registers in a real browser, in Chinese: the check before a load, the confirmation, and a
withdrawal that brings the generated data back (screenshots in ``tests/artifacts``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl import db
from tests import conftest as kit

SAMPLE = kit.ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"
PASSWORD = "browser-registers-pw-2024"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_server(built_db, tmp_path_factory, streamlit_server):
    path = tmp_path_factory.mktemp("registers_browser") / "equity.duckdb"
    shutil.copy(built_db, path)
    return streamlit_server(path, EQUITY_ADMIN_PASSWORD=PASSWORD, EQUITY_ADMIN_USER=None), path


def _generated_clinics(path: Path) -> int:
    con = db.connect(path, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM facilities WHERE type = 'village_clinic' "
                           "AND is_synthetic").fetchone()[0]
    finally:
        con.close()


def test_check_confirm_and_withdraw_in_chinese(admin_server, open_page):
    url, path = admin_server
    page = open_page(f"{url}/data?lang=zh")
    kit.wait_for_text(page, "登记表与现用数据")
    kit.settle(page)
    page.get_by_role("textbox", name="密码").fill(PASSWORD)
    page.get_by_role("button", name="管理员登录").click()
    kit.wait_for_text(page, "已作为管理员")
    kit.settle(page)

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(SAMPLE))
    page.wait_for_selector('[data-testid="stFileChipName"]')
    kit.choose(page, "登记表类型", "村卫生室")
    kit.choose(page, "坐标系", "GCJ-02")
    page.get_by_role("spinbutton", name="年份").fill("2024")
    kit.settle(page)
    page.get_by_role("button", name="导入", exact=True).click()
    kit.wait_for_text(page, "将替换示例数据：村卫生室 194 行")
    kit.settle(page)
    assert _generated_clinics(path) == 194  # checked only
    kit.screenshot(page, "data_registers_preview_zh")

    page.get_by_role("button", name="确认导入").click()
    kit.wait_for_text(page, "已替换示例数据：村卫生室 194 行")
    kit.settle(page)
    assert _generated_clinics(path) == 0
    kit.screenshot(page, "data_registers_loaded_zh")

    # the new register is picked first; withdraw it: the generated clinics come back
    page.get_by_role("button", name="撤回", exact=True).click()
    kit.wait_for_text(page, "示例数据恢复使用：村卫生室 194 行")
    kit.settle(page)
    assert _generated_clinics(path) == 194
    kit.screenshot(page, "data_registers_withdrawn_zh")
