"""``chanjiao bench searchable``: how soon an imported pool is searchable by meaning.

SIZE 成果 records (CSL papers recombined, as ``chanjiao bench index`` makes them) are written
into a throw-away SQLite database and indexed the way an import is: the fast step
(:func:`indexer.operations.sync_records` — words, and a stand-in vector from the static table
for every record whose e5 vector is not cached) is timed; from its end every record is found by
meaning. Then searches by meaning with the stand-ins are timed. The e5 vectors that replace
the stand-ins come from the background job (``chanjiao bench embed`` gives its rate).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from data.db import make_engine, session_scope
from data.enums import AchievementKind, OrgKind, Status
from data.migrate import upgrade_to_head
from data.models import Achievement, Organization
from data.pools import Pool
from indexer.analyzer import get_analyzer
from indexer.tools.bench import make_corpus, percentile
from indexer.context import IndexContext
from indexer.embedders import get_embedder
from indexer.operations import sync_records, vector_progress
from indexer.search import search
from indexer.store import IndexStore
from indexer.vector_cache import VectorCache

Echo = Callable[[str], None]


def run_searchable_bench(size: int, queries: int, echo: Echo) -> None:
    corpus = make_corpus(size, queries=queries)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        started = time.perf_counter()
        with session_scope(engine) as session:
            org = Organization(name="评测大学", kind=OrgKind.COLLEGE, natural_key="bench")
            session.add(org)
            session.flush()
            session.add_all(Achievement(name=text.split("。")[0][:200], description=text, owner_org_id=org.id,
                                        achievement_kind=AchievementKind.TECHNOLOGY, status=Status.PUBLISHED,
                                        natural_key=f"bench:{n}") for n, text in enumerate(corpus.texts))
        written = time.perf_counter() - started
        embedder = get_embedder("e5")
        # a cache of its own: no record's e5 vector is known, as after a real import
        ctx = IndexContext(IndexStore(Path(tmp) / "indexes"), get_analyzer().warm(), embedder, engine=engine,
                           _cache=VectorCache(embedder.model, Path(tmp) / "cache.sqlite"))
        get_embedder("static").embed_passages(["预热"])
        with session_scope(engine) as session:
            ids = list(session.scalars(select(Achievement.id)))
        started = time.perf_counter()
        sync_records(ctx, Pool.ACHIEVEMENT, ids)
        synced = time.perf_counter() - started
        index = ctx.load(Pool.ACHIEVEMENT)
        progress = vector_progress(ctx, Pool.ACHIEVEMENT)
        latencies, standin_first = [], 0
        for text in corpus.queries:
            ctx._queries.clear()
            begin = time.perf_counter()
            hits = search(Pool.ACHIEVEMENT, text, 10, mode="semantic", ctx=ctx).hits
            latencies.append((time.perf_counter() - begin) * 1000)
            standin_first += bool(hits and hits[0].standin)
        engine.dispose()
    echo(f"{size} 条成果：写入数据库 {written:.1f} 秒；按文字和快速语义可搜索（sync_records）用时 {synced:.1f} 秒"
         f"（{size / synced:.0f} 条/秒）")
    echo(f"  其中 {progress.waiting} 条等待 e5 向量、已有快速估计向量 {len(index.standins or [])} 条；"
         f"语义搜索 {len(latencies)} 次 p50 {percentile(latencies, 50):.1f} ms，p95 {percentile(latencies, 95):.1f} ms"
         f"（首条为快速估计的 {standin_first} 次）")
    echo("  e5 向量由后台任务补上（速度见 chanjiao bench embed），其间记录已按语义可找到")
