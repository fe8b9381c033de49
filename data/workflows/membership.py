"""Membership governance from the alliance charters.

- An organization applies to join with its materials and the level it asks for; the
  secretariat's preliminary review accepts it for the council's vote, returns it for changes,
  or rejects it, with reasons.
- The council (member organizations in good standing at 理事 level or above) votes, one vote
  per organization; a case passes with MORE than two-thirds of the council approving, counted
  against the council's size when the vote opened. It is decided as soon as the outcome is
  certain. A passed application makes the organization a member at the level asked for and
  issues a certificate number.
- A member leaves one month after giving notice; membership lapses after a year without fee
  payment or activity; the council can expel a member by the same vote.
- Every step is written to the organization's membership history (its notices) and the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import good_standing
from data.enums import AuditAction, CaseKind, CaseStatus, MemberLevel, MemberStatus, NotificationKind, Role
from data.errors import FieldError, NotAllowed
from data.models import CouncilVote, MembershipCase, MembershipEvent, Organization, User
from data.models.base import utcnow
from data.sheets.rows import typed_text
from data.workflows.audit import audit
from data.workflows.notifications import notify, org_users

COUNCIL_LEVELS = (MemberLevel.PRESIDENT, MemberLevel.VICE_PRESIDENT, MemberLevel.STANDING_DIRECTOR, MemberLevel.DIRECTOR)
REPRESENTATIVES = (Role.ENTERPRISE, Role.COLLEGE, Role.STAFF, Role.ADMIN)  # who acts for an organization
NOTICE_DAYS = 30
LAPSE_DAYS = 365
OPEN = (CaseStatus.SUBMITTED, CaseStatus.RETURNED, CaseStatus.VOTING)


class MembershipError(FieldError):
    pass


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _event(session: Session, org: Organization, event: str, text: str, case: MembershipCase | None = None) -> None:
    """A step of the organization's membership: on its 会员事务 page and in its users' inboxes."""
    session.add(MembershipEvent(org_id=org.id, case_id=case.id if case else None, event=event, text=text))
    notify(session, org_users(session, org.id), NotificationKind.MEMBERSHIP, text[:200], "", "/membership")


def _record(session: Session, actor: User | None, org: Organization, summary: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit(session, actor, AuditAction.MEMBERSHIP, "organization", org.id, summary, before=before, after=after)


def _state(org: Organization) -> dict[str, str]:
    return {"会员状态": org.member_status.label, "会员级别": org.member_level.label if org.member_level else "",
            "会员证书": org.member_certificate or ""}


def council(session: Session, excluding: int | None = None) -> list[Organization]:
    query = select(Organization).where(good_standing(),
                                       Organization.member_level.in_(COUNCIL_LEVELS)).order_by(Organization.id)
    return [o for o in session.scalars(query) if o.id != excluding]


def _own_org(session: Session, user: User) -> Organization:
    if user.role not in (Role.ENTERPRISE, Role.COLLEGE) or user.org_id is None:
        raise NotAllowed("org", "只有单位的企业用户或院校用户可以代表本单位办理会员事务")
    org = session.get(Organization, user.org_id)
    assert org is not None
    return org


def _open_case(session: Session, org_id: int) -> MembershipCase | None:
    return session.scalar(select(MembershipCase).where(MembershipCase.org_id == org_id, MembershipCase.status.in_(OPEN)))


def apply_to_join(session: Session, user: User, level: str, materials: str) -> MembershipCase:
    """The user's organization applies to join (or rejoin) at ``level`` with its materials."""
    org = _own_org(session, user)
    if org.member_status is MemberStatus.ACTIVE:
        raise MembershipError("org", f"「{org.name}」已是正式会员")
    if org.member_status is MemberStatus.EXPELLED:
        raise MembershipError("org", "被除名的单位不能再次申请入会，请联系秘书处")
    if _open_case(session, org.id) is not None:
        raise MembershipError("org", "本单位已有正在办理的申请")
    return open_join_case(session, user, org, parse_level(level), check_materials(materials))


