"""indexer/store.py: a missing index says what to run; an index built with another model or
dictionary is refused instead of searched."""

from __future__ import annotations

import json

import pytest

from indexer.context import get_context
from indexer.operations import rebuild_pool
from indexer.search import search
from indexer.store import IndexMismatch, IndexMissing
from tests.indexer.records import POOL, add_achievement, add_org


def test_missing_index_says_what_to_run(live_db: str) -> None:
    with pytest.raises(IndexMissing, match="chanjiao reindex achievement"):
        search(POOL, "检测")


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
