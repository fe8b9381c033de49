"""The one ranking path every direction (and ``chanjiao eval``) goes through.

retrieve (BM25 + vectors, hard filters applied inside the index) → load records → drop what a
recipe's hard filter refuses → score features → fuse → blend in what the best few say of each
candidate (their topic, the best one's wording: the neighbourhood) → 0–100 → explain → sort by
``(-score, pool, id)``, so equal scores always come out in the same order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Viewer
from data.models import MODELS, PoolRecord
from data.pools import Pool
from indexer.context import IndexContext
from indexer.documents import item_texts
from indexer.search import Filters, Hit, SearchResult, centroid, likeness, search, similarity_to, term_weights
from matcher import features as fx
from matcher.query import Facets, MatchQuery, facets_of
from matcher.scoring import (
    NEIGHBOUR_SEEDS,
    blend,
    WEIGHTS,
    lexical_strength,
    lexical_trust,
    likeness_strength,
    rank_strength,
    semantic_floor,
    semantic_strength,
    strengths,
    structured_mean,
    with_neighbours,
    worth_showing,
)

CANDIDATES = 100  # retrieved per pool and channel, unless a direction asks for more
# When a signal is said as a reason (a reason says why a candidate fits, never where it falls short):
FIT_SAID = 0.5  # a structured feature fits at least this well
CLOSE_SAID = 0.5  # a calibrated meaning (the body's, the title's, the topic's) is at least this close
# Two-sided matches: the weight of the text score among the student's wishes (city 1, dates 1,
# role 0.7: :mod:`matcher.directions.two_sided`).
WISHED_BY_MEANING = 1.0
# ... and the share of the two body channels' plain reciprocal-rank fusion beside the two sides'
# fit (``Weights.two_sided_channels``): there the text score is one part of each side, beside
# wishes and requirements, and a candidate only one channel ranks high could pass one both rank
# high (measured on jobs-talent and talent-jobs; see the README).
TWO_SIDED_CHANNELS, TWO_SIDED_K = WEIGHTS.two_sided_channels, WEIGHTS.two_sided_k
LIKENESS_SAID = 0.2  # the likeness to the best match from which its shared words are a reason
TOPIC_SAID_SHARE = 0.25  # the share of the candidates, closest to the best matches' topic first, told so


@dataclass
class Feature:
    """One structured feature of a candidate: value in [0, 1] (None: does not apply)."""

    label: str  # Chinese, shown in the score bar
    value: float | None
    weight: float
    reason: str = ""  # Chinese sentence when it applies
    side: str = ""  # two-sided matches: "post" (the post's requirements) or "student" (their wishes)
    # A condition rather than a fit (a person's time, a 成果's maturity): it scales the score —
    # at 0 by ``1 - weight``, at 1 not at all — instead of joining the structured mean, so that
    # records that state it are not lifted over records that do not (a pool that always states
    # it over one that may not; a mature but unrelated 成果 over a related one).
    condition: bool = False
    noted: bool = False  # a condition below 1 is said as a note (ranked down), not as a reason


@dataclass
class Match:
    pool: Pool
    id: int
    name: str
    score: float  # 0–100, comparable across queries
    parts: dict[str, float]  # label → 0–100
    matched_terms: list[str]
    passed: list[str]  # hard filters passed, in Chinese
    reasons: list[str]
    notes: list[str] = field(default_factory=list)  # e.g. ranked down for load
    org_id: int | None = None
    org_name: str | None = None
    detail: dict[str, float] = field(default_factory=dict)  # raw scores for evaluation


def index_filters(viewer: Viewer, base: Filters) -> tuple[Filters, list[str]]:
    """The index filter for what ``viewer`` may see (``data.access``), and its 「可见范围」 note."""
    if viewer.staff:
        return base, ["秘书处可见全部记录"]
    levels = viewer.levels()
    own = {viewer.org_id} if viewer.org_id is not None else set()
    passed = ["可见范围：" + "、".join(v.label for v in levels) + ("、本单位" if own else "")]
    return replace(base, visibility={v.value for v in levels}, own_org_ids=own), passed


FeatureFn = Callable[[MatchQuery, PoolRecord, Facets], list[Feature]]
GateFn = Callable[[MatchQuery, PoolRecord, dt.date], str | None]  # a reason to drop, or None
AdjustFn = Callable[[Session, list[Match]], None]


@dataclass
class PoolPlan:
    """How one pool is searched for a direction."""

    pool: Pool
    features: FeatureFn
    gate: GateFn | None = None
    filters: Filters = field(default_factory=Filters)
    passed: tuple[str, ...] = ()


def retrieve(ctx: IndexContext, pool: Pool, query: MatchQuery, filters: Filters, candidates: int) -> SearchResult:
    return search(pool, query.text, candidates, filters, mode="hybrid", ctx=ctx, semantic_text=query.semantic,
                  semantic_kind=query.semantic_kind)


def load_records(session: Session, pool: Pool, ids: Sequence[int]) -> dict[int, PoolRecord]:
    model = MODELS[pool]
    return {r.id: r for r in session.scalars(select(model).where(model.id.in_(list(ids))))} if ids else {}


@dataclass
class _Candidate:
    """A retrieved record that passed its plan's gate, assessed once."""

    plan: PoolPlan
    hit: Hit
    record: PoolRecord
    passed: list[str]
    lexical: float
    semantic: float | None
    text: float
    features: list[Feature]
    facets: Facets
    keywords: list[str]  # the query's keywords found verbatim
    phrase: float | None
    ceiling: float
    title_ceiling: float
    title_lexical: float = 0.0
    title_semantic: float | None = None
    ranks: float = 0.0  # the channel ranks' strength, as the query weighs them
    item_semantic: float | None = None  # a person's best listed work; None without works
    structured: float | None = field(init=False)  # the mean of the applicable one-sided features
    condition: float = field(init=False)  # the factor of the condition features (1: none holds it back)
    two_sided: bool = field(init=False)
    channels: float = field(init=False)  # the two channels' plain RRF on 0–1 (two-sided matches)
    first: float = field(init=False)  # the score before the neighbourhood blend, which picks its seeds

    def __post_init__(self) -> None:
        self.structured = structured_mean((f.value, f.weight) for f in self.features if not f.side and not f.condition)
        self.condition = math.prod(condition_factor(f.value, f.weight) for f in self.features if f.condition)
        self.two_sided = any(f.side for f in self.features)
        self.channels = rank_strength(self.hit.lexical_rank, self.hit.semantic_rank, TWO_SIDED_K)
        self.first = self.score(self.text, {})

    def score(self, text: float, parts: dict[str, float]) -> float:
        """The 0–1 score for a text score (two-sided: fills in both sides' parts)."""
        if self.two_sided:
            return _two_sided(text, self.features, parts, self.channels)
        return blend(text, self.structured) * self.condition