def open_join_case(session: Session, actor: User, org: Organization, requested: MemberLevel, materials: str,
                   by_applicant: bool = True) -> MembershipCase:
    """The join case of ``org``, waiting for the preliminary review: from its own user's
    application (``actor``), or, ``by_applicant`` False, from a new organization's application
    that the secretariat (``actor``) has just approved (its applicant had no account)."""
    before = _state(org)
    case = MembershipCase(org_id=org.id, kind=CaseKind.JOIN, requested_level=requested, materials=materials,
                          created_by_id=actor.id if by_applicant else None)
    session.add(case)
    org.member_status = MemberStatus.APPLYING
    session.flush()
    _event(session, org, "submitted", f"已提交入会申请（申请级别：{requested.label}），等待秘书处初审", case)
    _record(session, actor, org, f"「{org.name}」申请入会（{requested.label}）", before, _state(org))
    return case


def parse_level(level: str) -> MemberLevel:
    """The level an application asks for, from its code or label (MembershipError naming ``level``)."""
    try:
        return MemberLevel.parse(level)
    except ValueError as exc:
        raise MembershipError("level", f"申请级别{exc}") from exc


def check_materials(text: str) -> str:
    """An application's materials: 20 to 10,000 characters (MembershipError naming ``materials``)."""
    return typed_text(text, "materials", "请填写申请材料（单位概况、参与产教融合的基础与计划等），不少于 20 个字",
                      min_len=20, max_len=10000, error=MembershipError)


def resubmit(session: Session, user: User, case_id: int, materials: str) -> MembershipCase:
    org = _own_org(session, user)
    case = session.get(MembershipCase, case_id)
    if case is None or case.org_id != org.id or case.status is not CaseStatus.RETURNED:
        raise MembershipError("case_id", "没有需要补充材料的本单位申请")
    case.materials, case.status = check_materials(materials), CaseStatus.SUBMITTED
    _event(session, org, "resubmitted", "已补充材料并重新提交，等待秘书处初审", case)
    session.flush()
    return case


def preliminary_review(session: Session, staff: User, case_id: int, decision: str, reason: str) -> MembershipCase:
    """The secretariat: ``accept`` (to the council's vote), ``return`` (for changes) or ``reject``."""
    if not staff.role.is_staff:
        raise NotAllowed("case_id", "初审由秘书处办理")
    case = session.get(MembershipCase, case_id)
    if case is None or case.kind is not CaseKind.JOIN or case.status is not CaseStatus.SUBMITTED:
        raise MembershipError("case_id", f"没有编号为 {case_id} 的待初审申请")
    reason = reason.strip()[:2000]
    if decision in ("return", "reject") and not reason:
        raise MembershipError("reason", "退回或不予通过时请写明理由")
    org, before = case.org, _state(case.org)
    if decision == "accept":
        members = council(session)
        if not members:
            raise MembershipError("case_id", "理事会还没有成员单位（理事及以上的正式会员），无法表决")
        case.status, case.council_size, case.reason = CaseStatus.VOTING, len(members), reason
        _event(session, org, "voting", f"初审通过，提交理事会表决（理事会 {len(members)} 家成员单位，须超过三分之二同意）"
               + (f"。秘书处意见：{reason}" if reason else ""), case)
    elif decision == "return":
        case.status, case.reason = CaseStatus.RETURNED, reason
        _event(session, org, "returned", f"申请被退回补充材料：{reason}", case)
    elif decision == "reject":
        case.status, case.reason, case.decided_at = CaseStatus.REJECTED, reason, utcnow()
        org.member_status = MemberStatus.NONE
        _event(session, org, "rejected", f"申请初审未通过：{reason}", case)
    else:
        raise MembershipError("decision", "初审结论应为 通过、退回补充 或 不予通过")
    _record(session, staff, org, f"初审「{org.name}」的入会申请：{case.status.label}", before, _state(org))
    session.flush()
    return case


