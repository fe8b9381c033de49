"""Figures for the overview dashboard: pool sizes, new records per week, matches shown, feedback."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.models import MODELS, Feedback, MatchImpression
from data.pools import Pool
from data.workflows.stats import pool_counts


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


def count_shown(session: Session, shown: dict[str, int], today: dt.date | None = None) -> None:
    """Add ``{direction: matches shown}`` to today's counters (one row per day and direction)."""
    today = today or dt.date.today()
    for direction, n in sorted(shown.items()):
        if n <= 0:
            continue
        bump = (update(MatchImpression).where(MatchImpression.day == today, MatchImpression.direction == direction)
                .values(shown=MatchImpression.shown + n))
        result = session.execute(bump)
        if isinstance(result, CursorResult) and result.rowcount:  # an UPDATE's result is a cursor's
            continue
        try:
            with session.begin_nested():
                session.add(MatchImpression(day=today, direction=direction, shown=n))
        except IntegrityError:  # another request created today's row first
            session.execute(bump)


def shown_by_direction(session: Session, labels: dict[str, str], days: int = 30,
                       today: dt.date | None = None) -> list[tuple[str, int]]:
    """(direction label, matches shown in the last ``days`` days), most shown first."""
    since = (today or dt.date.today()) - dt.timedelta(days=days - 1)
    rows = session.execute(select(MatchImpression.direction, func.sum(MatchImpression.shown))
                           .where(MatchImpression.day >= since).group_by(MatchImpression.direction))
    totals: Counter[str] = Counter()
    for direction, n in rows:
        totals[labels.get(direction, direction)] += int(n or 0)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def overview(session: Session, direction_labels: dict[str, str]) -> dict[str, object]:
    sizes = pool_counts(session)
    return {"pool_sizes": [(p.label, sizes[p]) for p in Pool], "weeks": weekly_new_records(session),
            "feedback": feedback_counts(session), "shown": shown_by_direction(session, direction_labels)}
