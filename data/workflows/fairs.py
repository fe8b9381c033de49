"""双选会 events: staff create an event (date, place or online link, capacity of students,
registration deadline) and open registration; enterprises register their organization's published
posts (with the seats they offer at the fair), students register themselves; on the day staff
check students and enterprises in, then create the fair's 双选 round (``data.workflows.rounds``)
over exactly the registered posts and the checked-in (or all registered) students. Once that
round is published the fair's results board shows the placements, and those the round did not
tell are told.

草稿 → 报名中 → 进行中 (registration closed, the fair is on) → 已结束. Registering and
withdrawing: while 报名中 and before the deadline. Check-in: while 报名中 or 进行中. Staff run
every step and check-in (each audited); a wrong role is ``NotAllowed``, an unknown id (or a
draft event to anyone but staff) ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import MAX_ID
from data.enums import AuditAction, FairStatus, NotificationKind, Role, RoundStatus, Status
from data.errors import FieldError, NotAllowed, NotFound
from data.models import AllocationRound, FairAttendee, FairEvent, FairExhibitor, FairPost, Internship, Talent, User
from data.models.base import aware, utcnow
from data.sheets.rows import typed_text
from data.sheets.tabular import write_table
from data.workflows import rounds as rw
from data.workflows.audit import audit
from data.workflows.notifications import notify, org_users
from data.workflows.students import profile_of

CHINA = ZoneInfo("Asia/Shanghai")
MAX_CAPACITY = 100000
MAX_SEATS = 1000  # seats one post offers at a fair
NEXT: dict[FairStatus, FairStatus] = {FairStatus.DRAFT: FairStatus.OPEN, FairStatus.OPEN: FairStatus.RUNNING,
                                      FairStatus.RUNNING: FairStatus.FINISHED}
STUDENT_CHOICES = {"checked_in": "已签到的学生", "registered": "全部报名学生"}
CHECKIN_HEADERS = ("序号", "类别", "名称", "学校", "专业 / 岗位", "报名时间", "签到", "签到时间", "签名")


class FairError(FieldError):
    pass


# -- reading ---------------------------------------------------------------------------------

def _staff(user: User) -> None:
    if not user.role.is_staff:
        raise NotAllowed("event_id", "只有秘书处工作人员可以管理双选会")


def get_event(session: Session, event_id: int, *, lock: bool = False) -> FairEvent:
    """The event; ``lock`` holds its row until the commit (PostgreSQL), so that registrations of
    one event happen one after the other: two students cannot both take the last place, a double
    click cannot register a post twice."""
    found = None
    if 0 < event_id <= MAX_ID:
        query = select(FairEvent).where(FairEvent.id == event_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        found = session.scalar(query)
    if found is None:
        raise NotFound("event_id", f"没有编号为 {event_id} 的双选会")
    return found


def visible_event(session: Session, user: User, event_id: int, *, lock: bool = False) -> FairEvent:
    """The event if the user may see it: staff every one, others those past 草稿."""
    event = get_event(session, event_id, lock=lock)
    if event.status is FairStatus.DRAFT and not user.role.is_staff:
        raise NotFound("event_id", f"没有编号为 {event_id} 的双选会")
    return event


def list_events(session: Session, user: User, limit: int = 200) -> list[FairEvent]:
    """Newest first; drafts only for staff."""
    query = select(FairEvent)
    if not user.role.is_staff:
        query = query.where(FairEvent.status != FairStatus.DRAFT)
    return list(session.scalars(query.order_by(FairEvent.starts_at.desc(), FairEvent.id.desc()).limit(limit)))


def posts_of(session: Session, event_id: int) -> list[FairPost]:
    return list(session.scalars(select(FairPost).join(Internship, Internship.id == FairPost.internship_id)
                                .where(FairPost.event_id == event_id)
                                .order_by(Internship.owner_org_id, FairPost.internship_id)))


def exhibitors_of(session: Session, event_id: int) -> list[FairExhibitor]:
    return list(session.scalars(select(FairExhibitor).where(FairExhibitor.event_id == event_id)
                                .order_by(FairExhibitor.org_id)))


def attendees_of(session: Session, event_id: int) -> list[FairAttendee]:
    return list(session.scalars(select(FairAttendee).where(FairAttendee.event_id == event_id)
                                .order_by(FairAttendee.registered_at, FairAttendee.id)))


def registered_count(session: Session, event_id: int) -> int:
    return session.scalar(select(func.count()).select_from(FairAttendee).where(FairAttendee.event_id == event_id)) or 0


def registration_closed(event: FairEvent, now: dt.datetime | None = None) -> str:
    """Why registering (or withdrawing) is closed now, or "" while it is open."""
    if event.status is not FairStatus.OPEN:
        return f"双选会「{event.status.label}」，不在报名期间"
    if event.registration_deadline is not None and aware(event.registration_deadline) < (now or utcnow()):
        return "报名已截止"
    return ""


def _window(event: FairEvent, now: dt.datetime | None) -> None:
    why = registration_closed(event, now)
    if why:
        raise FairError("status", why)


# -- staff: create and step ------------------------------------------------------------------

def create_event(session: Session, user: User, name: str, starts_at: dt.datetime | None, *, capacity: int | None,
                 ends_at: dt.datetime | None = None, place: str | None = None, online_url: str | None = None,
                 registration_deadline: dt.datetime | None = None) -> FairEvent:
    """A 双选会 in 草稿: on site (``place``), online (``online_url``) or both."""
    _staff(user)
    name = typed_text(name, "name", "请填写双选会名称，如「2027届春季校园双选会」", max_len=200, error=FairError)
    if starts_at is None:
        raise FairError("starts_at", "请填写双选会开始时间")
    if ends_at is not None and ends_at < starts_at:
        raise FairError("ends_at", "结束时间不能早于开始时间")
    place = (place or "").strip() or None
    online_url = (online_url or "").strip() or None
    if place is None and online_url is None:
        raise FairError("place", "请填写地点，线上双选会请填写线上链接")
    if place is not None and len(place) > 200:
        raise FairError("place", "地点不能超过 200 个字")
    if online_url is not None and (not online_url.startswith(("https://", "http://")) or len(online_url) > 500
                                   or any(c.isspace() for c in online_url)):
        raise FairError("online_url", "线上链接应以 http:// 或 https:// 开头，不含空格，不超过 500 个字符")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        raise FairError("capacity", f"请填写学生容量（1 到 {MAX_CAPACITY} 人）")
    if registration_deadline is not None and registration_deadline > starts_at:
        raise FairError("registration_deadline", "报名截止时间不能晚于双选会开始时间")
    event = FairEvent(name=name, starts_at=starts_at, ends_at=ends_at, place=place, online_url=online_url,
                      capacity=capacity, registration_deadline=registration_deadline, created_by_id=user.id)
    session.add(event)
    session.flush()
    audit(session, user, AuditAction.FAIR, None, event.id, f"新建双选会「{name}」",
          after={"开始时间": starts_at, "地点": place or "线上", "学生容量": capacity})
    session.flush()
    return event


def _advance(session: Session, user: User, event_id: int, to: FairStatus) -> FairEvent:
    _staff(user)
    event = get_event(session, event_id)
    if NEXT.get(event.status) is not to:
        raise FairError("status", f"该双选会已是「{event.status.label}」，不能改为「{to.label}」")
    before, event.status = event.status, to
    audit(session, user, AuditAction.FAIR, None, event.id, f"双选会「{event.name}」：{to.label}",
          before={"状态": before.label}, after={"状态": to.label})
    session.flush()
    return event


def open_registration(session: Session, user: User, event_id: int) -> FairEvent:
    """草稿 → 报名中: the event is shown to everyone signed in, who may register."""
    return _advance(session, user, event_id, FairStatus.OPEN)


def close_registration(session: Session, user: User, event_id: int) -> FairEvent:
    """报名中 → 进行中: registrations are fixed; check-in goes on; the round may be created."""
    return _advance(session, user, event_id, FairStatus.RUNNING)


def finish(session: Session, user: User, event_id: int) -> FairEvent:
    """进行中 → 已结束."""
    return _advance(session, user, event_id, FairStatus.FINISHED)


# -- students --------------------------------------------------------------------------------

def _own_talent(session: Session, user: User) -> Talent:
    if user.role is not Role.STUDENT:
        raise NotAllowed("event_id", "只有学生本人可以报名双选会")
    talent = profile_of(session, user)
    if talent is None:
        raise FairError("talent", "请先填写学生档案，再报名双选会")
    return talent


def attendance_of(session: Session, user: User, event_id: int) -> FairAttendee | None:
    """The user's own registration for the event, if they are a student who registered."""
    talent = profile_of(session, user) if user.role is Role.STUDENT else None
    if talent is None:
        return None
    return session.scalar(select(FairAttendee).where(FairAttendee.event_id == event_id,
                                                     FairAttendee.talent_id == talent.id))


