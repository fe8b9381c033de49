"""The consent leak, end to end: a grant for a deleted expert never reaches the next expert.

An organization creates an expert with a phone over the API, another organization asks for the
contact details and is granted them, the expert is deleted (204), and a third organization
creates a new expert: the new expert has a new id, the first requester sees none of its
details, and 「联系申请」 lists no grant under its name."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role
from data.models import ContactRequest
from data.workflows.accounts import create_api_token
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("food", "鲜味用户", Role.ENTERPRISE, "food"),
                      ("college", "智造学院", Role.COLLEGE, "gz_college"), members=("maker", "gz_college"))


def _bearer(username: str) -> dict[str, str]:
    with session_scope() as s:
        return {"Authorization": f"Bearer {create_api_token(s, username)[1]}"}


def _new_expert(api: FlaskClient, username: str, name: str, phone: str, email: str) -> int:
    created = api.post("/api/v1/pools/expert", headers=_bearer(username), json={
        "name": name, "research_areas": ["机器视觉"], "phone": phone, "email": email, "visibility": "公开"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["outcome"] == "published"
    return int(created.get_json()["item"]["id"])


def test_a_grant_dies_with_its_expert_and_never_reaches_the_next_one(client: FlaskClient, world: World) -> None:
    # Machine calls with API tokens, through their own app: the browser client's preserved
    # request context (and its logged-in user) must not be shared with them.
    api = create_app({"TESTING": True}).test_client()
    first = _new_expert(api, "maker", "刘一", "100-0009-0001", "liu@demo.example.com")
    login(client, "food")
    assert act(client, f"/contact/expert/{first}", purpose="consulting", message="酱油灌装线视觉检测咨询").status_code == 302
    with session_scope() as s:
        request_id = s.scalar(select(ContactRequest.id).where(ContactRequest.target_id == first))
    switch(client, "maker")  # the expert has no account: their organization answers
    assert act(client, f"/contacts/{request_id}/answer", decision="accept").status_code == 302
    switch(client, "food")
    assert "100-0009-0001" in client.get(f"/pool/expert/{first}").get_data(as_text=True)

    deleted = api.delete(f"/api/v1/pools/expert/{first}", headers=_bearer("maker"))
    assert deleted.status_code == 204, deleted.get_json()
    second = _new_expert(api, "college", "周新人", "100-0009-0002", "zhou@demo.example.com")

    assert second != first
    page = client.get(f"/pool/expert/{second}").get_data(as_text=True)
    assert "100-0009-0002" not in page and "zhou@demo.example.com" not in page
    contacts = client.get("/contacts").get_data(as_text=True)
    assert "周新人" not in contacts
    with session_scope() as s:
        assert s.scalar(select(ContactRequest).where(ContactRequest.target_pool == "expert",
                                                     ContactRequest.target_id.in_((first, second)))) is None
