"""A person's listed works, each with its own vector: the profile is about each of them, and a
need that matches one work well is found through it (indexer.documents.item_texts, the
``item_semantic`` channel of indexer.search)."""

from __future__ import annotations

from data.db import session_scope
from data.enums import Status
from data.models import Expert
from data.pools import Pool
from indexer.context import get_context
from indexer.documents import item_texts
from indexer.operations import embed_records, rebuild_pool, sync_records
from indexer.search import search
from indexer.store import item_ids
from tests.indexer.records import add_org
from tests.makers import make_expert

POOL = Pool.EXPERT
WORKS = ("基于深度学习的金属表面缺陷视觉检测方法", "低盐酱油快速发酵工艺研究", "基于区块链的农产品质量溯源平台")


def _expert(org: int, description: str, name: str = "张专家") -> int:
    with session_scope() as session:
        return make_expert(session, org, name, description=description, field="智能制造").id


def test_the_works_a_profile_lists() -> None:
    listed = Expert(name="甲", description="；".join(WORKS))
    assert item_texts(POOL, listed) == list(WORKS)
    quoted = Expert(name="乙", description=f"教授，主要研究机器视觉。近年完成「{WORKS[0]}」《{WORKS[1]}》等研究。")
    assert item_texts(POOL, quoted) == [WORKS[0], WORKS[1], "教授，主要研究机器视觉", "近年完成  等研究"]
    lines = Expert(name="丙", description=f"{WORKS[0]}\n{WORKS[2]}\n\n短")  # pieces under four characters are no work
    assert item_texts(POOL, lines) == [WORKS[0], WORKS[2]]
    assert item_texts(POOL, Expert(name="丁", description=WORKS[0])) == []  # one work: the body is it
    assert item_texts(POOL, Expert(name="戊", description=None)) == []
    many = Expert(name="己", description="；".join(f"第{n}项课题研究" for n in range(40)))
    assert len(item_texts(POOL, many)) == 16
    assert item_texts(Pool.ACHIEVEMENT, listed) == []  # only people list works


def test_a_person_is_found_by_the_work_a_need_is_about(live_db: str) -> None:
    ctx = get_context()
    org = add_org()
    listed = _expert(org, "；".join(WORKS))
    single = _expert(org, "长期从事食品发酵工艺研究与技术服务", "李专家")
    rebuild_pool(ctx, POOL)
    index = ctx.load(POOL)
    assert sorted(int(i) for i in index.item_vectors.ids()) == item_ids(listed, 3).tolist()

    hits = {h.id: h for h in search(POOL, "冲压件表面划痕的视觉识别", 10, ctx=ctx).hits}
    assert hits[listed].item_best == 0 and hits[listed].item_semantic_rank == 1
    assert hits[listed].item_semantic is not None
    assert hits[single].item_semantic is None and hits[single].item_semantic_rank is None
    ferment = {h.id: h for h in search(POOL, "酱油发酵周期缩短", 10, ctx=ctx).hits}
    assert ferment[listed].item_best == 1

    # an edit replaces the works' vectors: none of the old ones is left behind
    with session_scope() as session:
        expert = session.get(Expert, listed)
        assert expert is not None
        expert.description = "；".join(WORKS[1:])
    embed_records(ctx, POOL, sync_records(ctx, POOL, [listed]))
    index = ctx.load(POOL)
    assert sorted(int(i) for i in index.item_vectors.ids()) == item_ids(listed, 2).tolist()
    ferment = {h.id: h for h in search(POOL, "酱油发酵周期缩短", 10, ctx=ctx).hits}
    assert ferment[listed].item_best == 0

    # leaving the pool takes them away
    with session_scope() as session:
        expert = session.get(Expert, listed)
        assert expert is not None
        expert.status = Status.ARCHIVED
    sync_records(ctx, POOL, [listed])
    assert len(ctx.load(POOL).item_vectors) == 0