def register_student(session: Session, user: User, event_id: int, now: dt.datetime | None = None) -> FairAttendee:
    """The student registers themselves, once, while places are left."""
    talent = _own_talent(session, user)
    event = visible_event(session, user, event_id, lock=True)
    _window(event, now)
    if attendance_of(session, user, event_id) is not None:
        raise FairError("event_id", "您已报名本场双选会")
    if registered_count(session, event_id) >= event.capacity:
        raise FairError("capacity", f"本场双选会学生名额已满（{event.capacity} 人）")
    attendee = FairAttendee(event_id=event_id, talent_id=talent.id)
    session.add(attendee)
    session.flush()
    return attendee


def withdraw_student(session: Session, user: User, event_id: int, now: dt.datetime | None = None) -> None:
    """The student cancels their registration (before the deadline, not once checked in)."""
    _own_talent(session, user)
    event = visible_event(session, user, event_id, lock=True)
    own = attendance_of(session, user, event_id)
    if own is None:
        raise NotFound("event_id", "您没有报名本场双选会")
    _window(event, now)
    if own.checked_in_at is not None:
        raise FairError("event_id", "您已签到，不能取消报名")
    session.delete(own)
    session.flush()


# -- enterprises -----------------------------------------------------------------------------

def enterprise_org(user: User) -> int:
    """The organization an enterprise user brings posts for; anyone else is refused."""
    if user.role is not Role.ENTERPRISE or user.org_id is None:
        raise NotAllowed("internship_id", "只有企业用户可以为本单位岗位报名双选会")
    return user.org_id


