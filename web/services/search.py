"""One search box over every pool: the tabs' counts, the tab shown by default, the ranked hits."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from sqlalchemy.orm import Session

from data.models import PoolRecord
from data.pools import Pool
from indexer.context import IndexContext
from indexer.search import Filters
from indexer.store import IndexError_
from data.access import Viewer
from matcher.engine import index_filters
from matcher.find import FoundPage, find
from web.boundary import MAX_SEARCH_PAGE
from web.services.records import PER_PAGE


@dataclass
class SearchPage:
    """One page of a search: the tab shown, every tab's count, the hits, the pager; ``problem``
    (in Chinese) when the indexes cannot answer."""

    text: str
    pool: Pool  # the tab shown: the one asked for, else ``default_pool``
    counts: dict[Pool, int]
    items: list[tuple[PoolRecord, list[str], float]]  # record, matched terms, score 0–100
    terms: list[str]
    page: int
    pages: int
    problem: str | None = None


DEFAULT_POOL = Pool.ACHIEVEMENT


def tab_counts(ctx: IndexContext, text: str, filters: Filters,
               known: dict[Pool, FoundPage] | None = None) -> dict[Pool, int]:
    """The figure on each pool's tab: how many results its list holds — the first page's
    ``total`` (records with a word of the query, or close enough in meaning), whichever tab is
    shown, on whichever page, on the site or through the API. ``known``: first pages already
    ranked (a count needs no records loaded, so the others are ranked without the session).
    Remembered while the pools' indexes stay the same (``_TabMemo``): switching tabs or pages
    ranks only the pool shown."""
    key = (text, _filters_key(filters))
    counts, indexes = _tab_memo.get(ctx, key)
    if counts is None:
        known = known or {}
        counts = {p: (known[p] if p in known else find(ctx, p, text, filters, 1, PER_PAGE)).total for p in Pool}
        _tab_memo.put(key, counts, indexes)
    return counts


def _filters_key(filters: Filters) -> tuple[Any, ...]:
    def frozen(value: Any) -> Any:
        return value if value is None or isinstance(value, str) else tuple(sorted(map(str, value)))

    return tuple(frozen(getattr(filters, f.name)) for f in dataclass_fields(filters))


class _TabMemo:
    """Tab counts of recent searches, kept while every pool's live index is the one they were
    counted on: an index is never changed in place, so the loaded object is its version (held
    here, so that a new one can never look like it), and a new one anywhere forgets them all."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._counts: OrderedDict[tuple[Any, ...], dict[Pool, int]] = OrderedDict()
        self._indexes: tuple[object, ...] = ()

    def get(self, ctx: IndexContext, key: tuple[Any, ...]) -> tuple[dict[Pool, int] | None, tuple[object, ...]]:
        """(the remembered counts or None, the indexes they are valid for: pass it to ``put``)."""
        current = (ctx, *(ctx.load(p) for p in Pool))
        with self._lock:
            if not _same(current, self._indexes):
                self._counts.clear()
                self._indexes = current
                return None, current
            found = self._counts.get(key)
            if found is not None:
                self._counts.move_to_end(key)
            return found, current

    def put(self, key: tuple[Any, ...], counts: dict[Pool, int], indexes: tuple[object, ...]) -> None:
        with self._lock:
            if not _same(indexes, self._indexes):
                return  # counted on indexes swapped out meanwhile
            self._counts[key] = counts
            while len(self._counts) > self.size:
                self._counts.popitem(last=False)


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


_tab_memo = _TabMemo()


def default_pool(firsts: dict[Pool, FoundPage]) -> Pool:
    """The tab shown when none is asked for: the pool whose best match scores highest (the score
    its first result shows, from each pool's first page ``firsts``); ties go to the earlier tab
    in the pools' order, and with no match anywhere it is 成果库."""
    best = {p: (found.items[0].score if found.items else 0.0) for p, found in firsts.items()}
    top = max(best.values(), default=0.0)
    if top <= 0:
        return DEFAULT_POOL
    return next(p for p in Pool if p in best and round(best[p], 6) == round(top, 6))


def search_pools(session: Session, ctx: IndexContext, text: str, pool: Pool | None, viewer: Viewer, page: int = 1,
                 field: str | None = None, region: str | None = None) -> SearchPage:
    """One search box over every pool: the tabs' counts (``tab_counts``) and the ranked hits of
    ``pool`` — or, when None, of the ``default_pool`` (which ranks every pool's first page).
    The site and the API both call it."""
    base = Filters(fields={field} if field else None, region_prefix=region or None)
    filters, _ = index_filters(viewer, base)
    try:
        if pool is None:
            firsts = {p: find(ctx, p, text, filters, 1, PER_PAGE, session) for p in Pool}
            pool = default_pool(firsts)
        else:
            firsts = {pool: find(ctx, pool, text, filters, 1, PER_PAGE, session)} if page == 1 else {}
        counts = tab_counts(ctx, text, filters, firsts)
        found = firsts[pool] if pool in firsts else find(ctx, pool, text, filters, page, PER_PAGE, session)
    except IndexError_ as exc:
        return SearchPage(text, pool or DEFAULT_POOL, {}, [], [], 1, 1, str(exc))
    items = [(f.record, f.hit.matched_terms, f.score) for f in found.items if f.record is not None]
    # The pager follows the tab's figure; no page past the parser's bound is offered (it would be a 400).
    pages = min(MAX_SEARCH_PAGE, max(1, -(-counts[pool] // PER_PAGE)))
    return SearchPage(text, pool, counts, items, found.terms, page, pages)
