"""BM25 scores agree with a plain reference implementation of the formula."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from indexer.lexical import LexicalIndex

CORPUS = [
    ["机器视觉", "缺陷", "检测", "检测"],
    ["食品", "发酵", "工艺"],
    ["机器视觉", "机器人", "抓取", "系统", "设计"],
    ["区块链", "溯源", "食品"],
]


def reference_bm25(corpus: list[list[str]], query: list[str], k1: float = 1.2, b: float = 0.75) -> list[float]:
    """Lucene's BM25 (the variant bm25s implements): no (k1 + 1) factor in the numerator."""
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    scores = []
    for doc in corpus:
        score = 0.0
        for term in set(query):
            df = sum(term in d for d in corpus)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = doc.count(term)
            score += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        scores.append(score)
    return scores


def test_scores_match_reference() -> None:
    index = LexicalIndex.build(CORPUS)
    for query in (["机器视觉"], ["食品", "检测"], ["检测", "机器视觉", "未知词"]):
        np.testing.assert_allclose(index.scores(query), reference_bm25(CORPUS, query), rtol=1e-5)


def test_search_order_mask_terms_and_persistence(tmp_path: Path) -> None:
    index = LexicalIndex.build(CORPUS)
    hits = index.search(["机器视觉", "检测"], k=10)
    assert list(hits.rows) == [0, 2]
    assert list(index.search(["机器视觉"], k=10, mask=np.array([False, True, True, True])).rows) == [2]
    assert index.matched_terms(0, ["检测", "食品", "机器视觉"]) == ["检测", "机器视觉"]
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    np.testing.assert_allclose(loaded.scores(["食品"]), index.scores(["食品"]))
    assert loaded.corpus == CORPUS


def test_term_weights_are_unit_length_tf_idf() -> None:
    index = LexicalIndex.build(CORPUS + [["检", "测"]])  # one-character tokens carry no weight
    n = 5
    idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in (("机器视觉", 2), ("缺陷", 1), ("检测", 1))}
    raw = {"机器视觉": idf["机器视觉"], "缺陷": idf["缺陷"], "检测": (1 + math.log(2)) * idf["检测"]}
    norm = math.sqrt(sum(w * w for w in raw.values()))
    weights = index.term_weights(0)
    assert weights.keys() == raw.keys()
    for term, w in raw.items():
        assert weights[term] == pytest.approx(w / norm)
    assert index.term_weights(4) == {}
    assert index.term_weights(0) is weights  # remembered, not computed again


def test_empty_index() -> None:
    index = LexicalIndex.build([])
    assert len(index) == 0 and index.search(["食品"], 5).rows.size == 0


def test_weighted_query_terms_and_the_ceiling() -> None:
    index = LexicalIndex.build(CORPUS)
    weights = {"机器视觉": 1.0, "检测": 0.5}
    expected = np.array(reference_bm25(CORPUS, ["机器视觉"])) + 0.5 * np.array(reference_bm25(CORPUS, ["检测"]))
    np.testing.assert_allclose(index.scores(["机器视觉", "检测"], weights), expected, rtol=1e-5)
    n = len(CORPUS)
    idf = lambda df: math.log(1 + (n - df + 0.5) / (df + 0.5))  # noqa: E731
    assert index.max_score(["机器视觉", "检测"], weights) == pytest.approx(idf(2) + 0.5 * idf(1))
    # a typed word no record has: nothing without ``unseen``, a one-record word's worth with it,
    # so the records matching only the rest of the query are not taken for full matches
    assert index.max_score(["机器视觉", "未知词"]) == pytest.approx(idf(2))
    assert index.max_score(["机器视觉", "未知词"], unseen=True) == pytest.approx(idf(2) + math.log(1 + (n - 0.5) / 1.5))
