"""智能推荐 as pages show it: every direction's matches of a record, the vector progress, and
the count of matches shown for the dashboard."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from data.db import session_scope
from data.errors import Malformed, NotAllowed
from data.models import PoolRecord, User
from data.pools import Pool
from data.workflows.dashboard import count_shown
from indexer import operations
from indexer.context import IndexContext
from indexer.store import IndexError_
from data.access import Viewer
from matcher.directions import directions_for
from matcher.directions import get as direction_named
from matcher.engine import Match
from matcher.recommend import RecommendError, recommend
from web.services.records import get_record

log = logging.getLogger(__name__)


def recommendations(session: Session, ctx: IndexContext, pool: Pool, record: PoolRecord, viewer: Viewer,
                    user: User | None, actor: str | None, k: int = 5) -> list[tuple[str, str, list[Match] | str]]:
    """Every applicable direction ``user`` may run (``Direction.open_to``): (key, label, matches
    or a Chinese problem). A direction they may not run has no panel at all."""
    panels: list[tuple[str, str, list[Match] | str]] = []
    for direction in directions_for(record):
        if not direction.open_to(user):
            continue
        try:
            panels.append((direction.key, direction.label,
                           recommend(session, ctx, pool, record.id, direction.key, viewer=viewer, actor=actor, k=k)))
        except (IndexError_, RecommendError) as exc:
            panels.append((direction.key, direction.label, str(exc)))
    note_shown({key: len(matches) for key, _, matches in panels if not isinstance(matches, str)})
    return panels


def waits_for_vector(ctx: IndexContext, pool: Pool, record_id: int) -> bool:
    """Whether a published record is matched by its words only until its vector is computed
    (False when the index cannot tell: a page never fails over it)."""
    try:
        return operations.waits_for_vector(ctx, pool, record_id)
    except IndexError_:
        return False


def vector_progress(ctx: IndexContext) -> list[tuple[str, int, int, int]]:
    """Per pool with records: its label, records indexed, with their vector, still waiting."""
    rows = []
    for pool in Pool:
        try:
            found = operations.vector_progress(ctx, pool)
        except IndexError_:
            continue
        if found.indexed:
            rows.append((pool.label, found.indexed, found.ready, found.waiting))
    return rows


def note_shown(shown: dict[str, int]) -> None:
    """Count matches shown for the dashboard, in a transaction of its own; a failure here
    (a busy SQLite file) costs a statistic, never the page."""
    try:
        with session_scope() as session:
            count_shown(session, shown)
    except SQLAlchemyError:
        log.warning("could not count shown matches", exc_info=True)


def check_may_run(user: User | None, direction: str) -> None:
    """NotAllowed (403) naming ``direction`` when ``user`` may not run it (``Direction.open_to``:
    a student's or an expert's account is never recommended students); an unknown direction
    passes here and is refused by the recommendation itself."""
    spec = direction_named(direction)
    if spec is not None and not spec.open_to(user):
        raise NotAllowed("direction", spec.refusal(user))


def direction_matches(session: Session, ctx: IndexContext, pool: Pool, record_id: int, direction: str,
                      viewer: Viewer, user: User | None, actor: str | None, k: int) -> list[Match]:
    """One direction's matches of a record the viewer may see (NotFound otherwise), counted as
    shown; a direction ``user`` may not run is NotAllowed whatever the record (checked first),
    an unknown one Malformed naming ``direction``."""
    check_may_run(user, direction)
    get_record(session, pool, record_id, viewer)
    try:
        matches = recommend(session, ctx, pool, record_id, direction, viewer=viewer, actor=actor, k=k)
    except RecommendError as exc:
        raise Malformed("direction", str(exc)) from exc
    note_shown({direction: len(matches)})
    return matches