def propose_expulsion(session: Session, staff: User, org_id: int, reason: str) -> MembershipCase:
    """The secretariat brings a motion to expel a member to the council's vote."""
    if not staff.role.is_staff:
        raise NotAllowed("org_id", "除名动议由秘书处提交理事会")
    org = session.get(Organization, org_id)
    if org is None or org.member_status is not MemberStatus.ACTIVE:
        raise MembershipError("org_id", "只能对正式会员单位提出除名动议")
    reason = typed_text(reason, "reason", "请写明除名理由（依据章程哪一条）", error=MembershipError)
    if _open_case(session, org.id) is not None:
        raise MembershipError("org_id", "该单位已有正在办理的会员事项")
    members = council(session, excluding=org.id)
    if not members:
        raise MembershipError("org_id", "理事会没有其他成员单位，无法表决")
    case = MembershipCase(org_id=org.id, kind=CaseKind.EXPEL, reason=reason, status=CaseStatus.VOTING,
                          council_size=len(members), created_by_id=staff.id)
    session.add(case)
    session.flush()
    _event(session, org, "expel_motion", f"秘书处提出除名动议，理事会表决中。理由：{case.reason}", case)
    _record(session, staff, org, f"对「{org.name}」提出除名动议", _state(org), _state(org))
    return case


def vote(session: Session, user: User, case_id: int, approve: bool, comment: str = "",
         today: dt.date | None = None) -> MembershipCase:
    """One vote per council organization; the case is decided as soon as the outcome is certain."""
    case = session.get(MembershipCase, case_id)
    if case is None or case.status is not CaseStatus.VOTING:
        raise MembershipError("case_id", f"没有编号为 {case_id} 的表决中事项")
    if user.role not in REPRESENTATIVES or user.org_id not in {o.id for o in _voters(session, case)}:
        raise NotAllowed("case_id", "只有理事会成员单位可以表决")
    if session.scalar(select(CouncilVote).where(CouncilVote.case_id == case.id, CouncilVote.voter_org_id == user.org_id)):
        raise MembershipError("case_id", "本单位已对该事项表决过")
    session.add(CouncilVote(case_id=case.id, voter_org_id=user.org_id, voter_user_id=user.id, approve=approve,
                            comment=comment.strip()[:2000]))
    session.flush()
    audit(session, user, AuditAction.VOTE, "membership_case", case.id,
          f"{'同意' if approve else '反对'}：{case.kind.label}「{case.org.name}」", after={"意见": comment.strip()[:200]})
    _settle(session, case, user, _today(today))
    return case


def _voters(session: Session, case: MembershipCase) -> list[Organization]:
    """The council, without the member an expulsion motion is about."""
    return council(session, excluding=case.org_id if case.kind is CaseKind.EXPEL else None)


def tally(session: Session, case: MembershipCase) -> tuple[int, int]:
    """(approvals, votes cast)."""
    rows = session.execute(select(CouncilVote.approve, func.count()).where(CouncilVote.case_id == case.id)
                           .group_by(CouncilVote.approve)).all()
    counts = {bool(a): n for a, n in rows}
    return counts.get(True, 0), counts.get(True, 0) + counts.get(False, 0)


def passes(approvals: int, council_size: int) -> bool:
    """More than two-thirds: exactly two-thirds is not enough."""
    return 3 * approvals > 2 * council_size


