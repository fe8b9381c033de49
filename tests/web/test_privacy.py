"""Who is recommended people's profiles: a 人才库 record is a student's own profile, recommended
only to the enterprises and colleges that recruit and place students and to staff
(``data.access.RECOMMENDED_ONLY_TO``). A student, an expert or an anonymous visitor may not run
a direction that recommends students: the API answers 403 in Chinese, the detail page shows no
such panel. Applicants' résumés are read by those who speak for the posting organization."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from data.db import session_scope
from data.enums import Role
from data.models import Application, Expert, Talent, User
from tests.matcher.world import World
from tests.web.helpers import act, login, refused, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)

STUDENT_NAME, OTHER_STUDENT = "林同学", "吴同学"  # the world's two students (both 会员可见)
PHONE, EMAIL = "100-0009-0001", "vision@demo.example.com"


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("owner", "企业", Role.ENTERPRISE, "maker"), ("college", "院校", Role.COLLEGE, "gz_college"),
                       ("student", "学生", Role.STUDENT, "gz_college"), ("expert", "专家", Role.EXPERT, "gz_college"),
                       ("maker_expert", "企业专家", Role.EXPERT, "maker"), ("staff", "秘书处", Role.STAFF, None),
                       members=("maker", "gz_college"))
    with session_scope() as s:
        student = s.query(User).filter_by(username="student").one()
        s.get_one(Talent, world.ids["fit_student"]).user_id = student.id  # the student's own profile
        expert = s.get_one(Expert, world.ids["vision_expert"])
        expert.phone, expert.email = PHONE, EMAIL
        application = Application(talent_id=world.ids["fit_student"], internship_id=world.ids["post"])
        s.add(application)
        s.flush()
        world.ids["application"] = application.id
    return world


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:
        yield client


def _students_of_post(client: FlaskClient, world: World, record_id: int | None = None) -> object:
    return client.get(f"/api/v1/recommendations/internship/{record_id or world.ids['post']}"
                      "?direction=internship_talents&k=10")


@pytest.mark.parametrize("who, said", [("student", "学生账号不能查看「推荐学生」"),
                                       ("expert", "专家/教师账号不能查看「推荐学生」"),
                                       (None, "请以企业用户、院校用户和秘书处的账号登录后查看")])
def test_a_student_an_expert_or_a_visitor_is_not_recommended_students(client: FlaskClient, world: World,
                                                                      who: str | None, said: str) -> None:
    if who:
        assert login(client, who).status_code == 302
    answer = _students_of_post(client, world)
    refused(answer, 403, "direction", said)
    assert STUDENT_NAME not in answer.get_data(as_text=True)
    refused(_students_of_post(client, world, 999999), 403, "direction", said)  # whatever the record
    page = client.get(f"/pool/internship/{world.ids['post']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "工业机器人运维实习生" in html
    assert "推荐学生" not in html and STUDENT_NAME not in html and OTHER_STUDENT not in html
    assert 'id="rec-' not in html  # no panel at all: an internship has no other direction
    assert ('href="/student/internships"' in html) == (who == "student")  # theirs is on 「推荐岗位」


@pytest.mark.parametrize("who", ["owner", "college", "staff"])
def test_enterprises_colleges_and_staff_still_are(client: FlaskClient, world: World, who: str) -> None:
    login(client, who)
    answer = _students_of_post(client, world)
    assert answer.status_code == 200
    assert world.ids["fit_student"] in [m["id"] for m in answer.get_json()["items"] if m["pool"] == "talent"]
    html = client.get(f"/pool/internship/{world.ids['post']}").get_data(as_text=True)
    assert "推荐学生" in html and STUDENT_NAME in html


def test_a_student_keeps_the_posts_recommended_for_them_and_sees_no_private_contact(client: FlaskClient,
                                                                                 world: World) -> None:
    login(client, "student")
    own = client.get(f"/api/v1/recommendations/talent/{world.ids['fit_student']}?direction=talent_internships")
    assert own.status_code == 200 and world.ids["post"] in [m["id"] for m in own.get_json()["items"]]
    assert "工业机器人运维实习生" in client.get("/student/internships").get_data(as_text=True)
    # Experts recommended for a need are professional profiles: shown, their contact details never.
    experts = client.get(f"/api/v1/recommendations/project/{world.ids['vision_need']}?direction=need_experts&k=10")
    assert experts.status_code == 200 and world.ids["vision_expert"] in [m["id"] for m in experts.get_json()["items"]]
    for text in (experts.get_data(as_text=True), client.get(f"/pool/project/{world.ids['vision_need']}").get_data(as_text=True),
                 client.get(f"/pool/expert/{world.ids['vision_expert']}").get_data(as_text=True)):
        assert PHONE not in text and EMAIL not in text


def test_following_new_students_is_refused_by_role(client: FlaskClient, world: World) -> None:
    login(client, "expert")
    answer = act(client, "/subscriptions", source_pool="internship", source_id=str(world.ids["post"]),
                 direction="internship_talents")
    assert answer.status_code == 403 and "专家/教师账号不能查看「推荐学生」" in answer.get_data(as_text=True)


def test_an_expert_of_the_posting_enterprise_does_not_read_its_applicants(client: FlaskClient, world: World) -> None:
    login(client, "maker_expert")
    listed = client.get("/api/v1/applications")
    assert listed.status_code == 200 and listed.get_json()["total"] == 0, listed.get_json()
    assert STUDENT_NAME not in listed.get_data(as_text=True)
    refused(client.get(f"/api/v1/applications/{world.ids['application']}"), 404, "application_id")
    with create_app({"TESTING": True}).test_client() as owner:
        login(owner, "owner")
        mine = owner.get("/api/v1/applications").get_json()
        assert mine["side"] == "org" and [i["talent"]["name"] for i in mine["items"]] == [STUDENT_NAME]
        assert mine["items"][0]["fit"] is not None  # ranked by the 推荐学生 direction, which it may run
        assert owner.get(f"/api/v1/applications/{world.ids['application']}").status_code == 200
