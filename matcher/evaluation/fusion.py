"""Fusions compared offline on the dumps of every dev set (``chanjiao eval --dump``), and every
weight chosen by leave-one-set-out.

A fusion scores each candidate from the raw signals the product computes — BM25 strength of
the body and of the title, calibrated cosine of the body and of the title, the share of a
keyword query's keywords found whole, the structured features — then blends in what the best
first-pass matches say of it (their topic; the best one's wording), as
:mod:`matcher.scoring` does. :func:`leave_one_set_out` picks, for each set, the weights that do
best on all the *other* sets, and scores them on the one left out: a weight that only wins
when its own set is in the fit shows up as a loss there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from indexer.embedders.calibration import calibration_of
from matcher.engine import WISHED_BY_MEANING
from matcher.evaluation.dump import QueryDump, SetDump
from matcher.evaluation.metrics import ndcg_at
from matcher.evaluation.run import rrf_ranking
from matcher.features import query_segments
from matcher.query_text import clean_query
from matcher.scoring import LIKENESS_FULL, WEIGHTS, Weights, lexical_trust

Echo = Callable[[str], None]


Fusion = Weights  # a fusion is the product's weights, set otherwise
# The product's fusion before this study (body only, with the neighbourhood).
BEFORE = Weights(lexical=0.5, semantic=0.5, title_lexical=0.0, title_semantic=0.0, phrase=0.7, keyword_semantic=0.4,
                 topic=0.15, likeness=0.5, structured=0.25, seeds=3)
PRODUCT = WEIGHTS


@dataclass
class Prepared:
    """One query's candidates as arrays, with what every fusion needs computed once."""

    docs: list[str]
    judged: dict[str, int]
    keyword: bool
    lexical: np.ndarray
    title_lexical: np.ndarray
    semantic: np.ndarray  # calibrated; NaN where there is no vector
    title_semantic: np.ndarray
    phrase: np.ndarray  # NaN for a query that is not a keyword list
    structured: np.ndarray  # NaN where no structured feature applies
    gram: np.ndarray  # cosines between candidates' vectors (NaN rows where one has none)
    lexical_rank: np.ndarray  # the body's rank in each channel (1-based; 0 outside its list)
    semantic_rank: np.ndarray
    wording: np.ndarray  # tf-idf cosines between candidates' wordings
    has_vector: np.ndarray
    length: int = 0  # characters of the cleaned query (:func:`matcher.scoring.lexical_trust`)
    condition: np.ndarray | float = 1.0  # the factor of the condition features (an expert's time)
    item_semantic: np.ndarray | None = None  # calibrated, of a person's best listed work; NaN without works
    # a two-sided match's structured parts (:func:`matcher.engine.sides`), one row each: what the
    # post requires (NaN: nothing applies), the student's wishes Σ weight × value and Σ weight
    sides: np.ndarray | None = None


def _calibrated(cosines: np.ndarray, backend: str, title: bool = False) -> np.ndarray:
    cal = calibration_of(backend, title)
    out = np.clip((cosines - cal.unrelated) / (cal.same_topic - cal.unrelated), 0.0, 1.0)
    return np.where(cosines < -0.5, np.nan, out)


