"""A 双选会 in headless Chromium over the demo's organizations, students and posts (imported as
``chanjiao demo`` does; the other pools are left out to keep it quick): staff create and open the
fair, an enterprise brings its post, a student registers (others register through the workflow),
staff check in, print the 签到表, close registration, create the fair's round, run and publish
it, and the 现场结果 board shows the placements. Screenshots of each page are kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from data.db import session_scope
from data.enums import Role, Status
from data.models import Internship, Talent, User
from data.pools import Pool
from data.workflows import fairs as fw
from tests.makers import make_user
from tests.web.browser import ARTIFACTS, CHROMIUM, log_in
from tests.web.test_browser_rounds import _load
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def server(live_db: str) -> Iterator[tuple[str, dict[str, Any]]]:
    import os
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed (apt-get install chromium)")
    _load((Pool.ORGANIZATION, Pool.TALENT, Pool.INTERNSHIP))
    with session_scope() as s:
        published = list(s.scalars(select(Internship).where(Internship.status == Status.PUBLISHED).order_by(Internship.id)))
        everyone = list(s.scalars(select(Talent).order_by(Talent.id)))
        posts = [p for p in published if any(t.major in p.majors for t in everyone)]
        orgs: dict[int, Internship] = {}
        for post in posts:  # one post from each of three enterprises
            orgs.setdefault(post.owner_org_id, post)
        posts = list(orgs.values())[:3]
        talents = [t for t in everyone if any(t.major in p.majors for p in posts)][:6]
        make_user(s, "staff", Role.STAFF)
        users = [make_user(s, f"stu{n}", Role.STUDENT, t.owner_org_id, t.name) for n, t in enumerate(talents)]
        hrs = [make_user(s, f"hr{n}", Role.ENTERPRISE, p.owner_org_id) for n, p in enumerate(posts)]
        s.flush()
        for talent, user in zip(talents, users):
            talent.user_id = user.id
        ids = {"posts": [p.id for p in posts], "talents": [t.id for t in talents], "users": [u.id for u in users],
               "hrs": [h.id for h in hrs]}
    http = make_server("127.0.0.1", 0, create_app({"TESTING": True}), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", ids
    http.shutdown()
    thread.join()


def _log_out(page: Any) -> None:
    page.click("button:has-text('退出')")


def test_a_fair_in_the_browser(server: tuple[str, dict[str, Any]], page: Any) -> None:
    base, ids = server
    log_in(page, base, "staff")
    page.click("header >> text=双选会")
    page.fill("input[name=name]", "2027届春季校园双选会")
    page.fill("input[name=starts_at]", "2030-04-10T09:00")
    page.fill("input[name=ends_at]", "2030-04-10T16:00")
    page.fill("input[name=place]", "示例职业学院体育馆")
    page.fill("input[name=capacity]", "200")
    page.fill("input[name=registration_deadline]", "2030-04-09T18:00")
    page.click("button:has-text('新建（草稿）')")
    page.wait_for_selector("#fair-status:has-text('草稿')")
    manage_url = page.url
    page.click("#step")  # 开放报名
    page.wait_for_selector("#fair-status:has-text('报名中')")
    event_id = int(manage_url.rstrip("/").rsplit("/", 1)[1])
    _log_out(page)

    with session_scope() as s:  # the other enterprises and students register through the workflow
        for hr, post in list(zip(ids["hrs"], ids["posts"]))[1:]:
            fw.register_post(s, s.get_one(User, hr), event_id, post)
        for user in ids["users"][1:]:
            fw.register_student(s, s.get_one(User, user), event_id)

    log_in(page, base, "hr0")
    page.click("header >> text=双选会")
    page.click("#fairs a")
    page.fill("#post-form input[name=seats]", "2")
    page.click("#post-form button")
    page.wait_for_selector(".flash")
    assert "2 人" in page.inner_text("#mine")
    page.screenshot(path=str(ARTIFACTS / "fair-enterprise.png"), full_page=True)
    _log_out(page)

    log_in(page, base, "stu0")
    page.goto(f"{base}/fairs/{event_id}")
    page.click("#register")
    page.wait_for_selector("#withdraw")
    page.screenshot(path=str(ARTIFACTS / "fair-student.png"), full_page=True)
    _log_out(page)

    log_in(page, base, "staff")
    page.goto(manage_url)
    page.locator("#students button:has-text('签到')").first.click()
    page.wait_for_selector(".flash")
    page.locator("#enterprises button:has-text('签到')").first.click()
    page.wait_for_selector(".flash")
    assert "已签到" in page.inner_text("#students") and "已签到" in page.inner_text("#enterprises")
    page.goto(f"{base}/staff/fairs/{event_id}/signin")
    page.screenshot(path=str(ARTIFACTS / "fair-signin.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "fair-signin-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.goto(manage_url)
    page.click("#step")  # 截止报名
    page.wait_for_selector("#fair-status:has-text('进行中')")
    page.select_option("#make-round select[name=students]", "registered")
    page.screenshot(path=str(ARTIFACTS / "fair-staff.png"), full_page=True)
    page.click("#make-round button")
    page.wait_for_selector("#round-status:has-text('草稿')")
    for status in ("开放填报", "填报截止"):
        page.click("#step")
        page.wait_for_selector(f"#round-status:has-text('{status}')")
    page.click("#step")  # 运行分配
    page.wait_for_selector("#metrics")
    page.click("#step")  # 发布结果
    page.wait_for_selector("#round-status:has-text('已发布')")
    _log_out(page)

    log_in(page, base, "stu1")
    page.goto(f"{base}/fairs/{event_id}")
    page.click("#results-link")
    page.wait_for_selector("#board")
    page.set_viewport_size({"width": 1400, "height": 900})
    board = page.inner_text("#board")
    assert "现场结果" in board and "已录用" in board and "*" in board
    page.screenshot(path=str(ARTIFACTS / "fair-results.png"), full_page=True)
