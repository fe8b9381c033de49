"""The JSON API's write side: pool CRUD with tokens, error bodies, background import jobs."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import select

from data.db import session_scope
from data.enums import MemberStatus, Role, Status
from data.models import AuditEntry, Internship, Organization, Project, Revision
from data.workflows.accounts import create_api_token, create_user
from indexer.dispatch import wait_idle
from tests.matcher.world import World, build_world
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def tokens(live_db: str) -> dict[str, str]:
    world: World = build_world()
    out = {}
    with session_scope() as s:
        s.get(Organization, world.ids["maker"]).member_status = MemberStatus.ACTIVE
        for name, role, org in (("maker", Role.ENTERPRISE, world.ids["maker"]), ("food", Role.ENTERPRISE, world.ids["food"]),
                                ("staff", Role.STAFF, None)):
            create_user(s, name, "secret-pass", name, role, org)
            out[name] = create_api_token(s, name)[1]
        out["need"] = str(world.ids["vision_need"])
    return out


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_create_update_delete_over_json(tokens: dict[str, str]) -> None:
    client = create_app({"TESTING": True}).test_client()
    body = {"name": "PLC调试实习生", "job_kind": "实习", "岗位描述": "调试产线PLC程序", "seats": 2,
            "skills": ["PLC编程", "电气识图"], "工作地点": "广州", "visibility": "公开"}
    assert client.post("/api/v1/pools/internship", json=body).status_code == 401
    created = client.post("/api/v1/pools/internship", json=body, headers=auth(tokens["maker"]))
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert data["outcome"] == "published" and data["item"]["seats"] == 2 and data["item"]["skills"] == ["PLC编程", "电气识图"]
    assert "phone" not in data["item"] and "natural_key" not in data["item"]
    new_id = data["item"]["id"]

    invalid = client.post("/api/v1/pools/internship", json={**body, "name": "另一个", "seats": "两个", "end_date": "明天"},
                          headers=auth(tokens["maker"]))
    error = invalid.get_json()
    assert invalid.status_code == 400 and error["code"] == "invalid" and error["field"] in error["errors"]
    assert error["errors"]["招收人数"] == "「两个」应为整数" and "不是日期" in error["errors"]["结束日期"]
    unknown = client.post("/api/v1/pools/internship", json={**body, "salary": 1}, headers=auth(tokens["maker"]))
    assert unknown.status_code == 400 and unknown.get_json() == {"code": "bad_request", "message": "岗位库没有字段「salary」",
                                                                 "field": "salary"}
    assert client.post("/api/v1/pools/internship", data="x", headers=auth(tokens["maker"])).status_code == 400

    # A partial update of a published record is held for review; the live record is unchanged.
    patched = client.patch(f"/api/v1/pools/internship/{new_id}", json={"seats": 5}, headers=auth(tokens["maker"]))
    assert patched.status_code == 200 and patched.get_json()["outcome"] == "revision"
    with session_scope() as s:
        assert s.get(Internship, new_id).seats == 2
        assert s.scalar(select(Revision.form).where(Revision.record_id == new_id)) is not None
    # Staff edit directly.
    direct = client.patch(f"/api/v1/pools/internship/{new_id}", json={"seats": 6}, headers=auth(tokens["staff"]))
    assert direct.get_json()["outcome"] == "updated" and direct.get_json()["item"]["seats"] == 6

    foreign = client.patch(f"/api/v1/pools/project/{tokens['need']}", json={"budget": 1}, headers=auth(tokens["food"]))
    assert foreign.status_code == 403 and foreign.get_json()["code"] == "forbidden"
    assert client.delete(f"/api/v1/pools/internship/{new_id}", headers=auth(tokens["food"])).status_code == 403
    assert client.delete(f"/api/v1/pools/internship/{new_id}", headers=auth(tokens["maker"])).status_code == 204
    assert client.get(f"/api/v1/pools/internship/{new_id}").status_code == 404
    assert client.delete(f"/api/v1/pools/internship/{new_id}", headers=auth(tokens["maker"])).status_code == 404
    with session_scope() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "delete"))
        assert entry.record_id == new_id and entry.before["岗位名称"] == "PLC调试实习生"


def test_a_non_member_creates_into_review(tokens: dict[str, str]) -> None:
    client = create_app({"TESTING": True}).test_client()
    created = client.post("/api/v1/pools/project", json={"名称": "灌装线节能", "项目类型": "技术攻关", "需求描述": "节能改造"},
                          headers=auth(tokens["food"]))
    assert created.status_code == 201 and created.get_json()["outcome"] == "pending"
    with session_scope() as s:
        assert s.scalar(select(Project.status).where(Project.name == "灌装线节能")) is Status.PENDING


def test_import_runs_as_a_job_with_a_status_route(tokens: dict[str, str]) -> None:
    from openpyxl import Workbook

    def sheet(rows: list[list[object]]) -> io.BytesIO:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        return out

    header = ["名称", "发布单位", "项目类型", "需求描述"]
    client = create_app({"TESTING": True}).test_client()
    upload = {"file": (sheet([header, ["酱油灌装线节能", "重庆鲜味食品有限公司", "技术攻关", "节能"]]), "needs.xlsx")}
    assert client.post("/api/v1/imports/project", data=upload, headers=auth(tokens["maker"])).status_code == 403
    upload = {"file": (sheet([header, ["酱油灌装线节能", "重庆鲜味食品有限公司", "技术攻关", "节能"]]), "needs.xlsx")}
    started = client.post("/api/v1/imports/project", data=upload, headers=auth(tokens["staff"]))
    assert started.status_code == 202
    job = _finished(client, started.get_json()["status_url"], auth(tokens["staff"]))
    assert job["state"] == "SUCCESS" and job["created"] == 1 and job["kind"] == "import"
    bad = {"file": (sheet([header, ["缺单位的需求", "不存在的公司", "技术攻关", "x"]]), "bad.xlsx")}
    job = _finished(client, client.post("/api/v1/imports/project", data=bad, headers=auth(tokens["staff"]))
                    .get_json()["status_url"], auth(tokens["staff"]))
    assert job["state"] == "FAILURE" and "第2行" in job["errors"][0] and "不存在的公司" in job["errors"][0]
    wrong = client.post("/api/v1/imports/project", data={"file": (io.BytesIO(b"x"), "a.pdf")}, headers=auth(tokens["staff"]))
    assert wrong.status_code == 400 and wrong.get_json()["field"] == "file"
    with session_scope() as s:
        assert s.scalar(select(Project.status).where(Project.name == "酱油灌装线节能")) is Status.PENDING
        assert s.scalar(select(Project).where(Project.name == "缺单位的需求")) is None


def _finished(client, url: str, headers: dict[str, str]) -> dict:  # type: ignore[no-untyped-def,type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        wait_idle(5)
        job = client.get(url, headers=headers).get_json()
        if job["state"] in ("SUCCESS", "FAILURE"):
            return job
    raise AssertionError("import job did not finish")
