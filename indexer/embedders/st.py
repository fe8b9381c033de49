"""Any local sentence-transformers model directory (optional extra: ``pip install .[st]``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from indexer.embedders.base import Embedder


class SentenceTransformerEmbedder(Embedder):
    backend = "st"

    def __init__(self, path: str | os.PathLike[str], query_prefix: str = "", passage_prefix: str = "") -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise ValueError(f"找不到本地模型目录：{self.path}（EMBEDDING_MODEL 应指向已下载的模型文件夹）")
        digest = hashlib.sha1(str(self.path.resolve()).encode()).hexdigest()[:8]
        self.model = f"st/{self.path.name}-{digest}"
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self._model = None
        model = self._load()
        # sentence-transformers 6 renamed the method; older releases only have the old name.
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._model

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = self.query_prefix if is_query else self.passage_prefix
        return self._load().encode([prefix + t for t in texts], convert_to_numpy=True, batch_size=32,
                                   show_progress_bar=False)