def postable(session: Session, user: User) -> list[Internship]:
    """The user's organization's published posts (what it may bring to a fair)."""
    if user.role is not Role.ENTERPRISE or user.org_id is None:
        return []
    return list(session.scalars(select(Internship).where(Internship.owner_org_id == user.org_id,
                                                         Internship.status == Status.PUBLISHED)
                                .order_by(Internship.id).limit(500)))


def register_post(session: Session, user: User, event_id: int, internship_id: int, seats: int | None = None,
                  now: dt.datetime | None = None) -> FairPost:
    """The enterprise brings one of its published posts, offering ``seats`` (default: the post's)."""
    org_id = enterprise_org(user)
    event = visible_event(session, user, event_id, lock=True)
    _window(event, now)
    post = session.get(Internship, internship_id) if 0 < internship_id <= MAX_ID else None
    if post is None:
        raise NotFound("internship_id", f"岗位库中没有编号为 {internship_id} 的岗位")
    if post.owner_org_id != org_id:
        raise NotAllowed("internship_id", "只能报名本单位的岗位")
    if post.status is not Status.PUBLISHED:
        raise FairError("internship_id", f"只能报名已发布的岗位（「{post.name}」{post.status.label}）")
    chosen = post.seats if seats is None else seats
    if not 1 <= chosen <= MAX_SEATS:
        raise FairError("seats", f"招收人数应在 1 到 {MAX_SEATS} 之间")
    if session.scalar(select(FairPost.id).where(FairPost.event_id == event_id,
                                                FairPost.internship_id == internship_id)) is not None:
        raise FairError("internship_id", f"岗位「{post.name}」已报名本场双选会")
    if session.scalar(select(FairExhibitor.id).where(FairExhibitor.event_id == event_id,
                                                     FairExhibitor.org_id == org_id)) is None:
        session.add(FairExhibitor(event_id=event_id, org_id=org_id))
    registered = FairPost(event_id=event_id, internship_id=internship_id, seats=chosen, registered_by_id=user.id)
    session.add(registered)
    session.flush()
    return registered


def withdraw_post(session: Session, user: User, event_id: int, internship_id: int,
                  now: dt.datetime | None = None) -> None:
    """The enterprise takes a post back; with its last post goes its place at the fair."""
    org_id = enterprise_org(user)
    event = visible_event(session, user, event_id, lock=True)
    registered = session.scalar(select(FairPost).where(FairPost.event_id == event_id,
                                                       FairPost.internship_id == internship_id))
    if registered is None:
        raise NotFound("internship_id", f"本场双选会没有编号为 {internship_id} 的报名岗位")
    if registered.internship.owner_org_id != org_id:
        raise NotAllowed("internship_id", "只能撤回本单位的岗位")
    _window(event, now)
    exhibitor = session.scalar(select(FairExhibitor).where(FairExhibitor.event_id == event_id,
                                                           FairExhibitor.org_id == org_id))
    if exhibitor is not None and exhibitor.checked_in_at is not None:
        raise FairError("internship_id", "本单位已签到，不能撤回岗位")
    session.delete(registered)
    session.flush()
    left = session.scalar(select(func.count()).select_from(FairPost).join(Internship, Internship.id == FairPost.internship_id)
                          .where(FairPost.event_id == event_id, Internship.owner_org_id == org_id)) or 0
    if not left and exhibitor is not None:
        session.delete(exhibitor)
        session.flush()


