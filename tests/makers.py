"""One maker per model: a record with sensible defaults, any column overridden by keyword.

Each maker adds the record to the session it is given, flushes (so it has its id) and returns
it; it never commits. A pool record's ``natural_key`` defaults to its name plus its owner's id,
unique enough for a test's handful of records; pass ``natural_key=`` when a test needs a
particular one. The test builders (``tests/matcher/world.py``, ``tests/indexer/records.py``,
``tests/web/helpers.py``) and the ``make_org`` fixture all go through these.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from data.enums import AchievementKind, EducationLevel, JobKind, OrgKind, ProjectKind, Role, TeacherKind
from data.keys import natural_key
from data.models import Achievement, Expert, Internship, Organization, Project, Talent, Teacher, User
from data.workflows.accounts import create_user

PASSWORD = "secret-pass"  # every made account's password unless a test says otherwise

Record = TypeVar("Record")


def _added(session: Session, record: Record) -> Record:
    session.add(record)
    session.flush()
    return record


def _owned(name: str, owner_org_id: int, overrides: dict[str, Any]) -> dict[str, Any]:
    """The columns every owned pool record gets: name, owner and a natural key."""
    return {"name": name, "owner_org_id": owner_org_id,
            "natural_key": natural_key(name, str(owner_org_id), None), **overrides}


def make_organization(session: Session, name: str = "示例理工大学", kind: OrgKind = OrgKind.COLLEGE,
                      **overrides: Any) -> Organization:
    """An organization (a college by default), not a member of the alliance unless
    ``member_status`` says so."""
    return _added(session, Organization(**{"name": name, "kind": kind,
                                           "natural_key": natural_key(name, None, None), **overrides}))


def make_expert(session: Session, owner_org_id: int, name: str = "张专家", **overrides: Any) -> Expert:
    """An expert of the 专家库, available, with no research areas unless given."""
    return _added(session, Expert(**_owned(name, owner_org_id, overrides)))


def make_teacher(session: Session, owner_org_id: int, name: str = "李老师", **overrides: Any) -> Teacher:
    """A full-time teacher."""
    return _added(session, Teacher(**_owned(name, owner_org_id, {"teacher_kind": TeacherKind.FULL_TIME, **overrides})))


def make_project(session: Session, owner_org_id: int, name: str = "示例技术难题", **overrides: Any) -> Project:
    """A need (项目需求): a technical problem unless ``project_kind`` says otherwise."""
    return _added(session, Project(**_owned(name, owner_org_id, {"project_kind": ProjectKind.TECH_PROBLEM, **overrides})))


def make_achievement(session: Session, owner_org_id: int, name: str = "示例技术成果", **overrides: Any) -> Achievement:
    """An achievement (成果), a technology unless ``achievement_kind`` says otherwise."""
    return _added(session, Achievement(**_owned(name, owner_org_id,
                                                {"achievement_kind": AchievementKind.TECHNOLOGY, **overrides})))


def make_talent(session: Session, owner_org_id: int, name: str = "王同学", **overrides: Any) -> Talent:
    """A student's profile (人才库) at a higher vocational college."""
    return _added(session, Talent(**_owned(name, owner_org_id, {"major": "工业机器人技术",
                                                                "level": EducationLevel.HIGHER_VOCATIONAL, **overrides})))


def make_internship(session: Session, owner_org_id: int, name: str = "示例实习岗位", **overrides: Any) -> Internship:
    """An internship post with one seat."""
    return _added(session, Internship(**_owned(name, owner_org_id, {"job_kind": JobKind.INTERNSHIP, **overrides})))


def make_user(session: Session, username: str = "user", role: Role = Role.ENTERPRISE, org_id: int | None = None,
              display_name: str | None = None, password: str = PASSWORD, pending: bool = False) -> User:
    """An account through the real workflow (hashed password, approved unless ``pending``)."""
    return create_user(session, username, password, display_name or username, role, org_id, pending=pending)
