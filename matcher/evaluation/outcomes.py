"""``chanjiao eval-outcomes``: does what enterprises did with earlier recommendations help
rank the later ones?

The demo alliance is built in a throw-away instance (its shipped vectors: no record is
embedded) and given its history (``matcher.evaluation.history``). The history is split by
time: the first part is kept in the database, as the ranking would have seen it then; the
later part is taken out and becomes the labels — per need, each person the enterprise acted
on: 已合作 2, 已联系 or 感兴趣 1, declined 0. Each need of the later part with at least one
person acted on well and one other is a query. Its need → experts ranking (200 candidates)
is re-ranked by each way of learning from the kept history (``follow_declines`` with one
reason, or several; or people who cooperated before ranked up), and the persons judged are scored in the order the ranking puts them
(nDCG@10 over the judged persons only: whom the enterprise never looked at says nothing),
against the ranking that learns nothing, with the paired-bootstrap interval ``chanjiao eval``
prints.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from data.db import make_engine, session_scope
from data.demo import load_demo
from data.enums import FeedbackAction, RejectReason
from data.migrate import upgrade_to_head
from data.models import Feedback, Project
from data.pools import Pool
from data.reference.regions import seed_regions
from indexer.analyzer import get_analyzer
from indexer.context import IndexContext
from indexer.embedders import get_embedder
from indexer.operations import rebuild_pool
from indexer.store import IndexStore
from data.workflows.feedback import cooperation_counts
from matcher.directions.common import DECLINE_PENALTY, DECLINE_WINDOW, follow_declines
from matcher.directions.need_experts import experts_for_need
from matcher.engine import Match
from matcher.evaluation.history import ACTOR, generate_history
from matcher.evaluation.metrics import ndcg_at, paired_difference
from matcher.query import query_from_record

Echo = Callable[[str], None]
GRADES = {FeedbackAction.COOPERATED: 2, FeedbackAction.CONTACTED: 1, FeedbackAction.INTERESTED: 1,
          FeedbackAction.REJECTED: 0}
CANDIDATES = 200
# Also tried: people who cooperated before (已合作 in the kept history) ranked up by the same
# factor the declines rank down by — "an expert's completed agreements".
TRACK_RECORD = "合作过的人选加分"
VARIANTS: dict[str, tuple[RejectReason, ...]] = {
    "地区太远": (RejectReason.REGION,),
    "资历不够": (RejectReason.SENIORITY,),
    "领域不符": (RejectReason.FIELD,),
    "地区太远+资历不够": (RejectReason.REGION, RejectReason.SENIORITY),
    "三者": (RejectReason.REGION, RejectReason.SENIORITY, RejectReason.FIELD),
}


def run_outcome_replay(echo: Echo, held_out: float = 0.3, seeds: Sequence[int] = (20261205,),
                       backend: str | None = None) -> dict[str, list[float]]:
    """Print the replay's table; returns per-query nDCG@10 by variant ("不学习" the baseline),
    the queries of every seed in one list."""
    scores: dict[str, list[float]] = defaultdict(list)
    embedder = get_embedder(backend) if backend else get_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'outcomes.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_regions(session)
            load_demo(session)
        ctx = IndexContext(IndexStore(Path(tmp) / "indexes"), get_analyzer(), embedder, engine=engine)
        started = time.perf_counter()
        for pool in Pool:
            rebuild_pool(ctx, pool)
        echo(f"演示联盟已建索引（{embedder.backend}），用时 {time.perf_counter() - started:.1f} 秒")
        for seed in seeds:
            with session_scope(engine) as session:
                session.execute(delete(Feedback).where(Feedback.actor == ACTOR))
                started = time.perf_counter()
                report = generate_history(session, ctx, seed=seed)
                echo(f"种子 {seed}：{report.needs} 条需求的历史，用时 {time.perf_counter() - started:.1f} 秒；"
                     + "，".join(f"{k} {v}" for k, v in sorted(report.actions.items())))
                labels = _hold_out(session, held_out)
            with session_scope(engine) as session:
                for need_id, judged in sorted(labels.items()):
                    need = session.get(Project, need_id)
                    if need is None:
                        continue
                    base = experts_for_need(session, ctx, query_from_record(need), k=CANDIDATES, learn=())
                    scores["不学习"].append(_score(base, judged))
                    for name, reasons in VARIANTS.items():
                        learned = copy.deepcopy(base)
                        follow_declines(session, query_from_record(need), learned, reasons)
                        scores[name].append(_score(learned, judged))
                    scores[TRACK_RECORD].append(_score(_track_record(session, base), judged))
    _print(echo, scores)
    return dict(scores)


def _hold_out(session: Session, share: float) -> dict[int, dict[str, int]]:
    """Take the last ``share`` of the history (by time) out of the database; return it as
    labels: need id → {"pool:id": grade}, for needs with one person acted on well and another."""
    total = session.scalar(select(func.count()).select_from(Feedback).where(Feedback.actor == ACTOR)) or 0
    cutoff = session.scalar(select(Feedback.created_at).where(Feedback.actor == ACTOR)
                            .order_by(Feedback.created_at).offset(int(total * (1 - share))).limit(1))
    if cutoff is None:
        return {}
    # A need's history is all on one day, so a need is wholly kept or wholly held out.
    rows = session.scalars(select(Feedback).where(Feedback.actor == ACTOR, Feedback.created_at >= cutoff
                                                  - dt.timedelta(days=7)))
    labels: dict[int, dict[str, int]] = defaultdict(dict)
    held: set[int] = set()
    for row in rows:
        if row.source_id is None:
            continue
        held.add(row.source_id)
        key = f"{row.target_pool}:{row.target_id}"
        labels[row.source_id][key] = max(labels[row.source_id].get(key, 0), GRADES[row.action])
    session.execute(delete(Feedback).where(Feedback.actor == ACTOR, Feedback.source_id.in_(held)))
    return {need: judged for need, judged in labels.items()
            if any(g > 0 for g in judged.values()) and len(judged) >= 2}


def _track_record(session: Session, matches: list[Match]) -> list[Match]:
    """Copies of ``matches``, those who cooperated before ranked up (``TRACK_RECORD``)."""
    since = dt.datetime.now(dt.timezone.utc) - DECLINE_WINDOW
    done = cooperation_counts(session, [m.id for m in matches], since)
    learned = copy.deepcopy(matches)
    for match in learned:
        if done.get((match.pool, match.id)):
            match.score /= DECLINE_PENALTY
    return learned


def _score(matches: list[Match], judged: dict[str, int]) -> float:
    ranked = sorted(matches, key=lambda m: (-round(m.score, 6), m.pool.value, m.id))
    order = [f"{m.pool.value}:{m.id}" for m in ranked]
    condensed = [key for key in order if key in judged] + sorted(k for k in judged if k not in order)
    return ndcg_at(condensed, judged, 10)


def _print(echo: Echo, scores: dict[str, list[float]]) -> None:
    base = scores.get("不学习", [])
    echo(f"\n留出的需求 {len(base)} 条；nDCG@10（仅计企业看过的人选）")
    echo(f"{'学习的谢绝原因':<16}{'nDCG@10':>9}  {'比不学习':>9}  95% 区间            胜/负")
    echo(f"{'不学习':<16}{_mean(base):>9.4f}")
    for name in [*VARIANTS, TRACK_RECORD]:
        d = paired_difference(scores[name], base)
        echo(f"{name:<16}{_mean(scores[name]):>9.4f}  {d.mean:>+9.4f}  ({d.low:+.4f} ~ {d.high:+.4f})  {d.wins}/{d.losses}")


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
