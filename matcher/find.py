"""The search box: one pool's hits ordered by the same fused text score as recommendations."""

from __future__ import annotations

from dataclasses import dataclass

from data.pools import Pool
from indexer.context import IndexContext
from indexer.search import Filters, Hit, search
from matcher.scoring import hit_strengths


@dataclass
class Found:
    hit: Hit
    score: float  # 0–100


@dataclass
class FoundPage:
    items: list[Found]
    total: int  # records matching at least one term, or the candidates found by meaning
    terms: list[str]


def find(ctx: IndexContext, pool: Pool, text: str, filters: Filters, page: int, per_page: int) -> FoundPage:
    """Rank candidates of both channels by fused text score; ties by id."""
    depth = max(100, page * per_page)
    result = search(pool, text, depth, filters, ctx=ctx)
    scored = []
    for hit in result.hits:
        _, _, text = hit_strengths(hit.lexical, result.lexical_ceiling, hit.semantic, ctx.embedder.backend)
        scored.append(Found(hit, 100 * text))
    scored.sort(key=lambda f: (-round(f.score, 6), f.hit.id))
    start = (page - 1) * per_page
    return FoundPage(scored[start : start + per_page], max(result.total_lexical, len(scored)), result.query_terms)
