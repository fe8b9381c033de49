"""A 双选 round in headless Chromium over the demo's organizations, students and posts (imported
through the importer as ``chanjiao demo`` does; the other pools are left out to keep it quick):
staff create and open a round, the enterprise marks a student 优先, the student saves the
pre-filled choices, staff close, run, inspect and publish, and the student sees the outcome."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from data.db import session_scope
from data.demo import build_demo
from data.enums import Role, Status
from data.models import Internship, Talent
from data.pools import Pool
from data.sheets.columns import columns_of
from data.sheets.importer import import_rows
from matcher.allocation.rules import in_region
from tests.makers import make_user
from tests.web.browser import ARTIFACTS, CHROMIUM, log_in
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


def _load(pools: tuple[Pool, ...]) -> None:
    rows_by_pool = build_demo()
    with session_scope() as s:
        for pool in pools:
            headers = {c.header for c in columns_of(pool)}
            rows = [(n, {k: v for k, v in row.items() if k in headers}) for n, row in enumerate(rows_by_pool[pool], 2)]
            assert import_rows(s, pool, rows, source="demo").ok


def _may_take(talent: Talent, post: Internship) -> bool:
    return (talent.major in post.majors and (post.min_level is None or talent.level.rank >= post.min_level.rank)
            and (not talent.expected_city_code or in_region(post.region_code, frozenset({talent.expected_city_code}))))


@pytest.fixture
def server(live_db: str) -> Iterator[tuple[str, dict[str, Any]]]:
    import os
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed (apt-get install chromium)")
    _load((Pool.ORGANIZATION, Pool.TALENT, Pool.INTERNSHIP))
    with session_scope() as s:
        published = list(s.scalars(select(Internship).where(Internship.status == Status.PUBLISHED).order_by(Internship.id)))
        everyone = list(s.scalars(select(Talent).order_by(Talent.id)))
        # three posts with majors some demo students study, and four of those students
        posts = [p for p in published if any(t.major in p.majors for t in everyone)][:3]
        talents = [t for t in everyone if any(t.major in p.majors for p in posts)][:4]
        # the student who logs in is one the hard rules let take one of the posts (the form is pre-filled)
        talents.sort(key=lambda t: (not any(_may_take(t, p) for p in posts), t.id))
        make_user(s, "staff", Role.STAFF)
        student = make_user(s, "stu", Role.STUDENT, talents[0].owner_org_id, talents[0].name)
        make_user(s, "hr", Role.ENTERPRISE, posts[0].owner_org_id)
        s.flush()
        talents[0].user_id = student.id
        ids = {"posts": [p.id for p in posts], "talents": [t.id for t in talents], "student": talents[0].name}
    http = make_server("127.0.0.1", 0, create_app({"TESTING": True}), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", ids
    http.shutdown()
    thread.join()


def _log_out(page: Any) -> None:
    page.click("button:has-text('退出')")


def test_a_round_in_the_browser(server: tuple[str, dict[str, Any]], page: Any) -> None:
    base, ids = server
    log_in(page, base, "staff")
    page.click("text=双选轮次")
    page.fill("input[name=name]", "演示双选")
    page.fill("textarea[name=internship_ids]", " ".join(map(str, ids["posts"])))
    page.fill("textarea[name=talent_ids]", ",".join(map(str, ids["talents"])))
    page.click("button:has-text('新建（草稿）')")
    page.wait_for_selector("#round-status")
    round_url = page.url
    page.click("#step")  # 开放填报
    page.wait_for_selector("#round-status:has-text('开放填报')")
    _log_out(page)

    log_in(page, base, "hr")
    page.click("text=双选")
    page.click("#enterprise-rounds a")
    section = page.locator(f"#post-{ids['posts'][0]}")
    section.locator(f"select[name=mark_{ids['talents'][0]}]").select_option("preferred")
    section.locator("button:has-text('保存标记')").click()
    page.wait_for_selector(".flash")
    _log_out(page)

    log_in(page, base, "stu")
    page.click("text=双选")
    page.click("#student-rounds a")
    assert page.locator("select[name=choice_1]").input_value() != ""  # pre-filled from the two-sided fit
    page.click("button:has-text('保存志愿')")
    page.wait_for_selector(".flash")
    _log_out(page)

    log_in(page, base, "staff")
    page.goto(round_url)
    page.click("#step")  # 截止填报
    page.wait_for_selector("#round-status:has-text('填报截止')")
    page.click("#step")  # 运行分配
    page.wait_for_selector("#metrics")
    assert "安置率" in page.inner_text("#metrics") and page.locator("#placed, #unplaced").count() == 2
    assert "已安置（0）" not in page.inner_text("#placed")
    page.screenshot(path=str(ARTIFACTS / "round-allocated.png"), full_page=True)
    page.click("#step")  # 发布结果
    page.wait_for_selector("#round-status:has-text('已发布')")
    _log_out(page)

    log_in(page, base, "stu")
    page.click("text=双选")
    page.click("#student-rounds a")
    outcome = page.inner_text("#outcome")
    assert "安置结果" in outcome or "原因" in outcome
    page.screenshot(path=str(ARTIFACTS / "round-student-outcome.png"), full_page=True)
