"""The embedder interface: normalized float32 vectors for queries and for passages."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np


def normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class Embedder(ABC):
    """A text embedding model. Models load lazily, on first use, in the process that uses them
    (never before a fork: native thread pools hang in forked children)."""

    backend: str
    model: str  # identifies the weights; part of cache keys and of each index's meta.json
    dim: int

    @abstractmethod
    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalize(self._encode(list(texts), True)) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return normalize(self._encode(list(texts), False)) if texts else np.zeros((0, self.dim), np.float32)
