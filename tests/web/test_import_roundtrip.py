"""Export a pool and import the file again — through 「批量导入」 and through ``chanjiao import
--pending``: an unchanged row changes nothing (its status least of all), a changed published
record is held as a revision while the published version stays live, a changed draft goes back
to review, a new row waits for review, and the preview reports exactly what the confirm does."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from data.db import session_scope
from data.enums import AchievementKind, RevisionStatus, Role, Status
from data.keys import natural_key
from data.models import Achievement, Organization, Revision
from data.workflows.review import decide_revision
from tests.matcher.world import World
from tests.web.helpers import login, token, world_with
from web.cli import cli

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)
STATUSES = {"公开成果": Status.PUBLISHED, "待审成果": Status.PENDING, "草稿成果": Status.DRAFT, "驳回成果": Status.REJECTED}


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("staff", "秘书处", Role.STAFF, None))
    with session_scope() as s:
        college = s.get(Organization, world.ids["gz_college"])
        for i in range(30):  # published records as a re-import would find them
            name = f"视觉检测成果{i:02d}"
            s.add(Achievement(name=name, natural_key=natural_key(name, college.name, None), owner_org_id=college.id,
                              achievement_kind=AchievementKind.TECHNOLOGY, description=f"第{i}号成果的简介",
                              tags=["机器视觉", "缺陷检测"], trl=5, price=12.5))
        for name, status in STATUSES.items():
            s.add(Achievement(name=name, natural_key=natural_key(name, college.name, None), owner_org_id=college.id,
                              achievement_kind=AchievementKind.TECHNOLOGY, description="原简介", status=status))
    return world


def _statuses() -> dict[str, Status]:
    with session_scope() as s:
        return {a.name: a.status for a in s.scalars(select(Achievement))}


def _edit(path: Path, changes: dict[str, str], new_row: str | None = None) -> None:
    """Change 成果简介 of the named rows; optionally add a new row copied from the first."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    name_col, text_col = headers.index("成果名称"), headers.index("成果简介")
    for row in sheet.iter_rows(min_row=2):
        if row[name_col].value in changes:
            row[text_col].value = changes[row[name_col].value]
    if new_row:
        values = [c.value for c in sheet[2]]
        values[name_col] = new_row
        values[headers.index("状态")] = None
        sheet.append(values)
    book.save(path)


def _counts(text: str) -> tuple[int, ...]:
    found = re.search(r"新增 (\d+)，更新 (\d+)，(?:修改待审核 (\d+)，)?未变 (\d+)", text)
    assert found, text
    return tuple(int(g or 0) for g in found.groups())


def _check_after_changes(world: World, before: dict[str, Status]) -> None:
    after = _statuses()
    assert after.pop("新成果") is Status.PENDING
    assert after == before | {"草稿成果": Status.PENDING}
    with session_scope() as s:
        live = s.scalar(select(Achievement).where(Achievement.name == "视觉检测成果03"))
        assert live.status is Status.PUBLISHED and live.description == "第3号成果的简介"  # still live, unchanged
        assert s.scalar(select(Achievement.description).where(Achievement.name == "草稿成果")) == "改过的草稿"
        held = s.scalars(select(Revision).where(Revision.status == RevisionStatus.PENDING)).all()
        assert [(r.record_id, r.form) for r in held] == [(live.id, {"成果简介": "新的简介"})]
        decide_revision(s, held[0].id, "approve", "", None)
        assert live.description == "新的简介" and live.status is Status.PUBLISHED


def test_cli_round_trip(world: World, tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "成果库.xlsx"
    assert runner.invoke(cli, ["export", "achievement", str(path)], catch_exceptions=False).exit_code == 0
    before = _statuses()
    dry = runner.invoke(cli, ["import", "achievement", str(path), "--pending", "--dry-run"], catch_exceptions=False)
    real = runner.invoke(cli, ["import", "achievement", str(path), "--pending"], catch_exceptions=False)
    assert _counts(dry.output) == _counts(real.output) == (0, 0, 0, 36)
    assert _statuses() == before

    _edit(path, {"视觉检测成果03": "新的简介", "草稿成果": "改过的草稿", "待审成果": "原简介"}, new_row="新成果")
    dry = runner.invoke(cli, ["import", "achievement", str(path), "--pending", "--dry-run"], catch_exceptions=False)
    real = runner.invoke(cli, ["import", "achievement", str(path), "--pending"], catch_exceptions=False)
    assert _counts(dry.output) == _counts(real.output) == (1, 1, 1, 34)
    _check_after_changes(world, before)


def _upload(client: FlaskClient, data: bytes) -> tuple[str, dict[str, str]]:
    page = client.post("/staff/import", content_type="multipart/form-data", data={
        "pool": "achievement", "file": (io.BytesIO(data), "成果库.xlsx"), "csrf_token": token(client, "/staff/import")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    hidden = dict(re.findall(r'name="(pool|upload_id|suffix)" value="([^"]+)"', html))
    return html, hidden


def _confirm(client: FlaskClient, hidden: dict[str, str]) -> str:
    done = client.post("/staff/import/confirm", data={**hidden, "csrf_token": token(client, "/staff/import")},
                       follow_redirects=True)
    assert done.status_code == 200
    return done.get_data(as_text=True)


def test_web_round_trip(client: FlaskClient, world: World, tmp_path: Path) -> None:
    login(client, "staff")
    exported = client.get("/pool/achievement/export.xlsx")
    assert exported.status_code == 200
    before = _statuses()
    preview, hidden = _upload(client, exported.data)
    confirmed = _confirm(client, hidden)
    assert _counts(preview) == _counts(confirmed) == (0, 0, 0, 36)
    assert _statuses() == before
    assert re.search(r"共 (\d+) 条", client.get("/pool/achievement").get_data(as_text=True)).group(1) == "33"  # still listed

    path = tmp_path / "成果库.xlsx"
    path.write_bytes(exported.data)
    _edit(path, {"视觉检测成果03": "新的简介", "草稿成果": "改过的草稿", "待审成果": "原简介"}, new_row="新成果")
    preview, hidden = _upload(client, path.read_bytes())
    confirmed = _confirm(client, hidden)
    assert _counts(preview) == _counts(confirmed) == (1, 1, 1, 34)
    with session_scope() as s:
        live_id = s.scalar(select(Achievement.id).where(Achievement.name == "视觉检测成果03"))
        assert s.scalar(select(func.count()).select_from(Achievement).where(Achievement.status == Status.PUBLISHED)) == 33
    assert "第3号成果的简介" in client.get(f"/pool/achievement/{live_id}").get_data(as_text=True)
    assert "新的简介" in client.get("/staff/review").get_data(as_text=True)
    _check_after_changes(world, before)
