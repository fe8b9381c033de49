"""Expert review panels through the pages: staff set a batch up over the hand-built world's
vision need and run it (no expert of the need's own enterprise), invite; the chosen expert
declines, staff refill the seat, the new expert accepts and scores (a score out of range is a
Chinese error naming the criterion); the summary exports as .xlsx; wrong roles are refused."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role, SeatStatus
from data.models import Expert, ReviewBatch, ReviewSeat, User
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_panels.py


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("chen", "陈视觉", Role.EXPERT, "gz_college"), ("zhao", "赵繁忙", Role.EXPERT, "cq_college"),
                       ("li", "李发酵", Role.EXPERT, "cq_college"), ("maker", "智视人事", Role.ENTERPRISE, "maker"),
                       ("staff", "秘书处", Role.STAFF, None))
    with session_scope() as s:
        for username, key in (("chen", "vision_expert"), ("zhao", "busy_expert"), ("li", "ferment_expert")):
            s.get_one(Expert, world.ids[key]).user_id = s.scalar(select(User.id).where(User.username == username))
    return world


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:
        yield client


def _seats() -> dict[int, tuple[int, SeatStatus]]:
    with session_scope() as s:
        return {seat.expert_id: (seat.id, seat.status) for seat in s.scalars(select(ReviewSeat))}


def test_a_batch_from_set_up_to_summary(client: FlaskClient, world: World) -> None:
    ids = world.ids
    login(client, "staff")
    assert "专家评审批次" in client.get("/staff/panels").get_data(as_text=True)
    bad = act(client, "/staff/panels", name="论证", project_ids=str(ids["vision_need"]), panel_size="1e9")
    assert "每项评审专家数" in bad.get_data(as_text=True) and bad.status_code < 500
    assert act(client, "/staff/panels", name="视觉检测论证", project_ids=str(ids["vision_need"]), panel_size="1",
               criteria="创新性、可行性").status_code == 302
    with session_scope() as s:
        bid = s.scalars(select(ReviewBatch.id)).one()
    assert act(client, f"/staff/panels/{bid}/run").status_code == 302
    page = client.get(f"/staff/panels/{bid}").get_data(as_text=True)
    assert "利益冲突（应为 0）" in page and "王内部" not in page
    first = next(iter(_seats()))
    assert first != ids["own_expert"]
    assert act(client, f"/staff/panels/{bid}/invite").status_code == 302

    who = {ids["vision_expert"]: "chen", ids["busy_expert"]: "zhao", ids["ferment_expert"]: "li"}
    switch(client, who[first])
    assert "视觉" in client.get("/panels/mine").get_data(as_text=True)
    seat_id = _seats()[first][0]
    assert act(client, f"/panels/seats/{seat_id}/answer", answer="decline").status_code == 302
    assert _seats()[first][1] is SeatStatus.DECLINED

    switch(client, "staff")
    assert act(client, f"/staff/panels/{bid}/refill/{seat_id}").status_code == 302
    added = [e for e, (_, status) in _seats().items() if status is SeatStatus.INVITED]
    assert len(added) == 1 and added[0] not in (first, ids["own_expert"])

    switch(client, who[added[0]])
    new_seat = _seats()[added[0]][0]
    assert act(client, f"/panels/seats/{seat_id}/answer", answer="accept").status_code == 404  # not theirs
    assert act(client, f"/panels/seats/{new_seat}/answer", answer="accept").status_code == 302
    wrong = act(client, f"/panels/seats/{new_seat}/scores", score_0="101", score_1="80")
    assert "「创新性」的评分应在 0 到 100 之间" in wrong.get_data(as_text=True) and wrong.status_code < 500
    assert act(client, f"/panels/seats/{new_seat}/scores", score_0="85", score_1="75",
               comment="方案可行").status_code == 302
    assert client.get(f"/staff/panels/{bid}").status_code == 403

    switch(client, "staff")
    assert "评分汇总" in client.get(f"/staff/panels/{bid}").get_data(as_text=True)
    exported = client.get(f"/staff/panels/{bid}/export")
    assert exported.status_code == 200 and exported.data[:2] == b"PK"
    rows = list(load_workbook(io.BytesIO(exported.data)).active.iter_rows(values_only=True))
    assert rows[0][4:7] == ("创新性均分", "可行性均分", "综合均分") and rows[1][6] == 80
    switch(client, "maker")
    assert client.get("/staff/panels").status_code == 403
    assert client.get("/panels/mine").status_code == 403
