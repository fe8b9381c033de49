"""双选会 events as the pages use them: forms read here, each action committed; the event page
by role (a student registers, an enterprise brings its posts), the staff's management page
(steps, registrations, check-in, the fair's round), the printable 签到表 and its .xlsx, and the
现场结果 board."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from data.access import MAX_ID
from data.enums import FairStatus, Role, RoundMethod, RoundStatus
from data.errors import FieldError, Malformed, NotAllowed
from data.models import AllocationRound, FairEvent, FairPost, User
from data.workflows import fairs as fw
from data.workflows.round_rules import MAX_CHOICES_LIMIT
from web.services.forms import moment, number

STEPS = {"open": (fw.open_registration, "已开放报名"), "close": (fw.close_registration, "已截止报名，双选会进行中"),
         "finish": (fw.finish, "双选会已结束")}


def _by_org(posts: list[FairPost]) -> list[tuple[str, list[FairPost]]]:
    """Registered posts grouped by their enterprise, in the order given."""
    grouped: dict[str, list[FairPost]] = {}
    for post in posts:
        grouped.setdefault(post.internship.owner_org.name, []).append(post)
    return list(grouped.items())


def _round_published(event: FairEvent) -> bool:
    return event.round is not None and event.round.status is RoundStatus.PUBLISHED


# -- everyone signed in ----------------------------------------------------------------------

def list_page(session: Session, user: User) -> dict[str, Any]:
    events = fw.list_events(session, user)
    return {"events": events, "counts": {e.id: fw.registered_count(session, e.id) for e in events},
            "statuses": FairStatus}


def event_page(session: Session, user: User, event_id: int) -> dict[str, Any]:
    """The event as the user sees it: details, the registered posts, places left; a student's own
    registration, an enterprise's registered posts and those it may still bring."""
    event = fw.visible_event(session, user, event_id)
    posts = fw.posts_of(session, event_id)
    mine = [p for p in posts if user.org_id is not None and p.internship.owner_org_id == user.org_id] \
        if user.role is Role.ENTERPRISE else []
    taken = {p.internship_id for p in posts}
    registered = fw.registered_count(session, event_id)
    return {"event": event, "posts": _by_org(posts), "post_count": len(posts), "registered": registered,
            "left": max(0, event.capacity - registered), "closed": fw.registration_closed(event),
            "attendance": fw.attendance_of(session, user, event_id), "mine": mine,
            "postable": [p for p in fw.postable(session, user) if p.id not in taken],
            "results": _round_published(event), "statuses": FairStatus}


def register(session: Session, user: User, event_id: int) -> FairEvent:
    fw.register_student(session, user, event_id)
    session.commit()
    return fw.get_event(session, event_id)


def withdraw(session: Session, user: User, event_id: int) -> None:
    fw.withdraw_student(session, user, event_id)
    session.commit()


def register_post(session: Session, user: User, event_id: int, form: Mapping[str, Any]) -> FairPost:
    fw.enterprise_org(user)  # who may, before what they typed
    internship_id = number(form, "internship_id", "岗位编号", int, 1, MAX_ID)
    if internship_id is None:
        raise FieldError("internship_id", "请选择要报名的岗位")
    registered = fw.register_post(session, user, event_id, internship_id,
                                  number(form, "seats", "招收人数", int, 1, fw.MAX_SEATS))
    session.commit()
    return registered


def withdraw_post(session: Session, user: User, event_id: int, internship_id: int) -> None:
    fw.withdraw_post(session, user, event_id, internship_id)
    session.commit()


def results_page(session: Session, user: User, event_id: int) -> dict[str, Any]:
    return {"board": fw.results_board(session, user, event_id)}


# -- staff -----------------------------------------------------------------------------------

def create(session: Session, user: User, form: Mapping[str, Any]) -> FairEvent:
    made = fw.create_event(
        session, user, str(form.get("name") or ""), moment(form, "starts_at", "开始时间"),
        capacity=number(form, "capacity", "学生容量", int, 1, fw.MAX_CAPACITY),
        ends_at=moment(form, "ends_at", "结束时间"), place=str(form.get("place") or ""),
        online_url=str(form.get("online_url") or ""),
        registration_deadline=moment(form, "registration_deadline", "报名截止时间"))
    session.commit()
    return made


def advance(session: Session, user: User, event_id: int, action: str) -> str:
    """open / close / finish; returns what to tell the user."""
    if action not in STEPS:
        raise Malformed("action", f"没有「{action[:20]}」这一操作")
    step, said = STEPS[action]
    event = step(session, user, event_id)
    session.commit()
    return f"{said}：{event.name}"


def manage_page(session: Session, user: User, event_id: int) -> dict[str, Any]:
    """The event as staff run it: steps, every registration with its check-in, the round."""
    if not user.role.is_staff:
        raise NotAllowed("event_id", "只有秘书处工作人员可以管理双选会")
    page = {"event": fw.get_event(session, event_id)}
    attendees = fw.attendees_of(session, event_id)
    exhibitors = fw.exhibitors_of(session, event_id)
    posts = fw.posts_of(session, event_id)
    counts: dict[int, int] = {}
    for post in posts:
        counts[post.internship.owner_org_id] = counts.get(post.internship.owner_org_id, 0) + 1
    return page | {"attendees": attendees, "exhibitors": exhibitors, "post_counts": counts, "posts": posts,
                   "checked_students": sum(1 for a in attendees if a.checked_in_at),
                   "checked_enterprises": sum(1 for e in exhibitors if e.checked_in_at),
                   "methods": list(RoundMethod), "student_choices": fw.STUDENT_CHOICES, "statuses": FairStatus}


def check_in(session: Session, user: User, event_id: int, form: Mapping[str, Any]) -> str:
    record_id = number(form, "record_id", "签到对象编号", int, 1, MAX_ID)
    if record_id is None:
        raise FieldError("record_id", "请指明签到的学生或企业")
    undo = form.get("undo") in ("1", True)  # a form's checkbox, or the API's true
    name = fw.check_in(session, user, event_id, str(form.get("kind") or ""), record_id, undo=undo)
    session.commit()
    return f"{'已取消签到' if undo else '已签到'}：{name}"


def create_round(session: Session, user: User, event_id: int, form: Mapping[str, Any]) -> AllocationRound:
    made = fw.create_round_for(session, user, event_id, students=str(form.get("students") or "checked_in"),
                               method=str(form.get("method") or "stable"),
                               max_choices=number(form, "max_choices", "志愿数", int, 1, MAX_CHOICES_LIMIT) or 5)
    session.commit()
    return made


def signin_page(session: Session, user: User, event_id: int) -> dict[str, Any]:
    """The printable 签到表 (staff)."""
    page = manage_page(session, user, event_id)
    return page | {"rows": fw.checkin_rows(session, event_id), "headers": fw.CHECKIN_HEADERS}


def export(session: Session, user: User, event_id: int) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "signin.xlsx"
        fw.export_checkin(session, user, event_id, path)
        data = path.read_bytes()
    session.commit()
    return data, f"{fw.get_event(session, event_id).name}-签到表.xlsx"
