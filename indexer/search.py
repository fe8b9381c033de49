"""Search a pool by exact term and by meaning; scores are returned separately for the matcher.

``search(pool, text, k, filters)`` returns up to ``k`` candidates from each channel (BM25 and
vectors), each with its BM25 score, its cosine similarity (None while the record's vector is
not yet computed) and the query terms it contains. Filters are applied before ranking, so a
record the asker may not see never takes a place, a count or a term.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from data.pools import Pool
from indexer.context import IndexContext, get_context
from indexer.lexical import top_rows
from indexer.store import PoolIndex, item_ids, record_of_item
from indexer.vectors import VectorIndex


# A term in more than this share of a pool's documents explains nothing (judged once a pool
# has enough documents to tell).
MAX_EXPLAINING_SHARE = 0.25
MIN_DOCS_FOR_SHARE = 20


@dataclass(frozen=True)
class Filters:
    """Hard filters on indexed documents; ``None`` means no restriction."""

    fields: Collection[str] | None = None
    region_prefix: str | None = None  # a region code prefix: "44" 广东, "4401" 广州
    visibility: Collection[str] | None = None
    owner_org_ids: Collection[int] | None = None  # only these organizations' records
    exclude_owner_org_ids: Collection[int] = ()
    exclude_ids: Collection[int] = ()
    own_org_ids: Collection[int] = ()  # these organizations' records stay visible at every level

    def mask(self, index: PoolIndex) -> np.ndarray | None:
        if self == Filters():
            return None
        mask = np.ones(len(index.docs), dtype=bool)
        if self.fields is not None:
            mask &= np.isin(index.column("field"), list(self.fields))
        if self.region_prefix:
            mask &= np.array([(r or "").startswith(self.region_prefix) for r in index.column("region_code")], bool)
        if self.visibility is not None:
            allowed = np.isin(index.column("visibility"), list(self.visibility))
            if self.own_org_ids:
                allowed |= np.isin(index.column("owner_org_id"), list(self.own_org_ids))
            mask &= allowed
        if self.owner_org_ids is not None:
            mask &= np.isin(index.column("owner_org_id"), list(self.owner_org_ids))
        if self.exclude_owner_org_ids:
            mask &= ~np.isin(index.column("owner_org_id"), list(self.exclude_owner_org_ids))
        if self.exclude_ids:
            mask &= ~np.isin(index.ids, list(self.exclude_ids))
        return mask


@dataclass
class Hit:
    id: int
    lexical: float  # BM25 score of the body, 0 when no query term occurs
    semantic: float | None  # cosine similarity of the body; None while the vector is pending
    matched_terms: list[str] = field(default_factory=list)
    lexical_rank: int | None = None  # 1-based rank in its channel, None if outside the top k
    semantic_rank: int | None = None
    title_lexical: float = 0.0  # BM25 score of the title field
    title_semantic: float | None = None  # cosine similarity of the title; None without one
    title_lexical_rank: int | None = None
    title_semantic_rank: int | None = None
    # a person's listed works (:func:`indexer.documents.item_texts`): the best one's cosine and
    # position; None for a record that lists none
    item_semantic: float | None = None
    item_semantic_rank: int | None = None
    item_best: int | None = None
    # ``semantic`` is a stand-in's cosine (the fast static model's, on its own scale) while the
    # body's own vector is being computed
    standin: bool = False


@dataclass
class SearchResult:
    hits: list[Hit]
    total_lexical: int  # documents matching at least one query term, after filters
    query_terms: list[str]  # analyzed query with synonyms
    lexical_ceiling: float = 0.0  # upper bound of BM25 for the unexpanded query (normalizer)
    title_ceiling: float = 0.0  # the same for the title field


CHANNELS = {"hybrid": ("lexical", "semantic", "title_lexical", "title_semantic", "item_semantic"), "lexical": ("lexical",),
            "semantic": ("semantic",)}


def search(pool: Pool, text: str, k: int = 10, filters: Filters | None = None, *,
           mode: str = "hybrid", ctx: IndexContext | None = None, semantic_text: str | None = None,
           semantic_kind: str = "query") -> SearchResult:
    """Candidates for ``text`` from each channel ``mode`` asks for — BM25 and vectors of the
    body and of the title, and the vectors of a person's listed works (``hybrid``), or one of
    the body's alone (``lexical``,
    ``semantic``) — ordered by their best channel rank, ties by id. Every candidate carries
    every channel's score. ``semantic_text`` (default ``text``) is what gets embedded, as a
    query or — for a stored record — as the passage it already is."""
    ctx = ctx or get_context()
    index = ctx.load(pool)
    channels = CHANNELS[mode]
    original = ctx.analyzer.tokens(text)
    weights = ctx.analyzer.query_weights(text)  # the typed words, the words inside them, synonyms
    terms = list(weights)
    mask = (filters or Filters()).mask(index)
    body = _filtered(index.lexical.scores(terms, weights), mask)
    title = _filtered(index.titles.scores(terms, weights), mask) if "title_lexical" in channels else np.zeros(len(index.docs))
    total = int(((body > 0) | (title > 0)).sum())
    candidates: dict[int, Hit] = {}

    def hit(record_id: int) -> Hit:
        if record_id not in candidates:
            row = index.row_of[record_id]
            candidates[record_id] = Hit(record_id, float(body[row]), None, title_lexical=float(title[row]))
        return candidates[record_id]

    for channel, scores in (("lexical", body), ("title_lexical", title)):
        if channel in channels:
            for rank, row in enumerate(top_rows(scores, k).rows, start=1):
                setattr(hit(int(index.ids[row])), f"{channel}_rank", rank)
    query = None
    per_record = (("semantic", index.vectors), ("title_semantic", index.title_vectors))  # one vector a record
    if any(channel in channels and len(vectors) for channel, vectors in (*per_record, ("item_semantic", index.item_vectors))):
        query = ctx.query_vector(semantic_text or text, semantic_kind)  # None: could not be embedded
    if query is not None:
        for channel, vectors in per_record:
            if channel not in channels or not len(vectors):
                continue
            for rank, (record_id, score) in enumerate(_nearest(index, vectors, query, k, mask), start=1):
                found = hit(record_id)
                setattr(found, channel, score)
                setattr(found, f"{channel}_rank", rank)
        for channel, vectors in per_record:
            if channel not in channels:
                continue
            lacking = [h for h in candidates.values() if getattr(h, channel) is None]
            sims = vectors.scores_for(query, np.array([h.id for h in lacking], dtype=np.int64))
            for found, sim in zip(lacking, sims):
                setattr(found, channel, None if np.isnan(sim) else float(sim))
        if "item_semantic" in channels and len(index.item_vectors):
            _item_channel(index, query, k, mask, hit, candidates)
    if "semantic" in channels and index.standins is not None and len(index.standins):
        _standin_channel(ctx, index, semantic_text or text, semantic_kind, k, mask, hit, candidates)
    idf = {t: index.lexical.idf(t) for t in terms}
    telling = {t for t in terms if explains(index, t)}
    for found in candidates.values():
        # Most telling terms first; words most documents have explain nothing.
        matched = index.lexical.matched_terms(index.row_of[found.id], terms)
        found.matched_terms = sorted((t for t in matched if t in telling), key=lambda t: -idf[t])
    big = 1 << 30
    hits = sorted(candidates.values(), key=lambda h: (min(getattr(h, f"{c}_rank") or big for c in channels), h.id))
    # a typed word no record has still counts in the ceiling (LexicalIndex.max_score's ``unseen``)
    return SearchResult(hits, total, terms, index.lexical.max_score(original, weights, unseen=True),
                        index.titles.max_score(original, weights, unseen=True))


def _standin_channel(ctx: IndexContext, index: PoolIndex, text: str, kind: str, k: int, mask: np.ndarray | None,
                     hit: Callable[[int], Hit], candidates: dict[int, Hit]) -> None:
    """Records still waiting for their body vector, by their stand-in's meaning: the nearest
    ``k`` join the candidates, and every candidate without a body cosine gets its stand-in's
    (``Hit.standin``). They take no rank in the semantic channel, whose scale is another."""
    vectors = index.standins
    query = ctx.standin_query_vector(text, kind)
    if query is None or vectors is None:
        return
    for record_id, _ in _nearest(index, vectors, query, k, mask):
        hit(record_id)
    lacking = [h for h in candidates.values() if h.semantic is None]
    sims = vectors.scores_for(query, np.array([h.id for h in lacking], dtype=np.int64))
    for found, sim in zip(lacking, sims):
        if not np.isnan(sim):
            found.semantic, found.standin = float(sim), True


def _item_channel(index: PoolIndex, query: np.ndarray, k: int, mask: np.ndarray | None,
                  hit: Callable[[int], Hit], candidates: dict[int, Hit]) -> None:
    """The records whose best listed work is nearest the query join the candidates, ranked by
    it; every candidate that lists works gets its best work's cosine and position."""
    fetch = min(len(index.item_vectors), max(8 * k, 400))
    found = index.item_vectors.search(query, fetch)
    ranked: dict[int, None] = {}  # records by their best work, best first
    for item_id in found.ids:
        record_id = record_of_item(int(item_id))
        row = index.row_of.get(record_id)
        if row is None or (mask is not None and not mask[row]) or record_id in ranked:
            continue
        ranked[record_id] = None
        if len(ranked) == k:
            break
    for rank, record_id in enumerate(ranked, start=1):
        hit(record_id).item_semantic_rank = rank
    for found_hit in candidates.values():
        best = best_item(index, query, found_hit.id)
        if best is not None:
            found_hit.item_semantic, found_hit.item_best = best


