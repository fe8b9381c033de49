"""The search box: one pool's hits ordered by the same fused text score as recommendations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from data.models import PoolRecord
from data.pools import Pool
from indexer.context import IndexContext
from indexer.search import Filters, Hit, search
from matcher.engine import keyword_share, load_records
from matcher.features import query_segments
from matcher.query_text import clean_query
from matcher.scoring import lexical_trust, semantic_floor, strengths, worth_showing


@dataclass
class Found:
    hit: Hit
    score: float  # 0–100
    record: PoolRecord | None = None  # loaded when ``find`` has a session
    words: float = 0.0  # its strongest BM25 strength, body or title (orders equal scores)


@dataclass
class FoundPage:
    items: list[Found]
    total: int  # records matching at least one term, or the candidates found by meaning
    terms: list[str]


def find(ctx: IndexContext, pool: Pool, text: str, filters: Filters, page: int, per_page: int,
         session: Session | None = None) -> FoundPage:
    """Rank candidates of both channels by fused text score; ties by id. A keyword query counts
    its keywords found verbatim, as recommendations do. With ``session`` the page's records come
    loaded (a keyword query reads every candidate's record anyway; others only the page's)."""
    depth = max(100, page * per_page)
    text = clean_query(text)
    result = search(pool, text, depth, filters, ctx=ctx)
    floor = semantic_floor(result)
    if floor is None:
        return FoundPage([], 0, result.query_terms)  # nothing to look for: an empty state
    segments = query_segments(text) if session is not None else []
    records = load_records(session, pool, [h.id for h in result.hits]) if segments and session is not None else {}
    scored = []
    trust = lexical_trust(len(text))  # as in recommendations: a short query's word matches are weak evidence
    for hit in result.hits:
        if not worth_showing(hit, ctx.embedder.backend, floor):
            continue  # nothing in common with the query: an empty page rather than noise
        record = records.get(hit.id)
        phrase = keyword_share(segments, record)[1] if record is not None else None
        found = strengths(hit, result.lexical_ceiling, result.title_ceiling, ctx.embedder.backend, phrase, trust=trust)
        scored.append(Found(hit, 100 * found.text, words=max(found.lexical, found.title_lexical)))
    # Equal scores — a short query such as 「PLC」, whose words the score does not count and
    # whose meaning the model barely reads — are ordered by how much of it each record has.
    scored.sort(key=lambda f: (-round(f.score, 6), -round(f.words, 6), f.hit.id))
    start = (page - 1) * per_page
    shown = scored[start : start + per_page]
    if session is not None:
        missing = [f.hit.id for f in shown if f.hit.id not in records]
        records = {**records, **load_records(session, pool, missing)}
        for f in shown:
            f.record = records.get(f.hit.id)
    return FoundPage(shown, max(result.total_lexical, len(scored)) if scored else 0, result.query_terms)
