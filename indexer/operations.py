"""Build and update pool indexes from the database.

- :func:`rebuild_pool` – everything from scratch into a new version, swapped in atomically,
  then reconciled with changes made while it ran.
- :func:`sync_records` – the fast step after an edit: documents and BM25 for the given ids,
  vectors that are already cached, and for the others a stand-in vector from the fast static
  model. A record is searchable by its words, and roughly by meaning, from here on.
- :func:`embed_records` – the slow step: embed what lacks a vector, then swap it in (its
  stand-in goes).

Each record has two fields, each with BM25 and a vector: its body (everything said of it)
and its title (its name; a person's headline). Only published records are indexed;
visibility and organization are kept per document so searches can filter before ranking.
A published index is never changed in place: every change goes into a copy that is swapped in.
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
from indexer.documents import item_texts, lexical_text, semantic_text, title_lexical_text, title_text
from indexer.lexical import LexicalIndex
from indexer.store import Doc, IndexMissing, PoolIndex, item_ids
from indexer.vector_cache import cache_key
from indexer.vectors import VectorIndex

Progress = Callable[[int, int, str], None]  # (done, total, stage)
_CHUNK = 500


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass
class Prepared:
    doc: Doc
    tokens: list[str]
    text: str  # semantic text of the body
    title_tokens: list[str]
    title: str  # the embedded title ("" when the record has none)
    items: list[str]  # a person's listed works, each embedded on its own (empty for most records)


def prepare(ctx: IndexContext, pool: Pool, record: PoolRecord) -> Prepared:
    lexical, semantic, title = lexical_text(pool, record), semantic_text(pool, record), title_text(pool, record)
    items = item_texts(pool, record)
    doc = Doc(record.id, record.field, record.region_code, record.visibility.value, owner_org_id(record),
              _hash(lexical), _hash(semantic), _hash(title) if title else "", len(items),
              _hash("\n".join(items)) if items else "")
    return Prepared(doc, ctx.analyzer.tokens(lexical), semantic, ctx.analyzer.tokens(title_lexical_text(pool, record)),
                    title, items)


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


def _new_index(ctx: IndexContext, pool: Pool, expected: int, expected_items: int = 0) -> PoolIndex:
    return PoolIndex.empty(pool, ctx.embedder.backend, ctx.embedder.model, ctx.embedder.dim,
                           ctx.analyzer.dictionary_hash, expected, expected_items)


def _current_or_empty(ctx: IndexContext, pool: Pool) -> PoolIndex:
    try:
        return ctx.load(pool)
    except IndexMissing:
        return _new_index(ctx, pool, 0)


# The vector fields of a document: where its vectors go, and each vector's id and embedded text.
Field = tuple[Callable[[PoolIndex], VectorIndex], Callable[[Prepared], list[tuple[int, str]]]]
FIELDS: tuple[Field, ...] = (
    (lambda index: index.vectors, lambda p: [(p.doc.id, p.text)] if p.text else []),
    (lambda index: index.title_vectors, lambda p: [(p.doc.id, p.title)] if p.title else []),
    (lambda index: index.item_vectors, lambda p: list(zip(item_ids(p.doc.id, len(p.items)).tolist(), p.items))),
)


def _from_cache(ctx: IndexContext, index: PoolIndex, items: list[Prepared]) -> list[str]:
    """Put every cached vector of ``items`` into ``index`` (a copy being built); returns the
    texts still to embed, each once."""
    missing: dict[str, None] = {}
    for vectors_of, pairs_of in FIELDS:
        wanted = [pair for p in items for pair in pairs_of(p)]
        keys = [cache_key(ctx.embedder.model, "passage", text) for _, text in wanted]
        found = ctx.cache.get_many(keys)
        hits = [(i, found[k]) for (i, _), k in zip(wanted, keys) if k in found]
        if hits:
            vectors_of(index).upsert(np.array([i for i, _ in hits], dtype=np.int64), np.stack([v for _, v in hits]))
        missing.update((text, None) for (_, text), k in zip(wanted, keys) if k not in found)
    return list(missing)


def _add_vectors(index: PoolIndex, items: list[Prepared], vector_of: dict[str, np.ndarray]) -> int:
    """Put the computed vectors of ``items`` into ``index`` (a copy being built); returns how
    many documents got their body vector."""
    added = 0
    for n, (vectors_of, pairs_of) in enumerate(FIELDS):
        have = [(i, vector_of[text]) for p in items for i, text in pairs_of(p) if text in vector_of]
        if have:
            vectors_of(index).upsert(np.array([i for i, _ in have], dtype=np.int64), np.stack([v for _, v in have]))
            added += len(have) if n == 0 else 0
    return added


def _embed(ctx: IndexContext, texts: list[str], progress: Callable[[int], object] | None = None) -> dict[str, np.ndarray]:
    return dict(zip(texts, ctx.embed_passages(texts, progress=progress))) if texts else {}


def _body_missing(index: PoolIndex, items: Iterable[Prepared]) -> list[Prepared]:
    body = set(int(i) for i in index.vectors.ids())
    return [p for p in items if p.text and p.doc.id not in body]


def _add_standins(ctx: IndexContext, index: PoolIndex, items: list[Prepared]) -> None:
    """Give the items whose body vector is still to be computed a stand-in from the fast
    (static) model in ``index`` (a copy being built): a lookup and a mean, thousands a second,
    so a record is found by meaning as soon as it is indexed, not an embedding job later."""
    standin = ctx.standin_embedder
    missing = _body_missing(index, items)
    if standin is None or not missing:
        return
    vectors = standin.embed_passages([p.text for p in missing])
    index.with_standins(standin.model, standin.dim).upsert(np.array([p.doc.id for p in missing], dtype=np.int64), vectors)


def _drop_standins(index: PoolIndex, ids: Iterable[int]) -> None:
    """Forget the stand-ins of ``ids`` (their final vector arrived, their text changed, or
    they left the index)."""
    wanted = np.array(sorted(set(int(i) for i in ids)), dtype=np.int64)
    if index.standins is not None and len(wanted):
        index.standins.delete(wanted)


def _drop_replaced_standins(index: PoolIndex) -> None:
    """Forget the stand-ins of documents that now have their body vector."""
    if index.standins is not None and len(index.standins):
        have = set(int(i) for i in index.vectors.ids())
        _drop_standins(index, [int(i) for i in index.standins.ids() if int(i) in have])


def rebuild_pool(ctx: IndexContext, pool: Pool, progress: Progress | None = None) -> dict[str, int]:
    """Rebuild ``pool`` from the database into a new version; searches use the old one until
    the swap. Returns counts: documents, embedded (newly computed vectors)."""
    started = dt.datetime.now(dt.timezone.utc)
    with session_scope(ctx.engine) as session:
        records = published_records(session, pool)
        items = [prepare(ctx, pool, r) for r in records]
    if progress:
        progress(0, len(items), "lexical")
    empty = _new_index(ctx, pool, len(items), sum(len(p.items) for p in items))
    index = PoolIndex(empty.meta, [p.doc for p in items], LexicalIndex.build([p.tokens for p in items]), empty.vectors,
                      None, LexicalIndex.build([p.title_tokens for p in items]), empty.title_vectors,
                      item_vectors=empty.item_vectors)
    missing = _from_cache(ctx, index, items)
    _add_standins(ctx, index, items)
    with ctx.store.writer(pool):
        ctx.store.publish(pool, index)
    if missing:
        # counted in texts to embed: a record has a body, often a title, and a person works
        texts = len({text for _, pairs_of in FIELDS for p in items for _, text in pairs_of(p)})
        done = texts - len(missing)

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(min(done, texts), texts, "semantic")

        computed = _embed(ctx, missing, step)
        index = index.with_changes()  # the published one stays as it is
        _add_vectors(index, items, computed)
        _drop_replaced_standins(index)
        with ctx.store.writer(pool):
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
        old = {d.id: (d, current.lexical.corpus[row], current.titles.corpus[row]) for row, d in enumerate(current.docs)}
        gone_body = [i for i in ids if i in old and (i not in items or old[i][0].semantic_hash != items[i].doc.semantic_hash)]
        gone_title = [i for i in ids if i in old and (i not in items or old[i][0].title_hash != items[i].doc.title_hash)]
        gone_items = [i for i in ids if i in old and (i not in items or old[i][0].item_hash != items[i].doc.item_hash)]
        for record_id in ids:
            old.pop(record_id, None)
        for record_id, item in items.items():
            old[record_id] = (item.doc, item.tokens, item.title_tokens)
        ordered = [old[k] for k in sorted(old)]
        index = current.with_changes([d for d, _, _ in ordered], LexicalIndex.build([t for _, t, _ in ordered]),
                                     LexicalIndex.build([t for _, _, t in ordered]))
        index.vectors.delete(np.array(gone_body, dtype=np.int64))
        index.title_vectors.delete(np.array(gone_title, dtype=np.int64))
        if gone_items:
            index.item_vectors.delete(np.concatenate([item_ids(i) for i in gone_items]))
        _drop_standins(index, gone_body)
        lacking = _lacking(index, items.values())
        _from_cache(ctx, index, lacking)
        _drop_replaced_standins(index)
        _add_standins(ctx, index, lacking)
        ctx.store.publish(pool, index)
    return [p.doc.id for p in _lacking(index, lacking)]


def _lacking(index: PoolIndex, items: Iterable[Prepared]) -> list[Prepared]:
    """The items whose body vector, or title vector where they have a title, or a work's
    vector where they list works, is not in ``index``."""
    body, titles = set(int(i) for i in index.vectors.ids()), set(int(i) for i in index.title_vectors.ids())
    works = set(int(i) for i in index.item_vectors.ids())
    return [p for p in items if p.doc.id not in body or (p.title and p.doc.id not in titles)
            or any(int(i) not in works for i in item_ids(p.doc.id, len(p.items)))]


def embed_records(ctx: IndexContext, pool: Pool, ids: Iterable[int]) -> int:
    """Embed the given records' fields that lack a vector and add them; returns how many
    records got their body vector."""
    with session_scope(ctx.engine) as session:
        items = [prepare(ctx, pool, r) for r in published_records(session, pool, ids)]
    items = _lacking(_current_or_empty(ctx, pool), items)
    if not items:
        return 0
    texts = list(dict.fromkeys(t for p in items for t in (p.text, p.title, *p.items) if t))
    computed = _embed(ctx, texts)
    with ctx.store.writer(pool):
        current = _current_or_empty(ctx, pool)
        # Keep only vectors whose text is still the indexed one (an edit may have raced us).
        live = {d.id: d.vector_hashes for d in current.docs}
        keep = [p for p in items if live.get(p.doc.id) == p.doc.vector_hashes]
        if not keep:
            return 0
        index = current.with_changes()
        added = _add_vectors(index, keep, computed)
        _drop_replaced_standins(index)
        ctx.store.publish(pool, index)
    return added


def vectors_pending(ctx: IndexContext, pool: Pool) -> int:
    """How many indexed documents still lack a vector."""
    index = ctx.load(pool)
    return len(index.docs) - len(index.vectors)


@dataclass(frozen=True)
class VectorProgress:
    """How far a pool's records are with their final (body) vectors."""

    indexed: int  # published records in the live index
    ready: int  # of them, those with their vector: matched by meaning

    @property
    def waiting(self) -> int:
        return self.indexed - self.ready


def vector_progress(ctx: IndexContext, pool: Pool) -> VectorProgress:
    """The live index's count of records and of records with their vector (nothing before
    the pool is first indexed)."""
    try:
        index = ctx.load(pool)
    except IndexMissing:
        return VectorProgress(0, 0)
    return VectorProgress(len(index.docs), len(index.vectors))


def waits_for_vector(ctx: IndexContext, pool: Pool, record_id: int) -> bool:
    """Whether the record is searchable by its words but not yet by meaning: indexed, its
    vector still being computed by a background job."""
    try:
        index = ctx.load(pool)
    except IndexMissing:
        return False
    return record_id in index.row_of and index.vectors.vector_of(record_id) is None
