"""Figures for the overview dashboard: pool sizes, new records per week, feedback counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.models import MODELS, Feedback
from data.pools import Pool
from data.stats import pool_counts


def weekly_new_records(session: Session, weeks: int = 8, today: dt.date | None = None) -> list[tuple[str, int]]:
    """(week starting Monday, records created that week) for the last ``weeks`` weeks, all pools."""
    today = today or dt.date.today()
    start = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    counts: Counter[dt.date] = Counter()
    since = dt.datetime.combine(start, dt.time(), tzinfo=dt.timezone.utc)
    for model in MODELS.values():
        for (created,) in session.execute(select(model.created_at).where(model.created_at >= since)):
            day = created.date()
            counts[day - dt.timedelta(days=day.weekday())] += 1
    return [((start + dt.timedelta(weeks=i)).isoformat(), counts[start + dt.timedelta(weeks=i)]) for i in range(weeks)]


def feedback_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Feedback.action, func.count()).group_by(Feedback.action))
    return {action.label: n for action, n in rows}


def overview(session: Session) -> dict[str, object]:
    sizes = pool_counts(session)
    return {"pool_sizes": [(p.label, sizes[p]) for p in Pool], "weeks": weekly_new_records(session),
            "feedback": feedback_counts(session)}
