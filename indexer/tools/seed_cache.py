"""Compute the demo's vectors once and ship them, so the demo's first run is short.

``chanjiao cache-demo-vectors`` builds the demo alliance in a throw-away SQLite database,
embeds every record's semantic text, title and listed works with the project's own pipeline, and writes
``data/seed/vectors/<model>.npz`` (keys + float16 vectors). A text not in it is simply
embedded on first use.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy import select

from data.db import make_engine, session_scope
from data.demo import load_demo
from data.migrate import upgrade_to_head
from data.models import MODELS
from data.reference.regions import seed_regions
from indexer.documents import item_texts, semantic_text, title_text
from indexer.embedders import get_embedder
from indexer.vector_cache import SEED_VECTORS_DIR, VectorCache, cache_key, model_slug


def demo_texts() -> list[str]:
    """The embedded texts of every demo record — its body's semantic text, its title and a
    person's listed works — in pool order, without duplicates."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        texts: dict[str, None] = {}
        with session_scope(engine) as session:
            seed_regions(session)
            load_demo(session)
            session.flush()
            for pool, model in MODELS.items():
                for record in session.scalars(select(model).order_by(model.id)):
                    texts.setdefault(semantic_text(pool, record), None)
                    if title := title_text(pool, record):
                        texts.setdefault(title, None)
                    for work in item_texts(pool, record):
                        texts.setdefault(work, None)
        engine.dispose()
    return list(texts)


def write_seed_cache(backend: str, threads: int = 1, progress: Callable[[int], object] | None = None,
                     out_dir: Path = SEED_VECTORS_DIR) -> Path:
    embedder = get_embedder(backend, threads=threads)
    texts = demo_texts()
    cache = VectorCache(embedder.model)
    vectors = cache.embed("passage", texts, embedder.embed_passages, progress=progress)
    keys = np.array([cache_key(embedder.model, "passage", t) for t in texts])
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{model_slug(embedder.model)}.npz"
    np.savez_compressed(path, keys=keys, vectors=vectors.astype(np.float16))
    return path
