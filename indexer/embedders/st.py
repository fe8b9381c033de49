"""Any local sentence-transformers model directory (optional extra: ``pip install .[st]``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from indexer.embedders.base import Embedder


def check_model_dir(path: str | os.PathLike[str]) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise ValueError(f"找不到本地模型目录：{folder}（EMBEDDING_MODEL 应指向已下载的模型文件夹）")
    return folder


def model_name(folder: Path) -> str:
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:8]
    return f"st/{folder.name}-{digest}"


class SentenceTransformerEmbedder(Embedder):
    backend = "st"

    def __init__(self, path: str | os.PathLike[str], query_prefix: str = "", passage_prefix: str = "") -> None:
        self.path = check_model_dir(path)
        self.model = model_name(self.path)
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self._model: Any = None
        model = self._load()
        # sentence-transformers 6 renamed the method; older releases only have the old name.
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.max_tokens = int(getattr(model, "max_seq_length", 0) or 0) or None

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._model

    def count_tokens(self, text: str, is_query: bool) -> int:
        prefix = self.query_prefix if is_query else self.passage_prefix
        return len(self._load().tokenizer(prefix + text)["input_ids"])

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = self.query_prefix if is_query else self.passage_prefix
        return self._load().encode([prefix + t for t in texts], convert_to_numpy=True, batch_size=32,
                                   show_progress_bar=False)
