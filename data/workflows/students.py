"""A student's own profile (a 人才库 record tied to their account) and their applications: apply
with a cover letter and the profile as it is (the résumé), 已查看, 面试邀请, 录用 / 未录用 (with a
reason), the student's 已接受 / 已放弃 or withdrawal, and messages between the two sides; every
step audited and told to the other side (``TRANSITIONS`` says who moves what where)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import MAX_ID, ORG_REPRESENTATIVES
from data.enums import ApplicationRejection, ApplicationStatus, AuditAction, NotificationKind, Status
from data.errors import FieldError, NotAllowed, NotFound
from data.models import Application, ApplicationMessage, Internship, Talent, User
from data.models.base import aware, utcnow
from data.pools import Pool
from data.sheets.rows import typed_text
from data.workflows.audit import audit
from data.workflows.notifications import notify, org_users
from data.workflows.records import Saved, create_record, form_values, update_record

CHINA = ZoneInfo("Asia/Shanghai")
PROFILE_FIELDS = ("姓名", "专业", "学历层次", "毕业年份", "技能", "证书", "期望城市", "期望岗位", "可实习开始",
                  "可实习结束", "个人简介", "可见范围")


class StudentError(FieldError):
    pass


def profile_of(session: Session, user: User) -> Talent | None:
    return session.scalar(select(Talent).where(Talent.user_id == user.id))


def save_profile(session: Session, user: User, form: Any) -> Saved:
    """Create or update the student's profile by the edit form's rules (``data.workflows.records``):
    validated like an import row, published or reviewed like any record, audited; errors by
    field header. Only ``PROFILE_FIELDS`` come from the form: the rest keep their values."""
    if user.org is None:
        return Saved(None, {"姓名": "账号未关联学校，请联系秘书处"})
    talent = profile_of(session, user)
    typed = {h: form.get(h) or "" for h in PROFILE_FIELDS}
    if talent is None:
        return create_record(session, user, Pool.TALENT, typed)
    return update_record(session, user, Pool.TALENT, talent, form_values(Pool.TALENT, talent) | typed)


# Who may move an application from one status to which: the posting organization ("org") or
# the student. 已查看 is set when the organization first opens the application.
TRANSITIONS: dict[ApplicationStatus, dict[ApplicationStatus, str]] = {
    ApplicationStatus.SUBMITTED: {ApplicationStatus.VIEWED: "org", ApplicationStatus.INTERVIEW: "org",
                                  ApplicationStatus.ACCEPTED: "org", ApplicationStatus.REJECTED: "org",
                                  ApplicationStatus.WITHDRAWN: "student"},
    ApplicationStatus.VIEWED: {ApplicationStatus.INTERVIEW: "org", ApplicationStatus.ACCEPTED: "org",
                               ApplicationStatus.REJECTED: "org", ApplicationStatus.WITHDRAWN: "student"},
    ApplicationStatus.INTERVIEW: {ApplicationStatus.INTERVIEW: "org", ApplicationStatus.ACCEPTED: "org",
                                  ApplicationStatus.REJECTED: "org", ApplicationStatus.WITHDRAWN: "student"},
    ApplicationStatus.ACCEPTED: {ApplicationStatus.CONFIRMED: "student", ApplicationStatus.DECLINED: "student"},
}
HOLDS_A_SEAT = (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED)
COVER_LETTER_MAX = 3000
MESSAGE_MAX = 2000


def seats_taken(session: Session, internship_id: int) -> int:
    """Offers made and accepted: each holds one of the post's seats."""
    return session.scalar(select(func.count()).select_from(Application).where(
        Application.internship_id == internship_id, Application.status.in_(HOLDS_A_SEAT))) or 0


