"""The demo reads as a real alliance: teachers teach their own field, public profiles cite only
public work, every council organization has a voting account, accounts are named as people."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.demo import build_demo, load_demo
from data.enums import CaseStatus, MemberLevel, OrgKind, Role
from data.models import Expert, MembershipCase, User
from data.pools import Pool
from data.reference.vocabulary import FIELD_BY_NAME
from data.workflows.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, authenticate, ensure_demo_accounts, shown_name
from data.workflows.membership import ballots, council, open_cases_for_applicants, preliminary_review, tally, vote

COUNCIL = (MemberLevel.PRESIDENT, MemberLevel.VICE_PRESIDENT, MemberLevel.STANDING_DIRECTOR, MemberLevel.DIRECTOR)


@pytest.fixture(scope="module")
def rows():  # type: ignore[no-untyped-def]
    return build_demo()


def test_teachers_teach_their_own_field(rows) -> None:  # type: ignore[no-untyped-def]
    assert rows[Pool.TEACHER]
    for row in rows[Pool.TEACHER]:
        vocabulary = set(FIELD_BY_NAME[row["行业领域"]].skills)
        courses = [c.removesuffix("实训") for c in row["主讲课程"].split("、")]
        assert set(courses) <= vocabulary, (row["姓名"], row["行业领域"], row["主讲课程"])
        assert set(row["专业技能"].split("、")) <= vocabulary, (row["姓名"], row["专业技能"])
    assert not any("药型罩" in str(row.values()) for row in rows[Pool.TEACHER])


def test_profiles_cite_only_public_work(rows) -> None:  # type: ignore[no-untyped-def]
    achievements = rows[Pool.ACHIEVEMENT]
    public = {a["成果名称"] for a in achievements if (a["可见范围"], a["状态"]) == ("公开", "已发布")}
    hidden = {a["成果名称"] for a in achievements} - public
    cited = 0
    for row in rows[Pool.EXPERT]:
        titles = re.findall(r"「([^」]+)」", row["个人简介"])
        assert set(titles) <= public, (row["姓名"], set(titles) & hidden)
        cited += len(titles)
    assert cited > len(rows[Pool.EXPERT])  # most profiles still name their work
    # Experts whose first works are members-only exist, so the rule is exercised.
    assert any(a["完成人"].split("、")[0] == e["姓名"] for e in rows[Pool.EXPERT] for a in achievements
               if a["成果名称"] in hidden)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_every_council_organization_votes_through_its_own_account(db: Session) -> None:
    load_demo(db)
    printed = ensure_demo_accounts(db)
    members = council(db)
    voters = {u.org_id: u for u in db.scalars(select(User).where(User.username.like("lishi%")))}
    assert len(members) > 20 and set(voters) == {o.id for o in members}
    for org in members:
        user = voters[org.id]
        assert user.active and user.role is (Role.ENTERPRISE if org.kind is OrgKind.ENTERPRISE else Role.COLLEGE)
        assert org.member_level in COUNCIL
    assert printed[len(DEMO_ACCOUNTS)][0] == "lishi01" and "理事长单位" in printed[len(DEMO_ACCOUNTS)][1]
    assert {p[0] for p in printed} >= {"qiye", "admin", *(u.username for u in voters.values())}
    assert authenticate(db, "lishi01", DEMO_PASSWORD).org_id in voters
    assert ensure_demo_accounts(db) == printed  # idempotent

    # The council can now vote on an applicant's case with its own accounts.
    open_cases_for_applicants(db)
    staff = db.scalar(select(User).where(User.username == "mishuchu"))
    case = db.scalars(select(MembershipCase).order_by(MembershipCase.id)).first()
    preliminary_review(db, staff, case.id, "accept", "")
    assert case.status is CaseStatus.VOTING and case.council_size == len(members)
    for user in list(voters.values())[:3]:
        assert [b.case.id for b in ballots(db, user.org_id)] == [case.id]
        vote(db, user, case.id, True)
    assert tally(db, case) == (3, 3)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_demo_accounts_are_named_as_people(db: Session) -> None:
    load_demo(db)
    ensure_demo_accounts(db)
    for username, _, role, _ in DEMO_ACCOUNTS:
        user = db.scalar(select(User).where(User.username == username))
        assert role.label not in user.display_name and "演示" not in user.display_name
        assert shown_name(user) == user.display_name
    expert = db.scalar(select(User).where(User.username == "zhuanjia"))
    assert expert.display_name == db.scalar(select(Expert.name).where(Expert.user_id == expert.id))
    # An instance built with the earlier names gets the new ones.
    db.scalar(select(User).where(User.username == "qiye")).display_name = "企业用户（演示）"
    ensure_demo_accounts(db)
    assert db.scalar(select(User).where(User.username == "qiye")).display_name == DEMO_ACCOUNTS[0][1]
