"""The header names the user once and the role once, from the account as it is now."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role
from data.models import AuditEntry, User
from tests.matcher.world import World
from tests.web.helpers import act, login, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"),
                      ("bracketed", "王工（企业用户）", Role.ENTERPRISE, "maker"))


def _header(client: FlaskClient) -> str:
    found = re.search(r'<div class="user">(.*?)</div>', client.get("/").get_data(as_text=True), re.S)
    assert found
    return found.group(1)


def test_the_header_shows_name_and_role_once(client: FlaskClient) -> None:
    login(client, "maker")
    header = _header(client)
    assert "智视用户 · 企业用户" in header and header.count("企业用户") == 1


def test_a_name_carrying_its_role_shows_the_role_once(client: FlaskClient) -> None:
    login(client, "bracketed")
    header = _header(client)
    assert "王工 · 企业用户" in header and header.count("企业用户") == 1


def test_a_rename_shows_on_the_next_page(client: FlaskClient) -> None:
    login(client, "maker")
    assert "账号设置" in client.get("/account").get_data(as_text=True)
    bad = act(client, "/account", display_name="  ")
    assert bad.status_code == 400 and "请填写 1–64 个字的姓名或称呼" in bad.get_data(as_text=True)
    assert act(client, "/account", display_name="李 明").status_code == 302
    assert "李 明 · 企业用户" in _header(client)
    with session_scope() as s:  # and a rename made elsewhere (staff, a script) shows at once too
        s.scalar(select(User).where(User.username == "maker")).display_name = "李明明"
    assert "李明明 · 企业用户" in _header(client)
    with session_scope() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.summary.like("修改姓名或称呼%")))
        assert entry.before == {"姓名或称呼": "智视用户"} and entry.after == {"姓名或称呼": "李 明"}