def _settle(session: Session, case: MembershipCase, actor: User, today: dt.date) -> None:
    size = case.council_size or 0
    approvals, cast = tally(session, case)
    if passes(approvals, size):
        outcome = CaseStatus.APPROVED
    elif not passes(approvals + (size - cast), size):
        outcome = CaseStatus.REFUSED
    else:
        return
    org, before = case.org, _state(case.org)
    case.status, case.decided_at = outcome, utcnow()
    figures = f"（同意 {approvals} / 理事会 {size}）"
    if case.kind is CaseKind.JOIN and outcome is CaseStatus.APPROVED:
        org.member_status, org.member_level = MemberStatus.ACTIVE, case.requested_level
        org.member_certificate = org.member_certificate or _certificate(session, today)
        org.member_since, org.withdrawal_effective_on, org.last_active_on = today, None, today
        _event(session, org, "approved", f"理事会表决通过{figures}，成为{org.member_level.label if org.member_level else '会员单位'}，"
               f"会员证书编号 {org.member_certificate}", case)
    elif case.kind is CaseKind.JOIN:
        org.member_status = MemberStatus.NONE
        _event(session, org, "refused", f"入会申请未获理事会通过{figures}", case)
    elif outcome is CaseStatus.APPROVED:
        org.member_status, org.member_level, org.withdrawal_effective_on = MemberStatus.EXPELLED, None, None
        _event(session, org, "expelled", f"理事会表决通过除名动议{figures}，会员资格终止", case)
    else:
        _event(session, org, "kept", f"除名动议未获理事会通过{figures}，会员资格不变", case)
    _record(session, actor, org, f"{case.kind.label}「{org.name}」：{outcome.label}{figures}", before, _state(org))
    session.flush()


