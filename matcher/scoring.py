"""Turning retrieval scores into one 0–100 score that means the same across queries.

- Lexical strength: BM25 divided by its ceiling for the query (the sum of the query terms'
  idf), so 1.0 would be "every query term, many times"; for a keyword query ("机器视觉 缺陷检测")
  blended with the share of its keywords found verbatim, which bag-of-words scoring cannot see.
- Semantic strength: cosine similarity mapped linearly between a backend's "unrelated" and
  "same topic" levels (measured on the dev sets; e5 similarities sit in a narrow high band;
  the levels live with the embedders: :mod:`indexer.embedders.calibration`).
- Text score: a weighted sum of the two; weights chosen by ``chanjiao eval`` on all dev sets.
  A keyword query leans more on exact words: e5 embeds a bag of keywords less reliably than a
  sentence, and the keywords found whole are what its asker checks first.
- Neighbourhood (pseudo-relevance feedback): the text score is then blended with the
  candidate's similarity to the centroid of the query's best few matches (lifts records on
  their topic though worded otherwise), and with how alike its wording is to the best match's
  (tf-idf cosine: lifts records sharing its telling words beyond the query's own).
- Final: text score blended with the mean of the structured features that apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from indexer.embedders.calibration import calibration_of


@dataclass(frozen=True)
class Weights:
    """The weights of the fused score (0 switches a signal off), chosen by leave-one-set-out
    on every dev set (``chanjiao eval --explore``; :mod:`matcher.evaluation.fusion`).

    The text score is Σ weight·strength / Σ weight over the signals a candidate has: BM25
    strength and calibrated cosine of the body and of the title. A keyword query (「机器视觉
    缺陷检测」) counts its keywords found whole as ``phrase`` of its body's lexical strength and,
    when ``keyword_semantic`` is set, gives the body's semantic side that weight (the body's two
    weights keep their sum). The text score is then blended with what the query's best
    first-pass matches say of each candidate — its cosine to the centroid of the best
    ``seeds`` (``topic``) and the likeness of its wording to the best one's (``likeness``) —
    and finally with the structured features (``structured`` of the score: added, or — with
    ``structured_scales`` — as a factor of ``1 - structured`` to 1 on the text score, so that
    a strong prior such as 成熟度 cannot lift a weak text match over a strong one).
    """

    lexical: float = 0.5
    semantic: float = 0.5
    title_lexical: float = 0.0
    title_semantic: float = 0.0
    item_semantic: float = 0.0  # a person's best listed work (:func:`indexer.documents.item_texts`)
    phrase: float = 0.7
    keyword_semantic: float | None = 0.4
    topic: float = 0.15
    likeness: float = 0.5
    structured: float = 0.25
    seeds: int = 3
    structured_scales: bool = False  # the structured mean scales the text score instead of adding to it
    # the body channels' reciprocal-rank fusion beside the strengths (1 when first in both),
    # each channel's ranks with their own weight; the signal weighs their mean
    lexical_ranks: float = 0.0
    semantic_ranks: float = 0.0
    # its constant: 60 in a fusion of whole ranked lists, where depth matters; beside the
    # strengths, which already say how good a candidate is, the ranks should say which
    # candidate each channel puts first — a small constant makes rank 1 count (1 : 0.6 : 0.43
    # for ranks 1, 2, 3 at k = 0.5) where at 60 every one of the first ten counts almost alike
    rank_k: float = 60.0
    # A short query's words are weak evidence: sharing one of its two or three words (工程师,
    # 销售) says little, while a record that shares many words of a long need is very likely on
    # it. The lexical channel's rank credit (and, with ``short_lexical``, its strength) counts
    # from nothing at ``short_query[0]`` characters of the cleaned query to fully at
    # ``short_query[1]``; (0, 0): always fully.
    short_query: tuple[int, int] = (0, 0)
    short_lexical: bool = False
    # the share of the body's semantic weight a stand-in's cosine gets while the record's own
    # vector is pending: measured with every record pending on four dev sets against words
    # alone — 0.25 helps short queries (csco-alias +0.044, jobs-taxonomy +0.005) and costs
    # csl-need-title 0.014; a full share costs it 0.071 (the static table reads long needs poorly)
    standin: float = 0.25
    # Two-sided matches (a post and a student): the share of the score the two body channels'
    # plain reciprocal-rank fusion takes (constant ``two_sided_k``; 1 when both put the
    # candidate first) beside the two sides' fit (:func:`matcher.engine._two_sided`)
    two_sided_channels: float = 0.0
    two_sided_k: float = 60.0

    def label(self) -> str:
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


# Chosen by leave-one-set-out on the eleven dev sets (chanjiao eval --explore), each set's floor
# the best of BM25-only, semantic-only and their plain RRF. What moved most: the lexical
# channel counts by the query's length — nothing below 4 characters of the cleaned query, fully
# from 20 — so a short query sharing one generic word with a record (工程师, 销售, 经理) no longer
# lifts it over what its meaning finds (csco-alias: another name of an occupation), while a long
# need's word matches get a stronger rank credit than before (lexical 0.5 against semantic 0.25,
# constant 4). Worst left-out margin −0.0032 (was −0.0528 before the length counted).
# A person's best listed work (``item_semantic``) was added later and chosen the same way: it
# acts only on people who list works (the two person sets; every other set's records list none,
# so their margins do not move). Left out, person-expert gets 0.9 (chosen on person-two-pools):
# 0.1694 against 0.1629 without it; person-two-pools gets 0.9 (chosen on person-expert): 0.1677
# against 0.1623.
# The two-sided share was chosen the same way on the two two-sided sets (jobs-talent, talent-jobs),
# the one-sided weights fixed: each, left out, gets a share and constant that put it above plain
# RRF with an interval above zero (see the README).
# Since then, worst margins within 0.002 count as tied and the weights in use stay when tied
# (``fusion.choose``): re-run on the eleven sets, every fold keeps these weights, worst left-out
# margin +0.0018.
WEIGHTS = Weights(lexical=0.65, semantic=0.5, title_lexical=0.0, title_semantic=0.45, item_semantic=0.9, topic=0.3,
                  likeness=0.0, lexical_ranks=0.5, semantic_ranks=0.25, rank_k=4.0, short_query=(4, 20),
                  short_lexical=True, two_sided_channels=0.2, two_sided_k=100.0)
# Kept for the names the rest of the code reads.
SEMANTIC_WEIGHT = WEIGHTS.semantic
KEYWORD_SEMANTIC_WEIGHT = WEIGHTS.keyword_semantic
PHRASE_WEIGHT = WEIGHTS.phrase
NEIGHBOUR_SEEDS = WEIGHTS.seeds
NEIGHBOUR_WEIGHT = WEIGHTS.topic
LIKENESS_WEIGHT = WEIGHTS.likeness
LIKENESS_FULL = 0.5  # the tf-idf cosine near-duplicates reach; most candidates sit under 0.1
TEXT_WEIGHT = 1 - WEIGHTS.structured


# A candidate that shares no word with the query counts only when its meaning is close enough:
# a query with nothing in the pools (「qwertyzx」) meets every record at about the calibrated
# "unrelated" level (e5: cosines of 0.79–0.80 against CSL abstracts), while relevant records
# found by meaning alone sit well above it (e5: the 5th percentile of 0.834 on csl-title).
SEMANTIC_FLOOR = 0.05


# When no record of the pool has a word of the query, meaning alone must go further above
# "unrelated" to count: 「qwertyzx」 or 「machine vision」 against Chinese records reach 0.05–0.13
# by chance, while an occupation's other name found only by meaning (「传菜员」, 「Hadoop」 on
# csco-alias) sits well above.
NO_WORDS_FLOOR = 0.15


def semantic_floor(result: Any) -> float | None:
    """The meaning a hit of ``result`` (one pool's search) needs to be shown without a word of
    the query: :data:`SEMANTIC_FLOOR`, or :data:`NO_WORDS_FLOOR` when no hit has any of its
    words; None when the query has no word to look for at all (「的 了 和」, punctuation,
    emoji) — an empty state, not the records nearest to nothing."""
    if not result.query_terms:
        return None
    if any(h.lexical > 0 or h.title_lexical > 0 for h in result.hits):
        return SEMANTIC_FLOOR
    return NO_WORDS_FLOOR


def worth_showing(hit: Any, backend: str, floor: float = SEMANTIC_FLOOR) -> bool:
    """Whether a retrieved hit is evidence of anything: a word of the query in its body or
    title, or a body or title meaning above ``floor`` (:func:`semantic_floor`)."""
    if hit.lexical > 0 or hit.title_lexical > 0:
        return True
    strengths = (semantic_strength(hit.semantic, body_backend(hit, backend)),
                 semantic_strength(hit.title_semantic, backend, title=True),
                 semantic_strength(getattr(hit, "item_semantic", None), backend, title=True))
    return any(s is not None and s > floor for s in strengths)


# The model of a stand-in vector, whose cosines have their own calibration.
STANDIN_BACKEND = "static"


def body_backend(hit: Any, backend: str) -> str:
    """The model whose cosine a hit's body semantic is: the index's, or the stand-in's while
    the record waits for its own vector."""
    return STANDIN_BACKEND if getattr(hit, "standin", False) else backend


def clip01(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def lexical_strength(bm25: float, ceiling: float) -> float:
    return clip01(bm25 / ceiling) if ceiling > 0 else 0.0


def semantic_strength(cosine: float | None, backend: str, title: bool = False) -> float | None:
    """A cosine on 0–1 between the backend's "unrelated" and "same topic" levels (``title``:
    the levels of the title channel)."""
    if cosine is None:
        return None
    cal = calibration_of(backend, title)
    return clip01((cosine - cal.unrelated) / (cal.same_topic - cal.unrelated))


def weighted(parts: Iterable[tuple[float, float | None]]) -> float:
    """Σ w·x / Σ w over the signals present (x None: the candidate lacks that one); 0 if none."""
    present = [(w, x) for w, x in parts if w > 0 and x is not None]
    total = sum(w for w, _ in present)
    return sum(w * x for w, x in present) / total if total > 0 else 0.0


def text_score(lexical: float, semantic: float | None, semantic_weight: float = SEMANTIC_WEIGHT) -> float:
    """Body-only fusion with one semantic weight (the semantic side weighs ``semantic_weight``,
    the lexical side the rest); while a record's vector is pending, the lexical strength alone."""
    return weighted([(1 - semantic_weight, lexical), (semantic_weight, semantic)])


