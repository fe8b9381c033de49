"""Browser journeys in headless Chromium (Debian's /usr/bin/chromium) against a real server.

Screenshots of each journey's key page are kept in ``artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from data.db import session_scope
from data.enums import MemberStatus, Role
from data.models import Organization
from data.workflows.accounts import create_user
from tests.matcher.world import World, build_world
from tests.web.browser import ARTIFACTS, CHROMIUM, log_in
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def server(live_db: str) -> Iterator[tuple[str, World]]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed")
    world = build_world()
    with session_scope() as s:
        s.get(Organization, world.ids["maker"]).member_status = MemberStatus.ACTIVE
        create_user(s, "maker", "secret-pass", "智视用户", Role.ENTERPRISE, world.ids["maker"])
    http = make_server("127.0.0.1", 0, create_app({"TESTING": True}), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", world
    http.shutdown()
    thread.join()


def test_enterprise_posts_a_need_and_sees_explained_recommendations(server, page) -> None:  # type: ignore[no-untyped-def]
    base, _world = server
    log_in(page, base, "maker")
    page.click("text=发布需求")
    page.fill("input[name='名称']", "冲压件划痕在线检测")
    page.fill("textarea[name='需求描述']", "需要对冲压零件表面划痕做机器视觉在线检测，节拍小于1秒")
    page.select_option("select[name='行业领域']", "智能制造")
    page.fill("input[name='地区']", "火星")
    page.click("text=发布并查看推荐")
    assert page.locator(".error").first.inner_text().startswith("未知地区「火星」")
    page.fill("input[name='地区']", "广州")
    page.click("text=发布并查看推荐")
    page.wait_for_selector("#rec-need_experts")
    experts = page.locator("#rec-need_experts").inner_text()
    results = page.locator("#rec-need_achievements").inner_text()
    assert "陈视觉" in experts and "领域一致：智能制造" in experts and "王内部" not in experts
    assert "一种金属表面缺陷的机器视觉检测方法" in results and "成熟度：中试" in results
    page.screenshot(path=str(ARTIFACTS / "enterprise-need-recommendations.png"), full_page=True)


def test_search_highlights_terms(server, page) -> None:  # type: ignore[no-untyped-def]
    base, _world = server
    page.goto(f"{base}/")
    page.fill("input[name=q]", "酱油发酵")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.results")
    assert page.locator("ol.results mark").count() > 0
    # the tab shown is the pool with the best match (here a fermentation expert); 成果库's tab has the result
    page.click("nav.tabs a:has-text('成果库')")
    page.wait_for_selector("ol.results")
    assert "低盐酱油快速发酵工艺" in page.locator("ol.results").inner_text()
    assert page.locator("ol.results mark").count() > 0
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)


@pytest.fixture
def staff(server):  # type: ignore[no-untyped-def]
    from indexer import dispatch

    with session_scope() as s:
        create_user(s, "staff", "secret-pass", "秘书处甲", Role.STAFF, None)
    dispatch.install()
    yield server
    dispatch.wait_idle(60)
    dispatch.uninstall()


def test_staff_imports_fixes_approves_and_finds(staff, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from indexer import dispatch
    from tests.data.sheets import write_xlsx

    base, _world = staff
    header = ["成果名称", "所属单位", "成果类型", "成果简介", "行业领域", "地区"]
    good = ["一种光伏组件热斑红外检测方法", "广州智造职业技术学院", "发明专利", "利用红外热成像识别光伏组件热斑缺陷", "能源电力", "广州"]
    bad = ["锂电池极片涂布厚度在线测量", "不存在的大学", "发明专利", "激光测厚实现极片涂布厚度闭环控制", "能源电力", "广州"]
    first = write_xlsx(tmp_path / "成果.xlsx", [header, good, bad])
    log_in(page, base, "staff")
    page.goto(f"{base}/staff/import")
    page.select_option("select[name=pool]", "achievement")
    page.set_input_files("input[name=file]", str(first))
    page.click("button:has-text('上传并预览')")
    errors = page.locator(".row-errors").inner_text()
    assert "第3行 「所属单位」: 单位「不存在的大学」不存在" in errors
    page.screenshot(path=str(ARTIFACTS / "staff-import-row-error.png"), full_page=True)

    bad[1] = "重庆轻工职业学院"
    fixed = write_xlsx(tmp_path / "成果-改.xlsx", [header, good, bad])
    page.set_input_files("input[name=file]", str(fixed))
    page.click("button:has-text('上传并预览')")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector(".review")
    assert "新增 2" in page.locator(".flash").inner_text()
    for _ in range(2):
        page.locator(".review").first.locator("button[value=approve]").click()
    assert "没有待审核的记录" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "staff-review-done.png"), full_page=True)
    dispatch.wait_idle(60)
    page.goto(f"{base}/?q=光伏热斑&pool=achievement")
    assert "一种光伏组件热斑红外检测方法" in page.locator("ol.results").inner_text()


def test_student_fills_profile_sees_two_sided_internships_and_applies(server, page) -> None:  # type: ignore[no-untyped-def]
    base, world = server
    with session_scope() as s:
        s.get(Organization, world.ids["gz_college"]).member_status = MemberStatus.ACTIVE
        create_user(s, "student", "secret-pass", "郑同学", Role.STUDENT, world.ids["gz_college"])
    log_in(page, base, "student")
    page.goto(f"{base}/student/profile")
    for field, value in (("专业", "工业机器人技术"), ("技能", "PLC编程、工业机器人编程"), ("期望城市", "广州"),
                         ("期望岗位", "工业机器人运维"), ("可实习开始", "2027-06-01"), ("可实习结束", "2027-09-30")):
        page.fill(f"input[name='{field}']", value)
    page.click("button:has-text('保存并查看推荐岗位')")
    page.wait_for_selector("#internships")
    first = page.locator("#internships li").first
    text = first.inner_text()
    assert "工业机器人运维实习生" in text and "岗位要求" in text and "学生意愿" in text
    page.screenshot(path=str(ARTIFACTS / "student-internships.png"), full_page=True)
    first.locator("button:has-text('申请')").click()
    page.wait_for_selector("#applications")
    assert "已投递" in page.locator("#applications").inner_text()
    page.screenshot(path=str(ARTIFACTS / "student-applications.png"), full_page=True)


def test_stored_payloads_do_not_execute_in_the_browser(server, page) -> None:  # type: ignore[no-untyped-def]
    from data.enums import ProjectKind
    from data.models import Project

    base, world = server
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    with session_scope() as s:
        need = Project(name=f"视觉检测{payload}", owner_org_id=world.ids["maker"], natural_key="xss",
                       project_kind=ProjectKind.TECH_PROBLEM, description=f"机器视觉 {payload}", skills=[payload])
        s.add(need)
        s.flush()
        need_id = need.id
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, base, "maker")
    for path in (f"/pool/project/{need_id}", f"/pool/project/{need_id}/edit", "/mine", "/pool/project"):
        page.goto(base + path)
        assert page.evaluate("window.__xss") is None, path
        assert payload in page.content().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    page.screenshot(path=str(ARTIFACTS / "xss-escaped.png"), full_page=True)
    assert dialogs == []
