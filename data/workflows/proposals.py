"""教师企业实践: a college proposes one of its full-time teachers to an enterprise, which answers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import AuditAction, NotificationKind, OrgKind, ProposalStatus, Role, Status, TeacherKind
from data.errors import FieldError, NotAllowed, NotFound
from data.models import Organization, PracticeProposal, Teacher, User
from data.models.base import utcnow
from data.sheets.rows import typed_text
from data.workflows.audit import audit
from data.workflows.notifications import notify, org_users



class ProposalError(FieldError):
    pass


def may_propose(user: User, teacher: Teacher) -> bool:
    """A college user proposes their own college's teachers; staff any."""
    return user.role.is_staff or (user.role is Role.COLLEGE and teacher.owner_org_id == user.org_id)


def propose(session: Session, user: User, teacher_id: int, enterprise_id: int, message: str) -> PracticeProposal:
    """A college user (or staff) proposes a teacher of their college; one open proposal per pair."""
    teacher = session.get(Teacher, teacher_id)
    if teacher is None:
        raise ProposalError("teacher_id", f"师资库中没有编号为 {teacher_id} 的教师")
    if not may_propose(user, teacher):
        raise NotAllowed("teacher_id", "只能推荐本校的教师参加企业实践")
    if teacher.teacher_kind is not TeacherKind.FULL_TIME:
        raise ProposalError("teacher_id", "企业实践面向本校专任教师")
    enterprise = session.get(Organization, enterprise_id)
    if enterprise is None or enterprise.kind is not OrgKind.ENTERPRISE or enterprise.status is not Status.PUBLISHED:
        raise ProposalError("enterprise_id", f"单位库中没有编号为 {enterprise_id} 的企业")
    message = typed_text(message, "message", "请说明实践内容与时间，如「2027年暑期，参与产线PLC调试，4周」",
                         error=ProposalError)
    open_one = session.scalar(select(PracticeProposal).where(
        PracticeProposal.teacher_id == teacher_id, PracticeProposal.enterprise_id == enterprise_id,
        PracticeProposal.status == ProposalStatus.PROPOSED))
    if open_one is not None:
        raise ProposalError("enterprise_id", "已向该企业推荐过这位教师，正在等待答复")
    proposal = PracticeProposal(teacher_id=teacher_id, enterprise_id=enterprise_id, proposer_id=user.id, message=message)
    session.add(proposal)
    session.flush()
    audit(session, user, AuditAction.PROPOSE, "proposal", proposal.id,
          f"推荐教师「{teacher.name}」到「{enterprise.name}」实践", after={"说明": message})
    notify(session, org_users(session, enterprise.id), NotificationKind.PROPOSAL_RECEIVED,
           f"「{teacher.owner_org.name}」推荐教师「{teacher.name}」到贵单位实践", message[:500],
           "/proposals")
    return proposal


def answer(session: Session, user: User, proposal_id: int, accept: bool, reply: str) -> PracticeProposal:
    """The enterprise (or staff) accepts or declines; declining asks for a reason."""
    proposal = session.get(PracticeProposal, proposal_id)
    if proposal is None or (not user.role.is_staff and proposal.enterprise_id != user.org_id):
        raise NotFound("proposal_id", f"没有编号为 {proposal_id} 的本企业收到的实践推荐")
    if proposal.status is not ProposalStatus.PROPOSED:
        raise ProposalError("proposal_id", f"该推荐已{proposal.status.label}，不能再答复")
    reply = reply.strip()[:2000]
    if not accept and not reply:
        raise ProposalError("reply", "婉拒时请简要说明原因")
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    proposal.reply, proposal.decided_at = reply, utcnow()
    audit(session, user, AuditAction.ANSWER, "proposal", proposal.id,
          f"{proposal.status.label}：教师「{proposal.teacher.name}」", before={"状态": ProposalStatus.PROPOSED.label},
          after={"状态": proposal.status.label, "答复": reply})
    session.flush()
    told = [session.get(User, i) for i in (proposal.proposer_id, proposal.teacher.user_id) if i is not None]
    notify(session, [u for u in told if u is not None], NotificationKind.PROPOSAL_ANSWERED,
           f"推荐教师「{proposal.teacher.name}」到「{proposal.enterprise.name}」实践：{proposal.status.label}", reply[:500],
           "/proposals")
    return proposal


def withdraw(session: Session, user: User, proposal_id: int) -> PracticeProposal:
    proposal = session.get(PracticeProposal, proposal_id)
    if proposal is None or (not user.role.is_staff and proposal.teacher.owner_org_id != user.org_id):
        raise NotFound("proposal_id", f"没有编号为 {proposal_id} 的本校发出的实践推荐")
    if proposal.status is not ProposalStatus.PROPOSED:
        raise ProposalError("proposal_id", f"该推荐已{proposal.status.label}，不能撤回")
    proposal.status, proposal.decided_at = ProposalStatus.WITHDRAWN, utcnow()
    audit(session, user, AuditAction.ANSWER, "proposal", proposal.id, f"撤回对教师「{proposal.teacher.name}」的推荐",
          after={"状态": proposal.status.label})
    session.flush()
    return proposal


def proposals_for(session: Session, user: User) -> tuple[list[PracticeProposal], list[PracticeProposal]]:
    """(sent by the user's college, received by the user's enterprise), newest first."""
    if user.org_id is None:
        return [], []
    order = (PracticeProposal.id.desc(),)
    sent = session.scalars(select(PracticeProposal).join(Teacher).where(Teacher.owner_org_id == user.org_id)
                           .order_by(*order).limit(200))
    received = session.scalars(select(PracticeProposal).where(PracticeProposal.enterprise_id == user.org_id)
                               .order_by(*order).limit(200))
    return list(sent), list(received)
