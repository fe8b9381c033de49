"""The secretariat's review queue: new records and held edits of every pool.

A decision approves (publish / apply the edit), rejects, or requests changes; rejecting and
requesting changes need a reason, which the author sees. Every decision is kept (``Review``)
and audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, String, cast, false, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from data.access import MAX_ID
from data.enums import AuditAction, NotificationKind, RevisionStatus, Status
from data.errors import FieldError
from data.models import MODELS, Organization, PoolRecord, Review, Revision, User, owner_column
from data.models.base import utcnow
from data.pools import Pool
from data.workflows.audit import audit, changed_only
from data.workflows.notifications import notify, speakers_for
from data.workflows.records import apply_revision, form_values

DECISIONS = {"approve": "approved", "reject": "rejected", "request_changes": "changes_requested"}


class ReviewError(FieldError):
    pass


@dataclass
class Pending:
    pool: Pool
    record: PoolRecord
    revision: Revision | None = None  # set when this is an edit of a published record
    changes: list[tuple[str, str, str]] | None = None  # (header, now, proposed)

    @property
    def submitted_at(self) -> dt.datetime:
        return self.revision.created_at if self.revision else self.record.created_at

    @property
    def key(self) -> str:
        """How a form names this item: ``revision:<id>`` or ``record:<pool>:<id>``."""
        return f"revision:{self.revision.id}" if self.revision else f"record:{self.pool.value}:{self.record.id}"


KINDS = {"new": "新记录", "edit": "修改"}
MAX_TEXT = 100  # characters of a search


@dataclass(frozen=True)
class QueueFilter:
    """What the reviewer narrows the queue to; every field optional."""

    pool: Pool | None = None
    kind: str | None = None  # a key of KINDS
    org_id: int | None = None  # the owner organization (an organization record: itself)
    since: dt.date | None = None  # submitted on or after this day (UTC)
    until: dt.date | None = None  # submitted on or before this day (UTC)
    text: str = ""  # in the name or description, or the record's number
    newest_first: bool = False

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise ReviewError("kind", f"类型应为以下之一：{'、'.join(KINDS.values())}")
        if self.since and self.until and self.until < self.since:
            raise ReviewError("until", "结束日期不能早于开始日期")
        if len(self.text) > MAX_TEXT:
            raise ReviewError("q", f"搜索词不能超过 {MAX_TEXT} 个字")


@dataclass
class QueuePage:
    items: list[Pending]
    total: int  # items matching the filter
    page: int
    pages: int
    facets: "Facets"


@dataclass
class Facets:
    """Counts over the whole queue, to label the filter's choices."""

    total: int = 0
    by_pool: dict[Pool, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    orgs: list[tuple[int, str, int]] = field(default_factory=list)  # (id, name, count), most items first


def _queue_rows(flt: QueueFilter, *, use_org: bool = True, use_kind: bool = True, use_pool: bool = True) -> Any:
    """One row per waiting item — (kind, pool, record_id, revision_id, submitted_at, org_id) — as
    a UNION ALL over the pools' new records and held edits, filtered in SQL (so the database
    pages it; nothing is loaded to be thrown away)."""
    parts = []
    text = flt.text.strip()
    for pool, model in MODELS.items():
        if use_pool and flt.pool is not None and flt.pool is not pool:
            continue
        owner = owner_column(model)
        for kind in KINDS:
            if use_kind and flt.kind is not None and flt.kind != kind:
                continue
            if kind == "new":
                moment = model.created_at
                query = select(cast(literal(kind), String(4)).label("kind"), cast(literal(pool.value), String(20)).label("pool"),
                               model.id.label("record_id"), cast(null(), Integer).label("revision_id"),
                               moment.label("submitted_at"), owner.label("org_id")).where(model.status == Status.PENDING)
            else:
                moment = Revision.created_at
                query = (select(cast(literal(kind), String(4)).label("kind"), cast(literal(pool.value), String(20)).label("pool"),
                                model.id.label("record_id"), Revision.id.label("revision_id"), moment.label("submitted_at"),
                                owner.label("org_id"))
                         .join(model, (Revision.record_id == model.id) & (Revision.pool == pool.value))
                         .where(Revision.status == RevisionStatus.PENDING))
            if use_org and flt.org_id is not None:
                query = query.where(owner == flt.org_id)
            if flt.since is not None:
                query = query.where(moment >= _day(flt.since))
            if flt.until is not None:
                query = query.where(moment < _day(flt.until + dt.timedelta(days=1)))
            if text:
                match = model.name.icontains(text, autoescape=True) | model.description.icontains(text, autoescape=True)
                if text.isascii() and text.isdigit() and len(text) <= 9:
                    match = match | (model.id == int(text))
                query = query.where(match)
            parts.append(query)
    if not parts:  # cannot happen with a valid filter; an empty selectable keeps callers simple
        return select(cast(literal("new"), String(4)).label("kind")).where(false()).subquery()
    return union_all(*parts).subquery("queue")


def _day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def review_page(session: Session, flt: QueueFilter | None = None, page: int = 1, per_page: int = 50) -> QueuePage:
    """One page of the queue, oldest first (or newest first), across pools and kinds: counted
    and paged in SQL, then each page's records and edits loaded with one query per pool."""
    flt = flt or QueueFilter()
    rows = _queue_rows(flt)
    total = session.scalar(select(func.count()).select_from(rows)) or 0
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    moment = rows.c.submitted_at.desc() if flt.newest_first else rows.c.submitted_at
    keys = session.execute(select(rows.c.pool, rows.c.record_id, rows.c.revision_id)
                           .order_by(moment, rows.c.pool, rows.c.record_id, rows.c.revision_id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return QueuePage(_load(session, keys), total, page, pages, facets(session))


def _load(session: Session, keys: Sequence[Sequence[Any]]) -> list[Pending]:
    """The records and held edits of ``keys`` — (pool, record id, revision id or None) — in that order."""
    wanted: dict[Pool, set[int]] = {}
    for pool_name, record_id, _ in keys:
        wanted.setdefault(Pool(pool_name), set()).add(record_id)
    records = {(pool, r.id): r for pool, ids in wanted.items()
               for r in session.scalars(select(MODELS[pool]).where(MODELS[pool].id.in_(ids)))}
    revision_ids = [rev for _, _, rev in keys if rev is not None]
    revisions = {r.id: r for r in session.scalars(select(Revision).where(Revision.id.in_(revision_ids)))} \
        if revision_ids else {}
    found: list[Pending] = []
    for pool_name, record_id, revision_id in keys:
        pool = Pool(pool_name)
        record = records.get((pool, record_id))
        if record is None:
            continue
        if revision_id is None:
            found.append(Pending(pool, record))
            continue
        revision = revisions[revision_id]
        now = form_values(pool, record)
        changes = [(h, now.get(h, ""), v) for h, v in revision.form.items() if now.get(h, "") != v]
        found.append(Pending(pool, record, revision, changes))
    return found


def facets(session: Session) -> Facets:
    """Counts of the whole queue by pool, kind and organization (one grouped query, one for names)."""
    rows = _queue_rows(QueueFilter())
    out = Facets()
    by_org: dict[int, int] = {}
    for kind, pool_name, org_id, count in session.execute(
            select(rows.c.kind, rows.c.pool, rows.c.org_id, func.count()).group_by(rows.c.kind, rows.c.pool, rows.c.org_id)):
        pool = Pool(pool_name)
        out.total += count
        out.by_pool[pool] = out.by_pool.get(pool, 0) + count
        out.by_kind[kind] = out.by_kind.get(kind, 0) + count
        if org_id is not None:
            by_org[org_id] = by_org.get(org_id, 0) + count
    names = {i: n for i, n in session.execute(select(Organization.id, Organization.name)
                                              .where(Organization.id.in_(by_org)))} if by_org else {}
    out.orgs = sorted(((i, names.get(i, f"编号 {i}"), n) for i, n in by_org.items()), key=lambda o: (-o[2], o[1], o[0]))
    return out


def pending_records(session: Session, limit: int = 200) -> list[Pending]:
    """The oldest ``limit`` items of the queue (see ``review_page`` for paging and filters)."""
    return review_page(session, QueueFilter(), 1, limit).items


def pending_count(session: Session) -> int:
    records = sum(session.scalar(select(func.count()).select_from(model).where(model.status == Status.PENDING)) or 0
                  for model in MODELS.values())
    edits = session.scalar(select(func.count()).select_from(Revision).where(Revision.status == RevisionStatus.PENDING))
    return records + (edits or 0)


def _check(decision: str, reason: str) -> str:
    if decision not in DECISIONS:
        raise ReviewError("decision", "审核结论应为 通过、驳回 或 退回修改")
    reason = reason.strip()
    if decision != "approve" and not reason:
        raise ReviewError("reason", "驳回或退回修改时请填写原因")
    return reason[:2000]


_OUTCOME = {"approve": "已通过审核", "reject": "未通过审核", "request_changes": "需要修改后重新提交"}


def decide(session: Session, pool: Pool, record_id: int, decision: str, reason: str,
           reviewer: User | None) -> PoolRecord:
    """Publish, reject, or send back (as a draft the owner edits and resubmits) a pending record."""
    reason = _check(decision, reason)
    record = session.get(MODELS[pool], record_id)
    if record is None:
        raise ReviewError("record_id", f"{pool.label}中不存在编号为 {record_id} 的记录")
    if record.status is not Status.PENDING:
        raise ReviewError("record_id", f"该记录当前为「{record.status.label}」，不在审核队列中")
    before = record.status
    record.status = {"approve": Status.PUBLISHED, "reject": Status.REJECTED, "request_changes": Status.DRAFT}[decision]
    session.add(Review(pool=pool.value, record_id=record_id, decision=DECISIONS[decision], reason=reason,
                       reviewer_id=reviewer.id if reviewer else None))
    action = {"approve": AuditAction.APPROVE, "reject": AuditAction.REJECT,
              "request_changes": AuditAction.REQUEST_CHANGES}[decision]
    audit(session, reviewer, action, pool.value, record_id, f"{action.label}「{record.name}」" + (f"：{reason}" if reason else ""),
          before={"状态": before.label}, after={"状态": record.status.label})
    session.flush()
    notify(session, speakers_for(session, record), NotificationKind.REVIEW_DECISION,
           f"「{record.name}」{_OUTCOME[decision]}", reason, f"/pool/{pool.value}/{record.id}")
    return record


def decide_revision(session: Session, revision_id: int, decision: str, reason: str,
                    reviewer: User | None) -> PoolRecord:
    """Apply, reject, or send back a held edit of a published record."""
    reason = _check(decision, reason)
    revision = session.get(Revision, revision_id)
    if revision is None or revision.status is not RevisionStatus.PENDING:
        raise ReviewError("revision_id", f"没有编号为 {revision_id} 的待审核修改")
    pool = Pool.parse(revision.pool)
    record = session.get(MODELS[pool], revision.record_id)
    if record is None:
        raise ReviewError("revision_id", f"{pool.label}中已没有编号为 {revision.record_id} 的记录")
    before = form_values(pool, record)
    if decision == "approve":
        apply_revision(session, revision)
    revision.status = {"approve": RevisionStatus.APPLIED, "reject": RevisionStatus.REJECTED,
                       "request_changes": RevisionStatus.CHANGES_REQUESTED}[decision]
    revision.reason, revision.decided_at = reason, utcnow()
    revision.reviewer_id = reviewer.id if reviewer else None
    session.add(Review(pool=pool.value, record_id=record.id, decision=DECISIONS[decision], reason=reason,
                       reviewer_id=revision.reviewer_id))
    old, new = changed_only(before, form_values(pool, record))
    action = {"approve": AuditAction.APPROVE, "reject": AuditAction.REJECT,
              "request_changes": AuditAction.REQUEST_CHANGES}[decision]
    audit(session, reviewer, action, pool.value, record.id,
          f"{action.label}对「{record.name}」的修改" + (f"：{reason}" if reason else ""), before=old, after=new)
    session.flush()
    told = [revision.author] if revision.author is not None else speakers_for(session, record)
    notify(session, told, NotificationKind.EDIT_APPROVED if decision == "approve" else NotificationKind.REVIEW_DECISION,
           f"对「{record.name}」的修改{_OUTCOME[decision]}", reason, f"/pool/{pool.value}/{record.id}")
    return record


MAX_BULK = 500  # items decided by one click (a page of the queue is at most 200)
_KEY = re.compile(r"record:([a-z]{1,20}):([0-9]{1,10})|revision:([0-9]{1,10})")


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)  # names of the records decided
    failed: list[tuple[str, str]] = field(default_factory=list)  # (which, why)


def parse_key(key: str) -> tuple[Pool | None, int]:
    """``record:<pool>:<id>`` → (pool, record id); ``revision:<id>`` → (None, revision id)."""
    found = _KEY.fullmatch(key.strip())
    number = int(found.group(2) or found.group(3)) if found else 0
    if found is None or not 0 < number <= MAX_ID:
        raise ReviewError("item", f"无法识别的审核条目「{key[:40]}」")
    if found.group(3):
        return None, number
    try:
        return Pool(found.group(1)), number
    except ValueError as exc:
        raise ReviewError("item", f"无法识别的审核条目「{key[:40]}」") from exc


def decide_many(session: Session, keys: list[str], decision: str, reason: str,
                reviewer: User | None) -> BulkResult:
    """The same decision for several items (``Pending.key``), each exactly as one decision
    (its own ``Review`` and audit row). An item that cannot be decided any more (decided by
    someone else meanwhile, an edit that no longer validates) is reported and the others go on."""
    reason = _check(decision, reason)
    wanted = list(dict.fromkeys(k for k in keys if k.strip()))
    if not wanted:
        raise ReviewError("item", "请先勾选要处理的记录")
    if len(wanted) > MAX_BULK:
        raise ReviewError("item", f"一次最多处理 {MAX_BULK} 条，当前勾选了 {len(wanted)} 条")
    parsed = [parse_key(k) for k in wanted]
    result = BulkResult()
    for pool, number in parsed:
        try:
            with session.begin_nested():
                record = (decide_revision(session, number, decision, reason, reviewer) if pool is None
                          else decide(session, pool, number, decision, reason, reviewer))
            result.done.append(record.name)
        except FieldError as exc:
            result.failed.append((f"修改编号 {number}" if pool is None else f"{pool.label}编号 {number}", str(exc)))
    return result


def last_reason(session: Session, pool: Pool, record_id: int) -> str:
    """The reason given with the latest rejection or request for changes, for the owner."""
    review = session.scalar(select(Review).where(Review.pool == pool.value, Review.record_id == record_id,
                                                Review.decision != "approved").order_by(Review.id.desc()))
    return review.reason if review else ""
