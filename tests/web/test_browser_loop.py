"""The docking loop in headless Chromium against a real server, with a real SMTP server:
a student applies with a cover letter → the enterprise gets an inbox item and an e-mail →
invites to interview → offers → the student accepts → a 实习 agreement is made, 2 person-months
logged and confirmed by the college → both see it; a subscription fires on a new matching
need exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from data.db import session_scope
from data.enums import MemberStatus, NotificationKind, ProjectKind, Role, Status
from data.models import Agreement, Notification, Organization, Project, Talent, User
from indexer import dispatch, outbox
from indexer.context import get_context
from matcher.watch import run_round
from tests.mail import SmtpServer
from tests.makers import make_user
from tests.matcher.world import World, build_world
from tests.web.browser import ARTIFACTS, CHROMIUM, log_in
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def server(live_db: str, smtp_server: SmtpServer) -> Iterator[tuple[str, World]]:
    import os
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed (apt-get install chromium)")
    world = build_world()
    with session_scope() as s:
        s.get_one(Organization, world.ids["maker"]).member_status = MemberStatus.ACTIVE
        s.get_one(Organization, world.ids["gz_college"]).member_status = MemberStatus.ACTIVE
        make_user(s, "maker", Role.ENTERPRISE, world.ids["maker"], "智视用户").email = "hr@maker.example"
        make_user(s, "college", Role.COLLEGE, world.ids["gz_college"], "智造学院")
        student = make_user(s, "lin", Role.STUDENT, world.ids["gz_college"], "林同学")
        s.flush()
        s.get_one(Talent, world.ids["fit_student"]).user_id = student.id
    dispatch.install()  # edits reach the index, as in the running site
    outbox.install(flush_in_process=False)
    http = make_server("127.0.0.1", 0, create_app({"TESTING": True}), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", world
    http.shutdown()
    thread.join()
    outbox.uninstall()
    dispatch.uninstall()


def _log_out(page: Any) -> None:
    page.click("button:has-text('退出')")


def test_from_an_application_to_confirmed_months(server: tuple[str, World], page: Any, smtp_server: SmtpServer) -> None:
    base, world = server
    # the student applies with a cover letter
    log_in(page, base, "lin")
    page.click("text=推荐岗位")
    card = page.locator("#internships li", has_text="工业机器人运维实习生").first
    card.locator("textarea[name=cover_letter]").fill("我熟悉PLC编程，做过工业机器人点检。")
    card.locator("button:has-text('申请')").click()
    page.wait_for_selector("#applications")
    page.click("#applications a:has-text('工业机器人运维实习生')")
    assert page.inner_text("#status") == "已投递"
    _log_out(page)
    # the enterprise: an inbox item and an e-mail
    log_in(page, base, "maker")
    assert page.inner_text("#nav-inbox .badge") == "1"
    page.click("#nav-inbox")
    page.screenshot(path=str(ARTIFACTS / "loop-enterprise-inbox.png"), full_page=True)
    assert "「林同学」投递了「工业机器人运维实习生」" in page.inner_text("#inbox-list")
    outbox.wait_idle(10)
    assert [(to, m["Subject"]) for to, m in smtp_server.received] == [
        (["hr@maker.example"], "产教通｜「林同学」投递了「工业机器人运维实习生」")]
    # opens it (已查看), invites to an interview, offers
    page.click("text=「林同学」投递了「工业机器人运维实习生」")
    page.wait_for_selector("#status")
    assert page.inner_text("#status") == "已查看" and "我熟悉PLC编程" in page.inner_text("#cover-letter")
    when = (dt.datetime.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT10:00")
    page.fill("#interview_at", when)
    page.fill("#interview_place", "线上（腾讯会议 123-456）")
    page.click("button:has-text('发送面试邀请')")
    page.wait_for_selector("#interview-info")
    assert page.inner_text("#status") == "面试邀请"
    page.fill("#note", "欢迎加入，7月1日报到")
    page.click("button[name=decision][value=accept]")
    page.wait_for_selector("#decision")
    assert page.inner_text("#status") == "已录用"
    _log_out(page)
    # the student accepts the offer
    log_in(page, base, "lin")
    page.click("text=我的申请")
    page.click("text=工业机器人运维实习生")
    page.click("button:has-text('接受录用')")
    page.wait_for_selector("#status")
    assert page.inner_text("#status") == "已接受"
    _log_out(page)
    # the enterprise makes the 实习 agreement and logs 2 person-months
    log_in(page, base, "maker")
    page.click("#nav-inbox")
    page.click("text=「林同学」已接受「工业机器人运维实习生」")
    page.click("#agreement button")
    page.select_option("select[name=unit]", "internship_months")
    page.fill("input[name=quantity]", "2")
    page.fill("input[name=period_start]", "2027-07-01")
    page.fill("input[name=period_end]", "2027-08-31")
    page.click("button:has-text('登记，等待对方确认')")
    page.wait_for_selector("text=待对方确认")
    agreement_url = page.url
    _log_out(page)
    # the college confirms; both see it confirmed
    log_in(page, base, "college")
    page.goto(agreement_url)
    page.click("button[name=decision][value=confirm]")
    page.wait_for_selector("text=已确认")
    page.screenshot(path=str(ARTIFACTS / "loop-agreement-confirmed.png"), full_page=True)
    _log_out(page)
    log_in(page, base, "maker")
    page.goto(agreement_url)
    assert "已确认" in page.inner_text("main") and "实习" in page.inner_text("main")
    with session_scope() as s:
        agreement = s.scalars(select(Agreement)).one()
        assert agreement.person_name == "林同学" and agreement.kind.label == "实习"


def test_a_subscription_fires_once_on_a_new_matching_need(server: tuple[str, World], page: Any) -> None:
    base, world = server
    log_in(page, base, "college")
    page.goto(f"{base}/?q=工业机器人点检&pool=project")
    page.click("#follow-search button")
    page.wait_for_selector(".flash")
    with session_scope() as s:  # a new need that matches, published by the enterprise
        s.add(Project(name="工业机器人点检与PLC程序调试", description="需要院校协助开展工业机器人日常点检与PLC程序调试培训",
                      owner_org_id=world.ids["maker"], project_kind=ProjectKind.TRAINING_NEED, natural_key="loop-need",
                      field="智能制造", status=Status.PUBLISHED))
    dispatch.wait_idle(60)
    for _ in range(2):  # two rounds: told once
        with session_scope() as s:
            run_round(s, get_context())
    with session_scope() as s:
        college = s.scalars(select(User).where(User.username == "college")).one()
        told = s.scalars(select(Notification).where(Notification.user_id == college.id,
                                                    Notification.kind == NotificationKind.SUBSCRIPTION)).all()
        assert len(told) == 1 and "工业机器人点检与PLC程序调试" in told[0].body
    page.click("#nav-inbox")
    page.screenshot(path=str(ARTIFACTS / "loop-subscription.png"), full_page=True)
    assert "有 1 条新的匹配" in page.inner_text("#inbox-list")
