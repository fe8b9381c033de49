"""Everything an indexing or search call needs, resolved once from configuration."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from data.pools import Pool
from data.settings import instance_dir
from indexer.analyzer import Analyzer, get_analyzer
from indexer.embedders import Embedder, bulk_worker_count, configured_backend, get_embedder
from indexer.store import IndexStore, PoolIndex
from indexer.vector_cache import VectorCache

QUERY_CACHE_SIZE = 2048
# The backends whose pending vectors get stand-ins from the static table (distilled from e5,
# so it reads meaning the same way, only coarser).
STANDIN_FOR = ("e5",)


@dataclass
class IndexContext:
    store: IndexStore
    analyzer: Analyzer
    embedder: Embedder
    engine: Engine | None = None  # the database records come from; None: the configured one
    _cache: VectorCache | None = None
    _queries: OrderedDict[tuple[str, str], np.ndarray] = field(default_factory=OrderedDict)

    @property
    def standin_embedder(self) -> Embedder | None:
        """The fast model whose vectors stand in for records still waiting for theirs (the
        static table distilled from e5); None when the index's own model is that fast one."""
        if self.embedder.backend in STANDIN_FOR:
            return get_embedder("static")
        return None

    def standin_query_vector(self, text: str, kind: str = "query") -> np.ndarray | None:
        """The query embedded by the stand-in model (a lookup: nothing cached on disk)."""
        standin = self.standin_embedder
        if standin is None:
            return None
        key = ("standin-" + kind, text)
        vector = self._queries.get(key)
        if vector is None:
            embed = standin.embed_queries if kind == "query" else standin.embed_passages
            vector = embed([text])[0]
            self._queries[key] = vector
            if len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector if np.isfinite(vector).all() else None

    @property
    def cache(self) -> VectorCache:
        if self._cache is None:
            self._cache = VectorCache(self.embedder.model)
        return self._cache

    def load(self, pool: Pool) -> PoolIndex:
        """The live index of ``pool``; refuses one built with another model or dictionary."""
        return self.store.load(pool, self.embedder.backend, self.embedder.model, self.analyzer.dictionary_hash)

    def query_vector(self, text: str, kind: str = "query") -> np.ndarray | None:
        """The embedding of a query: remembered in memory, and in the vector cache so other
        workers and restarts reuse it. ``kind="passage"`` embeds (or finds) the text as a
        passage — a stored record asking with its own text reuses the vector it was indexed with.
        None when the model could not embed it (the search goes on by words alone)."""
        if kind == "query":
            text = self.analyzer.fold(text)  # as its words are read (a stored record's own text is as indexed)
        key = (kind, text)
        vector = self._queries.get(key)
        if vector is None:
            embed = self.embedder.embed_queries if kind == "query" else self.embedder.embed_passages
            vector = self.cache.embed(kind, [text], embed)[0]
            self._queries[key] = vector
            if len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        else:
            self._queries.move_to_end(key)
        return vector if np.isfinite(vector).all() else None

    def embed_passages(self, texts: list[str], progress: Callable[[int], object] | None = None) -> np.ndarray:
        """Passages of a bulk job (an import, a rebuild, an edit's sync): embedded by the
        embedder's bulk workers — one process per core for e5 — so that the one answering
        queries is never busy with them."""
        workers = self.embedder.bulk_workers(bulk_worker_count())
        return self.cache.embed("passage", texts, self.embedder.embed_passages, progress=progress,
                                workers=[w.embed_passages for w in workers])


@lru_cache(maxsize=8)
def _context(backend: str, root: Path) -> IndexContext:
    return IndexContext(IndexStore(root), get_analyzer(), get_embedder(backend))


def get_context(backend: str | None = None) -> IndexContext:
    """The process-wide context for the configured (or given) embedding backend."""
    return _context(backend or configured_backend(), instance_dir() / "indexes")
