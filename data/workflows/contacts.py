"""Consent-gated contact (PIPL): contact details are shown to another party only after the
person (or, for a record without its own account, its organization) agrees to that requester.

A request states its purpose; the other side accepts (optionally with a reply) or declines;
an agreement can be withdrawn later. Every grant and withdrawal is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data.access import ORG_REPRESENTATIVES
from data.enums import AuditAction, ContactPurpose, ContactStatus, NotificationKind
from data.errors import FieldError, NotFound
from data.models import MODELS, ContactRequest, Organization, PersonRecord, PoolRecord, User, owner_column, owner_org_id
from data.models.base import utcnow
from data.pools import Pool
from data.sheets.rows import typed_text
from data.workflows.audit import audit
from data.workflows.notifications import notify, speakers_for

CONTACT_FIELDS = ("phone", "email", "contact_name")  # never shown to others without a grant


class ContactError(FieldError):
    pass


def has_contact(record: PoolRecord) -> bool:
    """Records that carry contact details or stand for a reachable party."""
    return isinstance(record, Organization) or any(hasattr(record, f) for f in CONTACT_FIELDS)


def answers_for(user: User, record: PoolRecord) -> bool:
    """Who decides: the person with their own account, else the owning organization's representatives."""
    own = getattr(record, "user_id", None)
    if own is not None:
        return own == user.id
    return user.role in ORG_REPRESENTATIVES and user.org_id is not None and owner_org_id(record) == user.org_id


def own_side(user: User, record: PoolRecord) -> bool:
    """The person themselves, or a representative of the organization that owns the record."""
    return answers_for(user, record) or (user.role in ORG_REPRESENTATIVES and user.org_id is not None
                                         and owner_org_id(record) == user.org_id)


def request_contact(session: Session, user: User, pool: Pool, record: PoolRecord, purpose: str,
                    message: str) -> ContactRequest:
    if own_side(user, record):
        raise ContactError("target_id", "这是本单位或您本人的记录，无需申请联系方式")
    if not has_contact(record):
        raise ContactError("target_id", f"{pool.label}的记录没有联系方式")
    try:
        reason = ContactPurpose.parse(purpose)
    except ValueError as exc:
        raise ContactError("purpose", f"联系目的{exc}") from exc
    message = typed_text(message, "message", "请简要说明来意，对方据此决定是否同意", max_len=1000,
                         error=ContactError)
    existing = session.scalar(select(ContactRequest).where(
        ContactRequest.requester_id == user.id, ContactRequest.target_pool == pool.value,
        ContactRequest.target_id == record.id,
        ContactRequest.status.in_((ContactStatus.PENDING, ContactStatus.ACCEPTED))))
    if existing is not None:
        raise ContactError("target_id", f"已申请过（{existing.status.label}）")
    item = ContactRequest(requester_id=user.id, target_pool=pool.value, target_id=record.id, purpose=reason,
                          message=message)
    session.add(item)
    session.flush()
    audit(session, user, AuditAction.CONTACT, pool.value, record.id, f"申请查看联系方式（{reason.label}）",
          after={"说明": message[:200]})
    notify(session, speakers_for(session, record), NotificationKind.CONTACT_RECEIVED,
           f"「{user.display_name}」请求查看「{record.name}」的联系方式（{reason.label}）", message[:500], "/contacts")
    return item


def _target(session: Session, item: ContactRequest) -> PoolRecord:
    record = session.get(MODELS[Pool.parse(item.target_pool)], item.target_id)
    if record is None:
        raise ContactError("request_id", "该记录已不存在")
    return record


def answer(session: Session, user: User, request_id: int, accept: bool, reply: str = "") -> ContactRequest:
    item = session.get(ContactRequest, request_id)
    if item is None or not answers_for(user, _target(session, item)):
        raise NotFound("request_id", f"没有编号为 {request_id} 的待您答复的联系申请")
    if item.status is not ContactStatus.PENDING:
        raise ContactError("request_id", f"该申请{item.status.label}，不能再答复")
    item.status = ContactStatus.ACCEPTED if accept else ContactStatus.DECLINED
    item.reply, item.decided_by_id, item.decided_at = reply.strip()[:1000], user.id, utcnow()
    audit(session, user, AuditAction.CONTACT, item.target_pool, item.target_id,
          f"{'同意' if accept else '拒绝'}向「{item.requester.display_name}」提供联系方式（{item.purpose.label}）",
          before={"状态": ContactStatus.PENDING.label}, after={"状态": item.status.label, "申请人": item.requester.username})
    session.flush()
    notify(session, [item.requester], NotificationKind.CONTACT_ANSWERED,
           f"您查看「{_target(session, item).name}」联系方式的申请{item.status.label}", item.reply, "/contacts")
    return item