def rank(session: Session, ctx: IndexContext, query: MatchQuery, plans: Sequence[PoolPlan], *,
         viewer: Viewer | None = None, k: int = 10, candidates: int = CANDIDATES,
         today: dt.date | None = None, adjust: AdjustFn | None = None) -> list[Match]:
    """Rank candidates from each plan's pool for ``query``; the top ``k`` overall."""
    today = today or dt.date.today()
    viewer = viewer or Viewer(staff=True)
    segments = query_keywords(query)
    trust = lexical_trust(len(query.text))
    found: list[_Candidate] = []
    retrieved = []
    for plan in plans:
        filters, visible = index_filters(viewer, plan.filters)
        result = retrieve(ctx, plan.pool, query, filters, candidates)
        floor = semantic_floor(result)
        if floor is not None:  # None: nothing to look for, an empty state
            retrieved.append((plan, visible, result, floor))
    if len(retrieved) > 1:
        one_list([result for _, _, result, _ in retrieved])
    for plan, visible, result, floor in retrieved:
        records = load_records(session, plan.pool, [h.id for h in result.hits])
        for hit in result.hits:
            record = records.get(hit.id)
            if record is None:
                continue  # deleted since it was indexed
            if plan.gate is not None and plan.gate(query, record, today) is not None:
                continue
            if not worth_showing(hit, ctx.embedder.backend, floor):
                continue
            found.append(assess(ctx, plan, query, segments, hit, result, record, [*plan.passed, *visible], trust))
    near = neighbourhood(ctx, found)
    matches = [to_match(c, near) for c in found]
    if adjust is not None:
        adjust(session, matches)
    matches.sort(key=lambda m: (-round(m.score, 6), m.pool.value, m.id))
    return matches[:k]


