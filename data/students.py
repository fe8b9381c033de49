"""A student's own profile (a 人才库 record tied to their account) and their applications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.errors import FieldError, NotFound
from data.audit import audit
from data.enums import ApplicationStatus, AuditAction, Status
from data.models import Application, Internship, Talent, User
from data.pools import Pool
from data.rows import validate_form

PROFILE_FIELDS = ("姓名", "专业", "学历层次", "毕业年份", "技能", "证书", "期望城市", "期望岗位", "可实习开始",
                  "可实习结束", "个人简介", "可见范围")


class StudentError(FieldError):
    pass


def profile_of(session: Session, user: User) -> Talent | None:
    return session.scalar(select(Talent).where(Talent.user_id == user.id))


def save_profile(session: Session, user: User, form: dict[str, Any]) -> tuple[Talent | None, dict[str, str]]:
    """Create or update the student's profile; errors by field header (same schema as imports)."""
    if user.org is None:
        return None, {"姓名": "账号未关联学校，请联系秘书处"}
    attrs, problems = validate_form(Pool.TALENT, form, PROFILE_FIELDS, {"就读院校": user.org.name})
    if problems:
        return None, problems
    attrs["owner_org_id"] = user.org_id
    talent = profile_of(session, user)
    if talent is None:
        talent = Talent(natural_key=f"user:{user.id}", user_id=user.id, status=Status.PUBLISHED,
                        source=f"web:{user.username}", **{k: v for k, v in attrs.items() if v is not None})
        session.add(talent)
    else:
        for key, value in attrs.items():
            if value is not None or talent.__table__.c[key].nullable:
                setattr(talent, key, value)
    session.flush()
    return talent, {}


def seats_taken(session: Session, internship_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Application).where(
        Application.internship_id == internship_id, Application.status == ApplicationStatus.ACCEPTED)) or 0


def apply(session: Session, talent: Talent, internship_id: int, today: dt.date | None = None) -> Application:
    """Apply to a published, still open post with seats left; once per post."""
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
        session.flush()
        return existing
    application = Application(talent_id=talent.id, internship_id=internship_id)
    session.add(application)
    session.flush()
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
    return application
