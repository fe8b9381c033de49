"""Build and update pool indexes from the database.

- :func:`rebuild_pool` – everything from scratch into a new version, swapped in atomically,
  then reconciled with changes made while it ran.
- :func:`sync_records` – the fast step after an edit: documents and BM25 for the given ids,
  vectors that are already cached. A record is searchable lexically from here on.
- :func:`embed_records` – the slow step: embed what lacks a vector, then swap it in.

Only published records are indexed; visibility and organization are kept per document so
searches can filter before ranking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import session_scope
from data.enums import Status
from data.models import MODELS, PoolRecord, owner_org_id
from data.pools import Pool
from indexer.context import IndexContext
from indexer.documents import lexical_text, semantic_text
from indexer.lexical import LexicalIndex
from indexer.store import Doc, IndexMissing, PoolIndex
from indexer.vector_cache import cache_key

Progress = Callable[[int, int, str], None]  # (done, total, stage)
_CHUNK = 500


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass
class Prepared:
    doc: Doc
    tokens: list[str]
    text: str  # semantic text


def prepare(ctx: IndexContext, pool: Pool, record: PoolRecord) -> Prepared:
    lexical, semantic = lexical_text(pool, record), semantic_text(pool, record)
    doc = Doc(record.id, record.field, record.region_code, record.visibility.value, owner_org_id(record),
              _hash(lexical), _hash(semantic))
    return Prepared(doc, ctx.analyzer.tokens(lexical), semantic)


def published_records(session: Session, pool: Pool, ids: Iterable[int] | None = None) -> list[PoolRecord]:
    model = MODELS[pool]
    query = select(model).where(model.status == Status.PUBLISHED).order_by(model.id)
    if ids is None:
        return list(session.scalars(query))
    wanted = sorted(set(ids))
    found: list[PoolRecord] = []
    for i in range(0, len(wanted), _CHUNK):
        found.extend(session.scalars(query.where(model.id.in_(wanted[i : i + _CHUNK]))))
    return found


def _new_index(ctx: IndexContext, pool: Pool, expected: int) -> PoolIndex:
    return PoolIndex.empty(pool, ctx.embedder.backend, ctx.embedder.model, ctx.embedder.dim,
                           ctx.analyzer.dictionary_hash, expected)


def _current_or_empty(ctx: IndexContext, pool: Pool) -> PoolIndex:
    try:
        return ctx.load(pool)
    except IndexMissing:
        return _new_index(ctx, pool, 0)


def _cached_vectors(ctx: IndexContext, items: list[Prepared]) -> tuple[list[int], np.ndarray, list[Prepared]]:
    """Split into (ids with a cached vector, their vectors, items still to embed)."""
    keys = [cache_key(ctx.embedder.model, "passage", p.text) for p in items]
    found = ctx.cache.get_many(keys)
    hit_ids = [p.doc.id for p, k in zip(items, keys) if k in found]
    vectors = np.stack([found[k] for k in keys if k in found]) if hit_ids else np.zeros((0, ctx.embedder.dim), np.float32)
    missing = [p for p, k in zip(items, keys) if k not in found]
    return hit_ids, vectors, missing


def rebuild_pool(ctx: IndexContext, pool: Pool, progress: Progress | None = None) -> dict[str, int]:
    """Rebuild ``pool`` from the database into a new version; searches use the old one until
    the swap. Returns counts: documents, embedded (newly computed vectors)."""
    started = dt.datetime.now(dt.timezone.utc)
    with session_scope(ctx.engine) as session:
        records = published_records(session, pool)
        items = [prepare(ctx, pool, r) for r in records]
    if progress:
        progress(0, len(items), "lexical")
    index = _new_index(ctx, pool, len(items))
    index = PoolIndex(index.meta, [p.doc for p in items], LexicalIndex.build([p.tokens for p in items]), index.vectors)
    hit_ids, vectors, missing = _cached_vectors(ctx, items)
    index.vectors.upsert(np.array(hit_ids, dtype=np.int64), vectors)
    with ctx.store.writer(pool):
        ctx.store.publish(pool, index)
    if missing:
        index = PoolIndex(index.meta, index.docs, index.lexical, index.vectors.copy())  # the published one stays as it is
        done = len(items) - len(missing)

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(min(done, len(items)), len(items), "semantic")

        computed = ctx.embed_passages([p.text for p in missing], progress=step)
        with ctx.store.writer(pool):
            index.vectors.upsert(np.array([p.doc.id for p in missing], dtype=np.int64), computed)
            ctx.store.publish(pool, index)
    reconcile(ctx, pool, since=started)
    if progress:
        progress(len(items), len(items), "done")
    return {"documents": len(items), "embedded": len(missing)}


def reconcile(ctx: IndexContext, pool: Pool, since: dt.datetime) -> None:
    """Apply changes committed while a rebuild ran (edits after ``since``, deletions)."""
    model = MODELS[pool]
    with session_scope(ctx.engine) as session:
        changed = set(session.scalars(select(model.id).where(model.updated_at >= since)))
        live = set(session.scalars(select(model.id).where(model.status == Status.PUBLISHED)))
    indexed = set(int(i) for i in ctx.load(pool).ids)
    stale = changed | (indexed - live) | (live - indexed)
    if stale:
        if sync_records(ctx, pool, stale):
            embed_records(ctx, pool, stale)


def sync_records(ctx: IndexContext, pool: Pool, ids: Iterable[int]) -> list[int]:
    """Bring the given records' documents and BM25 up to date; returns ids still lacking vectors."""
    ids = set(int(i) for i in ids)
    with session_scope(ctx.engine) as session:
        items = {r.id: prepare(ctx, pool, r) for r in published_records(session, pool, ids)}
    with ctx.store.writer(pool):
        current = _current_or_empty(ctx, pool)
        old = {d.id: (d, current.lexical.corpus[row]) for row, d in enumerate(current.docs)}
        gone = [i for i in ids if i in old and (i not in items or old[i][0].semantic_hash != items[i].doc.semantic_hash)]
        for record_id in ids:
            old.pop(record_id, None)
        for record_id, item in items.items():
            old[record_id] = (item.doc, item.tokens)
        ordered = [old[k] for k in sorted(old)]
        index = PoolIndex(current.meta, [d for d, _ in ordered], LexicalIndex.build([t for _, t in ordered]),
                          current.vectors.copy())
        index.vectors.delete(np.array(gone, dtype=np.int64))
        have = set(int(i) for i in index.vectors.ids())
        need = [item for record_id, item in items.items() if record_id not in have]
        hit_ids, vectors, missing = _cached_vectors(ctx, need)
        index.vectors.upsert(np.array(hit_ids, dtype=np.int64), vectors)
        ctx.store.publish(pool, index)
    return [p.doc.id for p in missing]


