"""Everything that hangs on a pool record dies with it, on every deletion path, and ids are never
handed out twice: a new record never inherits a deleted one's grants, feedback, reviews, held
edits, applications or proposals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from data.enums import ContactPurpose, ContactStatus, EducationLevel, JobKind, OrgKind, Role, TeacherKind
from data.workflows.accounts import create_user
from data.workflows.duplicates import merge
from data.workflows.records import delete_record
from data.models import (Application, ContactRequest, Expert, Feedback, Internship, Organization, PracticeProposal,
                         Review, Revision, Talent, Teacher, User)
from data.pools import Pool
from data.workflows.privacy import delete_account


@pytest.fixture
def people(db: Session, make_org: Callable[..., Organization]) -> dict[str, Any]:
    college, maker = make_org("示例理工大学"), make_org("示例装备有限公司", OrgKind.ENTERPRISE)
    staff = create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    requester = create_user(db, "asker", "secret-pass", "甲企业", Role.ENTERPRISE, maker.id)
    return {"college": college, "maker": maker, "staff": staff, "requester": requester}


def _count(db: Session, model: type[Any], *where: Any) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _hang_everything_on(db: Session, pool: Pool, record_id: int, requester: User) -> None:
    """One dependent row of each (pool, id) kind pointing at the record."""
    db.add_all([
        ContactRequest(requester_id=requester.id, target_pool=pool.value, target_id=record_id,
                       purpose=ContactPurpose.CONSULTING, status=ContactStatus.ACCEPTED),
        Feedback(actor=str(requester.id), direction="need_experts", source_pool=pool.value, source_id=record_id,
                 target_pool="project", target_id=1, action="interested"),
        Feedback(actor=str(requester.id), direction="need_experts", source_pool="project", source_id=1,
                 target_pool=pool.value, target_id=record_id, action="contacted"),
        Review(pool=pool.value, record_id=record_id, decision="approved"),
        Revision(pool=pool.value, record_id=record_id, author_id=requester.id, form={"姓名": "改名"}),
    ])
    db.flush()


def _by_kind_left(db: Session, pool: Pool, record_id: int) -> dict[str, int]:
    return {
        "contact": _count(db, ContactRequest, ContactRequest.target_pool == pool.value, ContactRequest.target_id == record_id),
        "feedback_source": _count(db, Feedback, Feedback.source_pool == pool.value, Feedback.source_id == record_id),
        "feedback_target": _count(db, Feedback, Feedback.target_pool == pool.value, Feedback.target_id == record_id),
        "review": _count(db, Review, Review.pool == pool.value, Review.record_id == record_id),
        "revision": _count(db, Revision, Revision.pool == pool.value, Revision.record_id == record_id),
    }


NONE_LEFT = {"contact": 0, "feedback_source": 0, "feedback_target": 0, "review": 0, "revision": 0}


def test_a_deleted_id_is_never_handed_out_again(db: Session, people: dict[str, Any]) -> None:
    first = Expert(name="甲", natural_key="e-a", owner_org_id=people["college"].id, phone="100-0001-0001")
    db.add(first)
    db.flush()
    gone = first.id
    db.delete(first)
    db.flush()
    second = Expert(name="乙", natural_key="e-b", owner_org_id=people["maker"].id, phone="100-0002-0002")
    db.add(second)
    db.flush()
    assert second.id > gone


def test_deleting_a_record_takes_every_kind_of_dependent_with_it(db: Session, people: dict[str, Any]) -> None:
    expert = Expert(name="陈视觉", natural_key="e1", owner_org_id=people["college"].id, phone="100-0001-0009")
    other = Expert(name="王其他", natural_key="e2", owner_org_id=people["college"].id)
    db.add_all([expert, other])
    db.flush()
    _hang_everything_on(db, Pool.EXPERT, expert.id, people["requester"])
    _hang_everything_on(db, Pool.EXPERT, other.id, people["requester"])
    expert_id = expert.id
    delete_record(db, people["staff"], Pool.EXPERT, expert)
    assert _by_kind_left(db, Pool.EXPERT, expert_id) == NONE_LEFT
    # Another record's rows, and rows naming the same id in another pool, are untouched.
    assert _by_kind_left(db, Pool.EXPERT, other.id) == dict.fromkeys(NONE_LEFT, 1) | {"feedback_source": 1}
    assert _count(db, Feedback, Feedback.target_pool == "project", Feedback.target_id == 1) == 1


def test_a_loaded_held_edit_is_deleted_not_updated(db: Session, people: dict[str, Any]) -> None:
    expert = Expert(name="陈视觉", natural_key="e1", owner_org_id=people["college"].id)
    db.add(expert)
    db.flush()
    _hang_everything_on(db, Pool.EXPERT, expert.id, people["requester"])
    revision = db.scalar(select(Revision))
    revision.reason = "edited in the same flush"  # a pending UPDATE for a row about to go
    db.delete(expert)
    db.flush()
    assert _count(db, Revision) == 0


def test_applications_die_with_the_student_and_with_the_post(db: Session, people: dict[str, Any]) -> None:
    talents = [Talent(name=f"学生{i}", natural_key=f"t{i}", owner_org_id=people["college"].id, major="机电",
                      level=EducationLevel.HIGHER_VOCATIONAL) for i in range(2)]
    posts = [Internship(name=f"岗位{i}", natural_key=f"i{i}", owner_org_id=people["maker"].id,
                        job_kind=JobKind.INTERNSHIP) for i in range(2)]
    db.add_all([*talents, *posts])
    db.flush()
    db.add_all([Application(talent_id=t.id, internship_id=p.id) for t in talents for p in posts])
    db.flush()
    delete_record(db, people["staff"], Pool.TALENT, talents[0])
    assert _count(db, Application, Application.talent_id == talents[0].id) == 0
    delete_record(db, people["staff"], Pool.INTERNSHIP, posts[0])
    assert [(a.talent_id, a.internship_id) for a in db.scalars(select(Application))] == [(talents[1].id, posts[1].id)]


def test_proposals_die_with_the_teacher(db: Session, people: dict[str, Any]) -> None:
    teacher = Teacher(name="孙讲师", natural_key="t1", owner_org_id=people["college"].id,
                      teacher_kind=TeacherKind.FULL_TIME)
    db.add(teacher)
    db.flush()
    db.add(PracticeProposal(teacher_id=teacher.id, enterprise_id=people["maker"].id))
    _hang_everything_on(db, Pool.TEACHER, teacher.id, people["requester"])
    teacher_id = teacher.id
    delete_record(db, people["staff"], Pool.TEACHER, teacher)
    assert _count(db, PracticeProposal) == 0
    assert _by_kind_left(db, Pool.TEACHER, teacher_id) == NONE_LEFT


def test_a_bulk_delete_takes_dependents_too(db: Session, people: dict[str, Any]) -> None:
    expert = Expert(name="陈视觉", natural_key="e1", owner_org_id=people["college"].id)
    db.add(expert)
    db.flush()
    _hang_everything_on(db, Pool.EXPERT, expert.id, people["requester"])
    expert_id = expert.id
    db.execute(delete(Expert).where(Expert.natural_key == "e1"))
    assert _by_kind_left(db, Pool.EXPERT, expert_id) == NONE_LEFT


def test_merge_moves_what_it_keeps_and_the_rest_dies_with_the_dropped_record(db: Session, people: dict[str, Any]) -> None:
    keep = Talent(name="林同学", natural_key="k", owner_org_id=people["college"].id, major="机电",
                  level=EducationLevel.HIGHER_VOCATIONAL)
    drop = Talent(name="林同学", natural_key="d", owner_org_id=people["college"].id, major="机电",
                  level=EducationLevel.HIGHER_VOCATIONAL)
    post = Internship(name="岗位", natural_key="i", owner_org_id=people["maker"].id, job_kind=JobKind.INTERNSHIP)
    db.add_all([keep, drop, post])
    db.flush()
    db.add(Application(talent_id=drop.id, internship_id=post.id))
    _hang_everything_on(db, Pool.TALENT, drop.id, people["requester"])
    drop_id = drop.id
    merge(db, Pool.TALENT, keep.id, drop_id, people["staff"])
    # Moved, as before: feedback both ways and the application.
    assert _count(db, Application, Application.talent_id == keep.id) == 1
    assert _by_kind_left(db, Pool.TALENT, keep.id) == NONE_LEFT | {"feedback_source": 1, "feedback_target": 1}
    # Nothing is left pointing at the dropped id (its grant was for that record's details).
    assert _by_kind_left(db, Pool.TALENT, drop_id) == NONE_LEFT


def test_a_student_deleting_their_account_leaves_nothing_on_the_profile(db: Session, people: dict[str, Any]) -> None:
    student = create_user(db, "stu", "secret-pass", "林同学", Role.STUDENT, people["college"].id)
    talent = Talent(name="林同学", natural_key="user:x", owner_org_id=people["college"].id, major="机电",
                    level=EducationLevel.HIGHER_VOCATIONAL, user_id=student.id)
    post = Internship(name="岗位", natural_key="i", owner_org_id=people["maker"].id, job_kind=JobKind.INTERNSHIP)
    db.add_all([talent, post])
    db.flush()
    db.add(Application(talent_id=talent.id, internship_id=post.id))
    _hang_everything_on(db, Pool.TALENT, talent.id, people["requester"])
    talent_id = talent.id
    delete_account(db, student)
    assert _by_kind_left(db, Pool.TALENT, talent_id) == NONE_LEFT
    assert _count(db, Application) == 0
