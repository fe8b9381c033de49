"""Creating and editing pool records from a form (web page or JSON API), with review and audit.

Forms are validated exactly like spreadsheet rows (``data.sheets.rows.validate_form``). Who may
do what:

- staff edit everything, directly;
- other users create records of their own organization in the pools their role works with, and
  edit what their organization owns (a student only their own profile, an expert or teacher
  their own record or their organization's);
- a new record of a member in good standing is published at once, otherwise it waits for review;
- an edit of a published record by a non-staff user is held as a :class:`Revision` for review
  while the published version stays live; an edit of an unpublished record is resubmitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data.enums import AuditAction, RevisionStatus, Status
from data.access import OWN_PROFILES, is_staff, may_create, may_edit, member_in_good_standing, org_wide
from data.errors import FieldError, NotAllowed
from data.keys import natural_key, normalize_name
from data.models import MODELS, Organization, OwnedRecord, PersonRecord, PoolRecord, Revision, User, owner_column
from data.pools import Pool
from data.sheets.columns import Column, Kind, columns_of
from data.sheets.exporter import format_cell, format_value
from data.sheets.rows import validate_form
from data.workflows.audit import audit, changed_only

# Profiles keyed by their account rather than by name and school: classmates share names.
ACCOUNT_KEYED = (Pool.TALENT,)
# Columns only the secretariat sets: workflow state, import keys, membership (governed by the charter).
STAFF_ONLY = {"状态", "外部编号", "会员级别", "会员状态", "单位类型", "单位名称"}


class EditError(FieldError):
    pass


def form_columns(pool: Pool, user: User) -> list[Column]:
    """The inputs of the pool's form for this user, in sheet order."""
    if is_staff(user):
        return list(columns_of(pool))
    return [c for c in columns_of(pool) if c.kind is not Kind.ORG and c.header not in STAFF_ONLY]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_values(pool: Pool, record: PoolRecord) -> dict[str, str]:
    """The record as its form shows it: {column header: text}, the inverse of validation."""
    return {c.header: _text(format_cell(c, record)) for c in columns_of(pool)}


@dataclass
class Saved:
    record: PoolRecord | None
    errors: dict[str, str] = field(default_factory=dict)
    outcome: str = ""  # published / pending / updated / revision / resubmitted / unchanged

    @property
    def message(self) -> str:
        return {
            "published": "已保存并发布",
            "pending": "已保存，等待秘书处审核后发布",
            "updated": "修改已保存",
            "revision": "修改已提交秘书处审核，审核通过前继续展示原内容",
            "resubmitted": "修改已保存并重新提交审核",
            "unchanged": "内容没有变化",
        }.get(self.outcome, "")


def _fixed(pool: Pool, user: User, record: PoolRecord | None) -> dict[str, str]:
    """Columns the user does not type: their organization, and for staff-only columns the current value."""
    fixed: dict[str, str] = {}
    current = form_values(pool, record) if record is not None else {}
    typed = {c.header for c in form_columns(pool, user)}
    for column in columns_of(pool):
        if column.header in typed:
            continue
        if column.kind is Kind.ORG:
            if record is None:
                org = user.org  # a new record belongs to the user's organization
            else:
                org = record.owner_org if isinstance(record, OwnedRecord) else None
            fixed[column.header] = org.name if org is not None else ""
        elif column.header in current:
            fixed[column.header] = current[column.header]
    return fixed


def _resolve_org(session: Session, pool: Pool, attrs: dict[str, Any]) -> dict[str, str]:
    """Turn the organization's name into its id; errors by header."""
    column = next((c for c in columns_of(pool) if c.kind is Kind.ORG), None)
    if column is None or not isinstance(attrs.get("owner_org_id"), str):
        return {}
    name = attrs["owner_org_id"]
    wanted = normalize_name(name)
    orgs = session.scalars(select(Organization).where(Organization.name == name)).all() or [
        o for o in session.scalars(select(Organization)) if normalize_name(o.name) == wanted]
    if len(orgs) != 1:
        return {column.header: f"找不到名为「{name}」的单位，请先在单位库中登记"}
    attrs["owner_org_id"] = orgs[0].id
    attrs["_org_name"] = orgs[0].name
    return {}


def _key(pool: Pool, attrs: dict[str, Any], record: PoolRecord | None, user: User | None) -> str:
    if record is not None and record.natural_key.startswith("user:"):
        return record.natural_key  # a profile is keyed by its account
    if record is None and user is not None and pool in ACCOUNT_KEYED and pool in OWN_PROFILES.get(user.role, ()):
        return f"user:{user.id}"
    org_name = attrs.get("_org_name") or (record.owner_org.name if record is not None and hasattr(record, "owner_org")
                                          else None)
    return natural_key(attrs["name"], None if pool is Pool.ORGANIZATION else org_name, attrs.get("source_id"))