def revoke(session: Session, user: User, request_id: int) -> ContactRequest:
    """The person withdraws an agreement, or the requester withdraws a pending request."""
    item = session.get(ContactRequest, request_id)
    if item is None:
        raise NotFound("request_id", f"没有编号为 {request_id} 的联系申请")
    if item.status is ContactStatus.ACCEPTED and answers_for(user, _target(session, item)):
        item.status = ContactStatus.REVOKED
    elif item.status is ContactStatus.PENDING and item.requester_id == user.id:
        item.status = ContactStatus.WITHDRAWN
    else:
        raise NotFound("request_id", f"没有编号为 {request_id} 的可撤回的联系申请或授权")
    item.decided_at = utcnow()
    audit(session, user, AuditAction.CONTACT, item.target_pool, item.target_id, f"{item.status.label}（申请人 {item.requester.username}）",
          after={"状态": item.status.label})
    session.flush()
    return item


def granted(session: Session, user_id: int | None, pool: Pool, record_id: int) -> ContactRequest | None:
    """The accepted request that lets ``user_id`` see this record's contact details, if any."""
    if user_id is None:
        return None
    return session.scalar(select(ContactRequest).where(
        ContactRequest.requester_id == user_id, ContactRequest.target_pool == pool.value,
        ContactRequest.target_id == record_id, ContactRequest.status == ContactStatus.ACCEPTED))


@dataclass
class ContactView:
    """What a viewer may see of a record's contact details (empty when nothing is granted)."""

    fields: dict[str, str]
    reply: str = ""
    own: bool = False


def contact_view(session: Session, user: User | None, pool: Pool, record: PoolRecord) -> ContactView:
    labels = {"phone": "手机", "email": "邮箱", "contact_name": "联系人"}
    values = {labels[f]: getattr(record, f) for f in CONTACT_FIELDS if getattr(record, f, None)}
    if user is None:
        return ContactView({})
    if user.role.is_staff or own_side(user, record):
        return ContactView(values, own=True)
    grant = granted(session, user.id, pool, record.id)
    return ContactView(values, grant.reply) if grant else ContactView({})


def requests_for(session: Session, user: User) -> tuple[list[ContactRequest], list[ContactRequest]]:
    """(sent by the user, received by the user or for the records their organization answers for)."""
    sent = list(session.scalars(select(ContactRequest).where(ContactRequest.requester_id == user.id)
                                .order_by(ContactRequest.id.desc()).limit(200)))
    received: list[ContactRequest] = []
    conditions = []
    for pool, model in MODELS.items():
        ids = select(model.id)
        if issubclass(model, PersonRecord):
            mine = model.user_id == user.id
            if user.role in ORG_REPRESENTATIVES and user.org_id is not None:
                mine = or_(mine, (model.user_id.is_(None)) & (model.owner_org_id == user.org_id))
            ids = ids.where(mine)
        elif user.role in ORG_REPRESENTATIVES and user.org_id is not None:
            ids = ids.where(owner_column(model) == user.org_id)
        else:
            continue
        conditions.append((ContactRequest.target_pool == pool.value) & ContactRequest.target_id.in_(ids))
    if conditions:
        received = list(session.scalars(select(ContactRequest).where(or_(*conditions))
                                        .order_by(ContactRequest.id.desc()).limit(200)))
    return sent, received


@dataclass
class ContactPanel:
    """The 联系方式 box of a detail page."""

    view: ContactView
    pending: ContactRequest | None
    can_request: bool


def contact_panel(session: Session, user: User | None, pool: Pool, record: PoolRecord) -> ContactPanel:
    view = contact_view(session, user, pool, record)
    if user is None or view.fields or view.own or not has_contact(record):
        return ContactPanel(view, None, False)
    pending = session.scalar(select(ContactRequest).where(
        ContactRequest.requester_id == user.id, ContactRequest.target_pool == pool.value,
        ContactRequest.target_id == record.id, ContactRequest.status == ContactStatus.PENDING))
    return ContactPanel(view, pending, pending is None)


def target_names(session: Session, items: list[ContactRequest]) -> dict[tuple[str, int], str]:
    """{(pool, id): "库名「名称」"} for showing requests."""
    names: dict[tuple[str, int], str] = {}
    for item in items:
        key = (item.target_pool, item.target_id)
        if key not in names:
            pool = Pool.parse(item.target_pool)
            record = session.get(MODELS[pool], item.target_id)
            names[key] = f"{pool.label}「{record.name}」" if record is not None else f"{pool.label}（已删除）"
    return names
