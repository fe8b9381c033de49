"""The embedder interface: normalized float32 vectors for queries and for passages.

Every text is cleaned (:func:`indexer.embedders.guard.clean_text`) and cut to the model's token
limit before the model sees it. A row of NaN stands for a text the model could not embed (its
process died on it or hung): callers treat it as "no vector" and go on with the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from indexer.embedders.guard import clean_text, fit_tokens


def normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def failed_rows(vectors: np.ndarray) -> np.ndarray:
    """A boolean mask of the rows that stand for texts that could not be embedded."""
    return ~np.isfinite(vectors).all(axis=1) if len(vectors) else np.zeros(0, bool)


class Embedder(ABC):
    """A text embedding model. Models load lazily, on first use, in the process that uses them
    (never before a fork: native thread pools hang in forked children)."""

    backend: str
    model: str  # identifies the weights; part of cache keys and of each index's meta.json
    dim: int
    max_tokens: int | None = None  # the model's input limit, specials and prefix included

    @abstractmethod
    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray: ...

    def count_tokens(self, text: str, is_query: bool) -> int:
        """The model's own token count of ``text`` (only asked when ``max_tokens`` is set)."""
        raise NotImplementedError

    def prepare(self, texts: Sequence[str], is_query: bool) -> list[str]:
        """Texts as the model may safely see them: cleaned, then cut to its token limit."""
        cleaned = [clean_text(t) for t in texts]
        if self.max_tokens is None:
            return cleaned
        limit = self.max_tokens
        return [fit_tokens(t, limit, lambda s: self.count_tokens(s, is_query)) for t in cleaned]

    def _embed(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return normalize(self._encode(self.prepare(texts, is_query), is_query))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts), True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts), False)

    def bulk_workers(self, count: int) -> list["Embedder"]:
        """Up to ``count`` embedders of this model that can work at the same time on a bulk
        job (an import, a rebuild), none of them the one that answers queries. An in-process
        model has only itself: it shares the caller's process and its thread pool."""
        return [self]

    def close(self) -> None:
        """Release what the model holds (a child process, for an isolated one)."""