@dataclass(frozen=True)
class Strengths:
    """What one retrieved candidate's channels say, each on 0–1, and their fused text score."""

    lexical: float  # the body's BM25 strength (a keyword query: with its keywords found whole)
    semantic: float | None  # None while the body's vector is pending
    title_lexical: float
    title_semantic: float | None  # None without a title vector
    text: float
    ranks: float = 0.0  # :func:`rank_strength` of its channel ranks, as the query weighs them
    item_semantic: float | None = None  # its best listed work, calibrated as a title; None without works


def strengths(hit: Any, lexical_ceiling: float, title_ceiling: float, backend: str, phrase: float | None = None,
              weights: Weights = WEIGHTS, trust: float = 1.0) -> Strengths:
    """The strengths of a hit (:class:`indexer.search.Hit`) and its fused text score;
    ``phrase``: for a keyword query, the share of its keywords the record contains verbatim;
    ``trust``: :func:`lexical_trust` of the query."""
    lexical = lexical_strength(hit.lexical, lexical_ceiling)
    lexical_weight, semantic_weight = weights.lexical, weights.semantic
    if phrase is not None:
        lexical = (1 - weights.phrase) * lexical + weights.phrase * phrase
        if weights.keyword_semantic is not None:
            lexical_weight = weights.lexical + weights.semantic - weights.keyword_semantic
            semantic_weight = weights.keyword_semantic
    semantic = semantic_strength(hit.semantic, body_backend(hit, backend))
    if getattr(hit, "standin", False):
        semantic_weight *= weights.standin
    title_lexical = lexical_strength(hit.title_lexical, title_ceiling)
    title_semantic = semantic_strength(hit.title_semantic, backend, title=True)
    item_semantic = semantic_strength(getattr(hit, "item_semantic", None), backend, title=True)
    lexical_ranks, semantic_ranks = weights.lexical_ranks * trust, weights.semantic_ranks
    ranks = rank_strength(hit.lexical_rank, hit.semantic_rank, weights.rank_k, lexical_ranks, semantic_ranks)
    if weights.short_lexical:
        lexical_weight *= trust
    text = weighted([(lexical_weight, lexical), (semantic_weight, semantic), (weights.title_lexical, title_lexical),
                     (weights.title_semantic, title_semantic), (weights.item_semantic, item_semantic),
                     ((lexical_ranks + semantic_ranks) / 2, ranks)])
    return Strengths(lexical, semantic, title_lexical, title_semantic, text, ranks, item_semantic)


