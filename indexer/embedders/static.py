"""A static embedder distilled from the e5 model we ship: text → vector is a table lookup and a
weighted mean, no transformer at run time (the model2vec idea).

The table (``data/seed/static/e5-static.npz``, built by ``chanjiao distill-embedder``) holds
one vector per word of the vocabulary — jieba's dictionary words, our domain dictionary, every
CJK character, and Latin terms of the shipped texts — each embedded once through e5, centred,
reduced by PCA and stored as int8 with a scale per row, plus a weight per word. A text is cut by
the same analyzer that feeds BM25; a word missing from the table counts as its characters.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from data.settings import SEED_DIR
from indexer.embedders.base import Embedder

TABLE = SEED_DIR / "static" / "e5-static.npz"


class StaticTable:
    """The distilled table: words, int8 vectors with a scale per row, a weight per word."""

    def __init__(self, words: list[str], codes: np.ndarray, scales: np.ndarray, weights: np.ndarray,
                 info: dict[str, Any] | None = None) -> None:
        self.words, self.codes, self.scales, self.weights = words, codes, scales, weights
        self.info = info or {}
        self.row_of = {w: n for n, w in enumerate(words)}

    @classmethod
    def load(cls, path: Path = TABLE) -> "StaticTable":
        if not path.exists():
            raise ValueError(f"找不到静态向量表 {path}，请先运行 chanjiao distill-embedder")
        with np.load(path, allow_pickle=False) as data:
            info = {k[5:]: str(data[k]) for k in data.files if k.startswith("info_")}
            return cls([str(w) for w in data["words"]], data["codes"], data["scales"], data["weights"], info)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        extra = {f"info_{k}": np.array(str(v)) for k, v in self.info.items()}
        np.savez_compressed(path, allow_pickle=False, words=np.array(self.words), codes=self.codes,
                            scales=self.scales, weights=self.weights, **extra)

    @property
    def dim(self) -> int:
        return int(self.codes.shape[1])

    def digest(self) -> str:
        h = hashlib.sha1()
        for part in (np.array(self.words).astype("U").tobytes(), self.codes.tobytes(), self.scales.tobytes(),
                     self.weights.tobytes()):
            h.update(part)
        return h.hexdigest()[:12]

    def vector(self, row: int) -> np.ndarray:
        return self.codes[row].astype(np.float32) * np.float32(self.scales[row])


class StaticEmbedder(Embedder):
    backend = "static"

    def __init__(self, path: Path = TABLE) -> None:
        self.path = path
        self.table = StaticTable.load(path)
        self.dim = self.table.dim
        self.model = f"static-e5/{self.table.digest()}"
        self._unknown = self.table.row_of.get("", 0)

    @cached_property
    def _analyzer(self) -> Any:
        from indexer.analyzer import get_analyzer

        return get_analyzer()

    def _rows(self, text: str) -> list[int]:
        """Table rows of the text's words; a word the table lacks counts as its characters."""
        rows = []
        for token in self._analyzer.tokens(text):
            row = self.table.row_of.get(token)
            if row is not None:
                rows.append(row)
            else:
                rows.extend(r for c in token if (r := self.table.row_of.get(c)) is not None)
        return rows

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        table = self.table
        for n, text in enumerate(texts):
            rows = self._rows(text) or [self._unknown]  # nothing known: e5's vector of an empty text
            index = np.array(rows)
            vectors = table.codes[index].astype(np.float32) * table.scales[index, None].astype(np.float32)
            out[n] = table.weights[index] @ vectors
        return out
