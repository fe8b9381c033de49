"""Two speeds, one index: a record waiting for its e5 vector is found by meaning at once
through a stand-in from the static table, which its own vector later replaces."""

from __future__ import annotations

import pytest

from data.db import session_scope
from data.models import Achievement
from data.pools import Pool
from indexer.context import get_context
from indexer.operations import embed_records, rebuild_pool, sync_records, vector_progress, waits_for_vector
from indexer.search import search
from indexer.store import IndexStore
from matcher.engine import Viewer
from matcher.query import MatchQuery
from matcher.recommend import recommend_text
from tests.indexer.records import add_achievement, add_org

POOL = Pool.ACHIEVEMENT


def test_a_pending_record_is_found_by_meaning_through_its_standin(live_db: str) -> None:
    ctx = get_context("e5")
    org = add_org()
    rebuild_pool(ctx, POOL)
    ids = [add_achievement(org, key) for key in ("视觉", "发酵", "区块链")]
    pending = sync_records(ctx, POOL, ids)
    assert sorted(pending) == sorted(ids)  # no e5 vector yet: every one waits
    index = ctx.load(POOL)
    assert index.standins is not None and sorted(int(i) for i in index.standins.ids()) == sorted(ids)
    assert len(index.vectors) == 0 and vector_progress(ctx, POOL).waiting == 3
    assert waits_for_vector(ctx, POOL, ids[0])

    hits = {h.id: h for h in search(POOL, "产线零件的缺陷识别与图像算法", 10, mode="semantic", ctx=ctx).hits}
    assert ids[0] in hits and hits[ids[0]].standin and hits[ids[0]].semantic is not None
    ranked = search(POOL, "产线零件的缺陷图像算法", 10, mode="hybrid", ctx=ctx).hits
    by_meaning = sorted((h for h in ranked if h.standin), key=lambda h: -(h.semantic or 0))
    assert by_meaning[0].id == ids[0]  # the vision record is the closest in meaning, not a word match

    with session_scope() as session:
        matches = recommend_text(session, ctx, MatchQuery(text="产线零件的缺陷图像算法"), viewer=Viewer(staff=True))
    first = next(m for m in matches if m.id == ids[0])
    assert any("快速估计" in r for r in first.reasons) and "语义相近" in first.parts

    # the stand-ins survive a reload from disk (another process reads the same version)
    reloaded = IndexStore(ctx.store.root).load(POOL)
    assert reloaded.standins is not None and len(reloaded.standins) == 3

    assert embed_records(ctx, POOL, ids) == 3  # the slow step: own vectors replace the stand-ins
    index = ctx.load(POOL)
    assert len(index.vectors) == 3 and (index.standins is None or len(index.standins) == 0)
    hit = next(h for h in search(POOL, "产线零件的缺陷图像算法", 10, ctx=ctx).hits if h.id == ids[0])
    assert not hit.standin and hit.semantic_rank is not None
    assert not waits_for_vector(ctx, POOL, ids[0]) and vector_progress(ctx, POOL).waiting == 0


def test_an_edit_or_a_delete_drops_the_old_standin(live_db: str) -> None:
    ctx = get_context("e5")
    org = add_org()
    rebuild_pool(ctx, POOL)
    vision, ferment = add_achievement(org, "视觉"), add_achievement(org, "发酵")
    sync_records(ctx, POOL, [vision, ferment])
    before = ctx.load(POOL).standins.vector_of(vision)  # type: ignore[union-attr]
    with session_scope() as session:
        session.get(Achievement, vision).description = "研究白酒固态发酵过程中的风味物质生成规律。"
        session.delete(session.get(Achievement, ferment))
    sync_records(ctx, POOL, [vision, ferment])
    standins = ctx.load(POOL).standins
    assert standins is not None and [int(i) for i in standins.ids()] == [vision]
    after = standins.vector_of(vision)
    assert after is not None and before is not None and float(after @ before) < 0.99  # the new text's


@pytest.mark.parametrize("backend", ["static"])
def test_no_standins_when_the_index_is_the_fast_model(live_db: str, backend: str) -> None:
    ctx = get_context(backend)
    org = add_org()
    rebuild_pool(ctx, POOL)
    ids = [add_achievement(org, "视觉")]
    sync_records(ctx, POOL, ids)
    assert ctx.load(POOL).standins is None


def test_a_standin_is_read_on_its_own_scale_and_counts_less() -> None:
    """A stand-in's cosine is calibrated as the static table's (0.69 there is as close as 0.928
    from e5) and its meaning counts ``WEIGHTS.standin`` of the body's semantic weight."""
    from indexer.search import Hit
    from matcher.scoring import WEIGHTS, strengths, weighted

    own = strengths(Hit(1, lexical=5.0, semantic=0.928), 10.0, 0.0, "e5")
    stand_in = strengths(Hit(2, lexical=5.0, semantic=0.69, standin=True), 10.0, 0.0, "e5")
    assert own.semantic == pytest.approx(0.8) and stand_in.semantic == pytest.approx(0.8)
    assert stand_in.text == pytest.approx(weighted([(WEIGHTS.lexical, 0.5), (WEIGHTS.semantic * WEIGHTS.standin, 0.8),
                                                   (WEIGHTS.title_lexical, 0.0),
                                                   ((WEIGHTS.lexical_ranks + WEIGHTS.semantic_ranks) / 2, 0.0)]))
    assert 0 < WEIGHTS.standin < 1 and stand_in.text < own.text