def lexical_trust(query_length: int, weights: Weights = WEIGHTS) -> float:
    """How much the lexical channel's rank credit counts for a cleaned query of this many
    characters, on 0–1 (see :attr:`Weights.short_query`)."""
    low, high = weights.short_query
    return 1.0 if high <= low else clip01((query_length - low) / (high - low))


RRF_K = 60


def rank_strength(lexical_rank: int | None, semantic_rank: int | None, k: float = WEIGHTS.rank_k,
                  lexical_weight: float = 1.0, semantic_weight: float = 1.0) -> float:
    """The weighted reciprocal-rank fusion of a candidate's two channel ranks (1-based; None or
    0 outside a channel's list) on 0–1: 1 when it is first in every channel that counts."""
    total = lexical_weight + semantic_weight
    if total <= 0:
        return 0.0
    fused = lexical_weight * rrf([lexical_rank or None], k) + semantic_weight * rrf([semantic_rank or None], k)
    return fused / (total * rrf([1], k))


def likeness_strength(cosine: float) -> float:
    """A tf-idf cosine to the best match on 0–1: full at ``LIKENESS_FULL``."""
    return clip01(cosine / LIKENESS_FULL)


def with_neighbours(text: float, topic: float | None, likeness: float | None = None,
                    weight: float = NEIGHBOUR_WEIGHT, likeness_weight: float = LIKENESS_WEIGHT) -> float:
    """The text score blended with the neighbourhood: ``topic``, a calibrated cosine to the
    centroid of the best matches (None while the candidate's vector is pending), and
    ``likeness``, the strength of its wording's likeness to the best match's (None: no
    neighbourhood)."""
    total, weights = text, 1.0
    if topic is not None:
        total, weights = total + weight * topic, weights + weight
    if likeness is not None:
        total, weights = total + likeness_weight * likeness, weights + likeness_weight
    return total / weights


def structured_mean(features: Iterable[tuple[float | None, float]]) -> float | None:
    """The weighted mean of the applicable features (value, weight); None when none applies."""
    applicable = [(v, w) for v, w in features if v is not None and w > 0]
    if not applicable:
        return None
    return sum(v * w for v, w in applicable) / sum(w for _, w in applicable)


def blend(text: float, structured: float | None, text_weight: float = TEXT_WEIGHT,
          scales: bool = WEIGHTS.structured_scales) -> float:
    """The text score with the structured mean (added with ``1 - text_weight``, or scaling it:
    see :class:`Weights`); with no applicable feature, the text score."""
    if structured is None:
        return text
    if scales:
        return text * (text_weight + (1 - text_weight) * structured)
    return text_weight * text + (1 - text_weight) * structured


def rrf(ranks: list[int | None], k: float = RRF_K) -> float:
    """Reciprocal rank fusion, for comparison in evaluation."""
    return sum(1.0 / (k + r) for r in ranks if r is not None)