def _wording(terms: list[dict[str, float]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for n, weights in enumerate(terms):
        for t, w in weights.items():
            rows.append(n)
            cols.append(vocab.setdefault(t, len(vocab)))
            vals.append(w)
    matrix = np.zeros((len(terms), max(1, len(vocab))), dtype=np.float32)
    matrix[rows, cols] = vals
    return np.clip(matrix @ matrix.T, 0.0, 1.0)


def prepare(query: QueryDump, backend: str) -> Prepared:
    d = query.detail
    col = lambda key: np.array([x.get(key, -1.0) for x in d], dtype=np.float64)  # noqa: E731
    ceiling, title_ceiling = col("ceiling"), col("title_ceiling")
    lexical = np.where(ceiling > 0, np.clip(col("lexical") / np.where(ceiling > 0, ceiling, 1), 0, 1), 0.0)
    title = np.where(title_ceiling > 0, np.clip(col("title_lexical") / np.where(title_ceiling > 0, title_ceiling, 1), 0, 1), 0.0)
    vectors = query.vectors.astype(np.float32)
    has = np.all(np.isfinite(vectors), axis=1)
    safe = np.where(has[:, None], vectors, 0.0)
    gram = safe @ safe.T
    phrase, structured = col("phrase"), col("structured")
    sides = None
    if d and "student_wish_weight" in d[0]:
        required = col("post_required")
        sides = np.stack([np.where(required < 0, np.nan, required), col("student_wished"), col("student_wish_weight")])
    keyword = bool(query_segments(query.text)) if query.keywords is None else query.keywords
    return Prepared(query.docs, query.judged, keyword, lexical, title,
                    _calibrated(col("semantic"), backend), _calibrated(col("title_semantic"), backend, title=True),
                    np.where(phrase < 0, np.nan, phrase), np.where(structured < 0, np.nan, structured),
                    gram, col("lexical_rank").clip(0), col("semantic_rank").clip(0), _wording(query.terms), has,
                    len(clean_query(query.text)), np.where(col("condition") < 0, 1.0, col("condition")),
                    _calibrated(col("item_semantic"), backend, title=True), sides)


def _credit(ranks: np.ndarray, k: float) -> np.ndarray:
    """Each rank's reciprocal-rank credit on 0–1 (1 at rank 1; 0 outside the list)."""
    return np.where(ranks > 0, (k + 1) / (k + np.maximum(ranks, 1)), 0.0)


def rank_strengths(p: Prepared, f: Fusion) -> tuple[float, np.ndarray]:
    """The weight and :func:`matcher.scoring.rank_strength` of every candidate under ``f``."""
    lexical, semantic = f.lexical_ranks * lexical_trust(p.length, f), f.semantic_ranks
    total = lexical + semantic
    if total <= 0:
        return 0.0, np.zeros(len(p.docs))
    return total / 2, (lexical * _credit(p.lexical_rank, f.rank_k) + semantic * _credit(p.semantic_rank, f.rank_k)) / total


def _rank_rows(p: Prepared, fs: Sequence[Fusion]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`rank_strengths` of each fusion: a column of weights and one row of strengths per fusion."""
    found = [rank_strengths(p, f) for f in fs]
    return np.array([w for w, _ in found])[:, None], np.stack([x for _, x in found])


def _weighted(parts: Sequence[tuple[float, np.ndarray]]) -> np.ndarray:
    """Σ w·x / Σ w over the signals each candidate has (NaN: it lacks that one)."""
    total = np.zeros_like(parts[0][1])
    weights = np.zeros_like(parts[0][1])
    for w, x in parts:
        if w <= 0:
            continue
        present = np.isfinite(x)
        total += np.where(present, w * np.nan_to_num(x), 0.0)
        weights += np.where(present, w, 0.0)
    return np.where(weights > 0, total / np.where(weights > 0, weights, 1), 0.0)


def scores(p: Prepared, f: Fusion) -> np.ndarray:
    """The fused 0–1 score of every candidate (the product's formula, with ``f``'s weights)."""
    lexical, lexical_weight, semantic_weight = p.lexical, f.lexical, f.semantic
    if p.keyword:
        lexical = (1 - f.phrase) * lexical + f.phrase * np.nan_to_num(p.phrase)
        if f.keyword_semantic is not None:  # the body's two weights keep their sum, the semantic one set
            lexical_weight, semantic_weight = f.lexical + f.semantic - f.keyword_semantic, f.keyword_semantic
    if f.short_lexical:
        lexical_weight *= lexical_trust(p.length, f)
    rank_weight, ranks = rank_strengths(p, f)
    text = _weighted([(lexical_weight, lexical), (semantic_weight, p.semantic), (f.title_lexical, p.title_lexical),
                      (f.title_semantic, p.title_semantic), (f.item_semantic, _items(p)), (rank_weight, ranks)])
    first = _final(p, text, f)
    n = len(first)
    if (f.topic > 0 or f.likeness > 0) and n > 2 * f.seeds:
        order = np.lexsort((np.arange(n), -np.round(first, 6)))
        best = order[0]
        parts = [(1.0, text)]
        if f.likeness > 0:
            alike = p.wording[:, best].copy()
            others = np.delete(alike, best)
            alike[best] = others.max() if len(others) else 0.0
            parts.append((f.likeness, np.clip(alike / LIKENESS_FULL, 0, 1)))
        vectored = order[p.has_vector[order]]
        if f.topic > 0 and len(vectored) > 2 * f.seeds:
            seeds = vectored[: f.seeds]
            norm = np.sqrt(max(p.gram[np.ix_(seeds, seeds)].sum(), 1e-12))
            cos = p.gram[:, seeds].sum(axis=1) / norm
            topic = np.where(p.has_vector, np.clip((cos - _CAL_LO) / (_CAL_HI - _CAL_LO), 0, 1), np.nan)
            parts.append((f.topic, topic))
        text = _weighted(parts)
    return _final(p, text, f)


def _final(p: Prepared, text: np.ndarray, f: Fusion) -> np.ndarray:
    """The score from the text score: blended with the structured features, or — a two-sided
    match — the two sides' fit beside the channels' ranks (:func:`matcher.engine._two_sided`)."""
    if p.sides is None:
        return _blend(p, text, f.structured, f.structured_scales)
    required, wished, wish_weight = p.sides
    post = _mixed(text, required, f.structured, f.structured_scales)
    student = (wished + WISHED_BY_MEANING * text) / (wish_weight + WISHED_BY_MEANING)
    channels = (_credit(p.lexical_rank, f.two_sided_k) + _credit(p.semantic_rank, f.two_sided_k)) / 2
    return (1 - f.two_sided_channels) * np.sqrt(post * student) + f.two_sided_channels * channels


_CAL_LO, _CAL_HI = calibration_of("e5").unrelated, calibration_of("e5").same_topic


def scores_many(p: Prepared, fusions: Sequence[Fusion]) -> np.ndarray:
    """:func:`scores` of many fusions at once: one row per fusion (the same numbers, computed
    as arrays, so that a grid of hundreds of fusions is compared on thousands of queries in
    seconds)."""
    if p.sides is not None:  # two-sided sets are few and small: each fusion alone
        return np.stack([scores(p, f) for f in fusions]) if fusions else np.empty((0, len(p.docs)))
    out = np.empty((len(fusions), len(p.docs)))
    for seeds in sorted({f.seeds for f in fusions}):
        rows = [n for n, f in enumerate(fusions) if f.seeds == seeds]
        out[rows] = _scores_same_seeds(p, [fusions[n] for n in rows], seeds)
    return out


def _column(fusions: Sequence[Fusion], name: str) -> np.ndarray:
    return np.array([max(0.0, float(getattr(f, name))) for f in fusions])[:, None]


def _weighted_rows(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """:func:`_weighted` with a column of weights (one per fusion) for each signal."""
    total: np.ndarray | float = 0.0
    weights: np.ndarray | float = 0.0
    for w, x in parts:
        present = np.isfinite(x)
        total = total + np.where(present, w * np.nan_to_num(x), 0.0)
        weights = weights + np.where(present, w, 0.0)
    total, weights = np.asarray(total), np.asarray(weights)
    return np.where(weights > 0, total / np.where(weights > 0, weights, 1), 0.0)


def _scores_same_seeds(p: Prepared, fs: Sequence[Fusion], seeds: int) -> np.ndarray:
    count, n = len(fs), len(p.docs)
    lexical_weight, semantic_weight = _column(fs, "lexical"), _column(fs, "semantic")
    lexical = np.broadcast_to(p.lexical, (count, n))
    if p.keyword:
        phrase = _column(fs, "phrase")
        lexical = (1 - phrase) * p.lexical + phrase * np.nan_to_num(p.phrase)
        keyword = np.array([np.nan if f.keyword_semantic is None else f.keyword_semantic for f in fs])[:, None]
        lexical_weight = np.where(np.isfinite(keyword), lexical_weight + semantic_weight - np.nan_to_num(keyword),
                                  lexical_weight)
        semantic_weight = np.where(np.isfinite(keyword), np.nan_to_num(keyword), semantic_weight)
    lexical_weight = lexical_weight * np.array([lexical_trust(p.length, f) if f.short_lexical else 1.0 for f in fs])[:, None]
    rank_weight, ranks = _rank_rows(p, fs)
    text = _weighted_rows([(lexical_weight, lexical), (semantic_weight, p.semantic),
                           (_column(fs, "title_lexical"), p.title_lexical),
                           (_column(fs, "title_semantic"), p.title_semantic),
                           (_column(fs, "item_semantic"), _items(p)), (rank_weight, ranks)])
    structured = _column(fs, "structured")
    scales = np.array([f.structured_scales for f in fs])[:, None]
    first = _blend(p, text, structured, scales)
    topic_weight, likeness_weight = _column(fs, "topic"), _column(fs, "likeness")
    applies = ((topic_weight > 0) | (likeness_weight > 0))[:, 0] & (n > 2 * seeds)
    if applies.any():
        at = np.flatnonzero(applies)
        order = np.lexsort((np.broadcast_to(np.arange(n), (len(at), n)), -np.round(first[at], 6)), axis=-1)
        best = order[:, 0]
        alike = p.wording[:, best].T.copy()
        rows = np.arange(len(at))
        alike[rows, best] = -np.inf
        alike[rows, best] = np.max(alike, axis=1) if n > 1 else 0.0
        parts = [(np.ones((len(at), 1)), text[at]),
                 (likeness_weight[at], np.clip(alike / LIKENESS_FULL, 0, 1))]
        vectored = p.has_vector[order]
        if vectored[0].sum() > 2 * seeds:
            ranks = np.cumsum(vectored, axis=1)
            chosen = order[vectored & (ranks <= seeds)].reshape(len(at), seeds)
            norm = np.sqrt(np.maximum(p.gram[chosen[:, :, None], chosen[:, None, :]].sum(axis=(1, 2)), 1e-12))
            cos = p.gram[chosen].sum(axis=1) / norm[:, None]
            topic = np.where(p.has_vector, np.clip((cos - _CAL_LO) / (_CAL_HI - _CAL_LO), 0, 1), np.nan)
            parts.append((topic_weight[at], topic))
        text = text.copy()
        text[at] = _weighted_rows(parts)
    return _blend(p, text, structured, scales)


def _items(p: Prepared) -> np.ndarray:
    return p.item_semantic if p.item_semantic is not None else np.full(len(p.docs), np.nan)


def ndcg_many(p: Prepared, s: np.ndarray) -> np.ndarray:
    """:func:`ndcg_of` of each row of ``s`` (ties broken by document id, as there)."""
    names = np.empty(len(p.docs), dtype=np.int64)
    names[np.argsort(np.array(p.docs), kind="stable")] = np.arange(len(p.docs))
    order = np.lexsort((np.broadcast_to(names, s.shape), -np.round(s, 9)), axis=-1)[:, :10]
    ideal = sorted((g for g in p.judged.values() if g > 0), reverse=True)[:10]
    best = sum((2**g - 1) / np.log2(i + 2) for i, g in enumerate(ideal))
    if best == 0:
        return np.zeros(len(s))
    grades = np.array([p.judged.get(d, 0) for d in p.docs], dtype=float)
    gains = 2 ** grades[order] - 1
    return (gains / np.log2(np.arange(2, order.shape[1] + 2))).sum(axis=1) / best


def _blend(p: Prepared, text: np.ndarray, weight: float | np.ndarray, scales: bool | np.ndarray = False) -> np.ndarray:
    """The text score with the structured features (:func:`matcher.scoring.blend`), scaled by
    the conditions (:class:`matcher.engine.Feature`)."""
    return p.condition * _mixed(text, p.structured, weight, scales)


def _mixed(text: np.ndarray, structured: np.ndarray, weight: float | np.ndarray,
           scales: bool | np.ndarray = False) -> np.ndarray:
    """:func:`matcher.scoring.blend` of each candidate: the text score where ``structured`` is NaN."""
    known = np.nan_to_num(structured)
    mixed = np.where(scales, text * ((1 - weight) + weight * known), (1 - weight) * text + weight * known)
    return np.where(np.isfinite(structured), mixed, text)


def ndcg_of(p: Prepared, s: np.ndarray) -> float:
    order = np.lexsort((np.array(p.docs), -np.round(s, 9)))
    return ndcg_at([p.docs[i] for i in order[:10]], p.judged, 10)


@dataclass
class SetStudy:
    name: str
    queries: list[Prepared]
    bm25: list[float]
    semantic: list[float]
    rrf: list[float]  # the plain reciprocal-rank fusion of the two

    @property
    def floor(self) -> float:
        """What the product must at least reach here: the better channel alone, and their
        plain reciprocal-rank fusion (it must beat both)."""
        return max(float(np.mean(self.bm25)), float(np.mean(self.semantic)), float(np.mean(self.rrf)))


def study(dump: SetDump) -> SetStudy:
    queries = [prepare(q, dump.backend) for q in dump.queries]
    bm25 = [ndcg_at(q.bm25, q.judged, 10) for q in dump.queries]
    semantic = [ndcg_at(q.semantic, q.judged, 10) for q in dump.queries]
    rrf = [ndcg_at(rrf_ranking(q.bm25, q.semantic), q.judged, 10) for q in dump.queries]
    return SetStudy(dump.name, queries, bm25, semantic, rrf)


def per_query(s: SetStudy, f: Fusion) -> list[float]:
    return [ndcg_of(p, scores(p, f)) for p in s.queries]


def grid(base: Fusion, **choices: Iterable[Any]) -> list[Fusion]:
    """Every fusion that differs from ``base`` in the named fields, one per combination of their values."""
    names = list(choices)
    return [replace(base, **dict(zip(names, values))) for values in itertools.product(*choices.values())]


def table(studies: Sequence[SetStudy], candidates: Sequence[Fusion]) -> np.ndarray:
    """nDCG@10 of every candidate fusion (columns) on every set (rows)."""
    results = np.zeros((len(studies), len(candidates)))
    for row, s in enumerate(studies):
        for p in s.queries:
            results[row] += ndcg_many(p, scores_many(p, candidates))
        results[row] /= max(1, len(s.queries))
    return results


# Worst margins this close are ties: a difference of 0.002 is well inside every set's bootstrap
# interval (the narrowest, csl-title's against RRF, is ±0.0024), and choosing by it alone made
# the folds pick fusions that differ only by noise on the sets they were fitted on.
TIED = 0.002


def choose(margins: np.ndarray, keep: int | None = None) -> int:
    """The fusion whose worst margin over the sets given is best, fusions within :data:`TIED`
    of it counting as tied: ``keep`` (the weights in use) if it is among them — a change within
    noise is no change —, else the tied one with the best mean margin (then the first listed)."""
    worst, mean = margins.min(axis=0), margins.mean(axis=0)
    tied = worst >= worst.max() - TIED
    if keep is not None and tied[keep]:
        return keep
    return int(np.lexsort((-np.where(tied, mean, -np.inf),))[0])


def described(f: Fusion) -> str:
    """A fusion as it differs from the product's (「产品的权重」 when it does not)."""
    changed = [f"{k}={v}" for k, v in asdict(f).items() if v != getattr(PRODUCT, k)]
    return "产品的权重" + (f"，但 {' '.join(changed)}" if changed else "")


def leave_one_set_out(studies: Sequence[SetStudy], candidates: Sequence[Fusion], echo: Echo,
                      results: np.ndarray | None = None) -> tuple[Fusion, np.ndarray]:
    """For each set: the fusion chosen on the others, scored on it. Returns the fusion chosen
    on all sets and the table of results."""
    results = table(studies, candidates) if results is None else results
    keep = candidates.index(PRODUCT) if PRODUCT in candidates else None
    floors = np.array([s.floor for s in studies])[:, None]
    margins = results - floors
    echo(f"{'留出的集':26s} {'在其余集上选出的融合在该集的 nDCG@10':>12s} {'两通道及其RRF之最':>8s} {'差':>8s}")
    worst = np.inf
    for n, s in enumerate(studies if len(studies) > 1 else []):
        others = np.delete(margins, n, axis=0)
        pick = choose(others, keep)
        echo(f"{s.name:26s} {results[n, pick]:12.4f} {s.floor:10.4f} {margins[n, pick]:+8.4f}   {described(candidates[pick])}")
        worst = min(worst, margins[n, pick])
    chosen = choose(margins, keep)
    if len(studies) < 2:
        echo(f"只有一个集，无法留一：在该集上选出：{described(candidates[chosen])}")
    else:
        echo(f"留一法最差的留出差值 {worst:+.4f}；在全部集上选出：{described(candidates[chosen])}")
    return candidates[chosen], results


__all__ = ["BEFORE", "PRODUCT", "Fusion", "SetStudy", "asdict", "choose", "grid", "leave_one_set_out", "per_query", "study", "table"]


def studies_from(paths: Sequence[object], echo: Echo) -> list[SetStudy]:
    """Load and prepare dumps (``chanjiao eval --dump``), each once."""
    from pathlib import Path

    from matcher.evaluation.dump import load_dump

    found = []
    for path in paths:
        found.append(study(load_dump(Path(str(path)))))
        s = found[-1]
        echo(f"{s.name}: {len(s.queries)} 条查询；仅BM25 {np.mean(s.bm25):.4f}，仅语义 {np.mean(s.semantic):.4f}，"
             f"RRF {np.mean(s.rrf):.4f}")
    return found


# The fusions ``chanjiao eval --explore`` compares: the product's and the one before this
# study, and a grid around them (a body's lexical weight, the title's meaning, the
# neighbourhood's topic, each channel's rank weight and the constant, and the query lengths
# over which the lexical channel comes to count), and the weight of a person's best listed work.
def candidates() -> list[Fusion]:
    around = grid(PRODUCT, lexical=[0.5, 0.65], title_semantic=[0.3, 0.45], topic=[0.3, 0.45], lexical_ranks=[0.25, 0.5],
                  semantic_ranks=[0.25, 0.5], rank_k=[2.0, 4.0], short_query=[(0, 0), (4, 12), (4, 20), (6, 24)],
                  short_lexical=[False, True])
    # a person's best listed work beside the body: only sets of people who list works move
    works = grid(PRODUCT, item_semantic=[0.0, 0.15, 0.3, 0.45, 0.6, 0.9])
    return list(dict.fromkeys([PRODUCT, BEFORE, *around, *works]))


# Two-sided sets (a post and a student) are compared apart, on the share and constant of the
# channels' ranks beside the two sides' fit, the one-sided weights fixed at the product's.
BEFORE_TWO_SIDED = replace(PRODUCT, two_sided_channels=0.0)  # the two sides' fit alone


def two_sided_candidates() -> list[Fusion]:
    return list(dict.fromkeys([PRODUCT, BEFORE_TWO_SIDED, *grid(PRODUCT, two_sided_channels=[0.0, 0.1, 0.2, 0.33, 0.5],
                                                  two_sided_k=[4.0, 10.0, 30.0, 60.0, 100.0])]))


def explore_dumps(paths: Sequence[object], echo: Echo) -> Fusion:
    """Per set, the product beside the channels and the best fusions; then leave-one-set-out,
    the one-sided sets and the two-sided ones each among themselves. Returns the fusion chosen
    on all the sets of the first group given."""
    studies = studies_from(paths, echo)
    two_sided = [s for s in studies if any(p.sides is not None for p in s.queries)]
    groups = [(g, found) for g, found in (([s for s in studies if s not in two_sided], candidates()),
                                          (two_sided, two_sided_candidates())) if g]
    chosen = []
    for group, found in groups:
        if len(groups) > 1:
            echo("== 双向匹配的集（岗位 ↔ 学生）" if group is two_sided else "== 单向匹配的集")
        results = table(group, found)
        before = found.index(BEFORE_TWO_SIDED if group is two_sided else BEFORE)
        for n, s in enumerate(group):
            best = int(np.argmax(results[n]))
            echo(f"{s.name:26s} 产品 {results[n, 0]:.4f}  改前 {results[n, before]:.4f}  "
                 f"两通道及其RRF之最 {s.floor:.4f}  本集最好 {results[n, best]:.4f}（{described(found[best])}）")
        chosen.append(leave_one_set_out(group, found, echo, results)[0])
    return chosen[0]
