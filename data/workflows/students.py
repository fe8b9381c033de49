"""A student's own profile (a 人才库 record tied to their account) and their applications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.enums import ApplicationStatus, AuditAction, NotificationKind, Status
from data.errors import FieldError, NotFound
from data.models import Application, Internship, Talent, User
from data.pools import Pool
from data.workflows.audit import audit
from data.workflows.notifications import notify, org_users
from data.workflows.records import Saved, create_record, form_values, update_record

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


def seats_taken(session: Session, internship_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Application).where(
        Application.internship_id == internship_id, Application.status == ApplicationStatus.ACCEPTED)) or 0


def apply(session: Session, talent: Talent, internship_id: int, today: dt.date | None = None,
          actor: User | None = None) -> Application:
    """Apply to a published, still open post with seats left; once per post. Audited under
    ``actor`` (default: the student's own account)."""
    today = today or dt.date.today()
    post = session.get(Internship, internship_id)
    if post is None or post.status is not Status.PUBLISHED:
        raise StudentError("internship_id", f"岗位库中没有编号为 {internship_id} 的可申请岗位")
    if post.end_date is not None and post.end_date < today:
        raise StudentError("internship_id", "该岗位已结束")
    if seats_taken(session, internship_id) >= post.seats:
        raise StudentError("internship_id", "该岗位名额已满")
    existing = session.scalar(select(Application).where(Application.talent_id == talent.id,
                                                        Application.internship_id == internship_id))
    if existing is not None and existing.status is not ApplicationStatus.WITHDRAWN:
        raise StudentError("internship_id", f"已申请过该岗位（{existing.status.label}）")
    if existing is not None:
        existing.status = ApplicationStatus.SUBMITTED
        application = existing
    else:
        application = Application(talent_id=talent.id, internship_id=internship_id)
        session.add(application)
    session.flush()
    if actor is None and talent.user_id is not None:
        actor = session.get(User, talent.user_id)
    audit(session, actor, AuditAction.APPLICATION, Pool.TALENT.value, talent.id,
          f"{'重新' if existing is not None else ''}申请岗位「{post.name}」（{post.owner_org.name}）",
          before={"状态": ApplicationStatus.WITHDRAWN.label} if existing is not None else None,
          after={"状态": ApplicationStatus.SUBMITTED.label, "岗位编号": post.id})
    notify(session, org_users(session, post.owner_org_id), NotificationKind.APPLICATION_RECEIVED,
           f"「{talent.name}」投递了「{post.name}」", f"{talent.major or ''} {talent.level.label}".strip(),
           "/org/applications")
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


def decide_application(session: Session, user: User, application_id: int, accept: bool) -> Application:
    """The posting organization (or staff) accepts or turns down a submitted application;
    accepting is refused when the post's seats are taken."""
    application = session.get(Application, application_id)
    if application is None or (not user.role.is_staff and application.internship.owner_org_id != user.org_id):
        # Another organization's applications are not even confirmed to exist.
        raise NotFound("application_id", f"没有编号为 {application_id} 的本单位岗位申请")
    if application.status is not ApplicationStatus.SUBMITTED:
        raise StudentError("application_id", f"该申请已是「{application.status.label}」，不能再处理")
    if accept and seats_taken(session, application.internship_id) >= application.internship.seats:
        raise StudentError("application_id", "该岗位名额已满，不能再录用")
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.REJECTED
    audit(session, user, AuditAction.APPLICATION, "talent", application.talent_id,
          f"{application.status.label}：「{application.internship.name}」", before={"状态": ApplicationStatus.SUBMITTED.label},
          after={"状态": application.status.label})
    session.flush()
    student = session.get(User, application.talent.user_id) if application.talent.user_id is not None else None
    if student is not None:
        notify(session, [student], NotificationKind.APPLICATION_STATUS,
               f"「{application.internship.name}」：{application.status.label}", application.internship.owner_org.name,
               "/student/applications")
    return application
