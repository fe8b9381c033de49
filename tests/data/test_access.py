"""Who may see, create and edit what (data/access.py), asked by every layer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import (MAX_ID, Viewer, can_see, good_standing, may_create, member_in_good_standing, pool_of,
                         published_to, viewer_for, visible_levels)
from data.enums import EducationLevel, MemberStatus, ProjectKind, Role, Status, Visibility
from data.models import Organization, Project, Talent, User
from data.pools import Pool


def viewer(org_id: int | None = None, member: bool = False, staff: bool = False, user_id: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(org_id=org_id, member=member, staff=staff, user_id=user_id)


def need(visibility: Visibility, status: Status = Status.PUBLISHED, owner: int = 7) -> Project:
    return Project(name="需求", owner_org_id=owner, visibility=visibility, status=status)


@pytest.mark.parametrize(("visibility", "outsider", "member"), [
    (Visibility.PUBLIC, True, True), (Visibility.MEMBERS, False, True), (Visibility.PRIVATE, False, False)])
def test_a_published_record_is_seen_at_the_levels_open_to_the_viewer(visibility: Visibility, outsider: bool,
                                                                       member: bool) -> None:
    record = need(visibility)
    assert can_see(record, viewer(org_id=1)) is outsider
    assert can_see(record, viewer(org_id=1, member=True)) is member
    assert can_see(record, viewer(org_id=7))  # its own organization
    assert can_see(record, viewer(staff=True))


def test_an_unpublished_record_is_seen_only_by_its_owner_and_staff() -> None:
    for status in (Status.DRAFT, Status.PENDING):
        record = need(Visibility.PUBLIC, status)
        assert not can_see(record, viewer(org_id=1, member=True))
        assert can_see(record, viewer(org_id=7)) and can_see(record, viewer(staff=True))


def test_a_person_sees_their_own_profile_whatever_its_visibility() -> None:
    profile = Talent(name="学生", user_id=42, visibility=Visibility.PRIVATE, status=Status.PENDING)
    assert can_see(profile, viewer(user_id=42))
    assert not can_see(profile, viewer(user_id=43, member=True))


def test_an_organization_is_its_own_owner() -> None:
    org = Organization(id=7, name="单位", visibility=Visibility.PRIVATE, status=Status.PUBLISHED)
    assert can_see(org, viewer(org_id=7)) and not can_see(org, viewer(org_id=8, member=True))
    assert pool_of(org) is Pool.ORGANIZATION and pool_of(need(Visibility.PUBLIC)) is Pool.PROJECT


@pytest.mark.parametrize(("status", "good"), [(MemberStatus.ACTIVE, True), (MemberStatus.APPLYING, False),
                                              (MemberStatus.LAPSED, False), (MemberStatus.EXPELLED, False)])
def test_good_standing_is_an_active_membership(status: MemberStatus, good: bool) -> None:
    user = User(role=Role.ENTERPRISE, org=Organization(name="单位", member_status=status))
    assert member_in_good_standing(user) is good
    assert (Visibility.MEMBERS in visible_levels(member_in_good_standing(user))) is good
    assert not member_in_good_standing(User(role=Role.EXPERT, org=None))


def test_who_creates_where() -> None:
    staff = User(role=Role.STAFF, org_id=None)
    assert all(may_create(staff, pool) for pool in Pool)
    enterprise = User(role=Role.ENTERPRISE, org_id=3)
    assert may_create(enterprise, Pool.PROJECT) and not may_create(enterprise, Pool.TALENT)
    assert not may_create(User(role=Role.ENTERPRISE, org_id=None), Pool.PROJECT)  # no organization: nothing
    assert not any(may_create(User(role=Role.STUDENT, org_id=3), pool) for pool in Pool)
    assert MAX_ID == 2**31 - 1


def test_a_catalog_shows_what_a_detail_page_shows_of_published_records(db: Session,
                                                                        make_org: Callable[..., Organization]) -> None:
    """One rule: a list query (``published_to``) returns exactly the published records ``can_see``
    allows, for every viewer — own organization's records at every level (even when it is not in
    good standing), others' at the open levels, never an unpublished one."""
    mine, other = make_org("本单位"), make_org("别的单位")
    records = [Project(name=f"需求{i}", natural_key=f"access-{i}", owner_org_id=org.id, project_kind=ProjectKind.TECH_PROBLEM,
                       visibility=visibility, status=status)
               for i, (org, visibility, status) in enumerate(
                   (org, visibility, status) for org in (mine, other) for visibility in Visibility
                   for status in (Status.PUBLISHED, Status.DRAFT))]
    db.add_all(records)
    db.flush()
    viewers = [Viewer(), Viewer(org_id=mine.id), Viewer(org_id=mine.id, member=True), Viewer(org_id=other.id, member=True),
               Viewer(staff=True)]
    for who in viewers:
        listed = set(db.scalars(select(Project.id).where(Project.id.in_([r.id for r in records]), published_to(Project, who))))
        expected = {r.id for r in records if r.status is Status.PUBLISHED and can_see(r, who)}
        assert listed == expected, who
    own_members_only = next(r for r in records if r.owner_org_id == mine.id and r.visibility is Visibility.MEMBERS
                            and r.status is Status.PUBLISHED)
    assert own_members_only.id in set(db.scalars(select(Project.id).where(published_to(Project, Viewer(org_id=mine.id)))))


def test_a_person_finds_their_own_profile_in_a_list(db: Session, make_org: Callable[..., Organization]) -> None:
    college = make_org("某职业学院")
    profile = Talent(name="学生甲", natural_key="access-talent", owner_org_id=college.id, major="机电",
                     level=EducationLevel.HIGHER_VOCATIONAL, visibility=Visibility.PRIVATE, status=Status.PUBLISHED)
    db.add(profile)
    db.flush()
    user = User(username="stu-own-profile", display_name="学生甲", role=Role.STUDENT, password_hash="x")
    db.add(user)
    db.flush()
    profile.user_id = user.id
    db.flush()
    listed = set(db.scalars(select(Talent.id).where(published_to(Talent, Viewer(user_id=user.id)))))
    assert profile.id in listed
    assert profile.id not in set(db.scalars(select(Talent.id).where(published_to(Talent, Viewer(user_id=user.id + 1)))))


def test_a_student_is_not_an_insider_of_their_college() -> None:
    college = Organization(id=5, name="学院", member_status=MemberStatus.ACTIVE)
    student = User(id=9, role=Role.STUDENT, org_id=5, org=college)
    teacher = User(id=10, role=Role.COLLEGE, org_id=5, org=college)
    assert viewer_for(student) == Viewer(org_id=None, member=True, staff=False, user_id=9)
    assert viewer_for(teacher) == Viewer(org_id=5, member=True, staff=False, user_id=10)
    assert viewer_for(None) == Viewer() and viewer_for(User(id=1, role=Role.STAFF)).staff


def test_good_standing_as_a_query_condition(db: Session, make_org: Callable[..., Organization]) -> None:
    orgs = {status: make_org(f"单位{status.value}", member_status=status) for status in MemberStatus}
    found = set(db.scalars(select(Organization.id).where(good_standing(), Organization.id.in_([o.id for o in orgs.values()]))))
    assert found == {o.id for status, o in orgs.items() if status is MemberStatus.ACTIVE}
