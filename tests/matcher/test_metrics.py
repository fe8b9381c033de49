"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from matcher.metrics import mrr_at, ndcg_at, recall_at

JUDGED = {"a": 2, "b": 1, "c": 0, "d": 1}


def test_ndcg_by_hand() -> None:
    ranking = ["c", "a", "x", "b"]
    dcg = (2**2 - 1) / math.log2(3) + (2**1 - 1) / math.log2(5)
    ideal = 3 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranking, JUDGED, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at(["a", "b", "d"], JUDGED, 10) == pytest.approx(1.0)
    assert ndcg_at(["a"], {"z": 0}, 10) == 0.0


def test_recall_and_mrr_by_hand() -> None:
    assert recall_at(["c", "a", "x", "b"], JUDGED, 2) == pytest.approx(1 / 3)
    assert recall_at(["c", "a", "x", "b"], JUDGED, 100) == pytest.approx(2 / 3)
    assert mrr_at(["c", "x", "b"], JUDGED, 10) == pytest.approx(1 / 3)
    assert mrr_at(["c", "x"], JUDGED, 10) == 0.0
