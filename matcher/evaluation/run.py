"""``chanjiao eval``: quality of the product's ranking on a labelled set.

The set's records are written into a throw-away database as the pool records they say they
are (成果 by default, 专家, 教师, 需求, 学生, 实习岗位), indexed with the real pipeline (jieba, BM25,
the configured embedder, FAISS), and every query goes through ``recommend_text`` in the direction
that ranks that pool for a typed need — the same path as a need typed into the product; talents
are asked by an internship and internships by a student, each query written as an unpublished
record of the asking pool (those two directions match a stored record, never free text).
BM25-only, semantic-only and their plain reciprocal-rank fusion are reported beside it, with
the product's paired-bootstrap difference from each.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data.db import make_engine, session_scope
from data.migrate import upgrade_to_head
from data.pools import Pool
from data.reference.regions import seed_regions
from indexer.analyzer import get_analyzer
from indexer.context import IndexContext
from indexer.embedders import get_embedder
from indexer.operations import rebuild_pool
from indexer.search import search
from indexer.store import IndexStore
from data.access import Viewer
from matcher.evaluation.metrics import mrr_at, ndcg_at, paired_difference, recall_at
from matcher.evaluation.sets import ASKED_BY, EvalSet, as_list, load_set, region_of, store_query_record, store_records
from matcher.query import MatchQuery, query_from_record
from matcher.recommend import recommend_text
from matcher.scoring import RRF_K

Echo = Callable[[str], None]
DEPTH = 100


@dataclass
class Scores:
    ndcg10: list[float] = field(default_factory=list)
    recall10: list[float] = field(default_factory=list)
    recall100: list[float] = field(default_factory=list)
    mrr10: list[float] = field(default_factory=list)

    def add(self, ranking: list[str], judged: dict[str, int]) -> None:
        self.ndcg10.append(ndcg_at(ranking, judged, 10))
        self.recall10.append(recall_at(ranking, judged, 10))
        self.recall100.append(recall_at(ranking, judged, 100))
        self.mrr10.append(mrr_at(ranking, judged, 10))

    def means(self) -> dict[str, float]:
        return {k: float(np.mean(v)) if v else 0.0 for k, v in vars(self).items()}


def query_of(row: dict[str, Any]) -> MatchQuery:
    return MatchQuery(text=str(row["text"]), fields=as_list(row.get("fields")), tags=as_list(row.get("tags")),
                      region_code=region_of(row.get("region")))


def ask(session: Session, data: EvalSet, row: dict[str, Any]) -> MatchQuery:
    """The query of ``row``: its text, as a need typed into the product; or, for records that
    only a stored record can ask for (talents, internships), the query of the unpublished
    record of the asking pool it is written as."""
    asking = ASKED_BY.get(data.pools[0]) if data.records else None
    if asking is None:
        return query_of(row)
    return query_from_record(store_query_record(session, asking, row))


def channel_ranking(ctx: IndexContext, pools: list[Pool], text: str, mode: str,
                    set_id: dict[tuple[Pool, int], str]) -> list[str]:
    """One channel alone (``mode``: lexical or semantic) over the set's pools, best first."""
    hits = [(h.lexical if mode == "lexical" else (h.semantic or 0.0), pool, h.id)
            for pool in pools for h in search(pool, text, DEPTH, mode=mode, ctx=ctx).hits]
    hits.sort(key=lambda x: (-x[0], x[1].value, x[2]))
    return [set_id[(pool, i)] for _, pool, i in hits[:DEPTH]]


def rrf_ranking(*rankings: list[str], k: int = RRF_K) -> list[str]:
    """Plain reciprocal-rank fusion of rankings (each best first); ties by id."""
    score: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            score[doc] += 1.0 / (k + rank)
    return sorted(score, key=lambda d: (-score[d], d))[:DEPTH]


ROWS = (("product", "产品排序"), ("bm25", "仅BM25"), ("semantic", "仅语义"), ("rrf", "RRF(BM25,语义)"))


