"""A round from the database through the allocation engine (matcher/placement.py), on a small
hand-built world: the placement follows the choices and the marks, the unplaced get the right
reason, a what-if with one more seat places the one left out, and the results are stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from data.enums import OrgKind, Role, RoundStatus, Status
from data.errors import NotAllowed
from data.models import Internship, Talent
from data.pools import Pool
from data.workflows import rounds as rw
from matcher.allocation import Method, Reason
from matcher.placement import (WhatIf, allocate_round, pair_scores, run_round, structured_fit, suggested_choices,
                               try_change)
from tests.makers import make_internship, make_organization, make_talent, make_user

# The fit of each (student, post) by name: the robot students fit the robot posts.
FIT = {("李", "机器人运维"): 0.9, ("李", "视觉检测"): 0.7, ("赵", "机器人运维"): 0.8, ("赵", "视觉检测"): 0.75,
       ("钱", "机器人运维"): 0.6, ("钱", "视觉检测"): 0.6}


def fit(post: Internship, talent: Talent) -> float:
    return FIT.get((talent.name, post.name), 0.3)


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    school = make_organization(db, "广州智造职业技术学院", status=Status.PUBLISHED)
    maker = make_organization(db, "广州智视装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    staff, hr = make_user(db, "staff", Role.STAFF), make_user(db, "hr", Role.ENTERPRISE, maker.id)
    students = {n: make_user(db, n, Role.STUDENT, school.id) for n in ("li", "zhao", "qian", "sun")}
    robot = ["工业机器人技术"]
    posts = {n: make_internship(db, maker.id, n, status=Status.PUBLISHED, seats=1, majors=robot)
             for n in ("机器人运维", "视觉检测")}
    people = {n: make_talent(db, school.id, name, user_id=students[n].id, status=Status.PUBLISHED, major=major)
              for n, name, major in (("li", "李", "工业机器人技术"), ("zhao", "赵", "工业机器人技术"),
                                     ("qian", "钱", "工业机器人技术"), ("sun", "孙", "食品检验检测技术"))}
    made = rw.create_round(db, staff, "机器人方向双选", [p.id for p in posts.values()], [t.id for t in people.values()],
                           max_choices=2)
    rw.open_round(db, staff, made.id)
    return {"round": made, "staff": staff, "hr": hr, "users": students, "posts": posts, "people": people}


def _choose(db: Session, world: dict[str, Any], who: str, *posts: str) -> None:
    rw.set_choices(db, world["users"][who], world["round"].id, [world["posts"][p].id for p in posts])


def test_choices_and_marks_decide_and_the_left_out_get_their_reason(db: Session, world: dict[str, Any]) -> None:
    posts, people, rid = world["posts"], world["people"], world["round"].id
    _choose(db, world, "li", "机器人运维")
    _choose(db, world, "zhao", "机器人运维", "视觉检测")
    _choose(db, world, "qian", "视觉检测")
    _choose(db, world, "sun", "视觉检测")
    # 李 would rank first for 机器人运维, but the enterprise will not take him there
    rw.set_marks(db, world["hr"], rid, posts["机器人运维"].id, {people["li"].id: "不接受"})
    rw.set_marks(db, world["hr"], rid, posts["视觉检测"].id, {people["qian"].id: "优先"})
    rw.close_round(db, world["staff"], rid)
    allocation = allocate_round(db, rid, scorer=fit)
    assert allocation.assignment == {people["zhao"].id: posts["机器人运维"].id, people["qian"].id: posts["视觉检测"].id}
    reasons = {u.student: u.reason for u in allocation.unplaced}
    assert reasons[people["li"].id] is Reason.NOT_ACCEPTABLE
    assert reasons[people["sun"].id] is Reason.NO_MAJOR_POST  # 食品 major, robot posts only
    placed = {p.student: p for p in allocation.placements}
    assert placed[people["zhao"].id].student_rank == 1


def test_what_if_one_more_seat_places_the_outranked(db: Session, world: dict[str, Any]) -> None:
    posts, people, rid = world["posts"], world["people"], world["round"].id
    _choose(db, world, "li", "机器人运维")
    _choose(db, world, "zhao", "机器人运维")
    rw.close_round(db, world["staff"], rid)
    base = allocate_round(db, rid, scorer=fit)
    assert base.assignment.get(people["li"].id) == posts["机器人运维"].id
    assert {u.student: u.reason for u in base.unplaced}[people["zhao"].id] is Reason.OUTRANKED
    after, change = try_change(base, WhatIf(seats={posts["机器人运维"].id: 1}))
    assert [m.student for m in change.placed] == [people["zhao"].id]
    assert after.metrics.placed == base.metrics.placed + 1
    _, by_welfare = try_change(base, WhatIf(method=Method.WELFARE))
    assert by_welfare.after.welfare >= by_welfare.before.welfare - 1e-9


def test_run_round_stores_the_results_staff_only(db: Session, world: dict[str, Any]) -> None:
    rid = world["round"].id
    rw.close_round(db, world["staff"], rid)
    with pytest.raises(NotAllowed):
        run_round(db, world["hr"], rid, scorer=fit)
    allocation = run_round(db, world["staff"], rid, scorer=fit)
    stored = {r.talent_id: r for r in rw.results_of(db, rid)}
    assert rw.get_round(db, rid).status is RoundStatus.ALLOCATED and len(stored) == 4
    for p in allocation.placements:
        assert stored[p.student].internship_id == p.post and stored[p.student].score == pytest.approx(p.score)
    for u in allocation.unplaced:
        assert stored[u.student].reason == u.reason.value and len(stored[u.student].alternatives) == len(u.alternatives)
    assert all(rw.REASON_LABELS[r.value] == r.label for r in Reason)  # the workflow's copy of the labels


def test_structured_fit_prefers_the_major_that_fits(db: Session, world: dict[str, Any]) -> None:
    post, people = world["posts"]["机器人运维"], world["people"]
    assert structured_fit(post, people["li"]) > structured_fit(post, people["sun"])
    scores = pair_scores(db, rw.inputs_of(db, world["round"].id))
    assert len(scores) == 8 and all(0 <= v <= 1 for v in scores.values())


def test_suggested_choices_leave_out_what_the_rules_forbid(db: Session, world: dict[str, Any]) -> None:
    posts, people = world["posts"], world["people"]
    inputs = rw.inputs_of(db, world["round"].id)
    assert suggested_choices(db, inputs, people["li"].id, scorer=fit) == [posts["机器人运维"].id, posts["视觉检测"].id]
    assert suggested_choices(db, inputs, people["sun"].id, scorer=fit) == []  # no post takes 食品 majors


def test_a_pair_the_ranking_did_not_return_does_not_earn_the_channels_share(
        db: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A round scores the pairs a student's ranking returns by their two-sided score, in which
    the channels' ranks take ``two_sided_channels``; every other pair by the structured fit
    less that share (it is in neither channel's list), so the two are on one scale."""
    import matcher.placement as placement
    from matcher.engine import Match
    from matcher.scoring import WEIGHTS

    robot = world["posts"]["机器人运维"]

    def ranked(session: Session, ctx: object, query: object, k: int) -> list[Match]:
        return [Match(Pool.INTERNSHIP, robot.id, robot.name, 64.0, {}, [], [], [])]

    monkeypatch.setattr(placement, "internships_for_talent", ranked)
    scores = pair_scores(db, rw.inputs_of(db, world["round"].id), ctx=object(), scorer=fit)  # type: ignore[arg-type]
    people, vision = world["people"], world["posts"]["视觉检测"]
    assert scores[(people["li"].id, robot.id)] == pytest.approx(0.64)
    assert scores[(people["li"].id, vision.id)] == pytest.approx((1 - WEIGHTS.two_sided_channels) * 0.7)
    assert scores[(people["sun"].id, vision.id)] == pytest.approx((1 - WEIGHTS.two_sided_channels) * 0.3)