def _validate(session: Session, pool: Pool, user: User | None, form: Any,
              record: PoolRecord | None) -> tuple[dict[str, Any], dict[str, str]]:
    """``user=None`` validates the whole row (every column taken from ``form``)."""
    if user is None:
        attrs, errors = validate_form(pool, form, tuple(c.header for c in columns_of(pool)), {})
    else:
        headers = tuple(c.header for c in form_columns(pool, user))
        attrs, errors = validate_form(pool, form, headers, _fixed(pool, user, record))
    if errors:
        return {}, errors
    errors = _resolve_org(session, pool, attrs)
    if errors:
        return {}, errors
    key = _key(pool, attrs, record, user)
    model = MODELS[pool]
    clash = session.scalar(select(model.id).where(model.natural_key == key))
    if clash is not None and (record is None or clash != record.id):
        name_header = columns_of(pool)[0].header
        return {}, {name_header: f"{pool.label}中已有同名记录（编号 {clash}），请修改{name_header}或编辑已有记录"}
    attrs["natural_key"] = key
    attrs.pop("_org_name", None)
    return attrs, {}


def _apply(record: PoolRecord, attrs: dict[str, Any]) -> None:
    for key, value in attrs.items():
        if value is not None or record.__table__.c[key].nullable:
            setattr(record, key, value)


def create_record(session: Session, user: User, pool: Pool, form: Any) -> Saved:
    """A new record of the user's organization (staff: any), or a user's own profile; published
    when a member in good standing (or staff) creates it, otherwise queued for review."""
    own = OWN_PROFILES.get(user.role, ()) if user.org_id is not None else ()
    if not (may_create(user, pool) or pool in own):
        raise NotAllowed("pool", f"当前账号不能在{pool.label}中新建记录")
    attrs, errors = _validate(session, pool, user, form, None)
    if errors:
        return Saved(None, errors)
    publish = is_staff(user) or member_in_good_standing(user)
    if not is_staff(user) or attrs.get("status") is None:
        attrs["status"] = Status.PUBLISHED if publish else Status.PENDING
    if pool is not Pool.ORGANIZATION and "owner_org_id" not in attrs:
        attrs["owner_org_id"] = user.org_id
    if pool in own:
        if any(_has_profile(session, MODELS[p], user) for p in own):
            raise EditError("pool", "您已有个人档案，请编辑已有档案")
        attrs["user_id"] = user.id
    record = MODELS[pool](source=f"web:{user.username}", **{k: v for k, v in attrs.items() if v is not None})
    session.add(record)
    session.flush()
    audit(session, user, AuditAction.CREATE, pool.value, record.id, f"新建{pool.label}「{record.name}」",
          after=form_values(pool, record))
    return Saved(record, outcome="published" if record.status is Status.PUBLISHED else "pending")


def update_record(session: Session, user: User, pool: Pool, record: PoolRecord, form: Any) -> Saved:
    """Edit a record: staff directly; others through review when it is published."""
    if not may_edit(user, record):
        raise NotAllowed("id", f"当前账号不能修改这条{pool.label}记录")
    attrs, errors = _validate(session, pool, user, form, record)
    if errors:
        return Saved(record, errors)
    before = form_values(pool, record)
    if held_for_review(user, record):
        submitted = {c.header: (form.get(c.header) or "").strip() for c in form_columns(pool, user)}
        if not changed_only(before, submitted)[1]:
            return Saved(record, outcome="unchanged")
        hold_revision(session, user, pool, record, submitted)
        return Saved(record, outcome="revision")
    _apply(record, attrs)
    resubmit = resubmitted(user, record)
    if resubmit:
        record.status = Status.PENDING
    session.flush()
    old, new = changed_only(before, form_values(pool, record))
    if not new:
        return Saved(record, outcome="unchanged")
    audit(session, user, AuditAction.UPDATE, pool.value, record.id, f"修改{pool.label}「{record.name}」",
          before=old, after=new)
    return Saved(record, outcome="resubmitted" if resubmit else "updated")


def hold_revision(session: Session, user: User | None, pool: Pool, record: PoolRecord,
                  submitted: dict[str, str]) -> Revision:
    """Hold an edit of a published record for review (the published version stays live): it
    supersedes the record's earlier open edits and is audited. ``submitted`` is form text by
    column header (all the form's columns, or only the changed ones); ``user`` None: the CLI."""
    old, new = changed_only(form_values(pool, record), submitted)
    for earlier in open_revisions(session, pool, record.id):
        earlier.status = RevisionStatus.SUPERSEDED
    revision = Revision(pool=pool.value, record_id=record.id, author_id=user.id if user else None, form=submitted)
    session.add(revision)
    session.flush()
    audit(session, user, AuditAction.SUBMIT, pool.value, record.id, f"提交修改「{record.name}」（待审核）",
          before=old, after=new)
    return revision


