"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from matcher.evaluation.metrics import mrr_at, ndcg_at, paired_difference, recall_at

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


def test_paired_difference_by_hand() -> None:
    # the same gain on every query: every resample has that mean
    same = paired_difference([0.5, 0.7, 0.9], [0.4, 0.6, 0.8])
    assert (same.mean, same.low, same.high) == pytest.approx((0.1, 0.1, 0.1))
    assert (same.wins, same.losses) == (3, 0)
    # one win of 0.3, one loss of 0.1, one tie: mean 0.2/3; the interval spans the resamples'
    # extremes, all three queries the loss (-0.1) at worst and the win (+0.3) at best
    mixed = paired_difference([0.8, 0.5, 0.4], [0.5, 0.6, 0.4])
    assert mixed.mean == pytest.approx(0.2 / 3)
    assert -0.1 - 1e-9 <= mixed.low < mixed.mean < mixed.high <= 0.3 + 1e-9
    assert (mixed.wins, mixed.losses) == (1, 1)
    assert paired_difference([0.5, 0.1], [0.5, 0.1]) == paired_difference([0.5, 0.1], [0.5, 0.1])  # seeded
    assert paired_difference([], []).mean == 0.0