def apply(session: Session, talent: Talent, internship_id: int, today: dt.date | None = None,
          actor: User | None = None, cover_letter: str = "") -> Application:
    """Apply to a published, still open post with seats left; once per post (again after a
    withdrawal), with a cover letter and the profile as it is now (the résumé the organization
    reads, whatever the profile says later). Audited under ``actor`` (default: the student)."""
    today = today or dt.date.today()
    post = session.get(Internship, internship_id) if 0 < internship_id <= MAX_ID else None
    if post is None or post.status is not Status.PUBLISHED:
        raise StudentError("internship_id", f"岗位库中没有编号为 {internship_id} 的可申请岗位")
    if post.end_date is not None and post.end_date < today:
        raise StudentError("internship_id", "该岗位已结束")
    if seats_taken(session, internship_id) >= post.seats:
        raise StudentError("internship_id", "该岗位名额已满")
    letter = (cover_letter or "").strip()
    if len(letter) > COVER_LETTER_MAX:
        raise StudentError("cover_letter", f"求职信最多 {COVER_LETTER_MAX} 字（现有 {len(letter)} 字）")
    existing = session.scalar(select(Application).where(Application.talent_id == talent.id,
                                                        Application.internship_id == internship_id))
    if existing is not None and existing.status is not ApplicationStatus.WITHDRAWN:
        raise StudentError("internship_id", f"已申请过该岗位（{existing.status.label}）")
    if existing is not None:
        application = existing
        application.status, application.interview_at, application.reject_reason = ApplicationStatus.SUBMITTED, None, None
        application.interview_place = application.interview_note = application.decision_note = ""
        application.decided_at = None
    else:
        application = Application(talent_id=talent.id, internship_id=internship_id)
        session.add(application)
    application.cover_letter, application.resume = letter, form_values(Pool.TALENT, talent)
    session.flush()
    if actor is None and talent.user_id is not None:
        actor = session.get(User, talent.user_id)
    audit(session, actor, AuditAction.APPLICATION, Pool.TALENT.value, talent.id,
          f"{'重新' if existing is not None else ''}申请岗位「{post.name}」（{post.owner_org.name}）",
          before={"状态": ApplicationStatus.WITHDRAWN.label} if existing is not None else None,
          after={"状态": ApplicationStatus.SUBMITTED.label, "岗位编号": post.id})
    notify(session, org_users(session, post.owner_org_id), NotificationKind.APPLICATION_RECEIVED,
           f"「{talent.name}」投递了「{post.name}」", f"{talent.major or ''} {talent.level.label}".strip(),
           f"/applications/{application.id}")
    return application


def applications_of(session: Session, talent: Talent) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.talent_id == talent.id)
                                .order_by(Application.created_at.desc(), Application.id.desc())))


def received_applications(session: Session, user: User) -> list[Application]:
    """Applications to the posts of the user's organization, newest first."""
    if user.org_id is None:
        return []
    return list(session.scalars(select(Application).join(Internship).where(Internship.owner_org_id == user.org_id)
                                .order_by(Application.created_at.desc(), Application.id.desc()).limit(500)))


def _side(user: User, application: Application) -> str | None:
    """"org" for staff and the users who speak for the posting organization (its enterprise or
    college accounts — those told of the application, ``org_users``; never its experts), "student"
    for the applicant."""
    if user.role.is_staff or (user.org_id is not None and application.internship.owner_org_id == user.org_id
                              and user.role in ORG_REPRESENTATIVES):
        return "org"
    if application.talent.user_id is not None and application.talent.user_id == user.id:
        return "student"
    return None


def application_for(session: Session, user: User, application_id: int) -> tuple[Application, str]:
    """An application the user is a side of, and which side; others' are not even confirmed to exist."""
    application = session.get(Application, application_id) if 0 < application_id <= MAX_ID else None
    side = _side(user, application) if application is not None else None
    if application is None or side is None:
        raise NotFound("application_id", f"没有编号为 {application_id} 的本单位岗位申请或您本人的申请")
    return application, side


def _move(session: Session, user: User, application_id: int, to: ApplicationStatus, summary: str = "") -> Application:
    application, side = application_for(session, user, application_id)
    before = application.status
    allowed = TRANSITIONS.get(before, {})
    if allowed.get(to) != side:
        if to in allowed:
            who = "企业" if allowed[to] == "org" else "学生本人"
            raise NotAllowed("application_id", f"「{to.label}」只能由{who}操作")
        raise StudentError("application_id", f"该申请已是「{before.label}」，不能再处理（不能改为「{to.label}」）")
    application.status = to
    if to in (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED):
        application.decided_at = utcnow()
    audit(session, user, AuditAction.APPLICATION, Pool.TALENT.value, application.talent_id,
          f"{to.label}：「{application.internship.name}」" + (f"（{summary}）" if summary else ""),
          before={"状态": before.label}, after={"状态": to.label})
    session.flush()
    link = f"/applications/{application.id}"  # the application's page, for either side
    if side == "org":
        student = session.get(User, application.talent.user_id) if application.talent.user_id is not None else None
        told = [student] if student is not None else []
        notify(session, told, NotificationKind.APPLICATION_STATUS, f"「{application.internship.name}」：{to.label}",
               "\n".join(x for x in (application.internship.owner_org.name, summary) if x), link)
    else:
        notify(session, org_users(session, application.internship.owner_org_id), NotificationKind.APPLICATION_STATUS,
               f"「{application.talent.name}」{to.label}「{application.internship.name}」", summary, link)
    return application


