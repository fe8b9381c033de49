"""An expert review panel in headless Chromium over the demo's organizations, experts and (a
slice of) needs, imported as ``chanjiao demo`` does: staff create a batch for ten demo needs and
run it, inspect and invite; the first reviewer declines, staff refill the seat, the new reviewer
accepts and scores, and staff export the 论证意见 summary."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.serving import make_server

from data.db import session_scope
from data.demo import build_demo
from data.enums import Role, SeatStatus, Status
from data.models import Expert, Project, ReviewSeat
from data.pools import Pool
from data.sheets.columns import columns_of
from data.sheets.importer import import_rows
from tests.makers import make_user
from tests.web.browser import ARTIFACTS, CHROMIUM, log_in
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
LIMITS = {Pool.ORGANIZATION: None, Pool.EXPERT: None, Pool.PROJECT: 40}


def _load() -> None:
    rows_by_pool = build_demo()
    with session_scope() as s:
        for pool, limit in LIMITS.items():
            headers = {c.header for c in columns_of(pool)}
            rows = [(n, {k: v for k, v in row.items() if k in headers})
                    for n, row in enumerate(rows_by_pool[pool][:limit], 2)]
            assert import_rows(s, pool, rows, source="demo").ok


@pytest.fixture
def server(live_db: str) -> Iterator[tuple[str, list[int]]]:
    import os
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed (apt-get install chromium)")
    _load()
    with session_scope() as s:
        needs = list(s.scalars(select(Project.id).where(Project.status == Status.PUBLISHED).order_by(Project.id).limit(10)))
        make_user(s, "staff", Role.STAFF)
    http = make_server("127.0.0.1", 0, create_app({"TESTING": True}), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", needs
    http.shutdown()
    thread.join()


def _reviewer(status: SeatStatus, username: str) -> int:
    """An account for the expert of the first seat in ``status`` (demo experts have none)."""
    with session_scope() as s:
        seat = s.scalars(select(ReviewSeat).where(ReviewSeat.status == status).order_by(ReviewSeat.id)).first()
        assert seat is not None
        expert = s.get_one(Expert, seat.expert_id)
        expert.user_id = make_user(s, username, Role.EXPERT, expert.owner_org_id, expert.name).id
        return seat.id


def _log_out(page: Any) -> None:
    page.click("button:has-text('退出')")


def test_a_review_panel_in_the_browser(server: tuple[str, list[int]], page: Any) -> None:
    base, needs = server
    log_in(page, base, "staff")
    page.click("text=专家评审")
    page.fill("input[name=name]", "演示论证")
    page.fill("textarea[name=project_ids]", " ".join(map(str, needs)))
    page.fill("input[name=panel_size]", "3")
    page.click("button:has-text('新建（草稿）')")
    page.wait_for_selector("#batch-status")
    batch_url = page.url
    page.click("#step")  # 运行分配
    page.wait_for_selector("#metrics")
    assert "利益冲突（应为 0）" in page.inner_text("#metrics")
    assert page.locator("tr.seat").count() == 30  # ten needs, three reviewers each
    page.screenshot(path=str(ARTIFACTS / "panel-assigned.png"), full_page=True)
    page.click("#step")  # 发送邀请
    page.wait_for_selector("#batch-status:has-text('已邀请')")
    declined = _reviewer(SeatStatus.INVITED, "rev1")
    _log_out(page)

    log_in(page, base, "rev1")
    page.click("text=我的评审")
    page.locator(f"#seat-{declined} button.decline").click()
    page.wait_for_selector(".flash")
    _log_out(page)

    log_in(page, base, "staff")
    page.goto(batch_url)
    page.click("button.refill")
    page.wait_for_selector(".flash")
    assert "已补充一位评审专家" in page.inner_text(".flash")
    assert page.locator("button.refill").count() == 0  # the panel is full again
    with session_scope() as s:
        added = s.scalars(select(ReviewSeat.id).order_by(ReviewSeat.id.desc())).first()
    _log_out(page)
    with session_scope() as s:
        seat = s.get_one(ReviewSeat, added)
        expert = s.get_one(Expert, seat.expert_id)
        expert.user_id = make_user(s, "rev2", Role.EXPERT, expert.owner_org_id, expert.name).id

    log_in(page, base, "rev2")
    page.click("text=我的评审")
    page.locator(f"#seat-{added} button.accept").click()
    page.wait_for_selector(f"#seat-{added} form.scores")
    form = page.locator(f"#seat-{added} form.scores")
    for n, value in enumerate(("85", "70", "60")):
        form.locator(f"input[name=score_{n}]").fill(value)
    form.locator("textarea[name=comment]").fill("技术路线清晰，转化前景一般")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert "已提交评分" in page.inner_text(".flash")
    _log_out(page)

    log_in(page, base, "staff")
    page.goto(batch_url)
    assert "评分汇总" in page.inner_text("#summary")
    page.screenshot(path=str(ARTIFACTS / "panel-summary.png"), full_page=True)
    with page.expect_download() as caught:
        page.click("#export")
    path = ARTIFACTS / "panel-summary.xlsx"
    caught.value.save_as(str(path))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "类型", "名称", "评审专家") and len(rows) == 11  # one row per need
    assert any(r[7] == 71.67 for r in rows[1:])  # (85 + 70 + 60) / 3
