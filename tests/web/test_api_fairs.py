"""双选会 events through the API (``/api/v1/fairs``): everyone signed in lists and reads the open
fair, students register (within capacity) and withdraw, enterprises bring posts and take them
back, staff check in (and undo it); once the fair's round is run and published through
``/api/v1/rounds``, the 现场结果 shows the placement (surname only). Every refusal: no login
401, wrong role 403, unknown id 404, a malformed body 400 naming the field in Chinese — and
nothing written by a refused call."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role, Status
from data.models import FairAttendee, FairPost, Talent, User
from data.workflows import fairs as fw
from tests.makers import make_internship
from tests.matcher.world import World
from tests.web.helpers import bearer, refused, row_count, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_fairs.py


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("lin", "林同学", Role.STUDENT, "gz_college"), ("wu", "吴同学", Role.STUDENT, "gz_college"),
                       ("chen", "陈同学", Role.STUDENT, "gz_college"),
                       ("maker", "智视人事", Role.ENTERPRISE, "maker"), ("food", "鲜味人事", Role.ENTERPRISE, "food"),
                       ("staff", "秘书处", Role.STAFF, None), members=("maker", "gz_college"))
    with session_scope() as s:
        for username, key in (("lin", "fit_student"), ("wu", "unwilling_student")):
            s.get_one(Talent, world.ids[key]).user_id = s.scalar(select(User.id).where(User.username == username))
        chen = s.scalar(select(User.id).where(User.username == "chen"))
        s.add(Talent(name="陈同学", natural_key="s3", owner_org_id=world.ids["gz_college"], major="食品工程",
                     level=s.get_one(Talent, world.ids["fit_student"]).level, user_id=chen, status=Status.PUBLISHED))
        world.ids["food_post"] = make_internship(s, world.ids["food"], "酱油发酵实习生", natural_key="j9",
                                                 status=Status.PUBLISHED, seats=2).id
        staff = s.scalars(select(User).where(User.username == "staff")).one()
        event = fw.create_event(s, staff, "2027 春季双选会", dt.datetime(2027, 4, 10, 1, tzinfo=dt.timezone.utc), capacity=2,
                                place="体育馆", registration_deadline=dt.datetime(2027, 4, 9, 10, tzinfo=dt.timezone.utc))
        world.ids["fair"] = event.id
    return world


def _staff_step(step: str, event_id: int) -> None:
    with session_scope() as s:
        staff = s.scalars(select(User).where(User.username == "staff")).one()
        {"open": fw.open_registration, "close": fw.close_registration}[step](s, staff, event_id)


def test_a_fair_through_the_api(client: FlaskClient, world: World) -> None:
    eid, post, food_post, lin_id = world.ids["fair"], world.ids["post"], world.ids["food_post"], world.ids["fit_student"]
    staff, lin, wu, chen, maker, food = (bearer(u) for u in ("staff", "lin", "wu", "chen", "maker", "food"))

    assert client.get("/api/v1/fairs").status_code == 401
    assert client.get("/api/v1/fairs", headers=lin).get_json() == {"total": 0, "items": []}  # a draft
    refused(client.get(f"/api/v1/fairs/{eid}", headers=lin), 404)
    assert client.get(f"/api/v1/fairs/{eid}", headers=staff).get_json()["status"]["code"] == "draft"
    _staff_step("open", eid)
    [listed] = client.get("/api/v1/fairs", headers=lin).get_json()["items"]
    assert listed["id"] == eid and listed["registered"] == 0 and listed["place"] == "体育馆"
    assert listed["starts_at"] == "2027-04-10T01:00:00+00:00"
    refused(client.get("/api/v1/fairs/999999", headers=lin), 404, said="999999")

    # Students register within the capacity (2) and withdraw until checked in.
    refused(client.post(f"/api/v1/fairs/{eid}/register", headers=maker), 403, said="学生")
    refused(client.post("/api/v1/fairs/999999/register", headers=lin), 404)
    registered = client.post(f"/api/v1/fairs/{eid}/register", headers=lin)
    assert registered.status_code == 200 and registered.get_json()["attendance"]["checked_in_at"] is None
    refused(client.post(f"/api/v1/fairs/{eid}/register", headers=lin), 400, "event_id", "已报名")
    assert client.post(f"/api/v1/fairs/{eid}/register", headers=wu).get_json()["left"] == 0
    refused(client.post(f"/api/v1/fairs/{eid}/register", headers=chen), 400, "capacity", "名额已满")
    assert row_count(FairAttendee) == 2
    withdrawn = client.post(f"/api/v1/fairs/{eid}/withdraw", headers=wu)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["attendance"] is None
    refused(client.post(f"/api/v1/fairs/{eid}/withdraw", headers=wu), 404, "event_id")
    refused(client.post("/api/v1/fairs/999999/withdraw", headers=lin), 404, "event_id")

    # Enterprises bring their own published posts.
    url = f"/api/v1/fairs/{eid}/posts"
    refused(client.post(url, json={"internship_id": post}, headers=lin), 403, said="企业")
    refused(client.post(url, json={}, headers=maker), 400, "internship_id", "缺少「internship_id」")
    refused(client.post(url, json={"internship_id": "abc"}, headers=maker), 400, "internship_id", "应为整数")
    refused(client.post(url, json={"internship_id": post, "seats": 0}, headers=maker), 400, "seats", "招收人数")
    refused(client.post(url, json={"internship_id": post, "seats": 1.5}, headers=maker), 400, "seats")
    refused(client.post(url, json={"internship_id": post}, headers=food), 403, "internship_id", "本单位")
    refused(client.post(url, json={"internship_id": 999999}, headers=maker), 404, "internship_id")
    refused(client.post("/api/v1/fairs/999999/posts", json={"internship_id": post}, headers=maker), 404)
    assert row_count(FairPost) == 0
    brought = client.post(url, json={"internship_id": post, "seats": 1}, headers=maker)
    assert brought.status_code == 201 and brought.get_json()["seats"] == 1
    refused(client.post(url, json={"internship_id": post}, headers=maker), 400, "internship_id", "已报名")
    assert client.post(url, json={"internship_id": food_post}, headers=food).status_code == 201
    seen = client.get(f"/api/v1/fairs/{eid}", headers=maker).get_json()
    assert [p["internship"]["id"] for p in seen["mine"]] == [post] and seen["post_count"] == 2
    refused(client.post(f"/api/v1/fairs/{eid}/posts/{food_post}/withdraw", headers=maker), 403, "internship_id")
    refused(client.post(f"/api/v1/fairs/{eid}/posts/999999/withdraw", headers=maker), 404, "internship_id")
    refused(client.post(f"/api/v1/fairs/999999/posts/{post}/withdraw", headers=maker), 404, "event_id")
    taken_back = client.post(f"/api/v1/fairs/{eid}/posts/{food_post}/withdraw", headers=food)
    assert taken_back.status_code == 200 and taken_back.get_json()["mine"] == []

    # Staff check in (and undo).
    checkin = f"/api/v1/fairs/{eid}/checkin"
    refused(client.post(checkin, json={"kind": "student", "record_id": lin_id}, headers=maker), 403)
    refused(client.post(checkin, json={"record_id": lin_id}, headers=staff), 400, "kind", "缺少「kind」")
    refused(client.post(checkin, json={"kind": "teacher", "record_id": lin_id}, headers=staff), 400, "kind")
    refused(client.post(checkin, json={"kind": "student", "record_id": "一"}, headers=staff), 400, "record_id")
    refused(client.post(checkin, json={"kind": "student", "record_id": lin_id, "undo": "1"}, headers=staff), 400, "undo")
    refused(client.post(checkin, json={"kind": "student", "record_id": 999999}, headers=staff), 404, "record_id")
    refused(client.post("/api/v1/fairs/999999/checkin", json={"kind": "student", "record_id": lin_id}, headers=staff), 404)
    assert client.post(checkin, json={"kind": "student", "record_id": lin_id}, headers=staff).get_json() == {
        "message": "已签到：林同学"}
    refused(client.post(f"/api/v1/fairs/{eid}/withdraw", headers=lin), 400, "event_id", "已签到")
    undone = client.post(checkin, json={"kind": "student", "record_id": lin_id, "undo": True}, headers=staff)
    assert undone.get_json() == {"message": "已取消签到：林同学"}
    assert client.post(checkin, json={"kind": "student", "record_id": lin_id}, headers=staff).status_code == 200
    assert client.post(checkin, json={"kind": "enterprise", "record_id": world.ids["maker"]},
                       headers=staff).status_code == 200

    # The results board: empty until the fair's round is published (run through /api/v1/rounds).
    board = client.get(f"/api/v1/fairs/{eid}/results", headers=food).get_json()
    assert board["published"] is False and board["enterprises"] == []
    refused(client.get("/api/v1/fairs/999999/results", headers=food), 404)
    _staff_step("close", eid)
    with session_scope() as s:
        staff_user = s.scalars(select(User).where(User.username == "staff")).one()
        rid = fw.create_round_for(s, staff_user, eid).id
    for step in ("open", "close", "run", "publish"):
        assert client.post(f"/api/v1/rounds/{rid}/{step}", headers=staff).status_code == 200, step
    board = client.get(f"/api/v1/fairs/{eid}/results", headers=food).get_json()
    assert board["published"] is True and board["placed"] == 1 and board["students"] == 1
    [enterprise] = board["enterprises"]
    assert enterprise["posts"][0]["placed"] == [{"name": "林**", "school": enterprise["posts"][0]["placed"][0]["school"]}]
    assert client.get(f"/api/v1/fairs/{eid}", headers=lin).get_json()["results_published"] is True
