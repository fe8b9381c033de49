"""The indexes follow the database: add, edit, publish, hide, delete; rebuild while searching."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from data.db import session_scope
from data.enums import Status
from data.models import Achievement
from data.pools import Pool
from indexer import dispatch
from indexer import store as store_module
from indexer.context import get_context
from indexer.jobs import get_job
from indexer.operations import rebuild_pool, sync_records
from indexer.search import search
from tests.indexer.records import POOL, add_achievement, add_org, ids_for


@pytest.fixture
def synced(live_db: str) -> Iterator[None]:
    dispatch.install()
    yield
    dispatch.wait_idle(60)
    dispatch.uninstall()


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
