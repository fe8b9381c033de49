"""Versioned, on-disk index folders per pool, swapped in atomically.

``instance/indexes/<pool>/`` holds version folders and a ``CURRENT`` file naming the live
one. A version folder has ``meta.json`` (backend, model, dim, count, built_at, dictionary
hash, versions), ``docs.json`` (per-record filter attributes and text hashes), the BM25
files and the FAISS index. Writers build a new folder and replace ``CURRENT`` in one
``os.replace``; readers notice the change and reload, so searches never see a half-written
index. Loading refuses an index built with another model or dictionary.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from data.pools import Pool
from data.settings import instance_dir
from indexer.lexical import LexicalIndex
from indexer.vectors import VectorIndex, load_vector_index, new_vector_index

KEEP_VERSIONS = 3
# A superseded version stays on disk at least this long: another process may have read CURRENT
# just before the swap and still be loading it (a 100k-record index loads in seconds) — unless
# more than MAX_VERSIONS pile up, when the oldest go anyway (a reader then loads a newer one).
PRUNE_AFTER_SECONDS = 120
MAX_VERSIONS = 20
LOAD_ATTEMPTS = 5


class IndexError_(RuntimeError):
    """Base of index problems; messages are for users, in Chinese."""


class IndexMissing(IndexError_):
    pass


class IndexMismatch(IndexError_):
    pass


LAYOUT = 3  # 2: a title field (its own BM25 and vectors) beside the body; 3: a person's works' vectors
# A record's works (at most ITEM_SLOTS) have the vector ids record id × ITEM_SLOTS + their position.
ITEM_SLOTS = 16


def item_ids(record_id: int, count: int = ITEM_SLOTS) -> np.ndarray:
    """The vector ids of a record's first ``count`` works."""
    return np.arange(count, dtype=np.int64) + int(record_id) * ITEM_SLOTS


def record_of_item(item_id: int) -> int:
    return int(item_id) // ITEM_SLOTS


@dataclass
class Meta:
    pool: str
    backend: str
    model: str
    dim: int
    count: int
    vector_count: int
    vector_kind: str
    dictionary_hash: str
    built_at: str
    versions: dict[str, str] = field(default_factory=dict)
    layout: int = 1
    title_vector_count: int = 0
    standin_model: str = ""  # the fast model of the stand-in vectors ("" when there are none)
    standin_dim: int = 0
    standin_count: int = 0
    item_vector_count: int = 0
    item_vector_kind: str = "flat"


@dataclass
class Doc:
    """What the index keeps of a record besides its text: filter attributes and hashes."""

    id: int
    field: str | None
    region_code: str | None
    visibility: str
    owner_org_id: int | None
    lexical_hash: str
    semantic_hash: str
    title_hash: str = ""  # of the title text that is embedded ("" when the record has none)
    items: int = 0  # how many works of the record are embedded on their own (indexer.documents.item_texts)
    item_hash: str = ""  # of those works ("" when there are none)

    @property
    def vector_hashes(self) -> tuple[str, str, str]:
        """What its vectors were computed from: body, title and works."""
        return self.semantic_hash, self.title_hash, self.item_hash


def library_versions() -> dict[str, str]:
    return {name: version(name) for name in ("faiss-cpu", "bm25s", "jieba")}