# -- staff: check-in, the round --------------------------------------------------------------

def check_in(session: Session, user: User, event_id: int, kind: str, record_id: int, *, undo: bool = False,
             now: dt.datetime | None = None) -> str:
    """Mark a registered student (``kind`` "student", the talent id) or an exhibiting enterprise
    ("enterprise", the organization id) 已签到 (or, with ``undo``, not); returns their name."""
    _staff(user)
    event = get_event(session, event_id)
    if event.status not in (FairStatus.OPEN, FairStatus.RUNNING):
        raise FairError("status", f"双选会「{event.status.label}」，不能签到")
    row: FairAttendee | FairExhibitor | None
    if kind == "student":
        row = session.scalar(select(FairAttendee).where(FairAttendee.event_id == event_id,
                                                        FairAttendee.talent_id == record_id))
        name = row.talent.name if row is not None else ""
        missing = f"本场双选会没有编号为 {record_id} 的报名学生"
    elif kind == "enterprise":
        row = session.scalar(select(FairExhibitor).where(FairExhibitor.event_id == event_id,
                                                         FairExhibitor.org_id == record_id))
        name = row.org.name if row is not None else ""
        missing = f"本场双选会没有编号为 {record_id} 的参会企业"
    else:
        raise FairError("kind", "签到对象应为学生（student）或企业（enterprise）")
    if row is None:
        raise NotFound("record_id", missing)
    if undo and row.checked_in_at is not None:
        row.checked_in_at, row.checked_in_by_id = None, None
        audit(session, user, AuditAction.FAIR, None, event.id, f"双选会「{event.name}」取消签到：{name}")
    elif not undo and row.checked_in_at is None:
        row.checked_in_at, row.checked_in_by_id = now or utcnow(), user.id
        audit(session, user, AuditAction.FAIR, None, event.id, f"双选会「{event.name}」签到：{name}")
    session.flush()
    return name


def create_round_for(session: Session, user: User, event_id: int, *, students: str = "checked_in",
                     method: str = "stable", max_choices: int = 5) -> AllocationRound:
    """The fair's 双选 round (草稿, ``data.workflows.rounds``): exactly the registered posts, with
    the seats offered at the fair, and the checked-in (``students="checked_in"``) or all the
    registered (``"registered"``) students. One round per fair, once registration is closed."""
    _staff(user)
    event = get_event(session, event_id)
    if event.status is not FairStatus.RUNNING:
        raise FairError("status", f"双选会「{event.status.label}」：报名截止（进行中）后才能建立双选轮次")
    if event.round_id is not None:
        raise FairError("round", "本场双选会已经建立了双选轮次")
    if students not in STUDENT_CHOICES:
        raise FairError("students", f"参加的学生应为以下之一：{'、'.join(STUDENT_CHOICES.values())}")
    posts = posts_of(session, event_id)
    if not posts:
        raise FairError("posts", "本场双选会还没有企业报名岗位")
    people = [a for a in attendees_of(session, event_id) if students == "registered" or a.checked_in_at is not None]
    if not people:
        raise FairError("students", f"本场双选会还没有{STUDENT_CHOICES[students]}")
    made = rw.create_round(session, user, f"{event.name[:180]} · 现场双选", [p.internship_id for p in posts],
                           sorted(a.talent_id for a in people), method=method, max_choices=max_choices,
                           seats={p.internship_id: p.seats for p in posts})
    event.round_id = made.id
    audit(session, user, AuditAction.FAIR, None, event.id, f"为双选会「{event.name}」建立双选轮次「{made.name}」",
          after={"岗位数": len(posts), "学生数": len(people), "学生": STUDENT_CHOICES[students]})
    session.flush()
    return made


