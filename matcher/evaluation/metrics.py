"""Ranking metrics, plain functions over a ranking and graded judgments (TREC style)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def dcg(gains: Sequence[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranking: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with exponential gain (2^grade - 1) and log2 discount; 0 when nothing is relevant."""
    ideal = dcg(sorted((g for g in judged.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judged.get(doc, 0) for doc in ranking[:k]]) / ideal


def recall_at(ranking: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    relevant = {d for d, g in judged.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / len(relevant)


def mrr_at(ranking: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    for i, doc in enumerate(ranking[:k]):
        if judged.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


@dataclass(frozen=True)
class Difference:
    """How one ranking's per-query scores compare with another's on the same queries."""

    mean: float
    low: float  # 95% paired-bootstrap interval of the mean difference
    high: float
    wins: int  # queries where the first ranking scores higher
    losses: int


def paired_difference(first: Sequence[float], second: Sequence[float], rounds: int = 2000,
                      seed: int = 0) -> Difference:
    """The mean of ``first - second`` over the same queries, with a 95% paired-bootstrap
    interval (resampling queries; a fixed seed, so a run prints the same every time)."""
    diff = np.asarray(first, dtype=float) - np.asarray(second, dtype=float)
    if diff.size == 0:
        return Difference(0.0, 0.0, 0.0, 0, 0)
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, diff.size, (rounds, diff.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Difference(float(diff.mean()), float(low), float(high), int((diff > 1e-12).sum()),
                      int((diff < -1e-12).sum()))