class PoolIndex:
    """One loaded version of a pool's index: documents, and two searchable fields — the body
    (everything said of the record) and the title (its name or headline) — each with BM25 and
    vectors, and for a person the vectors of each work their profile lists (ids
    :func:`item_ids`). Rows of both lexical indexes are the documents' positions."""

    def __init__(self, meta: Meta, docs: list[Doc], lexical: LexicalIndex, vectors: VectorIndex,
                 folder: Path | None = None, titles: LexicalIndex | None = None,
                 title_vectors: VectorIndex | None = None, standins: VectorIndex | None = None,
                 item_vectors: VectorIndex | None = None) -> None:
        self.meta, self.docs, self.lexical, self.vectors, self.folder = meta, docs, lexical, vectors, folder
        self.titles = titles if titles is not None else LexicalIndex.build([[] for _ in docs])
        self.title_vectors = title_vectors if title_vectors is not None else new_vector_index(meta.dim, 0)
        self.item_vectors = item_vectors if item_vectors is not None else new_vector_index(meta.dim, 0, meta.item_vector_kind)
        # Stand-ins: vectors of the fast (static) model for documents whose body vector is still
        # being computed, so that they are found by meaning at once (see indexer.operations).
        self.standins = standins
        self.ids = np.array([d.id for d in docs], dtype=np.int64)
        self.row_of = {d.id: row for row, d in enumerate(docs)}
        self._columns: dict[str, np.ndarray] = {}

    def column(self, name: str) -> np.ndarray:
        """A filter attribute of every document as an array (cached)."""
        if name not in self._columns:
            self._columns[name] = np.array([getattr(d, name) for d in self.docs], dtype=object)
        return self._columns[name]

    def with_changes(self, docs: list[Doc] | None = None, lexical: LexicalIndex | None = None,
                     titles: LexicalIndex | None = None, copy_vectors: bool = True) -> "PoolIndex":
        """A new version to change and publish: this one is never changed in place (searches in
        other threads may be reading it), so its vector indexes are copied."""
        vectors = self.vectors.copy() if copy_vectors else self.vectors
        title_vectors = self.title_vectors.copy() if copy_vectors else self.title_vectors
        standins = self.standins.copy() if copy_vectors and self.standins is not None else self.standins
        item_vectors = self.item_vectors.copy() if copy_vectors else self.item_vectors
        return PoolIndex(self.meta, self.docs if docs is None else docs, lexical or self.lexical, vectors, None,
                         titles or self.titles, title_vectors, standins, item_vectors)

    def with_standins(self, model: str, dim: int) -> VectorIndex:
        """The stand-in vector index of this (unpublished) version, created for ``model``
        when it has none or one of another model."""
        if self.standins is None or self.meta.standin_model != model or self.standins.dim != dim:
            self.standins = new_vector_index(dim, 0, "flat")
            self.meta = replace(self.meta, standin_model=model, standin_dim=dim)
        return self.standins

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.lexical.save(folder)
        self.vectors.save(folder)
        self.titles.save(folder / "titles")
        self.title_vectors.save(folder / "titles")
        (folder / "docs.json").write_text(json.dumps([asdict(d) for d in self.docs], ensure_ascii=False), encoding="utf-8")
        self.meta.count, self.meta.vector_count = len(self.docs), len(self.vectors)
        self.meta.title_vector_count, self.meta.layout = len(self.title_vectors), LAYOUT
        self.meta.standin_count = len(self.standins) if self.standins is not None else 0
        if self.meta.standin_count:
            (folder / "standins").mkdir(exist_ok=True)
            assert self.standins is not None
            self.standins.save(folder / "standins")
        self.meta.item_vector_count, self.meta.item_vector_kind = len(self.item_vectors), self.item_vectors.kind
        (folder / "items").mkdir(exist_ok=True)
        self.item_vectors.save(folder / "items")
        meta = asdict(self.meta) | {"title_vector_kind": self.title_vectors.kind}
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        self.folder = folder

    @classmethod
    def load(cls, folder: Path) -> "PoolIndex":
        raw = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        title_kind = raw.pop("title_vector_kind", "flat")
        meta = Meta(**raw)
        docs = [Doc(**d) for d in json.loads((folder / "docs.json").read_text(encoding="utf-8"))]
        if meta.layout < LAYOUT:
            return cls(meta, docs, LexicalIndex.load(folder), load_vector_index(folder, meta.vector_kind, meta.dim), folder)
        standins = load_vector_index(folder / "standins", "flat", meta.standin_dim) if meta.standin_count else None
        return cls(meta, docs, LexicalIndex.load(folder), load_vector_index(folder, meta.vector_kind, meta.dim), folder,
                   LexicalIndex.load(folder / "titles"), load_vector_index(folder / "titles", title_kind, meta.dim),
                   standins, load_vector_index(folder / "items", meta.item_vector_kind, meta.dim))

    @classmethod
    def empty(cls, pool: Pool, backend: str, model: str, dim: int, dictionary_hash: str, expected: int = 0,
              expected_items: int = 0) -> "PoolIndex":
        vectors, items = new_vector_index(dim, expected), new_vector_index(dim, expected_items)
        meta = Meta(pool.value, backend, model, dim, 0, 0, vectors.kind, dictionary_hash,
                    dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), library_versions(), LAYOUT,
                    item_vector_kind=items.kind)
        return cls(meta, [], LexicalIndex.build([]), vectors, None, LexicalIndex.build([]), new_vector_index(dim, expected),
                   item_vectors=items)


