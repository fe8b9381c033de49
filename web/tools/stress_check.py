"""After a stress run: the database and the index compared record by record, for every pool.

For each pool the published records' ids must be the indexed ids; each indexed document must
carry what :func:`indexer.operations.prepare` computes from the record now (filter attributes:
field, region, visibility, owner; the lexical, semantic and title text hashes; the BM25 tokens
of body and title); every document must have its body vector, its title vector when it has
a title and one vector per listed work when it lists works, each equal to the vector of its
current text (none left pending or failed, none stale, none for a record that is gone, none of
a work it no longer lists).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from data.db import session_scope
from data.pools import Pool
from indexer.context import IndexContext
from indexer.operations import Prepared, prepare, published_records
from indexer.store import Doc, IndexMissing, PoolIndex, item_ids, record_of_item
from indexer.vector_cache import cache_key

ATTRIBUTES = ("field", "region_code", "visibility", "owner_org_id")
HASHES = ("lexical_hash", "semantic_hash", "title_hash", "items", "item_hash")
LABELS = {"field": "行业领域", "region_code": "地区", "visibility": "可见范围", "owner_org_id": "所属单位",
          "lexical_hash": "检索文本摘要", "semantic_hash": "语义文本摘要", "title_hash": "标题文本摘要",
          "items": "代表作条数", "item_hash": "代表作文本摘要", "body": "正文", "title": "标题", "item": "代表作"}
SAME_VECTOR = 0.999  # cosine: the shipped seed vectors are float16


@dataclass
class Comparison:
    records: int = 0  # published records compared
    mismatches: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # the first of each kind

    def add(self, kind: str, pool: Pool, what: str) -> None:
        self.mismatches[kind] += 1
        self.examples.setdefault(kind, f"{pool.value}: {what}")


def compare_all(ctx: IndexContext) -> Comparison:
    result = Comparison()
    for pool in Pool:
        compare_pool(ctx, pool, result)
    return result


def compare_pool(ctx: IndexContext, pool: Pool, result: Comparison) -> None:
    with session_scope(ctx.engine) as session:
        live = {r.id: prepare(ctx, pool, r) for r in published_records(session, pool)}
    result.records += len(live)
    try:
        index = ctx.load(pool)
    except IndexMissing:
        if live:
            result.add("整库未建索引", pool, f"{len(live)} published records, no index")
        return
    docs = {d.id: (row, d) for row, d in enumerate(index.docs)}
    if len(docs) != len(index.docs):
        result.add("同一记录重复入索引", pool, f"{len(index.docs) - len(docs)} ids indexed twice")
    for record_id in sorted(set(live) - set(docs)):
        result.add("已发布但不在索引中", pool, f"id {record_id}")
    for record_id in sorted(set(docs) - set(live)):
        result.add("在索引中但未发布或已删除", pool, f"id {record_id}")
    _vector_ids(pool, index, set(docs), result)
    for record_id in sorted(set(live) & set(docs)):
        row, doc = docs[record_id]
        _document(pool, index, row, doc, live[record_id], result)
    _vectors(ctx, pool, index, {i: live[i] for i in sorted(set(live) & set(docs))}, result)


def _document(pool: Pool, index: PoolIndex, row: int, doc: Doc, now: Prepared, result: Comparison) -> None:
    for name in ATTRIBUTES + HASHES:
        have, want = getattr(doc, name), getattr(now.doc, name)
        if have != want:
            result.add(f"{LABELS[name]}不一致", pool, f"id {doc.id}: index {have!r}, record {want!r}")
    if index.lexical.corpus[row] != now.tokens:
        result.add("正文词项不一致", pool, f"id {doc.id}")
    if index.titles.corpus[row] != now.title_tokens:
        result.add("标题词项不一致", pool, f"id {doc.id}")


def _vector_ids(pool: Pool, index: PoolIndex, indexed: set[int], result: Comparison) -> None:
    for name, vectors in (("body", index.vectors), ("title", index.title_vectors)):
        for record_id in sorted(set(int(i) for i in vectors.ids()) - indexed):
            result.add(f"{LABELS[name]}向量属于不在索引中的记录", pool, f"id {record_id}")
    listed = {int(i) for d in index.docs for i in item_ids(d.id, d.items)}
    for item_id in sorted(set(int(i) for i in index.item_vectors.ids()) - listed):
        result.add("代表作向量不属于索引中记录所列的代表作", pool, f"id {record_of_item(item_id)}, vector {item_id}")


def _vectors(ctx: IndexContext, pool: Pool, index: PoolIndex, items: dict[int, Prepared], result: Comparison) -> None:
    """Each document's vectors are there and are those of its current texts."""
    wanted: list[tuple[str, int, str]] = []  # (field, vector id, text)
    for record_id, item in items.items():
        wanted.append(("body", record_id, item.text))
        if item.title:
            wanted.append(("title", record_id, item.title))
        elif index.title_vectors.vector_of(record_id) is not None:
            result.add("无标题却有标题向量", pool, f"id {record_id}")
        wanted.extend(("item", int(i), work) for i, work in zip(item_ids(record_id, len(item.items)), item.items))
    keys = [cache_key(ctx.embedder.model, "passage", text) for _, _, text in wanted]
    cached = ctx.cache.get_many(keys)
    for (name, vector_id, text), key in zip(wanted, keys):
        vectors = {"body": index.vectors, "title": index.title_vectors, "item": index.item_vectors}[name]
        who = f"id {record_of_item(vector_id)}, vector {vector_id}" if name == "item" else f"id {vector_id}"
        stored = vectors.vector_of(vector_id)
        if stored is None:
            result.add(f"{LABELS[name]}向量缺失（待计算或计算失败）", pool, who)
            continue
        expected = cached.get(key)
        if expected is None:  # never embedded in this run's cache: the stored one came from elsewhere
            result.add(f"{LABELS[name]}向量不是当前文本的向量", pool, f"{who}: {text[:60]}")
            continue
        cosine = float(np.dot(stored, expected) / ((np.linalg.norm(stored) * np.linalg.norm(expected)) or 1.0))
        if cosine < SAME_VECTOR:
            result.add(f"{LABELS[name]}向量过期", pool, f"{who}: cosine {cosine:.3f} with its current text")