def mark_viewed(session: Session, user: User, application_id: int) -> Application:
    """The organization opens an application: 已投递 becomes 已查看 (once; later opens change nothing)."""
    application, side = application_for(session, user, application_id)
    if side == "org" and application.status is ApplicationStatus.SUBMITTED:
        return _move(session, user, application_id, ApplicationStatus.VIEWED)
    return application


def invite_to_interview(session: Session, user: User, application_id: int, when: dt.datetime | None, place: str,
                        note: str = "") -> Application:
    """面试邀请: a time, a place (or 线上 with the meeting link) and a note; again to reschedule."""
    if when is None:
        raise StudentError("interview_at", "请填写面试时间")
    if aware(when) < utcnow() - dt.timedelta(hours=1):
        raise StudentError("interview_at", "面试时间不能早于现在")
    place = typed_text(place, "interview_place", "请填写面试地点，线上面试请写「线上」并附会议链接", max_len=200,
                       error=StudentError)
    application, _ = application_for(session, user, application_id)
    # stored in UTC: SQLite keeps the wall time and drops the zone
    application.interview_at, application.interview_place = aware(when).astimezone(dt.timezone.utc), place
    application.interview_note = (note or "").strip()[:MESSAGE_MAX]
    local = aware(when).astimezone(CHINA)
    return _move(session, user, application_id, ApplicationStatus.INTERVIEW, f"{local:%Y-%m-%d %H:%M}，{place}")


def decide_application(session: Session, user: User, application_id: int, accept: bool,
                       reason: str | None = None, note: str = "") -> Application:
    """The posting organization (or staff) makes an offer (录用) or turns the application down
    (未录用, with a reason from a short list); an offer is refused when the post's seats are taken."""
    application, _ = application_for(session, user, application_id)
    if accept:
        if application.status in TRANSITIONS and ApplicationStatus.ACCEPTED in TRANSITIONS[application.status] \
                and seats_taken(session, application.internship_id) >= application.internship.seats:
            raise StudentError("application_id", "该岗位名额已满，不能再录用")
        application.decision_note = (note or "").strip()[:MESSAGE_MAX]
        return _move(session, user, application_id, ApplicationStatus.ACCEPTED, application.decision_note)
    try:
        why = ApplicationRejection.parse(reason) if reason else ApplicationRejection.OTHER
    except ValueError as exc:
        raise StudentError("reason", f"未录用原因{exc}") from None
    application.reject_reason = why
    application.decision_note = (note or "").strip()[:MESSAGE_MAX]
    return _move(session, user, application_id, ApplicationStatus.REJECTED,
                 "；".join(x for x in (application.reject_reason.label, application.decision_note) if x))


def answer_offer(session: Session, user: User, application_id: int, accept: bool) -> Application:
    """The student accepts the offer (已接受) or gives it up (已放弃, freeing the seat)."""
    return _move(session, user, application_id, ApplicationStatus.CONFIRMED if accept else ApplicationStatus.DECLINED)


def withdraw_application(session: Session, user: User, application_id: int) -> Application:
    """The student withdraws before a decision."""
    return _move(session, user, application_id, ApplicationStatus.WITHDRAWN)


def post_message(session: Session, user: User, application_id: int, text: str) -> ApplicationMessage:
    """A message to the other side of the application (in their inbox too)."""
    application, side = application_for(session, user, application_id)
    text = typed_text(text, "text", "请输入留言内容", max_len=MESSAGE_MAX, error=StudentError)
    message = ApplicationMessage(application_id=application.id, author_id=user.id, from_student=side == "student",
                                 text=text)
    session.add(message)
    session.flush()
    if side == "student":
        told, link = org_users(session, application.internship.owner_org_id), f"/applications/{application.id}"
        title = f"「{application.talent.name}」就「{application.internship.name}」留言"
    else:
        student = session.get(User, application.talent.user_id) if application.talent.user_id is not None else None
        told, link = ([student] if student is not None else []), f"/applications/{application.id}"
        title = f"「{application.internship.owner_org.name}」就「{application.internship.name}」给您留言"
    notify(session, told, NotificationKind.APPLICATION_STATUS, title, text[:500], link)
    return message


def messages_of(session: Session, user: User, application_id: int) -> list[ApplicationMessage]:
    application, _ = application_for(session, user, application_id)
    return list(session.scalars(select(ApplicationMessage).where(ApplicationMessage.application_id == application.id)
                                .order_by(ApplicationMessage.id)))