def best_item(index: PoolIndex, vector: np.ndarray, record_id: int) -> tuple[float, int] | None:
    """The cosine of ``vector`` with the record's nearest listed work, and that work's
    position; None when the record lists none (or their vectors are pending)."""
    row = index.row_of.get(record_id)
    if row is None or not index.docs[row].items:
        return None
    sims = index.item_vectors.scores_for(vector, item_ids(record_id, index.docs[row].items))
    if np.isnan(sims).all():
        return None
    best = int(np.nanargmax(sims))
    return float(sims[best]), best


def _filtered(scores: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    return scores if mask is None else np.where(mask, scores, 0.0)


def _nearest(index: PoolIndex, vectors: VectorIndex, query: np.ndarray, k: int,
             mask: np.ndarray | None) -> list[tuple[int, float]]:
    """The ``k`` nearest indexed records the filters keep, best first."""
    fetch = k if mask is None else min(len(vectors), max(4 * k, 200))
    found = vectors.search(query, fetch)
    out = []
    for record_id, score in zip(found.ids, found.scores):
        row = index.row_of.get(int(record_id))
        if row is None or (mask is not None and not mask[row]):
            continue
        out.append((int(record_id), float(score)))
        if len(out) == k:
            break
    return out


def explains(index: PoolIndex, term: str) -> bool:
    """Whether ``term`` tells a reader something: not in most of the pool's documents (judged
    once the pool has enough documents to tell)."""
    n = len(index.docs)
    return n < MIN_DOCS_FOR_SHARE or index.lexical.df(term) <= MAX_EXPLAINING_SHARE * n


def centroid(seeds: Sequence[tuple[PoolIndex, int]]) -> np.ndarray | None:
    """The normalized mean of the stored vectors of ``seeds`` (an index and a record id in
    it); None when none of them has a vector yet."""
    found = [v for index, record_id in seeds if (v := index.vectors.vector_of(record_id)) is not None]
    if not found:
        return None
    mean = np.mean(found, axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None


def similarity_to(vector: np.ndarray, index: PoolIndex, ids: Sequence[int]) -> np.ndarray:
    """Cosine of ``vector`` with each record's stored vector (NaN while one is pending)."""
    return index.vectors.scores_for(vector, np.asarray(list(ids), dtype=np.int64))


def term_weights(index: PoolIndex, record_id: int) -> dict[str, float]:
    """An indexed record's unit-length tf-idf term weights (empty if it is not indexed)."""
    row = index.row_of.get(record_id)
    return {} if row is None else index.lexical.term_weights(row)


def likeness(anchor: Mapping[str, float], index: PoolIndex, ids: Sequence[int],
             said: int = 12) -> list[tuple[float, list[str]]]:
    """How alike in wording each record in ``ids`` is to ``anchor`` (the term weights of a
    record, of this pool or another): the cosine of their tf-idf term weights (0–1; 0 for a
    record not indexed), and up to ``said`` telling terms they share, those adding most to it
    first."""
    out: list[tuple[float, list[str]]] = []
    for record_id in ids:
        row = index.row_of.get(record_id)
        if row is None or not anchor:
            out.append((0.0, []))
            continue
        shared = {t: w * anchor[t] for t, w in index.lexical.term_weights(row).items() if t in anchor}
        telling: list[str] = []
        for t in sorted(shared, key=lambda t: (-shared[t], t)):
            if explains(index, t):
                telling.append(t)
                if len(telling) == said:
                    break
        out.append((min(1.0, sum(shared.values())), telling))
    return out
