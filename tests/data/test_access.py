"""Who may see, create and edit what (data/access.py), asked by every layer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from data.access import MAX_ID, can_see, may_create, member_in_good_standing, pool_of, visible_levels
from data.enums import MemberStatus, Role, Status, Visibility
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
