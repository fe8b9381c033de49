"""A write to a record that another user deleted or changed since it was read is a Chinese
conflict error with nothing written (HTTP 409), never the ORM's StaleDataError (a 500): for an
edit and a review decision, on both databases, and through the API and the pages.
Found by ``chanjiao bench stress`` (an edit racing a delete)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from data.db import session_factory, session_scope
from data.enums import Role, Status
from data.errors import Conflict
from data.models import Achievement, AuditEntry, User
from data.pools import Pool
from data.workflows import records as editing
from data.workflows.accounts import create_api_token, create_user
from data.workflows.records import form_values, update_record
from data.workflows.review import decide
from tests.indexer.records import add_achievement, add_org
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def record(live_db: str) -> Iterator[int]:
    org = add_org()
    record_id = add_achievement(org, "视觉", status=Status.PENDING)
    with session_scope() as s:
        create_user(s, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    yield record_id


def _delete_elsewhere(record_id: int) -> None:
    """Another user's request: delete the record and commit."""
    with session_scope() as other:
        other.delete(other.get(Achievement, record_id))


def test_an_edit_of_a_record_deleted_meanwhile(record: int) -> None:
    session = session_factory()()
    try:
        staff = session.scalar(select(User).where(User.username == "staff"))
        loaded = session.get(Achievement, record)
        form = form_values(Pool.ACHIEVEMENT, loaded) | {"成果简介": "改过的简介"}
        _delete_elsewhere(record)
        with pytest.raises(Conflict, match="刚被其他人删除或修改"):
            update_record(session, staff, Pool.ACHIEVEMENT, loaded, form)
        session.rollback()
    finally:
        session.close()
    with session_scope() as s:
        assert s.get(Achievement, record) is None
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "update")).all()


def test_a_review_of_a_record_deleted_meanwhile(record: int) -> None:
    session = session_factory()()
    try:
        staff = session.scalar(select(User).where(User.username == "staff"))
        queued = session.get(Achievement, record)  # the queue page loaded it  # noqa: F841 (kept in the session)
        _delete_elsewhere(record)
        with pytest.raises(Conflict):
            decide(session, Pool.ACHIEVEMENT, record, "approve", "", staff)
    finally:
        session.close()


def test_the_api_and_the_pages_answer_409(record: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope() as s:
        token = create_api_token(s, "staff")[1]
    validate = editing._validate

    def deleted_while_validating(session, pool, user, form, existing):  # type: ignore[no-untyped-def]
        result = validate(session, pool, user, form, existing)
        _delete_elsewhere(existing.id)  # another staff member deletes it during this request
        return result

    monkeypatch.setattr(editing, "_validate", deleted_while_validating)
    client = create_app({"TESTING": True}).test_client()
    answer = client.patch(f"/api/v1/pools/achievement/{record}", json={"成果简介": "新简介"},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 409, answer.get_data(as_text=True)
    assert answer.get_json()["code"] == "conflict" and "刷新" in answer.get_json()["message"]

    second = add_achievement(add_org("另一所大学"), "发酵")
    pages = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}).test_client()
    assert pages.post("/login", data={"username": "staff", "password": "secret-pass"}).status_code == 302
    with session_scope() as s:
        form = form_values(Pool.ACHIEVEMENT, s.get(Achievement, second)) | {"成果简介": "新简介"}
    page = pages.post(f"/pool/achievement/{second}/edit", data=form)
    assert page.status_code == 409 and "刚被其他人删除或修改" in page.get_data(as_text=True)