def embed_records(ctx: IndexContext, pool: Pool, ids: Iterable[int]) -> int:
    """Embed the given records that lack a vector and add them; returns how many were added."""
    with session_scope(ctx.engine) as session:
        items = [prepare(ctx, pool, r) for r in published_records(session, pool, ids)]
    current = _current_or_empty(ctx, pool)
    have = set(int(i) for i in current.vectors.ids())
    items = [p for p in items if p.doc.id not in have]
    if not items:
        return 0
    vectors = ctx.embed_passages([p.text for p in items])
    with ctx.store.writer(pool):
        current = _current_or_empty(ctx, pool)
        # Keep only vectors whose text is still the indexed one (an edit may have raced us).
        live = {d.id: d.semantic_hash for d in current.docs}
        keep = [n for n, p in enumerate(items) if live.get(p.doc.id) == p.doc.semantic_hash]
        if keep:
            index = PoolIndex(current.meta, current.docs, current.lexical, current.vectors.copy())
            index.vectors.upsert(np.array([items[n].doc.id for n in keep], dtype=np.int64), vectors[keep])
            ctx.store.publish(pool, index)
    return len(keep)


def vectors_pending(ctx: IndexContext, pool: Pool) -> int:
    """How many indexed documents still lack a vector."""
    index = ctx.load(pool)
    return len(index.docs) - len(index.vectors)