class IndexStore:
    """All pools' indexes under one root folder (default ``instance/indexes``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or instance_dir() / "indexes"
        self._loaded: dict[Pool, tuple[str, PoolIndex]] = {}
        self._lock = threading.Lock()

    def pool_dir(self, pool: Pool) -> Path:
        path = self.root / pool.value
        path.mkdir(parents=True, exist_ok=True)
        return path

    def current_name(self, pool: Pool) -> str | None:
        try:
            return (self.pool_dir(pool) / "CURRENT").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def exists(self, pool: Pool) -> bool:
        return self.current_name(pool) is not None

    def load(self, pool: Pool, backend: str | None = None, model: str | None = None,
             dictionary_hash: str | None = None) -> PoolIndex:
        """The live version of ``pool``, reloaded when another process swapped in a new one.

        Raises IndexMissing when never built and IndexMismatch when built with another
        embedding model or dictionary than the ones given.
        """
        index = self._live(pool)
        meta = index.meta
        wanted = {"向量模型": (meta.model, model), "分词词典": (meta.dictionary_hash, dictionary_hash)}
        for what, (have, want) in wanted.items():
            if want is not None and have != want:
                raise IndexMismatch(
                    f"{pool.label}的索引与当前配置不一致（{what}：索引为 {have}，当前为 {want}），"
                    f"请运行 chanjiao reindex {pool.value} 重建索引"
                )
        if meta.layout < LAYOUT:
            raise IndexMismatch(f"{pool.label}的索引是旧版格式（缺少标题或代表作字段），请运行 chanjiao reindex {pool.value} 重建索引")
        if backend is not None and meta.backend != backend:
            raise IndexMismatch(
                f"{pool.label}的索引由 {meta.backend} 向量模型建立，当前配置为 {backend}，请运行 chanjiao reindex {pool.value}"
            )
        return index

    def _live(self, pool: Pool) -> PoolIndex:
        """The version CURRENT names, loaded once per process. A version may be swapped out and,
        much later, pruned while this process reads it: then CURRENT names a newer one to load."""
        for attempt in range(LOAD_ATTEMPTS):
            name = self.current_name(pool)
            if name is None:
                raise IndexMissing(f"{pool.label}尚未建立索引，请运行 chanjiao reindex {pool.value}")
            with self._lock:
                cached = self._loaded.get(pool)
                if cached is not None and cached[0] == name:
                    return cached[1]
            try:
                index = PoolIndex.load(self.pool_dir(pool) / name)
            except (OSError, ValueError, RuntimeError):
                if attempt == LOAD_ATTEMPTS - 1 or self.current_name(pool) == name:
                    raise  # not a version that went away while we read it
                continue
            with self._lock:
                self._loaded[pool] = (name, index)
            return index
        raise IndexMissing(f"{pool.label}的索引正在频繁更新，请稍后再试")

    def publish(self, pool: Pool, index: PoolIndex) -> str:
        """Save ``index`` as a new version and make it the live one atomically."""
        pool_dir = self.pool_dir(pool)
        name = dt.datetime.now(dt.timezone.utc).strftime("v%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:6]
        index.save(pool_dir / name)
        tmp = pool_dir / f"CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(name, encoding="utf-8")
        os.replace(tmp, pool_dir / "CURRENT")
        with self._lock:
            self._loaded[pool] = (name, index)
        self._prune(pool_dir, name)
        return name

    def _prune(self, pool_dir: Path, live: str) -> None:
        """Remove versions beyond the newest ``KEEP_VERSIONS`` once they have been superseded
        for ``PRUNE_AFTER_SECONDS`` (a version's successor's folder time tells when)."""
        versions = sorted(p for p in pool_dir.iterdir() if p.is_dir() and p.name.startswith("v"))
        now = time.time()
        crowded = len(versions) - MAX_VERSIONS
        for n, (old, newer) in enumerate(zip(versions[:-KEEP_VERSIONS], versions[1:])):
            if old.name == live:
                continue
            try:
                superseded = newer.stat().st_mtime
            except FileNotFoundError:
                continue
            if n < crowded or now - superseded >= PRUNE_AFTER_SECONDS:
                shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def writer(self, pool: Pool) -> Iterator[None]:
        """One writer per pool at a time, across processes (an advisory file lock)."""
        with open(self.pool_dir(pool) / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def describe(self, pool: Pool) -> dict[str, Any] | None:
        name = self.current_name(pool)
        if name is None:
            return None
        return json.loads((self.pool_dir(pool) / name / "meta.json").read_text(encoding="utf-8"))
