"""Vector indexes over FAISS with explicit record ids; inner product on normalized vectors.

Two backends behind one interface (txtai's shape): exact ``IDMap2,Flat`` for small pools and
HNSW past :data:`HNSW_THRESHOLD` vectors (measured with ``chanjiao bench index``). HNSW cannot
remove vectors, so it maps internal labels to record ids and tombstones replaced labels.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import NamedTuple, TypeVar

import faiss
import numpy as np

HNSW_THRESHOLD = 20_000
HNSW_M = 16
HNSW_EF_SEARCH = 128
HNSW_EF_CONSTRUCTION = 64


class VectorHits(NamedTuple):
    ids: np.ndarray  # record ids, best first
    scores: np.ndarray


_Faiss = TypeVar("_Faiss", bound=faiss.Index)


def _of_kind(index: faiss.Index, kind: type[_Faiss], folder: Path | None = None) -> _Faiss:
    """``index`` as the FAISS class a backend keeps (FAISS hands back the concrete class);
    an index file of another kind is refused rather than searched."""
    if not isinstance(index, kind):
        where = f"{folder} 中的" if folder is not None else ""
        raise ValueError(f"{where}向量索引是 {type(index).__name__}，应为 {kind.__name__}，请重建索引")
    return index


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1))


def _finite(ids: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Only the rows that are vectors: a row of NaN stands for a text that could not be
    embedded, and its record simply has no vector."""
    ids = np.asarray(ids, dtype=np.int64)
    matrix = _as_matrix(vectors) if len(ids) else np.zeros((0, 0), np.float32)
    keep = np.isfinite(matrix).all(axis=1) if len(ids) else np.zeros(0, bool)
    return ids[keep], matrix[keep]


class VectorIndex(ABC):
    kind: str

    def __init__(self, dim: int) -> None:
        self.dim = dim

    @abstractmethod
    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors; an id already present has its vector replaced."""

    @abstractmethod
    def delete(self, ids: np.ndarray) -> None: ...

    @abstractmethod
    def search(self, query: np.ndarray, k: int) -> VectorHits: ...

    @abstractmethod
    def ids(self) -> np.ndarray:
        """Every live record id."""

    @abstractmethod
    def vector_of(self, record_id: int) -> np.ndarray | None:
        """The stored vector of ``record_id``, or None when it has none."""

    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner products of ``query`` with the given records' vectors (NaN where missing)."""
        out = np.full(len(ids), np.nan, dtype=np.float32)
        for n, record_id in enumerate(ids):
            vector = self.vector_of(int(record_id))
            if vector is not None:
                out[n] = float(vector @ query)
        return out

    def __len__(self) -> int:
        return len(self.ids())

    @abstractmethod
    def copy(self) -> "VectorIndex":
        """An independent copy to change: a published index is never changed in place, since
        searches in other threads may be reading it (FAISS indexes are not safe to change
        while searched)."""

    @abstractmethod
    def save(self, folder: Path) -> None: ...

    @classmethod
    @abstractmethod
    def load(cls, folder: Path, dim: int) -> "VectorIndex": ...


