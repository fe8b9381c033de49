"""Pool records as pages show them: one record, a list page, the ids of a filtered list,
「我的记录」 and what a deletion takes along."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import MAX_ID, can_see, may_create, may_edit, published_to
from data.enums import RevisionStatus, Status
from data.errors import NotAllowed, NotFound
from data.models import (MODELS, Application, ContactRequest, Expert, Feedback, PoolRecord, PracticeProposal, Review,
                         Revision, Teacher, User)
from data.models.dependents import dependent_conditions
from data.pools import Pool
from data.workflows.records import EditError, Saved, create_record, delete_record, owned_records, update_record
from data.access import Viewer
from web.listing import ListQuery, filtered, order_by, parse_list_query

PER_PAGE = 10

# What a deletion takes along (``data.models.dependents``), as the confirmation page names it.
GOES_WITH = {ContactRequest: "联系方式申请与授权", Feedback: "推荐反馈", Review: "审核记录", Revision: "修改申请",
             Application: "实习申请", PracticeProposal: "教师实践推荐"}


def get_record(session: Session, pool: Pool, record_id: int, viewer: Viewer) -> PoolRecord:
    """The record ``record_id`` of ``pool`` if ``viewer`` may see it; else NotFound."""
    record = session.get(MODELS[pool], record_id) if 0 < record_id <= MAX_ID else None
    if record is None or not can_see(record, viewer):
        # The same answer for "missing" and "hidden": ids must not reveal hidden records.
        raise NotFound("id", f"{pool.label}中没有编号为 {record_id} 的可查看记录")
    return record


def editable_record(session: Session, user: User, pool: Pool, record_id: int, viewer: Viewer,
                    verb: str = "修改") -> PoolRecord:
    """The record if the user may see it and edit it (NotAllowed naming ``verb`` otherwise)."""
    record = get_record(session, pool, record_id, viewer)
    if not may_edit(user, record):
        raise NotAllowed("id", f"当前账号不能{verb}这条{pool.label}记录")
    return record


def check_may_create(user: User, pool: Pool) -> None:
    """NotAllowed unless the user may create records in ``pool``."""
    if not may_create(user, pool):
        raise NotAllowed("pool", f"当前账号不能在{pool.label}中新建记录")


def list_records(session: Session, pool: Pool, viewer: Viewer, page: int, field: str | None = None,
                 sort: str = "new", query: ListQuery | None = None) -> dict[str, Any]:
    """One page of a pool list with its filters and order (``web.listing``; ``field`` and
    ``sort`` alone when no ``query`` is given, checked the same way)."""
    model = MODELS[pool]
    query = query or parse_list_query(pool, {"field": field or "", "sort": sort}, viewer.staff)
    stmt = filtered(model, query)
    if not viewer.staff:
        stmt = stmt.where(published_to(model, viewer))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(*order_by(model, query)).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return {"pool": pool, "items": rows, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE)),
            "query": query}


def filtered_ids(session: Session, pool: Pool, query: ListQuery) -> list[int]:
    """Ids of a pool list as staff see it (every status unless one is chosen), with the list's filters."""
    model = MODELS[pool]
    stmt = filtered(model, query, default_every_status=True).with_only_columns(model.id)
    return list(session.scalars(stmt.order_by(model.id)))


class MineItem(NamedTuple):
    """One line of 「我的记录」."""

    pool: Pool
    record: PoolRecord
    reason: str  # the secretariat's latest reason, for a draft or rejected record
    revisions: list[Revision]  # held edits still open
    editable: bool


def my_records(session: Session, user: User) -> list[MineItem]:
    """What the user looks after, each with its latest review reason and open edits: two
    queries per pool, however many records (not two per record)."""
    owned = owned_records(session, user)
    ids: dict[Pool, list[int]] = {}
    for pool, record in owned:
        ids.setdefault(pool, []).append(record.id)
    reasons: dict[tuple[str, int], str] = {}
    revisions: dict[tuple[str, int], list[Revision]] = {}
    for pool, record_ids in ids.items():
        # Ascending ids: the latest review of a record is the last one written into the dict.
        for review in session.scalars(select(Review).where(
                Review.pool == pool.value, Review.record_id.in_(record_ids),
                Review.decision != "approved").order_by(Review.id)):
            reasons[(review.pool, review.record_id)] = review.reason
        for revision in session.scalars(select(Revision).where(
                Revision.pool == pool.value, Revision.record_id.in_(record_ids),
                Revision.status.in_((RevisionStatus.PENDING, RevisionStatus.CHANGES_REQUESTED))).order_by(Revision.id)):
            revisions.setdefault((revision.pool, revision.record_id), []).append(revision)
    return [MineItem(pool, record,
                     (reasons.get((pool.value, record.id)) or "") if record.status in (Status.DRAFT, Status.REJECTED) else "",
                     revisions.get((pool.value, record.id), []), may_edit(user, record))
            for pool, record in owned]


def creatable_pools(user: User) -> list[Pool]:
    """The pools the user may create records in."""
    return [p for p in Pool if may_create(user, p)]


def deletion_summary(session: Session, user: User, pool: Pool, record_id: int,
                     viewer: Viewer) -> tuple[PoolRecord, dict[str, int]]:
    """The record the user may delete and what goes with it: {what, how many}."""
    record = editable_record(session, user, pool, record_id, viewer, "删除")
    if pool is Pool.ORGANIZATION:
        raise EditError("id", "单位不能直接删除：退出联盟请按章程办理，重复的单位请由秘书处合并")
    goes: dict[str, int] = {}
    for dependent, where in dependent_conditions(MODELS[pool], [record.id]):
        count = session.scalar(select(func.count()).select_from(dependent).where(where)) or 0
        label = GOES_WITH.get(dependent, dependent.__name__)
        if count:
            goes[label] = goes.get(label, 0) + count
    return record, goes


def save_new(session: Session, user: User, pool: Pool, form: Any) -> Saved:
    """Create a record from a form; committed unless a field failed its check (``Saved.errors``)."""
    saved = create_record(session, user, pool, form)
    if not saved.errors:
        session.commit()
    return saved


def save_edit(session: Session, user: User, pool: Pool, record: PoolRecord, form: Any) -> Saved:
    """Change a record from a form (held for review when the workflow says so); committed unless
    a field failed its check."""
    saved = update_record(session, user, pool, record, form)
    if not saved.errors:
        session.commit()
    return saved


def remove(session: Session, user: User, pool: Pool, record_id: int, viewer: Viewer) -> str:
    """Delete a record the user may see (the workflow checks they may delete it); its name."""
    record = get_record(session, pool, record_id, viewer)
    name = record.name
    delete_record(session, user, pool, record)
    session.commit()
    return name


def own_profile(session: Session, user: User) -> tuple[Pool, int] | None:
    """The expert's or teacher's record of the user (expert first), if they have one."""
    expert = session.scalar(select(Expert.id).where(Expert.user_id == user.id))
    if expert is not None:
        return Pool.EXPERT, expert
    teacher = session.scalar(select(Teacher.id).where(Teacher.user_id == user.id))
    return (Pool.TEACHER, teacher) if teacher is not None else None
