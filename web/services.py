"""What views call: one function per user action, returning plain data for templates/JSON."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from data.dashboard import count_shown
from data.db import session_scope
from data.enums import Status
from data.models import MODELS, PoolRecord, owner_org_id
from data.pools import Pool
from data.settings import instance_dir
from indexer.context import IndexContext
from indexer.search import Filters, search
from indexer.store import IndexError_
from matcher.engine import Match, Viewer
from matcher.find import find
from matcher.recommend import RecommendError, directions_for, recommend
from web.boundary import MAX_ID, MAX_SEARCH_PAGE, parse_id, parse_pool  # noqa: F401  (views parse through services)
from web.errors import AppError

log = logging.getLogger(__name__)
PER_PAGE = 10
UPLOAD_SUFFIXES = (".xlsx", ".csv")
PUBLIC_FIELDS = ("phone", "email")  # never rendered: contact needs a grant (see DESIGN)


def can_see(record: PoolRecord, viewer: Viewer) -> bool:
    owner = owner_org_id(record)
    if viewer.staff or (viewer.org_id is not None and owner == viewer.org_id):
        return True
    if viewer.user_id is not None and getattr(record, "user_id", None) == viewer.user_id:
        return True
    if record.status is not Status.PUBLISHED:
        return False
    return record.visibility in viewer.levels()


def get_record(session: Session, pool: Pool, record_id: int, viewer: Viewer) -> PoolRecord:
    record = session.get(MODELS[pool], record_id) if 0 < record_id <= MAX_ID else None
    if record is None or not can_see(record, viewer):
        # The same answer for "missing" and "hidden": ids must not reveal hidden records.
        raise AppError(404, f"{pool.label}中没有编号为 {record_id} 的可查看记录", "id")
    return record


def list_records(session: Session, pool: Pool, viewer: Viewer, page: int, field: str | None = None,
                 sort: str = "new") -> dict[str, Any]:
    model = MODELS[pool]
    query = select(model).where(model.status == Status.PUBLISHED)
    if not viewer.staff:
        query = query.where(model.visibility.in_(viewer.levels()))
    if field:
        query = query.where(model.field == field)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = model.name if sort == "name" else model.id.desc()
    rows = session.scalars(query.order_by(order, model.id).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return {"pool": pool, "items": rows, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE))}


def filtered_ids(session: Session, pool: Pool, field: str | None) -> list[int]:
    """Ids of a pool list as staff see it (every status), with the list's filters."""
    model = MODELS[pool]
    query = select(model.id).order_by(model.id)
    if field:
        query = query.where(model.field == field)
    return list(session.scalars(query))


@dataclass
class SearchPage:
    text: str
    pool: Pool
    counts: dict[Pool, int]
    items: list[tuple[PoolRecord, list[str], float]]  # record, matched terms, score 0–100
    terms: list[str]
    page: int
    pages: int
    problem: str | None = None


def search_pools(session: Session, ctx: IndexContext, text: str, pool: Pool, viewer: Viewer, page: int = 1,
                 field: str | None = None, region: str | None = None) -> SearchPage:
    """One search box over every pool: counts per pool tab, ranked hits of the chosen one."""
    base = Filters(fields={field} if field else None, region_prefix=region or None)
    filters, _ = viewer.filters(base)
    counts: dict[Pool, int] = {}
    items: list[tuple[PoolRecord, list[str], float]] = []  # record, matched terms, score 0–100
    terms: list[str] = []
    total = 0
    try:
        for p in Pool:
            if p is not pool:
                counts[p] = search(p, text, 1, filters, mode="lexical", ctx=ctx).total_lexical
                continue
            found = find(ctx, p, text, filters, page, PER_PAGE, session)
            counts[p], total, terms = found.total, found.total, found.terms
            items = [(f.record, f.hit.matched_terms, f.score) for f in found.items if f.record is not None]
    except IndexError_ as exc:
        return SearchPage(text, pool, {}, [], [], 1, 1, str(exc))
    # No page past the parser's bound is offered (the pager would link to a 400).
    return SearchPage(text, pool, counts, items, terms, page, min(MAX_SEARCH_PAGE, max(1, -(-total // PER_PAGE))))


def recommendations(session: Session, ctx: IndexContext, pool: Pool, record: PoolRecord, viewer: Viewer,
                    actor: str | None, k: int = 5) -> list[tuple[str, str, list[Match] | str]]:
    """Every applicable direction's matches: (key, label, matches or a Chinese problem)."""
    panels: list[tuple[str, str, list[Match] | str]] = []
    for direction in directions_for(record):
        try:
            panels.append((direction.key, direction.label,
                           recommend(session, ctx, pool, record.id, direction.key, viewer=viewer, actor=actor, k=k)))
        except (IndexError_, RecommendError) as exc:
            panels.append((direction.key, direction.label, str(exc)))
    note_shown({key: len(matches) for key, _, matches in panels if not isinstance(matches, str)})
    return panels


def note_shown(shown: dict[str, int]) -> None:
    """Count matches shown for the dashboard, in a transaction of its own; a failure here
    (a busy SQLite file) costs a statistic, never the page."""
    try:
        with session_scope() as session:
            count_shown(session, shown)
    except SQLAlchemyError:
        log.warning("could not count shown matches", exc_info=True)


def upload_path(upload_id: str, suffix: str) -> Path:
    if len(upload_id) != 32 or not all(c in "0123456789abcdef" for c in upload_id) or suffix not in UPLOAD_SUFFIXES:
        raise AppError(400, "上传文件已失效，请重新上传", "upload_id")
    return instance_dir() / "uploads" / f"{upload_id}{suffix}"


def save_upload(upload: FileStorage | None) -> tuple[Path, str, str]:
    """Keep an uploaded sheet under an unguessable name: (path, upload id, suffix)."""
    if upload is None or not upload.filename:
        raise AppError(400, "请选择要导入的 Excel 或 CSV 文件", "file")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise AppError(400, "只支持 .xlsx 或 .csv 文件", "file")
    upload_id = uuid.uuid4().hex
    path = upload_path(upload_id, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    upload.save(path)
    return path, upload_id, suffix
