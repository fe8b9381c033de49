"""A realistic history of what the demo's enterprises did with their recommendations.

``chanjiao demo`` adds it, so the demo shows feedback and outcomes, and ``chanjiao
eval-outcomes`` replays it. Need by need, in the order they were posted over the past ten
months, the enterprise is shown the need → experts recommendations of that moment (the
history so far already counts: busy people rank down) and acts on some of them:

- it looks at a shown candidate with a chance that falls with the rank (1 / (1 + 0.35·rank));
- each enterprise has hidden habits: a third want people from their own province and decline
  the others (地区太远), a quarter want a 正高 title (资历不够); each habit holds only most of
  the time;
- a candidate of another field than the need's is declined 领域不符 most of the time; some are
  declined for no stated reason (其他) or because of an existing partner (已有合作);
- otherwise the enterprise gets in touch with a chance that grows with the match's score, and
  the contact becomes a cooperation with the candidate's own hidden readiness.

The habits are what a replay can learn; everything else is noise it must not mistake for
them. Seeded: the same demo gives the same history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import FeedbackAction, ProjectKind, RejectReason, Status
from data.models import MODELS, Feedback, Project
from data.pools import Pool
from data.reference.regions import province_of
from indexer.context import IndexContext
from matcher.directions.common import SENIOR_TITLES
from matcher.directions.need_experts import experts_for_need
from matcher.query import query_from_record

SEED = 20261205
ACTOR = "演示历史"  # feedback rows of the generated history carry this actor
SPAN = dt.timedelta(days=300)  # the history covers this long, up to the day it is generated
# The needs an enterprise asks experts about.
KINDS = (ProjectKind.TECH_PROBLEM, ProjectKind.HORIZONTAL, ProjectKind.COOPERATION_NEED)
SHOWN = 10
LOOK_DECAY = 0.35
# Hidden habits: the share of enterprises that have each, and how often it decides.
LOCAL_SHARE, LOCAL_HOLDS = 0.33, 0.85
SENIOR_SHARE, SENIOR_HOLDS = 0.25, 0.8
OFF_FIELD_DECLINED = 0.7
OTHER_DECLINE, EXISTING_DECLINE = 0.1, 0.04
CONTACT_BASE, CONTACT_PER_SCORE = 0.15, 0.6  # chance of contact = base + per_score · score/100


@dataclass(frozen=True)
class Habits:
    local_only: bool
    senior_only: bool


@dataclass
class HistoryReport:
    needs: int
    actions: Counter[str]
    habits: dict[int, Habits]  # enterprise id → its hidden habits (for a replay to report on)


def generate_history(session: Session, ctx: IndexContext, *, seed: int = SEED,
                     now: dt.datetime | None = None,
                     progress: Callable[[int, int], None] | None = None) -> HistoryReport:
    """Write the history as feedback rows (actor ``ACTOR``) dated over the ``SPAN`` before
    ``now``; returns what was written."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.timezone.utc)
    needs = list(session.scalars(select(Project).where(Project.project_kind.in_(KINDS),
                                                       Project.status == Status.PUBLISHED).order_by(Project.id)))
    habits: dict[int, Habits] = {}
    readiness: dict[tuple[Pool, int], float] = {}
    actions: Counter[str] = Counter()
    for i, need in enumerate(needs):
        org = need.owner_org_id
        if org not in habits:
            habits[org] = Habits(rng.random() < LOCAL_SHARE, rng.random() < SENIOR_SHARE)
        when = now - SPAN + SPAN * (i + rng.random()) / max(1, len(needs))
        shown = experts_for_need(session, ctx, query_from_record(need), k=SHOWN, learn=())
        for rank, match in enumerate(shown):
            if rng.random() > 1 / (1 + LOOK_DECAY * rank):
                continue
            person = session.get(MODELS[match.pool], match.id)
            if person is None:
                continue
            key = (match.pool, match.id)
            if key not in readiness:
                readiness[key] = rng.betavariate(2, 2)
            action, reason = _decide(rng, habits[org], need, person, match.score, readiness[key])
            if action is None:
                continue
            session.add(Feedback(actor=ACTOR, direction="need_experts", source_pool=Pool.PROJECT.value,
                                 source_id=need.id, target_pool=match.pool.value, target_id=match.id,
                                 action=action, reason=reason, created_at=when))
            actions[action.label if reason is None else f"{action.label}：{reason.label}"] += 1
            if action is FeedbackAction.COOPERATED:  # it was contacted first
                session.add(Feedback(actor=ACTOR, direction="need_experts", source_pool=Pool.PROJECT.value,
                                     source_id=need.id, target_pool=match.pool.value, target_id=match.id,
                                     action=FeedbackAction.CONTACTED, created_at=when - dt.timedelta(days=7)))
        session.flush()  # the next need's recommendations see this one's outcomes
        if progress is not None:
            progress(i + 1, len(needs))
    return HistoryReport(len(needs), actions, habits)


def _decide(rng: random.Random, habits: Habits, need: Project, person: object, score: float,
            readiness: float) -> tuple[FeedbackAction | None, RejectReason | None]:
    """What the enterprise does with one candidate it looked at."""
    field = getattr(person, "field", None)
    discipline = getattr(person, "discipline", None)
    if need.field and need.field not in (field, discipline) and rng.random() < OFF_FIELD_DECLINED:
        return FeedbackAction.REJECTED, RejectReason.FIELD
    home, theirs = province_of(need.region_code), province_of(getattr(person, "region_code", None))
    if habits.local_only and home and theirs and home.code != theirs.code and rng.random() < LOCAL_HOLDS:
        return FeedbackAction.REJECTED, RejectReason.REGION
    if habits.senior_only and getattr(person, "prof_title", None) not in SENIOR_TITLES and rng.random() < SENIOR_HOLDS:
        return FeedbackAction.REJECTED, RejectReason.SENIORITY
    draw = rng.random()
    if draw < OTHER_DECLINE:
        return FeedbackAction.REJECTED, RejectReason.OTHER
    if draw < OTHER_DECLINE + EXISTING_DECLINE:
        return FeedbackAction.REJECTED, RejectReason.EXISTING
    if rng.random() < CONTACT_BASE + CONTACT_PER_SCORE * score / 100:
        return (FeedbackAction.COOPERATED if rng.random() < readiness else FeedbackAction.CONTACTED), None
    return (FeedbackAction.INTERESTED if rng.random() < 0.3 else None), None
