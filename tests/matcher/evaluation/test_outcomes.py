"""The demo's generated history (matcher/evaluation/history.py) and its replay
(matcher/evaluation/outcomes.py) on the small hand-built alliance."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data.db import session_scope
from data.enums import FeedbackAction
from data.models import Feedback
from data.pools import Pool
from indexer.context import get_context
from matcher.engine import Match
from matcher.evaluation.history import ACTOR, SPAN, generate_history
from matcher.evaluation.outcomes import _hold_out, _score
from tests.matcher.world import World, build_world

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def world(live_db: str) -> World:
    return build_world()


def _history(seed: int) -> list[tuple[object, ...]]:
    with session_scope() as s:
        s.execute(Feedback.__table__.delete())
        report = generate_history(s, get_context(), seed=seed, now=NOW)
        assert report.needs == 3  # the world's technical needs
        return [(f.source_id, f.target_pool, f.target_id, f.action, f.reason, f.created_at)
                for f in s.scalars(select(Feedback).order_by(Feedback.id))]


def test_the_history_is_seeded_dated_and_consistent(world: World) -> None:
    rows = _history(7)
    assert rows == _history(7)
    assert any(_history(seed) != rows for seed in (8, 9, 10))
    many = [row for seed in range(8) for row in _history(seed)]
    actions = {row[3] for row in many}
    assert FeedbackAction.REJECTED in actions and FeedbackAction.CONTACTED in actions
    for source, pool, target, action, reason, when in many:
        assert (reason is not None) == (action is FeedbackAction.REJECTED)
        assert NOW - SPAN - dt.timedelta(days=7) <= when.replace(tzinfo=dt.timezone.utc) <= NOW
        assert pool in (Pool.EXPERT.value, Pool.TEACHER.value)
        # Never the need's own organization's people (conflict of interest).
        assert (source, pool, target) != (world.ids["vision_need"], Pool.EXPERT.value, world.ids["own_expert"])
        if action is FeedbackAction.COOPERATED:
            assert any(r[:3] == (source, pool, target) and r[3] is FeedbackAction.CONTACTED for r in many)


def test_the_replay_holds_out_the_later_needs_and_scores_only_who_was_judged(world: World) -> None:
    vision, ferment = world.ids["vision_need"], world.ids["ferment_need"]
    with session_scope() as s:
        for source, days, target, action in ((vision, 100, 1, FeedbackAction.REJECTED),
                                             (ferment, 10, 1, FeedbackAction.COOPERATED),
                                             (ferment, 10, 2, FeedbackAction.REJECTED),
                                             (ferment, 10, 3, FeedbackAction.INTERESTED)):
            s.add(Feedback(actor=ACTOR, direction="need_experts", source_pool=Pool.PROJECT.value, source_id=source,
                           target_pool=Pool.EXPERT.value, target_id=target, action=action,
                           reason="other" if action is FeedbackAction.REJECTED else None,
                           created_at=NOW - dt.timedelta(days=days)))
        s.flush()
        labels = _hold_out(s, 0.5)
        assert labels == {ferment: {"expert:1": 2, "expert:2": 0, "expert:3": 1}}
        assert [f.source_id for f in s.scalars(select(Feedback))] == [vision]  # the later need is taken out

    def match(id_: int, score: float) -> Match:
        return Match(Pool.EXPERT, id_, "", score, {}, [], [], [])
    judged = labels[ferment]
    best = _score([match(1, 90), match(9, 80), match(3, 70), match(2, 60)], judged)
    assert best == pytest.approx(1.0)  # the unjudged candidate 9 does not count
    worse = _score([match(2, 90), match(3, 80)], judged)  # 1 not ranked at all: placed last
    assert worse < best