def tell_published(session: Session, round_id: int) -> int:
    """After a round is published: if it is a fair's, tell those of the fair it did not tell
    (``rounds.publish`` tells each of its students and each enterprise with a placement) —
    registered students left out of the round and exhibitors without a placement. Returns how
    many messages were left."""
    event = session.scalar(select(FairEvent).where(FairEvent.round_id == round_id))
    if event is None:
        return 0
    results = rw.results_of(session, round_id)
    told_students = {r.talent_id for r in results}
    placed_orgs = {r.internship.owner_org_id for r in results if r.internship is not None}
    link = f"/fairs/{event.id}/results"
    title = f"双选会「{event.name}」现场结果已公布"
    users = [a.talent.user_id for a in attendees_of(session, event.id)
             if a.talent_id not in told_students and a.talent.user_id is not None]
    students = list(session.scalars(select(User).where(User.id.in_(users)).order_by(User.id))) if users else []
    sent = notify(session, students, NotificationKind.APPLICATION_STATUS, title, "您未参加本轮分配，可查看现场结果", link)
    for exhibitor in exhibitors_of(session, event.id):
        if exhibitor.org_id not in placed_orgs:
            sent += notify(session, org_users(session, exhibitor.org_id), NotificationKind.APPLICATION_STATUS, title,
                           "本单位岗位在本轮未录用学生", link)
    return len(sent)


# -- the results board and the check-in list ------------------------------------------------

def public_name(name: str) -> str:
    """A student's name as the fair's big screen shows it: the surname, the rest masked."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


@dataclass(frozen=True)
class BoardPost:
    name: str
    seats: int
    placed: list[tuple[str, str]]  # (masked name, school)


@dataclass(frozen=True)
class BoardEnterprise:
    name: str
    posts: list[BoardPost]

    @property
    def placed(self) -> int:
        return sum(len(p.placed) for p in self.posts)


@dataclass(frozen=True)
class Board:
    event: FairEvent
    published: bool
    enterprises: list[BoardEnterprise]
    students: int  # in the round

    @property
    def placed(self) -> int:
        return sum(e.placed for e in self.enterprises)


def results_board(session: Session, user: User, event_id: int) -> Board:
    """The fair's 现场结果: once its round is published, each enterprise's posts with the students
    placed there (names masked, with their school) — only published results."""
    event = visible_event(session, user, event_id)
    chosen = event.round
    if chosen is None or chosen.status is not RoundStatus.PUBLISHED:
        return Board(event, False, [], 0)
    results = [r for r in rw.results_of(session, chosen.id) if r.published]
    placed: dict[int, list[tuple[str, str]]] = {}
    for r in results:
        if r.internship_id is not None:
            placed.setdefault(r.internship_id, []).append((public_name(r.talent.name), r.talent.owner_org.name))
    by_org: dict[int, BoardEnterprise] = {}
    for post in rw.posts_of(session, chosen.id):
        org = post.internship.owner_org
        entry = by_org.setdefault(org.id, BoardEnterprise(org.name, []))
        entry.posts.append(BoardPost(post.internship.name, post.seats, placed.get(post.internship_id, [])))
    enterprises = sorted(by_org.values(), key=lambda e: (-e.placed, e.name))
    return Board(event, True, enterprises, len(results))


def _china(moment: dt.datetime | None) -> str:
    return aware(moment).astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def checkin_rows(session: Session, event_id: int) -> list[list[Any]]:
    """The 签到表: the exhibiting enterprises (with their posts), then the registered students."""
    posts: dict[int, list[str]] = {}
    for p in posts_of(session, event_id):
        posts.setdefault(p.internship.owner_org_id, []).append(f"{p.internship.name}（{p.seats} 人）")
    rows: list[list[Any]] = []
    for e in exhibitors_of(session, event_id):
        rows.append(["企业", e.org.name, "", "；".join(posts.get(e.org_id, [])), _china(e.registered_at),
                     "已签到" if e.checked_in_at else "未签到", _china(e.checked_in_at), ""])
    for a in attendees_of(session, event_id):
        rows.append(["学生", a.talent.name, a.talent.owner_org.name, a.talent.major or "", _china(a.registered_at),
                     "已签到" if a.checked_in_at else "未签到", _china(a.checked_in_at), ""])
    return [[n, *row] for n, row in enumerate(rows, 1)]


def export_checkin(session: Session, user: User, event_id: int, path: Path) -> int:
    """The 签到表 as .xlsx (or .csv by the suffix); audited; returns the number of rows."""
    _staff(user)
    event = get_event(session, event_id)
    rows = checkin_rows(session, event_id)
    write_table(Path(path), CHECKIN_HEADERS, rows)
    audit(session, user, AuditAction.EXPORT, None, event.id, f"导出双选会「{event.name}」签到表（{len(rows)} 行）")
    return len(rows)

