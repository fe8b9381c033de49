"""Every maker gives a record the database accepts with its defaults alone, and keywords
override any column."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.enums import ProjectKind, Role
from data.models import MODELS
from data.pools import Pool
from data.workflows.accounts import authenticate
from tests.makers import (
    PASSWORD,
    make_achievement,
    make_expert,
    make_internship,
    make_organization,
    make_project,
    make_talent,
    make_teacher,
    make_user,
)


def test_each_pool_has_a_maker_whose_defaults_the_database_accepts(db: Session) -> None:
    org = make_organization(db)
    made = {Pool.ORGANIZATION: org, Pool.EXPERT: make_expert(db, org.id), Pool.TEACHER: make_teacher(db, org.id),
            Pool.PROJECT: make_project(db, org.id), Pool.ACHIEVEMENT: make_achievement(db, org.id),
            Pool.TALENT: make_talent(db, org.id), Pool.INTERNSHIP: make_internship(db, org.id)}
    assert set(made) == set(Pool)
    for pool, record in made.items():
        assert isinstance(record, MODELS[pool]) and record.id is not None
        assert db.get(MODELS[pool], record.id) is record


def test_keywords_override_the_defaults(db: Session) -> None:
    org = make_organization(db, "另一所大学", field="智能制造")
    need = make_project(db, org.id, "课程共建", project_kind=ProjectKind.CO_BUILT_COURSE, natural_key="p1")
    assert (org.name, org.field) == ("另一所大学", "智能制造")
    assert (need.name, need.project_kind, need.natural_key, need.owner_org_id) == \
        ("课程共建", ProjectKind.CO_BUILT_COURSE, "p1", org.id)


def test_a_made_account_can_log_in(db: Session) -> None:
    org = make_organization(db)
    user = make_user(db, "teacher1", Role.COLLEGE, org.id)
    assert (user.display_name, user.org_id, user.active) == ("teacher1", org.id, True)
    assert authenticate(db, "teacher1", PASSWORD) is user