def one_list(results: Sequence[SearchResult]) -> None:
    """Rank each body channel's hits of several pools as one list, in place: a direction that
    asks several pools at once (need → experts: 专家库 and 师资库) ranks their candidates
    together, and a candidate's channel rank must not depend on the pool it is in — each
    pool's first would otherwise earn the first place's rank credit. The order is the one the
    score compares them by: BM25 over its pool's ceiling, and the cosine."""
    lexical = sorted(((h.lexical / r.lexical_ceiling if r.lexical_ceiling > 0 else 0.0, h.lexical_rank, n, i)
                      for n, r in enumerate(results) for i, h in enumerate(r.hits) if h.lexical_rank),
                     key=lambda x: (-x[0], x[1], x[2]))
    semantic = sorted(((h.semantic, h.semantic_rank, n, i)
                       for n, r in enumerate(results) for i, h in enumerate(r.hits)
                       if h.semantic_rank and h.semantic is not None),
                      key=lambda x: (-x[0], x[1], x[2]))
    for rank_, (_, _, n, i) in enumerate(lexical, start=1):
        results[n].hits[i] = replace(results[n].hits[i], lexical_rank=rank_)
    for rank_, (_, _, n, i) in enumerate(semantic, start=1):
        results[n].hits[i] = replace(results[n].hits[i], semantic_rank=rank_)


def assess(ctx: IndexContext, plan: PoolPlan, query: MatchQuery, segments: list[str], hit: Hit, result: SearchResult,
           record: PoolRecord, passed: list[str], trust: float = 1.0) -> _Candidate:
    """Score one candidate before the neighbourhood; ``segments``: the query's keywords;
    ``trust``: :func:`lexical_trust` of the query."""
    facets = facets_of(record)
    keywords, phrase = keyword_share(segments, record, facets)
    found = strengths(hit, result.lexical_ceiling, result.title_ceiling, ctx.embedder.backend, phrase, trust=trust)
    return _Candidate(plan, hit, record, passed, found.lexical, found.semantic, found.text,
                      plan.features(query, record, facets), facets, keywords, phrase, result.lexical_ceiling,
                      result.title_ceiling, found.title_lexical, found.title_semantic, found.ranks, found.item_semantic)


Key = tuple[Pool, int]


@dataclass
class Neighbourhood:
    """What the best first-pass matches say about every candidate."""

    topic: dict[Key, float] = field(default_factory=dict)  # calibrated cosine to the seeds' centroid
    likeness: dict[Key, tuple[float, list[str]]] = field(default_factory=dict)  # to the best match's wording: strength, shared terms
    seeds: set[Key] = field(default_factory=set)
    best: str = ""  # the best match's name, for the reasons
    topic_said: float = 1.0  # the topic closeness from which it is a reason (see :func:`neighbourhood`)


def neighbourhood(ctx: IndexContext, found: Sequence[_Candidate]) -> Neighbourhood:
    """The centroid of the best ``NEIGHBOUR_SEEDS`` first-pass candidates that have a vector,
    and the best one's wording, measured on every candidate. None while the best few are most
    of the candidates (they would tell no topic apart and lift all alike)."""
    if len(found) <= 2 * NEIGHBOUR_SEEDS:
        return Neighbourhood()
    ranked = sorted(found, key=lambda c: (-round(c.first, 6), c.plan.pool.value, c.hit.id))
    best = ranked[0]
    near = Neighbourhood(seeds={(best.plan.pool, best.hit.id)}, best=best.record.name)
    indexes = {pool: ctx.load(pool) for pool in dict.fromkeys(c.plan.pool for c in found)}
    # the best match's wording is read only when its likeness counts
    wording = term_weights(indexes[best.plan.pool], best.hit.id) if WEIGHTS.likeness > 0 else {}
    vectored = [c for c in ranked if c.semantic is not None]
    seeds = vectored[:NEIGHBOUR_SEEDS]
    # the topic is measured only when it counts (a centroid and a cosine per candidate)
    center = centroid([(indexes[c.plan.pool], c.hit.id) for c in seeds]) \
        if WEIGHTS.topic > 0 and len(vectored) > 2 * NEIGHBOUR_SEEDS else None
    if center is not None:
        near.seeds.update((c.plan.pool, c.hit.id) for c in seeds)
    for pool, index in indexes.items():
        ids = [c.hit.id for c in found if c.plan.pool is pool]
        if wording:
            near.likeness.update(((pool, i), (likeness_strength(cosine), shared))
                                 for i, (cosine, shared) in zip(ids, likeness(wording, index, ids)))
        if center is not None:
            for record_id, cosine in zip(ids, similarity_to(center, index, ids)):
                strength = semantic_strength(None if np.isnan(cosine) else float(cosine), ctx.embedder.backend)
                if strength is not None:
                    near.topic[(pool, record_id)] = strength
    # The centroid of a few vectors is closer to most records than one record is to another:
    # for a query with weak words nearly every candidate is "close to the topic". It is said as
    # a reason only of the candidates closest to it (the top ``TOPIC_SAID_SHARE`` of those that
    # are not seeds), and never below ``CLOSE_SAID``.
    others = [strength for key, strength in near.topic.items() if key not in near.seeds]
    if others:
        near.topic_said = max(CLOSE_SAID, float(np.quantile(others, 1 - TOPIC_SAID_SHARE)))
    # The best match is worded exactly like itself; on that scale it would tower over every
    # other. It counts as alike as the closest other candidate is to it.
    key = (best.plan.pool, best.hit.id)
    others = [strength for k, (strength, _) in near.likeness.items() if k != key]
    if key in near.likeness and others:
        near.likeness[key] = (max(others), [])
    return near


