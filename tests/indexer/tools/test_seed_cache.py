"""The demo's shipped vectors cover every text the demo embeds (bodies, titles and listed works), so a fresh
demo indexes without running the model on its records."""

from __future__ import annotations

import numpy as np

from indexer.embedders import get_embedder
from indexer.tools.seed_cache import demo_texts
from indexer.vector_cache import SEED_VECTORS_DIR, cache_key, model_slug


def test_every_demo_text_has_a_shipped_vector() -> None:
    model = get_embedder("e5").model
    shipped = set(np.load(SEED_VECTORS_DIR / f"{model_slug(model)}.npz")["keys"].tolist())
    texts = demo_texts()
    missing = [t for t in texts if cache_key(model, "passage", t) not in shipped]
    assert len(texts) > 5000 and not missing, f"{len(missing)} 条未缓存，例如 {missing[:3]}"
