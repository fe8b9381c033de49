"""``chanjiao bench match``: latency of one recommendation against N candidates.

A throw-away SQLite database gets N 成果 records built from the demo data (as in
``chanjiao bench index``); the index is built from their tokens and recombined real e5
vectors (body and name: both fields are searched); then real needs go through
``recommend_text`` — retrieval, record loading, features,
fusion and explanations — with the query embedding included.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from data.db import make_engine, session_scope
from data.enums import AchievementKind, OrgKind
from data.migrate import upgrade_to_head
from data.models import Achievement, Organization
from data.pools import Pool
from data.reference.regions import seed_regions
from data.reference.vocabulary import FIELD_NAMES
from indexer.analyzer import get_analyzer
from indexer.tools.bench import base_vectors_for, make_corpus, percentile, rss_mb, synthetic_vectors
from indexer.context import IndexContext
from indexer.embedders import get_embedder
from indexer.lexical import LexicalIndex
from indexer.operations import prepare
from indexer.store import IndexStore, PoolIndex
from indexer.vectors import new_vector_index
from matcher.directions import need_achievements
from data.access import Viewer
from matcher.query import MatchQuery
from matcher.recommend import recommend_text

Echo = Callable[[str], None]
REGIONS = ("440100", "440300", "500000", "371400", "110000")


def run_match_bench(size: int, backend: str, queries: int, echo: Echo) -> None:
    from indexer.vectors import faiss_threads

    faiss_threads(1)
    corpus = make_corpus(size, queries=queries)
    embedder = get_embedder(backend)
    base = base_vectors_for(backend, echo)
    analyzer = get_analyzer().warm()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        started = time.perf_counter()
        with session_scope(engine) as session:
            seed_regions(session)
            orgs = [Organization(name=f"基准单位{i}", kind=OrgKind.COLLEGE, natural_key=f"bench-org-{i}") for i in range(200)]
            session.add_all(orgs)
            session.flush()
            rows = [Achievement(name=text[:40], description=text, owner_org_id=orgs[n % 200].id,
                                field=FIELD_NAMES[n % len(FIELD_NAMES)], region_code=REGIONS[n % len(REGIONS)],
                                achievement_kind=AchievementKind.TECHNOLOGY, natural_key=f"bench-{n}")
                    for n, text in enumerate(corpus.texts)]
            session.add_all(rows)
            session.flush()
            ctx = IndexContext(IndexStore(Path(tmp) / "indexes"), analyzer, embedder, engine=engine)
            items = [prepare(ctx, Pool.ACHIEVEMENT, r) for r in rows]
        echo(f"写入并分词 {size:,} 条成果：{time.perf_counter() - started:.1f} 秒")
        ids = np.array([p.doc.id for p in items], dtype=np.int64)
        vectors, title_vectors = new_vector_index(embedder.dim, size), new_vector_index(embedder.dim, size)
        vectors.upsert(ids, synthetic_vectors(corpus, base))
        title_vectors.upsert(ids, synthetic_vectors(corpus, base, seed=11))  # names: the same papers, other noise
        empty = PoolIndex.empty(Pool.ACHIEVEMENT, embedder.backend, embedder.model, embedder.dim, analyzer.dictionary_hash, size)
        index = PoolIndex(empty.meta, [p.doc for p in items], LexicalIndex.build([p.tokens for p in items]), vectors,
                          titles=LexicalIndex.build([p.title_tokens for p in items]), title_vectors=title_vectors)
        with ctx.store.writer(Pool.ACHIEVEMENT):
            ctx.store.publish(Pool.ACHIEVEMENT, index)
        echo(f"索引就绪（正文与名称各一份，{vectors.kind}），进程峰值内存 {rss_mb():.0f} MB")
        latencies = []
        with session_scope(engine) as session:
            for n, text in enumerate(corpus.queries):
                query = MatchQuery(text=text, fields=[FIELD_NAMES[n % len(FIELD_NAMES)]], region_code=REGIONS[n % 5])
                ctx._queries.clear()
                start = time.perf_counter()
                recommend_text(session, ctx, query, need_achievements.DIRECTION.key, viewer=Viewer(org_id=1, member=True), k=10)
                latencies.append((time.perf_counter() - start) * 1000)
        engine.dispose()
    echo(f"一条需求对 {size:,} 个候选的推荐延迟（含查询向量化、读取记录、特征与解释）："
         f"p50 {percentile(latencies, 50):.1f} ms，p95 {percentile(latencies, 95):.1f} ms（{len(latencies)} 条）")
