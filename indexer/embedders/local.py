"""The embedders that run in this process, built by backend name.

:func:`make_embedder` is what an isolated child (:mod:`indexer.embedders.isolated`) runs and
what :func:`indexer.embedders.get_embedder` returns for the in-process backends; it lives apart
from both so that neither has to import the other.
"""

from __future__ import annotations

import os

from indexer.embedders.base import Embedder

BACKENDS = ("e5", "use", "st", "static")


def make_embedder(backend: str, threads: int = 1) -> Embedder:
    """The in-process embedder of ``backend`` (what an isolated child runs)."""
    if backend == "e5":
        from indexer.embedders.e5 import E5Embedder

        return E5Embedder(threads=threads)
    if backend == "use":
        from indexer.embedders.use import USEEmbedder

        return USEEmbedder(threads=threads)
    if backend == "st":
        from indexer.embedders.st import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(st_path())
    if backend == "static":
        from indexer.embedders.static import StaticEmbedder

        return StaticEmbedder()
    raise ValueError(f"未知的向量模型后端「{backend}」，可选：{'、'.join(BACKENDS)}")


def st_path() -> str:
    path = os.environ.get("EMBEDDING_MODEL")
    if not path:
        raise ValueError("EMBEDDING_BACKEND=st 需要 EMBEDDING_MODEL 指向本地模型目录")
    return path
