"""教师企业实践: a college proposes one of its teachers to an enterprise, which answers; the
college may withdraw. Each action is committed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.models import PracticeProposal, User
from data.workflows import proposals


def propose(session: Session, user: User, teacher_id: int, enterprise_id: int, message: str) -> PracticeProposal:
    proposal = proposals.propose(session, user, teacher_id, enterprise_id, message)
    session.commit()
    return proposal


def answer(session: Session, user: User, proposal_id: int, accept: bool, reply: str) -> PracticeProposal:
    proposal = proposals.answer(session, user, proposal_id, accept, reply)
    session.commit()
    return proposal


def withdraw(session: Session, user: User, proposal_id: int) -> None:
    proposals.withdraw(session, user, proposal_id)
    session.commit()