def _certificate(session: Session, today: dt.date) -> str:
    prefix = f"CJLM-{today.year}-"
    taken = session.scalars(select(Organization.member_certificate).where(Organization.member_certificate.like(prefix + "%")))
    numbers = [int(c.removeprefix(prefix)) for c in taken if c and c.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def give_notice(session: Session, user: User, today: dt.date | None = None) -> Organization:
    """A member gives notice; it leaves the alliance one month later."""
    org = _own_org(session, user)
    if org.member_status is not MemberStatus.ACTIVE:
        raise MembershipError("org", "只有正式会员可以申请退出")
    if org.withdrawal_effective_on is not None:
        raise MembershipError("org", f"已申请退出，将于 {org.withdrawal_effective_on.isoformat()} 生效")
    before = _state(org)
    org.withdrawal_effective_on = _today(today) + dt.timedelta(days=NOTICE_DAYS)
    _event(session, org, "notice", f"已申请退出联盟，将于 {org.withdrawal_effective_on.isoformat()} 生效")
    _record(session, user, org, f"「{org.name}」申请退出（{org.withdrawal_effective_on.isoformat()} 生效）", before,
            {**_state(org), "退出生效日": org.withdrawal_effective_on.isoformat()})
    session.flush()
    return org


def record_fee(session: Session, staff: User, org_id: int, paid_on: dt.date) -> Organization:
    if not staff.role.is_staff:
        raise NotAllowed("org_id", "会费由秘书处登记")
    org = session.get(Organization, org_id)
    if org is None:
        raise MembershipError("org_id", f"单位库中没有编号为 {org_id} 的单位")
    org.last_fee_paid_on = paid_on
    _event(session, org, "fee", f"秘书处已登记 {paid_on.isoformat()} 缴纳的会费")
    _record(session, staff, org, f"登记「{org.name}」会费", {}, {"缴费日期": paid_on.isoformat()})
    session.flush()
    return org


def touch_activity(session: Session, org_id: int | None, today: dt.date | None = None) -> None:
    """A login or a change by one of the organization's users counts as activity."""
    if org_id is None:
        return
    org = session.get(Organization, org_id)
    if org is not None and org.last_active_on != _today(today):
        org.last_active_on = _today(today)


def apply_deadlines(session: Session, today: dt.date | None = None) -> dict[str, int]:
    """Withdrawals whose notice has run out, and members a year without fee or activity lapse."""
    today = _today(today)
    counts = {"withdrawn": 0, "lapsed": 0}
    for org in session.scalars(select(Organization).where(Organization.member_status == MemberStatus.ACTIVE)):
        before = _state(org)
        if org.withdrawal_effective_on is not None and org.withdrawal_effective_on <= today:
            org.member_status, org.member_level = MemberStatus.WITHDRAWN, None
            _event(session, org, "withdrawn", f"退出联盟已于 {org.withdrawal_effective_on.isoformat()} 生效")
            _record(session, None, org, f"「{org.name}」退出生效", before, _state(org))
            counts["withdrawn"] += 1
            continue
        known = [d for d in (org.last_fee_paid_on, org.last_active_on, org.member_since) if d is not None]
        last = max(known) if known else org.created_at.date()
        if (today - last).days > LAPSE_DAYS:
            org.member_status = MemberStatus.LAPSED
            _event(session, org, "lapsed", f"自 {last.isoformat()} 起一年未缴纳会费也无活动，会员资格自动失效；"
                   "补缴会费后可重新申请")
            _record(session, None, org, f"「{org.name}」会员资格失效", before, _state(org))
            counts["lapsed"] += 1
    session.flush()
    return counts


def history(session: Session, org_id: int, mark_read: bool = False) -> list[MembershipEvent]:
    events = list(session.scalars(select(MembershipEvent).where(MembershipEvent.org_id == org_id)
                                  .order_by(MembershipEvent.id.desc()).limit(200)))
    if mark_read:
        now = utcnow()
        for event in events:
            if event.read_at is None:
                event.read_at = now
    return events


def unread_notices(session: Session, org_id: int | None) -> int:
    if org_id is None:
        return 0
    return session.scalar(select(func.count()).select_from(MembershipEvent).where(
        MembershipEvent.org_id == org_id, MembershipEvent.read_at.is_(None))) or 0


def cases(session: Session, statuses: tuple[CaseStatus, ...] = OPEN) -> list[MembershipCase]:
    return list(session.scalars(select(MembershipCase).where(MembershipCase.status.in_(statuses))
                                .order_by(MembershipCase.id)))


@dataclass
class Ballot:
    """A case in the council's vote, as one council organization sees it."""

    case: MembershipCase
    approvals: int
    cast: int
    voted: bool  # this organization has voted


def ballots(session: Session, org_id: int | None) -> list[Ballot]:
    """The cases in vote that ``org_id`` may vote on (none when it is not on the council)."""
    if org_id is None:
        return []
    found = []
    for case in cases(session, (CaseStatus.VOTING,)):
        if org_id not in {o.id for o in _voters(session, case)}:
            continue
        mine = session.scalar(select(CouncilVote.id).where(CouncilVote.case_id == case.id,
                                                           CouncilVote.voter_org_id == org_id))
        found.append(Ballot(case, *tally(session, case), voted=mine is not None))
    return found


def cases_of(session: Session, org_id: int) -> list[MembershipCase]:
    return list(session.scalars(select(MembershipCase).where(MembershipCase.org_id == org_id)
                                .order_by(MembershipCase.id.desc())))


def members(session: Session) -> list[Organization]:
    """Member organizations in good standing, council first."""
    found = session.scalars(select(Organization).where(good_standing()))
    rank = {level: i for i, level in enumerate(MemberLevel)}
    return sorted(found, key=lambda o: (rank.get(o.member_level, 99) if o.member_level else 99, o.id))


def open_cases_for_applicants(session: Session) -> int:
    """Organizations marked 申请中 by an import get a case the secretariat can review."""
    created = 0
    applying = session.scalars(select(Organization).where(Organization.member_status == MemberStatus.APPLYING)
                               .order_by(Organization.id))
    for org in applying:
        if _open_case(session, org.id) is None:
            session.add(MembershipCase(org_id=org.id, kind=CaseKind.JOIN, requested_level=MemberLevel.MEMBER,
                                       materials=org.description or f"{org.name}申请加入联盟"))
            created += 1
    session.flush()
    return created
