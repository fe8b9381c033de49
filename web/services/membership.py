"""Alliance membership as its pages run it: what a member organization and the secretariat see,
and each action their forms post (one function per action, found by the form's ``action``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from data.enums import MemberLevel, NotificationKind, Role
from data.errors import Malformed
from data.models import Organization, User
from data.reference.regions import get_region
from data.workflows import joining, membership, notifications
from web.boundary import parse_id

Form = Mapping[str, str]
Action = Callable[[Session, User, Form], str]  # does it, returns what the page says it did


class JoinRefused(Exception):
    """A new organization's application could not be decided as asked; the page shows
    ``message`` beside that application, with the form kept."""

    def __init__(self, application_id: int, message: str) -> None:
        super().__init__(message)
        self.application_id, self.message = application_id, message


def _id(form: Form, name: str) -> int:
    return parse_id(form.get(name, ""), name)


# What a member organization posts on /membership.

def _apply(session: Session, user: User, form: Form) -> str:
    membership.apply_to_join(session, user, form.get("level", ""), form.get("materials", ""))
    return "入会申请已提交，等待秘书处初审"


def _resubmit(session: Session, user: User, form: Form) -> str:
    membership.resubmit(session, user, _id(form, "case_id"), form.get("materials", ""))
    return "已重新提交"


def _notice(session: Session, user: User, form: Form) -> str:
    if form.get("confirm") != "yes":
        raise Malformed("confirm", "请勾选确认后再申请退出联盟")
    org = membership.give_notice(session, user)
    return f"已申请退出，将于 {org.withdrawal_effective_on} 生效"


def _vote(session: Session, user: User, form: Form) -> str:
    case = membership.vote(session, user, _id(form, "case_id"), form.get("decision") == "approve",
                           form.get("comment", ""))
    return f"已表决；当前状态：{case.status.label}"


MEMBER_ACTIONS: dict[str, Action] = {"apply": _apply, "resubmit": _resubmit, "notice": _notice, "vote": _vote}


# What the secretariat posts on /staff/membership.

def _review(session: Session, user: User, form: Form) -> str:
    case = membership.preliminary_review(session, user, _id(form, "case_id"), form.get("decision", ""),
                                         form.get("reason", ""))
    return f"初审完成：{case.status.label}"


def _join(session: Session, user: User, form: Form) -> str:
    application_id = _id(form, "application_id")
    try:
        application = joining.decide_application(session, user, application_id, form.get("decision") == "approve",
                                                 form.get("reason", ""))
    except joining.JoinError as exc:
        session.rollback()
        raise JoinRefused(application_id, str(exc)) from exc
    return (f"「{application.org_name}」的入驻申请{application.status.label}"
            + ("：单位已发布，入会申请已转入初审" if application.case_id else ""))


def _expel(session: Session, user: User, form: Form) -> str:
    membership.propose_expulsion(session, user, _id(form, "org_id"), form.get("reason", ""))
    return "除名动议已提交理事会表决"


def _fee(session: Session, user: User, form: Form) -> str:
    try:
        paid = dt.date.fromisoformat(form.get("paid_on", "") or dt.date.today().isoformat())
    except ValueError as exc:
        raise Malformed("paid_on", "缴费日期应写成 2026-11-22") from exc
    org = membership.record_fee(session, user, _id(form, "org_id"), paid)
    return f"已登记「{org.name}」的会费"


def _deadlines(session: Session, user: User, form: Form) -> str:
    counts = membership.apply_deadlines(session)
    return f"已处理到期事项：退出生效 {counts['withdrawn']} 家，资格失效 {counts['lapsed']} 家"


STAFF_ACTIONS: dict[str, Action] = {"review": _review, "join": _join, "expel": _expel, "fee": _fee,
                                    "deadlines": _deadlines}


def _run(actions: dict[str, Action], session: Session, user: User, form: Form) -> str:
    action = actions.get(form.get("action", ""))
    if action is None:
        raise Malformed("action", "未知的操作")
    message = action(session, user, form)
    session.commit()
    return message


def member_action(session: Session, user: User, form: Form) -> str:
    """Do what a member organization's form asks (``action``: apply, resubmit, notice, vote) and
    commit; the message for the page."""
    return _run(MEMBER_ACTIONS, session, user, form)


def staff_action(session: Session, user: User, form: Form) -> str:
    """Do what the secretariat's form asks (``action``: review, join, expel, fee, deadlines) and
    commit; the message for the page. JoinRefused when a new organization's application fails."""
    return _run(STAFF_ACTIONS, session, user, form)


def member_page(session: Session, user: User) -> dict[str, Any]:
    """What /membership shows the user's organization. Showing the notices is reading them: they
    are marked read (their copies in 「消息」 too) and that is committed, so the navigation's badges
    go (a read receipt, the one write of this page)."""
    org = session.get(Organization, user.org_id) if user.org_id else None
    if org is None:
        raise Malformed("", "账号未关联单位")
    page = {"org": org, "ballots": membership.ballots(session, user.org_id), "cases": membership.cases_of(session, org.id),
            "events": membership.history(session, org.id, mark_read=True), "levels": list(MemberLevel)}
    notifications.mark_read(session, user, kind=NotificationKind.MEMBERSHIP)  # the same notices in 「消息」
    session.commit()
    return page


def staff_page(session: Session) -> dict[str, Any]:
    """What /staff/membership shows: new organizations' applications with similar existing ones,
    open cases with their votes so far, the council and the members."""
    applications = joining.pending_applications(session)
    similar = {a.id: [o for o in joining.suggest_organizations(session, a.org_name) if o.id != a.org_id]
               for a in applications}
    cases = membership.cases(session)
    return {"applications": applications, "similar": similar, "cases": cases,
            "tallies": {c.id: membership.tally(session, c) for c in cases},
            "council": membership.council(session), "members": membership.members(session), "region": get_region}


def notice_counts(session: Session, user: User) -> dict[str, object]:
    """The navigation's badges for a logged-in user: a member organization's unread notices; for
    staff, the new organizations' applications waiting."""
    if user.role.is_staff:
        return {"unread_notices": 0, "pending_joins": joining.pending_count(session)}
    if user.role not in (Role.ENTERPRISE, Role.COLLEGE):
        return {"unread_notices": 0}
    return {"unread_notices": membership.unread_notices(session, user.org_id)}
