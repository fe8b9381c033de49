"""The indexes follow the database: add, edit, publish, hide, delete; rebuild while searching."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from data.db import session_scope
from data.enums import Status, Visibility
from data.models import Achievement
from data.pools import Pool
from indexer import dispatch
from indexer import store as store_module
from indexer.context import get_context
from indexer.jobs import get_job
from indexer.operations import rebuild_pool, sync_records
from indexer.search import Filters, search
from indexer.store import IndexMismatch, IndexMissing
from tests.indexer.records import add_achievement, add_org

POOL = Pool.ACHIEVEMENT


def ids_for(text: str, **kw) -> list[int]:  # type: ignore[no-untyped-def]
    return [h.id for h in search(POOL, text, 10, **kw).hits]


@pytest.fixture
def synced(live_db: str) -> Iterator[None]:
    dispatch.install()
    yield
    dispatch.wait_idle(60)
    dispatch.uninstall()


def test_missing_index_says_what_to_run(live_db: str) -> None:
    with pytest.raises(IndexMissing, match="chanjiao reindex achievement"):
        search(POOL, "检测")


def test_every_change_reaches_the_index(synced: None) -> None:
    org = add_org()
    vision = add_achievement(org, "视觉")
    ferment = add_achievement(org, "发酵")
    dispatch.wait_idle(60)
    assert ids_for("缺陷检测", mode="lexical") == [vision]
    hit = search(POOL, "表面划痕识别", 5).hits[0]
    assert hit.id == vision and hit.semantic is not None and hit.semantic > 0
    assert "划痕" in hit.matched_terms

    with session_scope() as session:  # edit
        session.get(Achievement, ferment).description = "研究白酒固态发酵过程中的风味物质生成规律。"
    dispatch.wait_idle(60)
    assert ids_for("白酒风味", mode="lexical") == [ferment]
    assert ids_for("米曲霉", mode="lexical") == []

    with session_scope() as session:  # hide
        session.get(Achievement, vision).status = Status.ARCHIVED
    dispatch.wait_idle(60)
    assert vision not in ids_for("缺陷检测") and vision not in ids_for("表面划痕识别", mode="semantic")

    with session_scope() as session:  # publish again
        session.get(Achievement, vision).status = Status.PUBLISHED
    dispatch.wait_idle(60)
    assert ids_for("缺陷检测", mode="lexical") == [vision]

    with session_scope() as session:  # delete
        session.delete(session.get(Achievement, ferment))
    dispatch.wait_idle(60)
    index = get_context().load(POOL)
    assert [d.id for d in index.docs] == [vision] and index.vectors.ids().tolist() == [vision]


def test_found_lexically_before_its_vector_exists(live_db: str) -> None:
    org = add_org()
    record = add_achievement(org, "区块链")
    missing = sync_records(get_context(), POOL, [record])
    assert missing == [record]  # its text was never embedded
    hit = search(POOL, "区块链溯源").hits[0]
    # found by its words; its meaning, until its own vector exists, is its static stand-in's
    assert hit.id == record and hit.lexical > 0 and hit.standin and hit.semantic is not None


def test_filters_apply_before_ranking(live_db: str) -> None:
    org, other = add_org(), add_org("另一所大学")
    public = add_achievement(org, "视觉")
    private = add_achievement(other, "区块链", visibility=Visibility.PRIVATE)
    rebuild_pool(get_context(), POOL)
    assert set(ids_for("检测 区块链")) == {public, private}
    assert ids_for("检测 区块链", filters=Filters(visibility={"public"})) == [public]
    assert set(ids_for("检测 区块链", filters=Filters(visibility={"public"}, own_org_ids={other}))) == {public, private}
    assert search(POOL, "区块链", filters=Filters(exclude_owner_org_ids={other})).total_lexical == 0



def test_an_organization_sees_its_own_records_at_every_level(live_db: str) -> None:
    """Its 会员可见 records too, even when it is not a member in good standing (data.access)."""
    org, other = add_org(), add_org("另一所大学")
    members = add_achievement(org, "区块链", visibility=Visibility.MEMBERS)
    hidden = add_achievement(other, "区块链", visibility=Visibility.MEMBERS)
    rebuild_pool(get_context(), POOL)
    assert ids_for("区块链", filters=Filters(visibility={"public"}, own_org_ids={org})) == [members]
    assert set(ids_for("区块链", filters=Filters(visibility={"public", "members"}))) == {members, hidden}

def test_rebuild_while_searching(live_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "PRUNE_AFTER_SECONDS", 0)  # superseded versions may go at once
    org = add_org()
    vision = add_achievement(org, "视觉")
    add_achievement(org, "发酵")
    ctx = get_context()
    rebuild_pool(ctx, POOL)
    errors: list[BaseException] = []
    results: list[list[int]] = []
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            try:
                results.append(ids_for("缺陷检测", mode="lexical"))
            except BaseException as exc:  # noqa: BLE001 - any failure fails the test
                errors.append(exc)

    thread = threading.Thread(target=searcher)
    thread.start()
    try:
        for _ in range(4):
            rebuild_pool(ctx, POOL)
    finally:
        stop.set()
        thread.join()
    assert not errors and results and all(r == [vision] for r in results)
    versions = [p for p in ctx.store.pool_dir(POOL).iterdir() if p.is_dir()]
    assert len(versions) <= 3  # old versions are pruned


def test_mismatch_is_refused(live_db: str) -> None:
    org = add_org()
    add_achievement(org, "视觉")
    ctx = get_context()
    rebuild_pool(ctx, POOL)
    for other in ("use", "static"):  # never e5's vectors searched with another model's queries
        with pytest.raises(IndexMismatch, match="chanjiao reindex achievement"):
            get_context(other).load(POOL)
    meta_path = ctx.store.pool_dir(POOL) / ctx.store.current_name(POOL) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["dictionary_hash"] = "0000"
    meta_path.write_text(json.dumps(meta))
    ctx.store._loaded.clear()
    with pytest.raises(IndexMismatch, match="分词词典"):
        ctx.load(POOL)


def test_background_rebuild_reports_progress(live_db: str) -> None:
    org = add_org()
    add_achievement(org, "视觉")
    job_id = dispatch.start_rebuild(POOL)
    dispatch.wait_idle(60)
    job = get_job(job_id)
    assert job is not None and job["state"] == "SUCCESS" and job["documents"] == 1
    assert get_job("not-a-job") is None


def test_commits_to_another_database_do_not_touch_these_indexes(synced: None, tmp_path, sqlite_template) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from data.db import make_engine
    from data.enums import OrgKind
    from data.models import Organization

    other = tmp_path / "other.db"
    shutil.copy(sqlite_template, other)
    engine = make_engine(f"sqlite:///{other}")
    with session_scope(engine) as session:
        session.add(Organization(name="别处的单位", kind=OrgKind.COLLEGE, natural_key="elsewhere"))
    engine.dispose()
    dispatch.wait_idle(60)
    assert not get_context().store.exists(Pool.ORGANIZATION)
