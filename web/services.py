"""What views call: one function per user action, returning plain data for templates/JSON."""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from data.access import can_see, published_to
from data.db import session_scope
from data.models import MODELS, PoolRecord
from data.pools import Pool
from data.settings import instance_dir
from data.workflows.dashboard import count_shown
from indexer import operations
from indexer.context import IndexContext
from indexer.search import Filters
from indexer.store import IndexError_
from data.access import Viewer
from matcher.directions import directions_for
from matcher.engine import Match, index_filters
from matcher.find import FoundPage, find
from matcher.recommend import RecommendError, recommend
from web.boundary import MAX_ID, MAX_SEARCH_PAGE, parse_id, parse_pool  # noqa: F401  (views parse through services)
from web.errors import AppError
from web.listing import ListQuery, filtered, order_by, parse_list_query

log = logging.getLogger(__name__)
PER_PAGE = 10
UPLOAD_SUFFIXES = (".xlsx", ".csv")
PUBLIC_FIELDS = ("phone", "email")  # never rendered: contact needs a grant (see DESIGN)


def get_record(session: Session, pool: Pool, record_id: int, viewer: Viewer) -> PoolRecord:
    record = session.get(MODELS[pool], record_id) if 0 < record_id <= MAX_ID else None
    if record is None or not can_see(record, viewer):
        # The same answer for "missing" and "hidden": ids must not reveal hidden records.
        raise AppError(404, f"{pool.label}中没有编号为 {record_id} 的可查看记录", "id")
    return record


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


@dataclass
class SearchPage:
    text: str
    pool: Pool  # the tab shown: the one asked for, else ``default_pool``
    counts: dict[Pool, int]
    items: list[tuple[PoolRecord, list[str], float]]  # record, matched terms, score 0–100
    terms: list[str]
    page: int
    pages: int
    problem: str | None = None


DEFAULT_POOL = Pool.ACHIEVEMENT


def tab_counts(ctx: IndexContext, text: str, filters: Filters,
               known: dict[Pool, FoundPage] | None = None) -> dict[Pool, int]:
    """The figure on each pool's tab: how many results its list holds — the first page's
    ``total`` (records with a word of the query, or close enough in meaning), whichever tab is
    shown, on whichever page, on the site or through the API. ``known``: first pages already
    ranked (a count needs no records loaded, so the others are ranked without the session).
    Remembered while the pools' indexes stay the same (``_TabMemo``): switching tabs or pages
    ranks only the pool shown."""
    key = (text, _filters_key(filters))
    counts, indexes = _tab_memo.get(ctx, key)
    if counts is None:
        known = known or {}
        counts = {p: (known[p] if p in known else find(ctx, p, text, filters, 1, PER_PAGE)).total for p in Pool}
        _tab_memo.put(key, counts, indexes)
    return counts


def _filters_key(filters: Filters) -> tuple[Any, ...]:
    def frozen(value: Any) -> Any:
        return value if value is None or isinstance(value, str) else tuple(sorted(map(str, value)))

    return tuple(frozen(getattr(filters, f.name)) for f in dataclass_fields(filters))


class _TabMemo:
    """Tab counts of recent searches, kept while every pool's live index is the one they were
    counted on: an index is never changed in place, so the loaded object is its version (held
    here, so that a new one can never look like it), and a new one anywhere forgets them all."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._counts: OrderedDict[tuple[Any, ...], dict[Pool, int]] = OrderedDict()
        self._indexes: tuple[object, ...] = ()

    def get(self, ctx: IndexContext, key: tuple[Any, ...]) -> tuple[dict[Pool, int] | None, tuple[object, ...]]:
        """(the remembered counts or None, the indexes they are valid for: pass it to ``put``)."""
        current = (ctx, *(ctx.load(p) for p in Pool))
        with self._lock:
            if not _same(current, self._indexes):
                self._counts.clear()
                self._indexes = current
                return None, current
            found = self._counts.get(key)
            if found is not None:
                self._counts.move_to_end(key)
            return found, current

    def put(self, key: tuple[Any, ...], counts: dict[Pool, int], indexes: tuple[object, ...]) -> None:
        with self._lock:
            if not _same(indexes, self._indexes):
                return  # counted on indexes swapped out meanwhile
            self._counts[key] = counts
            while len(self._counts) > self.size:
                self._counts.popitem(last=False)


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


_tab_memo = _TabMemo()


def default_pool(firsts: dict[Pool, FoundPage]) -> Pool:
    """The tab shown when none is asked for: the pool whose best match scores highest (the score
    its first result shows, from each pool's first page ``firsts``); ties go to the earlier tab
    in the pools' order, and with no match anywhere it is 成果库."""
    best = {p: (found.items[0].score if found.items else 0.0) for p, found in firsts.items()}
    top = max(best.values(), default=0.0)
    if top <= 0:
        return DEFAULT_POOL
    return next(p for p in Pool if p in best and round(best[p], 6) == round(top, 6))


def search_pools(session: Session, ctx: IndexContext, text: str, pool: Pool | None, viewer: Viewer, page: int = 1,
                 field: str | None = None, region: str | None = None) -> SearchPage:
    """One search box over every pool: the tabs' counts (``tab_counts``) and the ranked hits of
    ``pool`` — or, when None, of the ``default_pool`` (which ranks every pool's first page).
    The site and the API both call it."""
    base = Filters(fields={field} if field else None, region_prefix=region or None)
    filters, _ = index_filters(viewer, base)
    try:
        if pool is None:
            firsts = {p: find(ctx, p, text, filters, 1, PER_PAGE, session) for p in Pool}
            pool = default_pool(firsts)
        else:
            firsts = {pool: find(ctx, pool, text, filters, 1, PER_PAGE, session)} if page == 1 else {}
        counts = tab_counts(ctx, text, filters, firsts)
        found = firsts[pool] if pool in firsts else find(ctx, pool, text, filters, page, PER_PAGE, session)
    except IndexError_ as exc:
        return SearchPage(text, pool or DEFAULT_POOL, {}, [], [], 1, 1, str(exc))
    items = [(f.record, f.hit.matched_terms, f.score) for f in found.items if f.record is not None]
    # The pager follows the tab's figure; no page past the parser's bound is offered (it would be a 400).
    pages = min(MAX_SEARCH_PAGE, max(1, -(-counts[pool] // PER_PAGE)))
    return SearchPage(text, pool, counts, items, found.terms, page, pages)


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


def waits_for_vector(ctx: IndexContext, pool: Pool, record_id: int) -> bool:
    """Whether a published record is matched by its words only until its vector is computed
    (False when the index cannot tell: a page never fails over it)."""
    try:
        return operations.waits_for_vector(ctx, pool, record_id)
    except IndexError_:
        return False


def vector_progress(ctx: IndexContext) -> list[tuple[str, int, int, int]]:
    """Per pool with records: its label, records indexed, with their vector, still waiting."""
    rows = []
    for pool in Pool:
        try:
            found = operations.vector_progress(ctx, pool)
        except IndexError_:
            continue
        if found.indexed:
            rows.append((pool.label, found.indexed, found.ready, found.waiting))
    return rows


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
