"""Staff: overview dashboard and Excel export of a filtered list (re-importable)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from data.db import session_scope
from data.enums import AchievementKind, Role, Status
from data.workflows.accounts import create_user
from tests.matcher.world import build_world
from tests.web.helpers import login
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


def test_dashboard_and_export(live_db: str) -> None:
    world = build_world()
    with session_scope() as s:
        create_user(s, "staff", "secret-pass", "秘书处甲", Role.STAFF, None)
        create_user(s, "maker", "secret-pass", "企业甲", Role.ENTERPRISE, None)
    with create_app({"TESTING": True}).test_client() as c:
        login(c, "maker")
        assert c.get("/staff/dashboard").status_code == 403
        assert c.get("/pool/expert/export.xlsx").status_code == 403
        c.post("/logout", data={"csrf_token": ""})
    with create_app({"TESTING": True}).test_client() as c:
        login(c, "staff")
        assert "近 30 天尚未展示推荐" in c.get("/staff/dashboard").get_data(as_text=True)
        detail = c.get(f"/pool/project/{world.ids['vision_need']}").get_data(as_text=True)
        shown = detail.count('class="match"')
        assert shown >= 2
        html = c.get("/staff/dashboard").get_data(as_text=True)
        assert "资源库规模" in html and "<svg" in html and "4 条" in html
        assert "近 30 天展示的推荐" in html and "匹配专家与教师" in html
        assert html.count("/pool/expert") >= 1  # the navigation is there too
        response = c.get("/pool/expert/export.xlsx?field=食品工程")
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
        rows = list(load_workbook(io.BytesIO(response.data)).worksheets[0].values)
        assert rows[0][:2] == ("姓名", "所属单位") and [r[0] for r in rows[1:]] == ["李发酵"]


def test_review_queue_counts_everything_pending(live_db: str) -> None:
    from data.enums import Status
    from data.models import Achievement

    build_world()
    with session_scope() as s:
        create_user(s, "staff", "secret-pass", "秘书处甲", Role.STAFF, None)
        for record in s.query(Achievement):
            record.status = Status.PENDING
    with create_app({"TESTING": True}).test_client() as c:
        login(c, "staff")
        html = c.get("/staff/review").get_data(as_text=True)
        assert "共 2 条待审核" in html and "先显示" not in html


def test_duplicate_finder_and_merge(live_db: str) -> None:
    from sqlalchemy import select

    from data.models import AuditEntry, Expert
    from tests.web.helpers import token

    world = build_world()
    with session_scope() as s:
        create_user(s, "staff", "secret-pass", "秘书处甲", Role.STAFF, None)
        create_user(s, "maker", "secret-pass", "企业甲", Role.ENTERPRISE, None)
        original = s.get(Expert, world.ids["vision_expert"])
        s.add(Expert(name="陈视觉", owner_org_id=original.owner_org_id, natural_key="dup", field="智能制造",
                     research_areas=["工业视觉"], description="重复录入"))
    with create_app({"TESTING": True}).test_client() as c:
        login(c, "maker")
        assert c.get("/staff/duplicates").status_code == 403
    with create_app({"TESTING": True}).test_client() as c:
        login(c, "staff")
        html = c.get("/staff/duplicates?pool=expert").get_data(as_text=True)
        assert "可能重复的记录 1 对" in html and "姓名相同且同一单位" in html
        with session_scope() as s:
            dup_id = s.scalar(select(Expert.id).where(Expert.natural_key == "dup"))
        response = c.post("/staff/duplicates/merge", data={"pool": "expert", "keep_id": world.ids["vision_expert"],
                                                           "drop_id": dup_id, "csrf_token": token(c, "/staff/review")})
        assert response.status_code == 302
        assert "没有发现可能重复的记录" in c.get("/staff/duplicates?pool=expert").get_data(as_text=True)
        assert c.get(f"/pool/expert/{dup_id}").status_code == 404
        with session_scope() as s:
            kept = s.get(Expert, world.ids["vision_expert"])
            assert "工业视觉" in kept.research_areas
            assert s.scalar(select(AuditEntry.action).where(AuditEntry.record_id == kept.id)) == "merge"
        bad = c.post("/staff/duplicates/merge", data={"pool": "expert", "keep_id": "1", "drop_id": "x",
                                                      "csrf_token": token(c, "/staff/review")})
        assert bad.status_code == 400 and "请选择要保留和要合并的记录" in bad.get_data(as_text=True)


def test_records_waiting_for_their_vectors_are_said(live_db: str) -> None:
    """A record synced by its words but not yet embedded says so on its page, and the
    dashboard counts it with a progress bar per pool; once embedded, neither does."""
    from data.models import Achievement
    from data.pools import Pool
    from indexer.context import get_context
    from indexer.operations import embed_records, sync_records

    world = build_world()
    with session_scope() as s:
        create_user(s, "staff", "secret-pass", "秘书处甲", Role.STAFF, None)
        fresh = Achievement(name="基于机器视觉的焊缝缺陷在线检测", description="焊缝图像深度学习识别", owner_org_id=world.ids["maker"],
                            achievement_kind=AchievementKind.TECHNOLOGY,
                            natural_key="test:weld", status=Status.PUBLISHED)
        s.add(fresh)
        s.flush()
        fresh_id = fresh.id
    ctx = get_context()
    assert sync_records(ctx, Pool.ACHIEVEMENT, [fresh_id]) == [fresh_id]  # findable by words, no vector yet
    with create_app({"TESTING": True}).test_client() as c:
        login(c, "staff")
        page = c.get(f"/pool/achievement/{fresh_id}").get_data(as_text=True)
        assert 'id="vector-waiting"' in page and "精确语义向量正在后台计算" in page
        other = c.get(f"/pool/achievement/{world.ids['vision_result']}").get_data(as_text=True)
        assert 'id="vector-waiting"' not in other
        board = c.get("/staff/dashboard").get_data(as_text=True)
        assert "精确语义向量" in board and "<progress" in board and "1 条计算中" in board
        assert embed_records(ctx, Pool.ACHIEVEMENT, [fresh_id]) == 1
        assert 'id="vector-waiting"' not in c.get(f"/pool/achievement/{fresh_id}").get_data(as_text=True)
        board = c.get("/staff/dashboard").get_data(as_text=True)
        assert "计算中</strong>" not in board and "已全部完成" in board
