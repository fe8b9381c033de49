"""Fusion choices measured on a labelled set: re-rank the product's own candidates under
alternative fusions (BM25-only, semantic-only, RRF, weighted sums with other weights and
calibrations) so a choice is made by numbers, on every dev set, not by taste."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matcher.engine import Match
from matcher.evaluation.metrics import ndcg_at
from matcher.scoring import (
    CALIBRATION,
    LIKENESS_WEIGHT,
    NEIGHBOUR_WEIGHT,
    SEMANTIC_WEIGHT,
    blend,
    clip01,
    rrf,
    text_score,
    with_neighbours,
)

Echo = Callable[[str], None]


@dataclass
class Fusion:
    name: str
    key: Callable[[dict[str, float]], float]


def _weighted(w: float, text_weight: float, lo: float, hi: float, phrase: float = 0.0) -> Callable[[dict[str, float]], float]:
    """Weighted fusion with another semantic weight, calibration or text share; ``phrase``: the
    part of the lexical strength that a keyword query's keywords found verbatim take."""
    def key(d: dict[str, float]) -> float:
        sem = d["semantic"]
        s = None if sem < -0.5 else clip01((sem - lo) / (hi - lo))
        found = d["phrase"]
        lexical = d["lexical_strength"] if found < 0 else (1 - phrase) * d["lexical_strength"] + phrase * found
        return blend(text_score(lexical, s, w), _structured(d), text_weight)
    return key


def _neighboured(weight: float, likeness_weight: float = LIKENESS_WEIGHT) -> Callable[[dict[str, float]], float]:
    """The product's fusion with other weights for the topic of the best matches and the
    likeness to the best match's wording."""
    def key(d: dict[str, float]) -> float:
        text = with_neighbours(d["text"], None if d["neighbour"] < 0 else d["neighbour"],
                               None if d["likeness"] < 0 else d["likeness"], weight, likeness_weight)
        return blend(text, _structured(d))
    return key


def _structured(d: dict[str, float]) -> float | None:
    return None if d["structured"] < 0 else d["structured"]


def fusions(backend: str) -> list[Fusion]:
    cal = CALIBRATION.get(backend, CALIBRATION["st"])
    found = [
        Fusion("BM25", lambda d: d["lexical"]),
        Fusion("语义", lambda d: d["semantic"]),
        Fusion("RRF", lambda d: rrf([int(d["lexical_rank"]) or None, int(d["semantic_rank"]) or None])),
    ]
    spans = [(cal.unrelated, cal.same_topic)]
    if backend == "e5":
        spans += [(0.80, 0.96), (0.75, 1.0), (0.82, 0.98)]
    for lo, hi in spans:
        for w in (0.3, 0.4, 0.5, 0.6):
            found.append(Fusion(f"加权 w={w} {lo:.2f}–{hi:.2f}", _weighted(w, 1.0, lo, hi)))
    for p in (0.2, 0.35, 0.5, 0.7):
        for w in (0.4, 0.5):
            found.append(Fusion(f"短语 p={p} w={w}", _weighted(w, 1.0, cal.unrelated, cal.same_topic, p)))
            found.append(Fusion(f"短语+结构 p={p} w={w}", _weighted(w, 0.75, cal.unrelated, cal.same_topic, p)))
    for weight in (0.0, 0.1, 0.15, 0.25):
        found.append(Fusion(f"邻域 β={weight}", _neighboured(weight)))
    for weight in (0.0, 0.25, 0.5, 0.75):
        found.append(Fusion(f"用词相近 γ={weight}", _neighboured(NEIGHBOUR_WEIGHT, weight)))
    for tw in (0.6, 0.75, 0.9):
        found.append(Fusion(f"加权+结构 tw={tw}", _weighted(SEMANTIC_WEIGHT, tw, cal.unrelated, cal.same_topic)))
    return found


def _minmax_ranking(matches: list[Match], w: float) -> list[Match]:
    """Classic convex combination: both channels min-max normalized within the query's candidates."""
    lex = np.array([m.detail["lexical"] for m in matches])
    sem = np.array([max(m.detail["semantic"], 0.0) for m in matches])

    def norm(x: np.ndarray) -> np.ndarray:
        span = x.max() - x.min() if len(x) else 0
        return (x - x.min()) / span if span > 0 else np.zeros_like(x)

    key = w * norm(sem) + (1 - w) * norm(lex)
    order = sorted(range(len(matches)), key=lambda i: (-key[i], matches[i].id))
    return [matches[i] for i in order]


def explore(runs: list[tuple[list[Match], dict[str, str], dict[str, int]]], backend: str, echo: Echo) -> dict[str, float]:
    """``runs``: per query (matches, (pool, record id) → set id, judgments). Prints nDCG@10 per fusion."""
    results: dict[str, float] = {}
    for fusion in fusions(backend):
        scores = []
        for matches, set_id, judged in runs:
            ranked = sorted(matches, key=lambda m: (-fusion.key(m.detail), m.id))
            scores.append(ndcg_at([set_id[(m.pool, m.id)] for m in ranked], judged, 10))
        results[fusion.name] = float(np.mean(scores))
        echo(f"  {fusion.name:24s} nDCG@10 {results[fusion.name]:.4f}")
    for w in (0.4, 0.5, 0.6):
        scores = [ndcg_at([set_id[(m.pool, m.id)] for m in _minmax_ranking(matches, w)], judged, 10)
                  for matches, set_id, judged in runs if matches]
        results[f"min-max w={w}"] = float(np.mean(scores)) if scores else 0.0
        echo(f"  {'min-max w=' + str(w):24s} nDCG@10 {results[f'min-max w={w}']:.4f}")
    top = [m.detail["semantic"] for matches, _, _ in runs for m in matches[:1] if m.detail["semantic"] > -0.5]
    every = [m.detail["semantic"] for matches, _, _ in runs for m in matches if m.detail["semantic"] > -0.5]
    if every:
        echo(f"  余弦分布：候选中位数 {np.median(every):.3f}，第1名中位数 {np.median(top):.3f}，"
             f"第1名95分位 {np.percentile(top, 95):.3f}")
    return results
