"""Membership governance end to end: apply, preliminary review, the two-thirds vote at its
boundary, certificate, notices, withdrawal, lapse and expulsion."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import CaseStatus, MemberLevel, MemberStatus, OrgKind, Role
from data.errors import NotAllowed
from data.workflows.accounts import create_user
from data.workflows.membership import (MembershipError, apply_deadlines, apply_to_join, give_notice, history, passes,
                             preliminary_review, propose_expulsion, record_fee, unread_notices, vote)
from data.models import AuditEntry, Organization, User

TODAY = dt.date(2026, 11, 22)


def _alliance(db: Session, make_org, council_size: int) -> tuple[list[User], User, User, Organization]:  # type: ignore[no-untyped-def]
    voters = []
    for i in range(council_size):
        org = make_org(f"理事单位{i}", OrgKind.COLLEGE, member_status=MemberStatus.ACTIVE,
                       member_level=MemberLevel.DIRECTOR if i else MemberLevel.PRESIDENT)
        voters.append(create_user(db, f"council{i}", "secret-pass", f"理事{i}", Role.COLLEGE, org.id))
    make_org("普通会员单位", OrgKind.ENTERPRISE, member_status=MemberStatus.ACTIVE, member_level=MemberLevel.MEMBER)
    applicant_org = make_org("申请企业有限公司", OrgKind.ENTERPRISE)
    applicant = create_user(db, "applicant", "secret-pass", "申请人", Role.ENTERPRISE, applicant_org.id)
    staff = create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    return voters, applicant, staff, applicant_org


MATERIALS = "本公司从事工业机器人系统集成，拟与联盟院校共建实训基地并接收学生实习。"


def test_an_application_passes_only_with_more_than_two_thirds(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    voters, applicant, staff, org = _alliance(db, make_org, council_size=3)
    with pytest.raises(MembershipError, match="不少于 20 个字"):
        apply_to_join(db, applicant, "理事单位", "太短")
    case = apply_to_join(db, applicant, "理事单位", MATERIALS)
    assert org.member_status is MemberStatus.APPLYING
    with pytest.raises(MembershipError, match="已有正在办理"):
        apply_to_join(db, applicant, "理事单位", MATERIALS)
    with pytest.raises(NotAllowed):
        preliminary_review(db, applicant, case.id, "accept", "")
    with pytest.raises(MembershipError, match="表决中事项"):  # no vote before the preliminary review …
        vote(db, voters[0], case.id, True)
    preliminary_review(db, staff, case.id, "accept", "材料齐全")
    assert case.status is CaseStatus.VOTING and case.council_size == 3
    with pytest.raises(NotAllowed, match="理事会成员"):
        vote(db, applicant, case.id, True)  # … and the applicant is not on the council
    vote(db, voters[0], case.id, True, today=TODAY)
    vote(db, voters[1], case.id, True, today=TODAY)
    # 2 of 3 is exactly two-thirds: not enough, still open.
    assert case.status is CaseStatus.VOTING and org.member_status is MemberStatus.APPLYING
    with pytest.raises(MembershipError, match="已对该事项表决过"):
        vote(db, voters[1], case.id, True)
    vote(db, voters[2], case.id, True, today=TODAY)
    assert case.status is CaseStatus.APPROVED
    assert org.member_status is MemberStatus.ACTIVE and org.member_level is MemberLevel.DIRECTOR
    assert org.member_certificate == "CJLM-2026-0001" and org.member_since == TODAY
    texts = [e.text for e in history(db, org.id)]
    assert "会员证书编号 CJLM-2026-0001" in texts[0] and "等待秘书处初审" in texts[-1] and len(texts) == 3
    assert unread_notices(db, org.id) == 3
    history(db, org.id, mark_read=True)
    assert unread_notices(db, org.id) == 0
    assert db.scalar(select(AuditEntry.summary).where(AuditEntry.action == "membership").order_by(AuditEntry.id.desc()))\
        .startswith("入会申请「申请企业有限公司」：表决通过（同意 3 / 理事会 3）")


def test_the_boundary_of_the_two_thirds_rule() -> None:
    assert [n for n in range(7) if passes(n, 6)] == [5, 6]  # 4/6 is two-thirds: not more
    assert [n for n in range(4) if passes(n, 3)] == [3]
    assert [n for n in range(5) if passes(n, 4)] == [3, 4]  # 3/4 is more than two-thirds
    assert passes(1, 1) and not passes(0, 1)


def test_a_refusal_is_decided_once_it_is_certain(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    voters, applicant, staff, org = _alliance(db, make_org, council_size=4)
    case = apply_to_join(db, applicant, "会员单位", MATERIALS)
    preliminary_review(db, staff, case.id, "accept", "")
    vote(db, voters[0], case.id, False)
    assert case.status is CaseStatus.VOTING  # 3 more approvals could still pass it (3/4)
    vote(db, voters[1], case.id, False)
    assert case.status is CaseStatus.REFUSED and org.member_status is MemberStatus.NONE
    assert "未获理事会通过（同意 0 / 理事会 4）" in history(db, org.id)[0].text


def test_return_for_changes_and_rejection_need_reasons(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    from data.workflows.membership import resubmit

    _, applicant, staff, org = _alliance(db, make_org, council_size=1)
    case = apply_to_join(db, applicant, "会员单位", MATERIALS)
    with pytest.raises(MembershipError, match="写明理由"):
        preliminary_review(db, staff, case.id, "return", " ")
    preliminary_review(db, staff, case.id, "return", "请补充营业执照与产教融合项目清单")
    assert "请补充营业执照" in history(db, org.id)[0].text
    resubmit(db, applicant, case.id, MATERIALS + "已补充营业执照。")
    preliminary_review(db, staff, case.id, "reject", "不符合章程第八条")
    assert case.status is CaseStatus.REJECTED and org.member_status is MemberStatus.NONE


def test_withdrawal_after_a_month_and_lapse_after_a_year(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    leaving = make_org("退出企业", OrgKind.ENTERPRISE, member_status=MemberStatus.ACTIVE, member_level=MemberLevel.MEMBER,
                       member_since=TODAY - dt.timedelta(days=100), last_active_on=TODAY)
    idle = make_org("沉寂企业", OrgKind.ENTERPRISE, member_status=MemberStatus.ACTIVE, member_level=MemberLevel.MEMBER,
                    member_since=dt.date(2024, 1, 1), last_fee_paid_on=TODAY - dt.timedelta(days=366))
    check = TODAY + dt.timedelta(days=29)
    paying = make_org("缴费企业", OrgKind.ENTERPRISE, member_status=MemberStatus.ACTIVE, member_level=MemberLevel.MEMBER,
                      member_since=dt.date(2024, 1, 1), last_fee_paid_on=check - dt.timedelta(days=365))  # exactly a year
    user = create_user(db, "leaver", "secret-pass", "退出人", Role.ENTERPRISE, leaving.id)
    give_notice(db, user, today=TODAY)
    assert leaving.withdrawal_effective_on == TODAY + dt.timedelta(days=30)
    with pytest.raises(MembershipError, match="已申请退出"):
        give_notice(db, user, today=TODAY)
    assert apply_deadlines(db, today=check) == {"withdrawn": 0, "lapsed": 1}
    assert leaving.member_status is MemberStatus.ACTIVE  # still a member during the notice month
    assert idle.member_status is MemberStatus.LAPSED and paying.member_status is MemberStatus.ACTIVE
    assert "一年未缴纳会费也无活动" in history(db, idle.id)[0].text
    staff = create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    record_fee(db, staff, paying.id, check)  # paid just in time
    assert apply_deadlines(db, today=TODAY + dt.timedelta(days=30)) == {"withdrawn": 1, "lapsed": 0}
    assert leaving.member_status is MemberStatus.WITHDRAWN and leaving.member_level is None
    assert apply_deadlines(db, today=check + dt.timedelta(days=365)) == {"withdrawn": 0, "lapsed": 0}
    assert apply_deadlines(db, today=check + dt.timedelta(days=366)) == {"withdrawn": 0, "lapsed": 1}


def test_the_council_expels_a_member_without_its_own_vote(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    voters, _, staff, _ = _alliance(db, make_org, council_size=4)
    target = db.get(Organization, voters[3].org_id)
    case = propose_expulsion(db, staff, target.id, "违反章程第十二条，泄露联盟内部信息")
    assert case.council_size == 3  # the member concerned does not count or vote
    with pytest.raises(NotAllowed):
        vote(db, voters[3], case.id, False)
    vote(db, voters[0], case.id, True)
    vote(db, voters[1], case.id, True)
    assert case.status is CaseStatus.VOTING
    vote(db, voters[2], case.id, True)
    assert case.status is CaseStatus.APPROVED and target.member_status is MemberStatus.EXPELLED
    with pytest.raises(MembershipError, match="被除名"):
        apply_to_join(db, voters[3], "会员单位", MATERIALS)