class FlatIndex(VectorIndex):
    kind = "flat"

    def __init__(self, dim: int, index: faiss.IndexIDMap2 | None = None) -> None:
        super().__init__(dim)
        self._index = index or faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size:
            self._index.remove_ids(faiss.IDSelectorBatch(ids))
            ids, matrix = _finite(ids, vectors)
            if ids.size:
                self._index.add_with_ids(matrix, ids)

    def delete(self, ids: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size:
            self._index.remove_ids(faiss.IDSelectorBatch(ids))

    def search(self, query: np.ndarray, k: int) -> VectorHits:
        if self._index.ntotal == 0 or k <= 0:
            return VectorHits(np.zeros(0, np.int64), np.zeros(0, np.float32))
        scores, ids = self._index.search(_as_matrix(query.reshape(1, -1)), min(k, self._index.ntotal))
        keep = ids[0] >= 0
        return VectorHits(ids[0][keep], scores[0][keep])

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def vector_of(self, record_id: int) -> np.ndarray | None:
        try:
            # asarray: faiss's stubs type reconstruct() without a buffer as a torch tensor;
            # without faiss.contrib.torch_utils it is an ndarray (and asarray returns it as is).
            return np.asarray(self._index.reconstruct(record_id))
        except RuntimeError:  # not in the id map
            return None

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def copy(self) -> "FlatIndex":
        return FlatIndex(self.dim, _of_kind(faiss.clone_index(self._index), faiss.IndexIDMap2))

    def save(self, folder: Path) -> None:
        faiss.write_index(self._index, str(folder / "vectors.faiss"))

    @classmethod
    def load(cls, folder: Path, dim: int) -> "FlatIndex":
        return cls(dim, _of_kind(faiss.read_index(str(folder / "vectors.faiss")), faiss.IndexIDMap2, folder))


class HNSWIndex(VectorIndex):
    kind = "hnsw"

    def __init__(self, dim: int, index: faiss.IndexHNSW | None = None, labels: np.ndarray | None = None,
                 alive: np.ndarray | None = None) -> None:
        super().__init__(dim)
        if index is None:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        self._index = index
        self._labels = labels if labels is not None else np.zeros(0, np.int64)  # label → record id
        self._alive = alive if alive is not None else np.zeros(0, bool)
        self._label_of = {int(i): n for n, i in enumerate(self._labels) if self._alive[n]}

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        if not ids.size:
            return
        self.delete(ids)
        ids, matrix = _finite(ids, vectors)
        if not ids.size:
            return
        start = len(self._labels)
        self._index.add(matrix)
        self._labels = np.concatenate([self._labels, ids])
        self._alive = np.concatenate([self._alive, np.ones(len(ids), bool)])
        self._label_of.update((int(i), start + n) for n, i in enumerate(ids))

    def delete(self, ids: np.ndarray) -> None:
        for record_id in np.asarray(ids, dtype=np.int64):
            label = self._label_of.pop(int(record_id), None)
            if label is not None:
                self._alive[label] = False

    def search(self, query: np.ndarray, k: int) -> VectorHits:
        dead = int((~self._alive).sum())
        fetch = min(k + dead, self._index.ntotal)
        if fetch <= 0 or k <= 0:
            return VectorHits(np.zeros(0, np.int64), np.zeros(0, np.float32))
        scores, labels = self._index.search(_as_matrix(query.reshape(1, -1)), fetch)
        keep = (labels[0] >= 0)
        labels, scores = labels[0][keep], scores[0][keep]
        live = self._alive[labels]
        return VectorHits(self._labels[labels[live]][:k], scores[live][:k])

    def ids(self) -> np.ndarray:
        return self._labels[self._alive]

    def vector_of(self, record_id: int) -> np.ndarray | None:
        label = self._label_of.get(record_id)
        return None if label is None else np.asarray(self._index.reconstruct(label))  # see FlatIndex.vector_of

    def __len__(self) -> int:
        return len(self._label_of)

    def copy(self) -> "HNSWIndex":
        return HNSWIndex(self.dim, _of_kind(faiss.clone_index(self._index), faiss.IndexHNSW), self._labels.copy(),
                         self._alive.copy())

    def save(self, folder: Path) -> None:
        faiss.write_index(self._index, str(folder / "vectors.faiss"))
        np.save(folder / "labels.npy", self._labels)
        np.save(folder / "alive.npy", self._alive)

    @classmethod
    def load(cls, folder: Path, dim: int) -> "HNSWIndex":
        return cls(dim, _of_kind(faiss.read_index(str(folder / "vectors.faiss")), faiss.IndexHNSW, folder),
                   np.load(folder / "labels.npy"), np.load(folder / "alive.npy"))


VECTOR_BACKENDS: dict[str, type[VectorIndex]] = {"flat": FlatIndex, "hnsw": HNSWIndex}


def new_vector_index(dim: int, expected: int, kind: str | None = None) -> VectorIndex:
    """Exact search for small pools, HNSW past the threshold (or the ``kind`` asked for)."""
    kind = kind or ("hnsw" if expected >= HNSW_THRESHOLD else "flat")
    return VECTOR_BACKENDS[kind](dim)


def load_vector_index(folder: Path, kind: str, dim: int) -> VectorIndex:
    return VECTOR_BACKENDS[kind].load(folder, dim)


def faiss_threads(n: int = 1) -> None:
    """One OpenMP thread per process: web and worker processes share two cores."""
    faiss.omp_set_num_threads(n)


__all__ = ["FlatIndex", "HNSWIndex", "VectorHits", "VectorIndex", "load_vector_index", "new_vector_index"]
