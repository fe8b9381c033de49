"""A record's detail page: the record, its 智能推荐 panels with their cards, what the viewer
may do with it (edit, propose for practice, ask for contact) and whether it waits for its vector."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import acts_for, can_see, may_edit
from data.models import MODELS, PoolRecord, Subscription, Teacher, User
from data.pools import Pool
from data.sheets.display import Fact, card_facts, facts
from data.workflows.contacts import ContactPanel, contact_panel
from data.workflows.proposals import may_propose
from indexer.context import IndexContext
from data.access import Viewer
from matcher.directions import REGISTRY
from matcher.directions.direction import Direction
from matcher.engine import Match
from web.services.matching import recommendations, waits_for_vector
from web.services.records import get_record
from web.services.subscriptions import following

Panels = list[tuple[str, str, list[Match] | str]]  # (direction key, label, matches or a Chinese problem)


@dataclass
class RecordPage:
    """Everything ``detail.html`` shows of one record, for one viewer."""

    pool: Pool
    record: PoolRecord
    panels: Panels
    cards: dict[tuple[Pool, int], list[Fact]]  # the facts of every recommended record the viewer may see
    facts: list[Fact]
    contact: ContactPanel
    editable: bool
    speaks_for: bool  # may give feedback on its recommendations (:func:`data.access.acts_for`)
    can_propose: bool  # a college may propose this teacher for 企业实践
    waiting: bool  # matched by its words only until its vector is computed
    directions: dict[str, Direction]  # the registry: what each panel's direction offers
    following: dict[str, Subscription]  # the user's subscriptions on this record, by direction


def record_page(session: Session, ctx: IndexContext, pool: Pool, record_id: int, viewer: Viewer,
                user: User | None, actor: str | None) -> RecordPage:
    """The detail page of a record the viewer may see (NotFound otherwise)."""
    record = get_record(session, pool, record_id, viewer)
    panels = recommendations(session, ctx, pool, record, viewer, user, actor)
    return RecordPage(pool, record, panels, match_cards(session, panels, viewer),
                      facts(pool, record, staff=viewer.staff), contact_panel(session, user, pool, record),
                      editable=user is not None and may_edit(user, record),
                      speaks_for=user is not None and acts_for(viewer, record),
                      can_propose=user is not None and isinstance(record, Teacher) and may_propose(user, record),
                      waiting=waits_for_vector(ctx, pool, record.id), directions=REGISTRY,
                      following=following(session, user, pool, record.id))


def match_cards(session: Session, panels: Panels, viewer: Viewer) -> dict[tuple[Pool, int], list[Fact]]:
    """The card facts of every recommended record on a detail page: one query per pool (the
    matches carry ids and names only); who may see each one is checked again."""
    wanted: dict[Pool, set[int]] = {}
    for _, _, matches in panels:
        if not isinstance(matches, str):
            for m in matches:
                wanted.setdefault(m.pool, set()).add(m.id)
    cards: dict[tuple[Pool, int], list[Fact]] = {}
    for pool, ids in wanted.items():
        model = MODELS[pool]
        for record in session.scalars(select(model).where(model.id.in_(ids))):
            if can_see(record, viewer):
                cards[(pool, record.id)] = card_facts(pool, record)
    return cards
