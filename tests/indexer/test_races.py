"""Readers never see a half-changed or a deleted index: searches run in threads while edits,
deletions and re-embeddings are swapped in (exact and HNSW vector indexes), and a process
loading a version from disk while a writer prunes old ones. Bounded in time; 0 errors."""

from __future__ import annotations

import itertools
import random
import threading
import time
import traceback
from collections.abc import Callable

import pytest

from data.db import session_scope
from data.enums import AchievementKind
from data.models import Achievement
from data.pools import Pool
from indexer import store as store_module
from indexer import vectors as vectors_module
from indexer.context import IndexContext, get_context
from indexer.operations import embed_records, rebuild_pool, sync_records
from indexer.search import search
from indexer.store import IndexStore
from tests.indexer.records import add_org

POOL = Pool.ACHIEVEMENT
TEXTS = ["基于深度学习的金属表面缺陷视觉检测", "低盐酱油快速发酵工艺", "农产品区块链质量溯源平台",
         "工业机器人离线编程与仿真", "锂电池正极材料回收工艺"]
QUERIES = ["缺陷检测", "酱油发酵", "质量溯源", "机器人编程", "电池回收", "表面划痕识别"]
SECONDS = 6.0
_keys = itertools.count()


def _records(org: int, count: int) -> list[int]:
    with session_scope() as s:
        rows = [Achievement(name=f"成果{i}", description=TEXTS[i % len(TEXTS)], owner_org_id=org,
                            achievement_kind=AchievementKind.TECHNOLOGY, natural_key=f"race-{next(_keys)}") for i in range(count)]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def _run(workers: list[Callable[[], None]], seconds: float) -> list[str]:
    """Run each worker in a loop in its own thread for ``seconds``; the errors they raised,
    each with its traceback (so a failure says where it happened)."""
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def loop(work: Callable[[], None]) -> None:
        while time.monotonic() < stop and not errors:
            try:
                work()
            except BaseException:  # noqa: BLE001 - every failure counts
                errors.append(traceback.format_exc())

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_searches_while_edits_and_deletes_are_swapped_in(live_db: str, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if kind == "hnsw":
        monkeypatch.setattr(vectors_module, "HNSW_THRESHOLD", 1)
    ctx = get_context()
    ids = _records(add_org(), 120)
    rebuild_pool(ctx, POOL)
    assert ctx.load(POOL).vectors.kind == kind
    rng = random.Random(7)
    searches = [0]

    def edit() -> None:
        chosen = rng.sample(ids, 5)
        with session_scope() as s:
            for record_id in chosen:
                record = s.get(Achievement, record_id)
                if record is not None:
                    record.description = rng.choice(TEXTS) + rng.choice(["", "。", "，并已中试"])
        embed_records(ctx, POOL, sync_records(ctx, POOL, chosen))

    def delete_and_recreate() -> None:
        record_id = rng.choice(ids)
        with session_scope() as s:
            record = s.get(Achievement, record_id)
            if record is not None:
                s.delete(record)
        sync_records(ctx, POOL, [record_id])
        ids.extend(_records(add_org(f"新单位{rng.random()}"), 1))
        embed_records(ctx, POOL, sync_records(ctx, POOL, ids[-1:]))

    def read() -> None:
        result = search(POOL, rng.choice(QUERIES), 10, ctx=ctx)
        assert all(h.semantic is None or -1.01 <= h.semantic <= 1.01 for h in result.hits)
        searches[0] += 1

    errors = _run([edit, delete_and_recreate, read, read, read], SECONDS)
    assert not errors, "\n".join(errors)
    assert searches[0] > 20
    with session_scope() as s:  # the index ends where the database is
        live = {r.id: r.description for r in s.query(Achievement)}
    index = ctx.load(POOL)
    assert set(int(i) for i in index.ids) == set(live)


def test_a_version_pruned_while_another_process_loads_it(live_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer prunes as eagerly as it can; a reader with its own store (as another process
    has) keeps loading whatever CURRENT names, and never meets a folder that vanished."""
    monkeypatch.setattr(store_module, "PRUNE_AFTER_SECONDS", 0)
    monkeypatch.setattr(store_module, "KEEP_VERSIONS", 1)
    writer = get_context()
    ids = _records(add_org(), 200)
    rebuild_pool(writer, POOL)
    reader = IndexContext(IndexStore(writer.store.root), writer.analyzer, writer.embedder)
    loads = [0]

    def write() -> None:
        sync_records(writer, POOL, random.sample(ids, 3))

    def load() -> None:
        reader.store._loaded.clear()  # what a fresh process does: read CURRENT, load from disk
        assert len(reader.load(POOL).docs) == len(ids)
        loads[0] += 1

    errors = _run([write, load, load], SECONDS)
    assert not errors, "\n".join(errors)
    assert loads[0] > 20
