"""Each model's constraints hold on every backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from data.enums import AchievementKind, EducationLevel, JobKind, OrgKind, ProjectKind, Status, TeacherKind, Visibility
from data.models import Achievement, Expert, Internship, Organization, Project, Talent, Teacher


def _flush_fails(db: Session, record: Any, error: type[Exception] = IntegrityError) -> None:
    nested = db.begin_nested()
    db.add(record)
    with pytest.raises(error):
        db.flush()
    nested.rollback()


def test_defaults_and_roundtrip(db: Session, make_org: Callable[..., Organization]) -> None:
    org = make_org(region_code="440100")
    expert = Expert(name="张三", natural_key="张三|x", owner_org=org, research_areas=["机器视觉"])
    db.add(expert)
    db.flush()
    db.expire_all()
    loaded = db.get(Expert, expert.id)
    assert loaded is not None
    assert loaded.visibility is Visibility.PUBLIC
    assert loaded.status is Status.PUBLISHED
    assert loaded.research_areas == ["机器视觉"]
    assert loaded.owner_org.region_code == "440100"
    assert loaded.created_at is not None


def test_natural_key_is_unique(db: Session, make_org: Callable[..., Organization]) -> None:
    make_org("甲公司", OrgKind.ENTERPRISE)
    _flush_fails(db, Organization(name="甲公司2", kind=OrgKind.ENTERPRISE, natural_key="甲公司"))


def test_owner_and_region_must_exist(db: Session, make_org: Callable[..., Organization]) -> None:
    _flush_fails(db, Expert(name="李四", natural_key="k1", owner_org_id=999_999))
    org = make_org()
    _flush_fails(db, Expert(name="李四", natural_key="k2", owner_org_id=org.id, region_code="999999"))


@pytest.mark.parametrize(
    "factory",
    [
        lambda org: Achievement(name="a", natural_key="a", owner_org_id=org.id,
                                achievement_kind=AchievementKind.TECHNOLOGY, trl=10),
        lambda org: Achievement(name="a", natural_key="a", owner_org_id=org.id,
                                achievement_kind=AchievementKind.TECHNOLOGY, price=-1),
        lambda org: Internship(name="i", natural_key="i", owner_org_id=org.id, job_kind=JobKind.INTERNSHIP, seats=0),
        lambda org: Internship(name="i", natural_key="i", owner_org_id=org.id, job_kind=JobKind.INTERNSHIP,
                               start_date=dt.date(2026, 7, 1), end_date=dt.date(2026, 6, 1)),
        lambda org: Talent(name="t", natural_key="t", owner_org_id=org.id, major="m", level=EducationLevel.BACHELOR,
                           available_from=dt.date(2026, 7, 1), available_to=dt.date(2026, 1, 1)),
        lambda org: Project(name="p", natural_key="p", owner_org_id=org.id,
                            project_kind=ProjectKind.TECH_PROBLEM, budget=-5),
        lambda org: Teacher(name="t", natural_key="t", owner_org_id=org.id,
                            teacher_kind=TeacherKind.FULL_TIME, hours_available=-1),
    ],
    ids=["trl", "price", "seats", "internship-period", "talent-period", "budget", "hours"],
)
def test_check_constraints(db: Session, make_org: Callable[..., Organization], factory: Callable[[Organization], Any]) -> None:
    _flush_fails(db, factory(make_org()))


def test_enum_column_rejects_unknown_code(db: Session, make_org: Callable[..., Organization]) -> None:
    org = make_org()
    with pytest.raises(StatementError):
        db.execute(text("SELECT 1"))  # keep the connection warm
        db.execute(
            Organization.__table__.update().where(Organization.id == org.id).values(status="bogus")
        )


def test_enum_check_constraint_in_database(db: Session, make_org: Callable[..., Organization]) -> None:
    org = make_org()
    nested = db.begin_nested()
    with pytest.raises(IntegrityError):
        db.execute(text("UPDATE organizations SET status = 'bogus' WHERE id = :id"), {"id": org.id})
    nested.rollback()
