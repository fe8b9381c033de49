"""``chanjiao eval``: quality of the product's need→candidates ranking on a labelled set.

The set's records are written into a throw-away database as 成果 records, indexed with the
real pipeline (jieba, BM25, the configured embedder, FAISS), and every query goes through
``recommend_text`` — the same path as a need typed into the product. BM25-only and
semantic-only rankings of the same run are reported beside it.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from data.db import make_engine, session_scope
from data.enums import AchievementKind, OrgKind
from data.keys import natural_key
from data.migrate import upgrade_to_head
from data.models import Achievement, Organization
from data.pools import Pool
from data.regions import resolve_region, seed_regions
from indexer.analyzer import get_analyzer
from indexer.context import IndexContext
from indexer.embedders import get_embedder
from indexer.operations import rebuild_pool
from indexer.search import search
from indexer.store import IndexStore
from matcher.engine import Viewer
from matcher.metrics import mrr_at, ndcg_at, paired_difference, recall_at
from matcher.query import MatchQuery
from matcher.recommend import recommend_text

Echo = Callable[[str], None]
DEPTH = 100


class EvalSetError(ValueError):
    """A malformed evaluation file; the message names the file and line, in Chinese."""


@dataclass
class EvalSet:
    records: list[dict[str, Any]]
    queries: list[dict[str, Any]]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)


def _read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    if not path.exists():
        raise EvalSetError(f"缺少文件 {path}")
    rows, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{path.name} 第{n}行: 不是合法的 JSON（{exc.msg}）") from exc
        for key in required:
            if not isinstance(row.get(key), (str, int)) or str(row.get(key)).strip() == "":
                raise EvalSetError(f"{path.name} 第{n}行 「{key}」: 必填，不能为空")
        row["id"] = str(row["id"])
        if row["id"] in seen:
            raise EvalSetError(f"{path.name} 第{n}行 「id」: 与前面的记录重复（{row['id']}）")
        seen.add(row["id"])
        rows.append(row)
    return rows


def load_set(folder: Path) -> EvalSet:
    records = _read_jsonl(folder / "records.jsonl", ("id", "text"))
    queries = _read_jsonl(folder / "queries.jsonl", ("id", "text"))
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    path = folder / "qrels.tsv"
    if not path.exists():
        raise EvalSetError(f"缺少文件 {path}")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise EvalSetError(f"qrels.tsv 第{n}行: 应为「查询id 0 记录id 等级」四列")
        qrels[parts[0]][parts[2]] = int(parts[3])
    return EvalSet(records, queries, dict(qrels))


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _region(value: Any) -> str | None:
    if not value:
        return None
    try:
        return resolve_region(str(value))
    except ValueError:
        return None


def store_records(session: Any, records: list[dict[str, Any]]) -> dict[int, str]:
    """Write evaluation records as published 成果; returns record id → set id."""
    orgs: dict[str, Organization] = {}
    for name in sorted({str(r.get("organization") or "评测数据") for r in records}):
        org = Organization(name=name, kind=OrgKind.INSTITUTE, natural_key=natural_key(name, None, None), source="eval")
        session.add(org)
        orgs[name] = org
    session.flush()
    rows = []
    for r in records:
        fields = _as_list(r.get("fields"))
        title = str(r.get("title") or r.get("name") or "")[:200]
        rows.append(Achievement(
            name=title, description=str(r["text"]), tags=_as_list(r.get("tags")), field=(fields[0][:50] if fields else None),
            discipline=(fields[1][:50] if len(fields) > 1 else None), region_code=_region(r.get("region")),
            owner_org_id=orgs[str(r.get("organization") or "评测数据")].id, achievement_kind=AchievementKind.TECHNOLOGY,
            natural_key=f"ext:{r['id']}", source_id=str(r["id"])[:100], source="eval"))
    session.add_all(rows)
    session.flush()
    return {row.id: str(r["id"]) for row, r in zip(rows, records)}


def query_of(row: dict[str, Any]) -> MatchQuery:
    return MatchQuery(text=str(row["text"]), fields=_as_list(row.get("fields")), tags=_as_list(row.get("tags")),
                      region_code=_region(row.get("region")))


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


def run_eval(folder: Path, backend: str | None, echo: Echo, run_out: Path | None = None,
             progress: Callable[[int, int, str], None] | None = None, explore: bool = False) -> dict[str, dict[str, float]]:
    """Index the set, run every query, print and return the metrics of each ranking."""
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
        rebuild_pool(ctx, Pool.ACHIEVEMENT, progress=progress)
        echo(f"索引 {len(data.records)} 条记录（{embedder.backend}），用时 {time.perf_counter() - started:.1f} 秒")
        results = {"product": Scores(), "bm25": Scores(), "semantic": Scores()}
        latencies, run_lines, explored = [], [], []
        with session_scope(engine) as session:
            for row in data.queries:
                judged = data.qrels.get(row["id"], {})
                query = query_of(row)
                ctx._queries.clear()
                start = time.perf_counter()
                matches = recommend_text(session, ctx, query, "need_achievements", viewer=Viewer(staff=True), k=DEPTH)
                latencies.append((time.perf_counter() - start) * 1000)
                ranking = [set_id[m.id] for m in matches]
                results["product"].add(ranking, judged)
                if explore:
                    wide = recommend_text(session, ctx, query, "need_achievements", viewer=Viewer(staff=True), k=2 * DEPTH)
                    explored.append((wide, set_id, judged))
                run_lines += [f"{row['id']} Q0 {doc} {n} {m.score:.4f} chanjiao" for n, (doc, m) in enumerate(zip(ranking, matches), 1)]
                for mode, key in (("lexical", "bm25"), ("semantic", "semantic")):
                    hits = search(Pool.ACHIEVEMENT, query.text, DEPTH, mode=mode, ctx=ctx).hits
                    results[key].add([set_id[h.id] for h in hits], judged)
        engine.dispose()
    if run_out is not None:
        run_out.write_text("\n".join(run_lines) + "\n", encoding="utf-8")
    echo(f"查询 {len(data.queries)} 条；推荐延迟 p50 {np.percentile(latencies, 50):.1f} ms，p95 {np.percentile(latencies, 95):.1f} ms")
    table = {name: s.means() for name, s in results.items()}
    echo(f"{'排序':10s} {'nDCG@10':>8s} {'Recall@10':>10s} {'Recall@100':>11s} {'MRR@10':>8s}")
    for name, label in (("product", "产品排序"), ("bm25", "仅BM25"), ("semantic", "仅语义")):
        m = table[name]
        echo(f"{label:10s} {m['ndcg10']:8.4f} {m['recall10']:10.4f} {m['recall100']:11.4f} {m['mrr10']:8.4f}")
    for name, label in (("bm25", "仅BM25"), ("semantic", "仅语义")):
        d = paired_difference(results["product"].ndcg10, results[name].ndcg10)
        echo(f"产品排序 − {label}：nDCG@10 {d.mean:+.4f}（95% 区间 {d.low:+.4f} ~ {d.high:+.4f}），"
             f"胜 {d.wins} 条 / 负 {d.losses} 条")
    if explore:
        from matcher.explore import explore as run_explore

        echo("同一批候选在其他融合方式下的 nDCG@10：")
        run_explore(explored, embedder.backend, echo)
    return table
