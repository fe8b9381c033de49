"""A person's rights over their data (PIPL): download everything held about them, delete the account.

Deleting a student's account removes their 人才库 profile (so it leaves search, recommendations,
indexes and future exports through the usual commit signal), their applications, the feedback
they gave, contact requests by or about them, and the account itself. The audit log keeps the
fact of the deletion (without the profile's values), as record-keeping the platform owes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from data.enums import AuditAction, Role
from data.errors import NotAllowed
from data.workflows.audit import audit, jsonable
from data.workflows.records import form_values
from data.models import (ApiToken, Application, AuditEntry, ContactRequest, Expert, Feedback, Revision, Talent,
                         Teacher, User)
from data.pools import Pool

PEOPLE = ((Pool.TALENT, Talent), (Pool.EXPERT, Expert), (Pool.TEACHER, Teacher))


def _own_records(session: Session, user: User) -> list[tuple[Pool, Any]]:
    return [(pool, r) for pool, model in PEOPLE for r in session.scalars(select(model).where(model.user_id == user.id))]


def _contact_filter(user: User, records: list[tuple[Pool, Any]]) -> Any:
    about = [(ContactRequest.target_pool == p.value) & (ContactRequest.target_id == r.id) for p, r in records]
    return or_(ContactRequest.requester_id == user.id, *about)


def personal_data(session: Session, user: User) -> dict[str, Any]:
    """Everything held about the user, as one JSON-ready document."""
    records = _own_records(session, user)
    profiles = [{"资源库": pool.label, "编号": r.id, **form_values(pool, r)} for pool, r in records]
    talent_ids = [r.id for pool, r in records if pool is Pool.TALENT]
    applications: Iterable[Application] = session.scalars(select(Application).where(Application.talent_id.in_(talent_ids))) if talent_ids else []
    feedback = session.scalars(select(Feedback).where(Feedback.actor == str(user.id)))
    contacts = session.scalars(select(ContactRequest).where(_contact_filter(user, records)))
    entries = session.scalars(select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id))
    audit(session, user, AuditAction.DATA_EXPORT, "user", user.id, "下载本人数据")
    return jsonable({
        "账号": {"用户名": user.username, "姓名或称呼": user.display_name, "角色": user.role.label,
               "单位": user.org.name if user.org else None, "注册时间": user.created_at},
        "档案": profiles,
        "实习申请": [{"岗位": a.internship.name, "单位": a.internship.owner_org.name, "状态": a.status.label,
                  "申请时间": a.created_at} for a in applications],
        "给出的反馈": [{"方向": f.direction, "对象": f"{f.target_pool}#{f.target_id}", "反馈": f.action.label,
                   "原因": f.reason.label if f.reason else None, "时间": f.created_at} for f in feedback],
        "联系申请": [{"申请人": c.requester.username, "对象": f"{c.target_pool}#{c.target_id}", "目的": c.purpose.label,
                  "说明": c.message, "状态": c.status.label, "时间": c.created_at} for c in contacts],
        "操作记录": [{"时间": e.created_at, "操作": e.action, "说明": e.summary} for e in entries],
    })


def delete_account(session: Session, user: User) -> None:
    """Remove a student's account and everything about them (see the module docstring)."""
    if user.role is not Role.STUDENT:
        raise NotAllowed("user", "注销账号请联系秘书处办理（单位账号涉及本单位的记录）")
    records = _own_records(session, user)
    session.execute(delete(ContactRequest).where(_contact_filter(user, records)))
    session.execute(delete(Feedback).where(Feedback.actor == str(user.id)))
    for pool, record in records:
        if pool is Pool.TALENT:
            session.delete(record)  # its applications, held edits and feedback go with it (data.models.dependents)
        else:
            session.execute(delete(Revision).where(Revision.pool == pool.value, Revision.record_id == record.id))
            record.user_id = None
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    audit(session, user, AuditAction.ACCOUNT, "user", user.id,
          f"学生注销账号（编号 {user.id}），其档案、申请、反馈与联系申请已删除")
    session.delete(user)
    session.flush()