@dataclass
class IndexedSet:
    """A labelled set written into a throw-away database and indexed with the real pipeline."""

    data: EvalSet
    ctx: IndexContext
    engine: Engine
    set_id: dict[tuple[Pool, int], str]


@contextmanager
def indexed_set(folder: Path, backend: str | None, echo: Echo,
                progress: Callable[[int, int, str], None] | None = None) -> Iterator[IndexedSet]:
    data = load_set(folder)
    embedder = get_embedder(backend) if backend else get_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'eval.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_regions(session)
            set_id = store_records(session, data.records)
        ctx = IndexContext(IndexStore(Path(tmp) / "indexes"), get_analyzer(), embedder, engine=engine)
        started = time.perf_counter()
        for pool in Pool:  # every pool a direction may search; those without records stay empty
            rebuild_pool(ctx, pool, progress=progress if pool in data.pools else None)
        echo(f"索引 {len(data.records)} 条记录（{'、'.join(p.label for p in data.pools)}，{embedder.backend}），"
             f"用时 {time.perf_counter() - started:.1f} 秒；推荐方向 {data.direction}")
        try:
            yield IndexedSet(data, ctx, engine, set_id)
        finally:
            engine.dispose()


def run_eval(folder: Path, backend: str | None, echo: Echo, run_out: Path | None = None,
             progress: Callable[[int, int, str], None] | None = None) -> dict[str, dict[str, float]]:
    """Index the set, run every query through the product's path for its records' pool, print
    and return the metrics of each ranking."""
    with indexed_set(folder, backend, echo, progress) as indexed:
        data, ctx, engine, set_id = indexed.data, indexed.ctx, indexed.engine, indexed.set_id
        results = {name: Scores() for name, _ in ROWS}
        latencies, run_lines = [], []
        with session_scope(engine) as session:
            for row in data.queries:
                judged = data.qrels.get(row["id"], {})
                query = ask(session, data, row)
                ctx._queries.clear()
                start = time.perf_counter()
                matches = recommend_text(session, ctx, query, data.direction, viewer=Viewer(staff=True), k=DEPTH)
                latencies.append((time.perf_counter() - start) * 1000)
                ranking = [set_id[(m.pool, m.id)] for m in matches]
                results["product"].add(ranking, judged)
                run_lines += [f"{row['id']} Q0 {doc} {n} {m.score:.4f} chanjiao" for n, (doc, m) in enumerate(zip(ranking, matches), 1)]
                lexical = channel_ranking(ctx, data.pools, query.text, "lexical", set_id)
                semantic = channel_ranking(ctx, data.pools, query.text, "semantic", set_id)
                results["bm25"].add(lexical, judged)
                results["semantic"].add(semantic, judged)
                results["rrf"].add(rrf_ranking(lexical, semantic), judged)
    if run_out is not None:
        run_out.write_text("\n".join(run_lines) + "\n", encoding="utf-8")
    echo(f"查询 {len(data.queries)} 条；推荐延迟 p50 {np.percentile(latencies, 50):.1f} ms，p95 {np.percentile(latencies, 95):.1f} ms")
    table = {name: s.means() for name, s in results.items()}
    echo(f"{'排序':14s} {'nDCG@10':>8s} {'Recall@10':>10s} {'Recall@100':>11s} {'MRR@10':>8s}")
    for name, label in ROWS:
        m = table[name]
        echo(f"{label:14s} {m['ndcg10']:8.4f} {m['recall10']:10.4f} {m['recall100']:11.4f} {m['mrr10']:8.4f}")
    for name, label in ROWS[1:]:
        d = paired_difference(results["product"].ndcg10, results[name].ndcg10)
        echo(f"产品排序 − {label}：nDCG@10 {d.mean:+.4f}（95% 区间 {d.low:+.4f} ~ {d.high:+.4f}），"
             f"胜 {d.wins} 条 / 负 {d.losses} 条")
    return table
