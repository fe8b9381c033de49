"""Acting as a user through the test client: CSRF token, log in, post a form, switch user;
an API token, a refused API answer, a table's row count; the alliance with the accounts a
module needs."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from data.db import session_scope
from data.enums import MemberStatus, Role
from data.models import Organization
from data.workflows.accounts import create_api_token
from tests.makers import PASSWORD, make_user
from tests.matcher.world import World, build_world


def token(client: FlaskClient, url: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found, "page has no CSRF token"
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token(client, "/login")})


def act(client: FlaskClient, url: str, **data: object) -> TestResponse:
    """Post a form as the logged-in user (with a CSRF token from a page every user may open)."""
    return client.post(url, data={**data, "csrf_token": token(client, "/mine")})


def switch(client: FlaskClient, username: str) -> None:
    client.post("/logout", data={"csrf_token": token(client, "/")})
    login(client, username)


def bearer(username: str) -> dict[str, str]:
    """The Authorization header of a fresh API token of ``username``."""
    with session_scope() as s:
        return {"Authorization": f"Bearer {create_api_token(s, username)[1]}"}


def row_count(model: type) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def refused(response: TestResponse, status: int, field: str | None = None, said: str = "") -> None:
    """An API answer with ``status``, naming ``field`` and saying ``said`` in its message."""
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    if field is not None:
        assert body["field"] == field, body
    assert said in body["message"], body


def world_with(*users: tuple[str, str, Role, str | None], members: tuple[str, ...] = ("maker",)) -> World:
    """The hand-built alliance with ``members`` (organization keys) in good standing and these
    accounts: (username, display name, role, organization key or None), password ``secret-pass``."""
    world = build_world()
    with session_scope() as s:
        for key in members:
            s.get_one(Organization, world.ids[key]).member_status = MemberStatus.ACTIVE
        for username, display, role, org in users:
            make_user(s, username, role, world.ids[org] if org else None, display)
    return world