def to_match(c: _Candidate, near: Neighbourhood) -> Match:
    """The scored, explained match; a seed of the neighbourhood gets no reason from it (it
    would only say that it resembles itself)."""
    key = (c.plan.pool, c.hit.id)
    neighbour = near.topic.get(key)
    alike, shared = near.likeness.get(key, (None, []))
    text = with_neighbours(c.text, neighbour, alike)
    parts = {"文本相关": 100 * c.lexical}
    score = c.score(text, parts)
    if c.semantic is not None:
        parts["语义相近"] = 100 * c.semantic
    if WEIGHTS.title_lexical > 0 and c.title_lexical > 0:
        parts["名称相关"] = 100 * c.title_lexical
    if WEIGHTS.title_semantic > 0 and c.title_semantic is not None:
        parts["名称相近"] = 100 * c.title_semantic
    if WEIGHTS.item_semantic > 0 and c.item_semantic is not None:
        parts["代表作相近"] = 100 * c.item_semantic
    if neighbour is not None:
        parts["主题相近"] = 100 * neighbour
    if WEIGHTS.lexical_ranks + WEIGHTS.semantic_ranks > 0 and not c.two_sided:  # two-sided: 「检索排名」 says it
        parts["两路检索名次"] = 100 * c.ranks
    if alike is not None:
        parts["关联词"] = 100 * alike
    reasons = []
    if c.keywords:
        reasons.append("完整出现的关键词：" + "、".join(c.keywords[:8]))
    if c.hit.matched_terms:
        reasons.append("命中关键词：" + "、".join(c.hit.matched_terms[:8]))
    if c.semantic is not None and c.semantic >= CLOSE_SAID:
        reasons.append(f"内容语义相近（{100 * c.semantic:.0f}/100）" + ("，为快速估计：精确语义向量计算中" if c.hit.standin else ""))
    elif c.semantic is None:
        reasons.append("语义向量计算中，暂按文本相关排序")
    elif c.hit.standin:
        reasons.append("精确语义向量计算中，暂按快速估计的语义排序")
    if WEIGHTS.title_semantic > 0 and c.title_semantic is not None and c.title_semantic >= CLOSE_SAID:
        reasons.append(f"名称与所需内容相近（{100 * c.title_semantic:.0f}/100）")
    work = _best_work(c)
    if work:
        reasons.append(f"代表作「{work}」与所需内容相近（{100 * (c.item_semantic or 0):.0f}/100）")
    seed = key in near.seeds
    if neighbour is not None and neighbour >= near.topic_said and not seed:
        reasons.append(f"与本次最匹配的几条结果主题相近（{100 * neighbour:.0f}/100）")
    # words the query did not already bring, each once: 深度学习, not also 深度 (nor 神经网 beside
    # the query's 神经网络)
    extra = [t for t in shared if not any(t in u for u in c.hit.matched_terms)]
    extra = [t for t in extra if not any(t != u and t in u for u in extra)]
    if extra and alike is not None and alike >= LIKENESS_SAID and not seed:
        reasons.append(f"与本次最匹配的「{near.best}」用词相近，都提到：" + "、".join(extra[:6]))
    notes = []
    for f in c.features:
        if f.value is not None:
            parts[f.label] = 100 * f.value
            if f.noted and f.value < 1:
                notes.append(f"{f.reason}，已降低排序")
            elif f.reason and f.value >= FIT_SAID:
                reasons.append(f.reason)
    record, hit = c.record, c.hit
    owner = getattr(record, "owner_org", None)
    return Match(c.plan.pool, record.id, record.name, 100 * score, parts, hit.matched_terms, list(c.passed), reasons,
                 notes, org_id=c.facets.org_id, org_name=getattr(owner, "name", None),
                 detail={"lexical": hit.lexical, "semantic": -1.0 if hit.semantic is None else hit.semantic,
                         "text": c.text, "lexical_strength": lexical_strength(hit.lexical, c.ceiling), "ceiling": c.ceiling,
                         "lexical_rank": float(hit.lexical_rank or 0), "semantic_rank": float(hit.semantic_rank or 0),
                         "structured": -1.0 if c.structured is None else c.structured,
                         "condition": c.condition,
                         "phrase": -1.0 if c.phrase is None else c.phrase,
                         "title_lexical": hit.title_lexical, "title_ceiling": c.title_ceiling,
                         "title_semantic": -1.0 if hit.title_semantic is None else hit.title_semantic,
                         "title_lexical_rank": float(hit.title_lexical_rank or 0),
                         "title_semantic_rank": float(hit.title_semantic_rank or 0),
                         "item_semantic": -1.0 if hit.item_semantic is None else hit.item_semantic,
                         "item_semantic_rank": float(hit.item_semantic_rank or 0),
                         "neighbour": -1.0 if neighbour is None else neighbour,
                         "likeness": -1.0 if alike is None else alike, **_sides_detail(c)})


