"""BM25 over analyzer tokens (bm25s), with per-document filtering and matched terms."""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import bm25s
import numpy as np


WEIGHTS_CACHED = 4096  # documents whose term weights a loaded index remembers
# BM25's term-frequency saturation and length normalization: the common defaults (Lucene 1.2, 0.75).
K1 = 1.2
B = 0.75


class LexicalHits(NamedTuple):
    rows: np.ndarray  # document row numbers, best first
    scores: np.ndarray


def top_rows(scores: np.ndarray, k: int) -> LexicalHits:
    """The ``k`` best rows with a positive score, best first, ties broken by row."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > k:
        positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
    rows = positive[np.lexsort((positive, -scores[positive]))]
    return LexicalHits(rows, scores[rows])


class LexicalIndex:
    """A BM25 index over pre-tokenized documents; rows are positions in the build order."""

    def __init__(self, retriever: bm25s.BM25 | None, corpus: list[list[str]]) -> None:
        self._retriever = retriever  # None for an empty pool (bm25s cannot index nothing)
        self.corpus = corpus  # token lists with repeats: an incremental update rebuilds from them
        self._doc_tokens = [frozenset(doc) for doc in corpus]
        self._vocab = set(retriever.vocab_dict) if retriever is not None and retriever.vocab_dict else set()
        self._df: Counter[str] | None = None
        self._idf: dict[str, float] | None = None
        self._weights: OrderedDict[int, dict[str, float]] = OrderedDict()
        self._lock = threading.Lock()  # web workers may share a loaded index between threads

    @classmethod
    def build(cls, corpus: Sequence[Sequence[str]]) -> "LexicalIndex":
        if not corpus:
            return cls(None, [])
        retriever = bm25s.BM25(k1=K1, b=B)
        # bm25s needs at least one token per document; an empty document gets a placeholder.
        retriever.index([list(doc) or ["\u0000"] for doc in corpus], show_progress=False)
        return cls(retriever, [list(doc) for doc in corpus])

    def __len__(self) -> int:
        return len(self._doc_tokens)

    def _document_counts(self) -> Counter[str]:
        """How many documents contain each term (counted once, when first needed)."""
        if self._df is None:
            self._df = Counter(t for doc in self._doc_tokens for t in doc)
        return self._df

    def df(self, token: str) -> int:
        """How many documents contain ``token``."""
        return self._document_counts().get(token, 0)

    def idf(self, token: str) -> float:
        """Lucene's BM25 idf of ``token`` (0 for a token no document has)."""
        df = self.df(token)
        if df == 0:
            return 0.0
        n = len(self._doc_tokens)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def max_score(self, query: Sequence[str], weights: Mapping[str, float] | None = None,
                  unseen: bool = False) -> float:
        """An upper bound of any document's BM25 score for ``query``: each term's tf part tends
        to 1, so the score tends to the sum of (weighted) idfs. Scores divided by it fall in
        [0, 1). ``unseen``: a term no document has counts as if one had it, so that records
        matching only the rest of a query (人工 of 人工智能) are not taken for full matches."""
        def idf(t: str) -> float:
            value = self.idf(t)
            return self.unseen_idf() if unseen and value == 0 else value

        return sum(idf(t) * (1.0 if weights is None else weights.get(t, 1.0)) for t in dict.fromkeys(query))

    def unseen_idf(self) -> float:
        """The idf a term would have in one document: what a query word no document has
        is worth (so a ceiling counts it — see ``max_score``'s ``unseen``)."""
        n = len(self._doc_tokens)
        return math.log(1 + (n - 0.5) / 1.5) if n else 0.0

    def scores(self, query: Sequence[str], weights: Mapping[str, float] | None = None) -> np.ndarray:
        """The BM25 score of every document for ``query`` tokens (0 where nothing matches);
        ``weights``: how much each token counts (default 1)."""
        known = [t for t in dict.fromkeys(query) if t in self._vocab]
        if not known or self._retriever is None:
            return np.zeros(len(self._doc_tokens), dtype=np.float32)
        groups: dict[float, list[str]] = {}
        for t in known:
            groups.setdefault(1.0 if weights is None else float(weights.get(t, 1.0)), []).append(t)
        total = np.zeros(len(self._doc_tokens), dtype=np.float32)
        for weight, tokens in groups.items():
            if weight > 0:
                total += weight * np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
        return total

    def search(self, query: Sequence[str], k: int, mask: np.ndarray | None = None) -> LexicalHits:
        """Top ``k`` rows with a positive score, ties broken by row; ``mask`` keeps rows where True."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return top_rows(scores, k)

    def term_weights(self, row: int) -> dict[str, float]:
        """Document ``row`` as unit-length tf-idf weights of its terms of two characters or
        more: (1 + ln tf) × idf, so a term said often counts more, but not in proportion.
        The last ``WEIGHTS_CACHED`` documents asked for are remembered (an index is never
        changed in place: an update builds a new one)."""
        with self._lock:
            cached = self._weights.get(row)
            if cached is not None:
                self._weights.move_to_end(row)
                return cached
        if self._idf is None:
            self._idf = {t: self.idf(t) for t in self._document_counts() if len(t) >= 2}
        idf = self._idf
        weights = {t: (1 + math.log(k)) * w for t, k in Counter(self.corpus[row]).items() if (w := idf.get(t))}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        found = {t: w / norm for t, w in weights.items()} if norm > 0 else {}
        with self._lock:
            self._weights[row] = found
            if len(self._weights) > WEIGHTS_CACHED:
                self._weights.popitem(last=False)
        return found

    def matched_terms(self, row: int, query: Sequence[str]) -> list[str]:
        """The query tokens that occur in document ``row``, in query order."""
        tokens = self._doc_tokens[row]
        return [t for t in dict.fromkeys(query) if t in tokens]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(folder / "bm25"), show_progress=False)
        with (folder / "doc_tokens.json").open("w", encoding="utf-8") as fh:
            json.dump(self.corpus, fh, ensure_ascii=False)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        with (folder / "doc_tokens.json").open(encoding="utf-8") as fh:
            corpus = json.load(fh)
        if not corpus:
            return cls(None, [])
        retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        return cls(retriever, corpus)
