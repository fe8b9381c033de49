"""Students: profile (validated like imports), two-sided recommendations, apply, status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from data.db import session_scope
from data.enums import ApplicationStatus, Role
from data.models import Application, Internship
from data.workflows.accounts import create_user
from data.workflows.students import StudentError, apply, profile_of
from tests.matcher.world import World
from tests.web.helpers import login, token, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
PROFILE = {"姓名": "郑同学", "专业": "工业机器人技术", "学历层次": "高职", "毕业年份": "2027", "技能": "PLC编程、工业机器人编程",
           "期望城市": "广州", "期望岗位": "工业机器人运维", "可实习开始": "2027-06-01", "可实习结束": "2027-09-30",
           "可见范围": "会员可见"}


@pytest.fixture
def client(live_db: str) -> Iterator[tuple[FlaskClient, World]]:
    world = world_with(("student", "郑同学", Role.STUDENT, "gz_college"), members=("gz_college",))
    with create_app({"TESTING": True}).test_client() as client:
        yield client, world


def test_profile_errors_then_recommendations_apply_and_status(client: tuple[FlaskClient, World]) -> None:
    c, world = client
    login(c, "student")
    assert c.get("/student/internships").status_code == 302  # no profile yet
    bad = c.post("/student/profile", data={**PROFILE, "期望城市": "火星", "可实习结束": "2027-01-01",
                                           "csrf_token": token(c, "/student/profile")})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "未知地区「火星」" in html
    good = c.post("/student/profile", data={**PROFILE, "csrf_token": token(c, "/student/profile")})
    assert good.status_code == 302
    page = c.get("/student/internships").get_data(as_text=True)
    assert "工业机器人运维实习生" in page and "岗位要求" in page and "学生意愿" in page and "期望城市：同城（岗位在" in page
    import re

    bars = re.findall(r'<span class="bar" title="([^"]+) (\d+)">.*?<b>\1</b> <i class="num">(\d+)</i></span>', page)
    assert bars and all(shown == value for _, value, shown in bars)  # every score bar says its number
    url = f"/student/apply/{world.ids['post']}"
    assert c.post(url, data={"csrf_token": token(c, "/student/internships")}).status_code == 302
    assert "已投递" in c.get("/student/applications").get_data(as_text=True)
    again = c.post(url, data={"csrf_token": token(c, "/student/internships")})
    assert again.status_code == 400 and "已申请过该岗位（已投递）" in again.get_data(as_text=True)


def test_full_posts_and_other_roles(client: tuple[FlaskClient, World]) -> None:
    c, world = client
    with session_scope() as s:
        from data.models import User

        user = s.query(User).filter_by(username="student").one()
        from data.workflows.students import save_profile

        saved = save_profile(s, user, PROFILE)
        talent = saved.record
        assert saved.errors == {} and profile_of(s, user) is talent
        post = s.get(Internship, world.ids["post"])
        post.seats = 1
        other = save_profile(s, create_user(s, "s2", "secret-pass", "乙", Role.STUDENT, world.ids["gz_college"]), PROFILE).record
        s.add(Application(talent_id=other.id, internship_id=post.id, status=ApplicationStatus.ACCEPTED))
        s.flush()
        with pytest.raises(StudentError, match="名额已满"):
            apply(s, talent, post.id)
        with pytest.raises(StudentError, match="没有编号为 999999"):
            apply(s, talent, 999999)
    create = c.post("/login", data={"username": "student", "password": "secret-pass", "csrf_token": token(c, "/login")})
    assert create.status_code == 302
    assert c.get("/needs/new").status_code == 403
