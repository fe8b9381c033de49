"""API tokens: issued by the CLI, scoped to a user, revocable; bad tokens get a clear 401."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from data.db import session_scope
from data.enums import Role
from data.workflows.accounts import create_user
from tests.matcher.world import build_world
from web import create_app
from web.cli import cli

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


def test_token_lifecycle(live_db: str) -> None:
    world = build_world()
    with session_scope() as s:
        create_user(s, "robot", "secret-pass", "对接系统", Role.ENTERPRISE, world.ids["maker"])
    runner = CliRunner()
    issued = runner.invoke(cli, ["token", "create", "robot", "--name", "ERP 对接"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    assert token.startswith("cj_")
    assert "没有用户名为「nobody」" in runner.invoke(cli, ["token", "create", "nobody"]).output

    body = {"direction": "need_experts", "target_pool": "expert", "target_id": world.ids["vision_expert"], "action": "感兴趣"}
    with create_app({"TESTING": True}).test_client() as client:
        ok = client.post("/api/v1/feedback", json=body, headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 201
        bad = client.post("/api/v1/feedback", json=body, headers={"Authorization": "Bearer cj_forged"})
        assert bad.status_code == 401 and bad.get_json() == {
            "code": "invalid_token", "message": "API 令牌无效或已撤销", "field": "Authorization"}
        assert runner.invoke(cli, ["token", "revoke", "1"]).exit_code == 0
        revoked = client.post("/api/v1/feedback", json=body, headers={"Authorization": f"Bearer {token}"})
        assert revoked.status_code == 401
        # A token is for the API only; pages still want a logged-in session.
        assert client.get("/needs/new", headers={"Authorization": f"Bearer {token}"}).status_code == 302