def _sides_detail(c: _Candidate) -> dict[str, float]:
    """A two-sided match's structured parts (:func:`sides`), for evaluation; none for one-sided."""
    if not c.two_sided:
        return {}
    required, wished, wish_weight = sides(c.features)
    return {"post_required": -1.0 if required is None else required, "student_wished": wished,
            "student_wish_weight": wish_weight}


def _best_work(c: _Candidate) -> str:
    """The listed work of a person that is said as a reason: their nearest one, when it counts
    and is close ("" otherwise)."""
    if WEIGHTS.item_semantic <= 0 or c.item_semantic is None or c.item_semantic < CLOSE_SAID or c.hit.item_best is None:
        return ""
    works = item_texts(c.plan.pool, c.record)
    return works[c.hit.item_best] if c.hit.item_best < len(works) else ""


def query_keywords(query: MatchQuery) -> list[str]:
    """The keywords of a free-text query typed as a keyword list; a stored record asks with
    none (its skills are a tag feature)."""
    return fx.query_segments(query.text) if query.source is None and query.semantic_kind == "query" else []


def keyword_share(segments: list[str], record: PoolRecord, facets: Facets | None = None) -> tuple[list[str], float | None]:
    """The keywords found verbatim in a record's name, description or tags, and their share of
    all (None without keywords)."""
    if not segments:
        return [], None
    tags = (facets or facets_of(record)).tags
    found = fx.keywords_found(segments, " ".join([record.name, record.description or "", *tags]))
    return found, len(found) / len(segments)


def condition_factor(value: float | None, weight: float) -> float:
    """What a condition feature's value (None: not stated) makes of the score: ``weight`` is
    the share it takes off at 0."""
    return 1.0 if value is None else 1.0 - weight * (1.0 - value)


def sides(features: Sequence[Feature]) -> tuple[float | None, float, float]:
    """A two-sided match's structured parts: the mean of what the post requires (None: nothing
    applies), and the student's applicable wishes as Σ weight × value and Σ weight."""
    required = structured_mean((f.value, f.weight) for f in features if f.side == "post")
    wishes = [(f.value, f.weight) for f in features if f.side == "student" and f.value is not None]
    return required, sum(w * v for v, w in wishes), sum(w for _, w in wishes)


def _two_sided(text: float, features: list[Feature], parts: dict[str, float], channels: float) -> float:
    """Both sides must fit: the geometric mean of the post's fit and the student's fit (beside
    the channels' ranks, below). The
    student's fit is their wishes (city, dates, role) beside how close the post is in meaning
    to what they study and want to do (the text score): a role wish compared by its characters
    alone misses 「数控车工」 for 「数控车床操作员」 and cannot tell a near job from a far one.
    ``channels`` (where the words and the meaning rank the candidate) takes
    :data:`TWO_SIDED_CHANNELS` of the score."""
    assert not any(f.condition for f in features), "a two-sided match has no condition features"
    required, wished, wish_weight = sides(features)
    post = blend(text, required)
    student = (wished + WISHED_BY_MEANING * text) / (wish_weight + WISHED_BY_MEANING)
    parts["岗位要求"], parts["学生意愿"], parts["检索排名"] = 100 * post, 100 * student, 100 * channels
    return (1 - TWO_SIDED_CHANNELS) * (post * student) ** 0.5 + TWO_SIDED_CHANNELS * channels
