"""Embedder backends chosen by configuration (``EMBEDDING_BACKEND``, ``EMBEDDING_MODEL``)."""

from __future__ import annotations

import os
from functools import lru_cache

from indexer.embedders.base import Embedder, normalize

BACKENDS = ("e5", "use", "st")
DEFAULT_BACKEND = "e5"


def configured_backend() -> str:
    return os.environ.get("EMBEDDING_BACKEND", DEFAULT_BACKEND).strip() or DEFAULT_BACKEND


@lru_cache(maxsize=4)
def get_embedder(backend: str | None = None, threads: int = 1) -> Embedder:
    """The process-wide embedder of ``backend`` (default: the configured one)."""
    backend = backend or configured_backend()
    if backend == "e5":
        from indexer.embedders.e5 import E5Embedder

        return E5Embedder(threads=threads)
    if backend == "use":
        from indexer.embedders.use import USEEmbedder

        return USEEmbedder(threads=threads)
    if backend == "st":
        from indexer.embedders.st import SentenceTransformerEmbedder

        path = os.environ.get("EMBEDDING_MODEL")
        if not path:
            raise ValueError("EMBEDDING_BACKEND=st 需要 EMBEDDING_MODEL 指向本地模型目录")
        return SentenceTransformerEmbedder(path)
    raise ValueError(f"未知的向量模型后端「{backend}」，可选：{'、'.join(BACKENDS)}")


__all__ = ["BACKENDS", "Embedder", "configured_backend", "get_embedder", "normalize"]