def _reviewed(user: User | None, review: bool) -> bool:
    return review or (user is not None and not is_staff(user))


def held_for_review(user: User | None, record: PoolRecord, review: bool = False) -> bool:
    """Whether an edit waits for review (held as a :class:`Revision`) instead of applying: the
    record is published and the author is not staff, or the caller asks for review (an
    import as 待审核). ``user`` None: the command line."""
    return record.status is Status.PUBLISHED and _reviewed(user, review)


def resubmitted(user: User | None, record: PoolRecord, review: bool = False) -> bool:
    """Whether an edit applied to a draft or rejected record sends it back to the review queue."""
    return record.status in (Status.DRAFT, Status.REJECTED) and _reviewed(user, review)


def form_text(session: Session, pool: Pool, attrs: dict[str, Any]) -> dict[str, str]:
    """Validated attribute values as the form shows them ({column header: text}), like ``form_values``."""
    out: dict[str, str] = {}
    for column in columns_of(pool):
        if column.attr not in attrs:
            continue
        value = attrs[column.attr]
        if column.kind is Kind.ORG:
            org = session.get(Organization, value) if value is not None else None
            out[column.header] = org.name if org is not None else ""
        else:
            out[column.header] = _text(format_value(column, value))
    return out


def apply_revision(session: Session, revision: Revision) -> PoolRecord:
    """Validate the held form again (vocabularies may have changed) and apply it to the record."""
    pool = Pool.parse(revision.pool)
    record = session.get(MODELS[pool], revision.record_id)
    if record is None:
        raise EditError("record_id", f"{pool.label}中已没有编号为 {revision.record_id} 的记录")
    attrs, errors = _validate(session, pool, None, form_values(pool, record) | revision.form, record)
    if errors:
        header, reason = next(iter(errors.items()))
        raise EditError("revision", f"该修改已不能通过校验：「{header}」{reason}")
    _apply(record, attrs)
    session.flush()
    return record


def _has_profile(session: Session, model: type[PoolRecord], user: User) -> bool:
    """Whether a record of ``model`` is already the user's own profile."""
    if not issubclass(model, PersonRecord):
        return False
    return session.scalar(select(model.id).where(model.user_id == user.id)) is not None


def owned_records(session: Session, user: User, limit: int = 200) -> list[tuple[Pool, PoolRecord]]:
    """What the user looks after — exactly what ``may_edit`` allows a non-staff user — in every
    status, newest first: their own profile, and their organization's records in the pools
    their role works with."""
    found: list[tuple[Pool, PoolRecord]] = []
    for pool, model in MODELS.items():
        mine = [model.user_id == user.id] if issubclass(model, PersonRecord) else []
        if user.org_id is not None and org_wide(user, pool):
            mine.append(owner_column(model) == user.org_id)
        if mine:
            query = select(model).where(or_(*mine)).order_by(model.id.desc()).limit(limit)
            found.extend((pool, r) for r in session.scalars(query))
    return found


def open_revisions(session: Session, pool: Pool, record_id: int) -> list[Revision]:
    return list(session.scalars(select(Revision).where(
        Revision.pool == pool.value, Revision.record_id == record_id,
        Revision.status.in_((RevisionStatus.PENDING, RevisionStatus.CHANGES_REQUESTED))).order_by(Revision.id)))


def delete_record(session: Session, user: User, pool: Pool, record: PoolRecord) -> None:
    """Remove a record its owner (or staff) no longer wants; its values stay in the audit log.

    Its grants, feedback, reviews, held edits, applications and proposals go with it
    (``data.models.dependents``)."""
    if not may_edit(user, record):
        raise NotAllowed("id", f"当前账号不能删除这条{pool.label}记录")
    if pool is Pool.ORGANIZATION:
        raise EditError("id", "单位不能直接删除：退出联盟请按章程办理，重复的单位请由秘书处合并")
    before = form_values(pool, record)
    record_id, name = record.id, record.name
    session.delete(record)
    session.flush()
    audit(session, user, AuditAction.DELETE, pool.value, record_id, f"删除{pool.label}「{name}」", before=before)


def form_from_json(pool: Pool, body: dict[str, Any], current: dict[str, str] | None = None) -> dict[str, str]:
    """A JSON body keyed by column header or attribute name, as form text; over ``current`` for a partial update."""
    by_attr = {c.attr: c.header for c in columns_of(pool)}
    form = dict(current or {})
    for key, value in body.items():
        header = by_attr.get(key, key)
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        form[header] = "" if value is None else str(value)
    return form
