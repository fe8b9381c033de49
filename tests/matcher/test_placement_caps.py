"""A round's rules from the database to the engine and back (matcher/placement.py): the site caps
(posts of one place share a cap), the school total (本校名额) and the apprentice share (学徒岗位)
reach the engine, are never exceeded by either method, and the student they keep out is told which
one bound; run_round stores that reason."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy.orm import Session

from data.enums import JobKind, OrgKind, Role, Status
from data.models import Internship, Talent
from data.workflows import rounds as rw
from matcher.allocation import Allocation, Method, Reason, allocate
from matcher.placement import build_problem, pair_scores, run_round
from tests.makers import make_internship, make_organization, make_talent, make_user

# The fit of each (student, post) by name; every other pair is 0 and stays under the floor.
FIT = {("甲1", "广州运维"): 0.9, ("甲2", "广州检测"): 0.8, ("乙1", "广州运维"): 0.7, ("乙1", "广州检测"): 0.6,
       ("乙2", "深圳学徒"): 0.9, ("乙3", "深圳学徒"): 0.8, ("甲3", "佛山装配"): 0.7, ("甲1", "佛山装配"): 0.5,
       ("甲2", "佛山装配"): 0.5, ("乙3", "佛山装配"): 0.4}


def fit(post: Internship, talent: Talent) -> float:
    return FIT.get((talent.name, post.name), 0.0)


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    schools = {n: make_organization(db, f"{n}职业学院", status=Status.PUBLISHED) for n in "甲乙"}
    maker = make_organization(db, "示例装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    posts = {name: make_internship(db, maker.id, name, status=Status.PUBLISHED, seats=seats, region_code=region,
                                   job_kind=kind)
             for name, seats, region, kind in (("广州运维", 2, "440106", JobKind.INTERNSHIP),
                                               ("广州检测", 2, "440111", JobKind.INTERNSHIP),
                                               ("深圳学徒", 3, "440300", JobKind.APPRENTICESHIP),
                                               ("佛山装配", 4, "440600", JobKind.INTERNSHIP))}
    people = {f"{s}{n}": make_talent(db, schools[s].id, f"{s}{n}", status=Status.PUBLISHED) for s in "甲乙" for n in (1, 2, 3)}
    return {"staff": make_user(db, "staff", Role.STAFF), "posts": posts, "people": people}


def _round(db: Session, world: dict[str, Any], posts: list[str], people: list[str], **rules: Any) -> int:
    made = rw.create_round(db, world["staff"], "规则测试", [world["posts"][p].id for p in posts],
                           [world["people"][t].id for t in people], floor=0.1, **rules)
    return made.id


def _both(db: Session, round_id: int) -> list[Allocation]:
    inputs = rw.inputs_of(db, round_id)
    problem = build_problem(inputs, pair_scores(db, inputs, scorer=fit))
    return [allocate(problem, Method.STABLE), allocate(problem, Method.WELFARE)]


def _reasons(world: dict[str, Any], allocation: Allocation) -> dict[str, Reason]:
    names = {t.id: n for n, t in world["people"].items()}
    return {names[u.student]: u.reason for u in allocation.unplaced}


def test_posts_of_one_place_share_its_cap(db: Session, world: dict[str, Any]) -> None:
    rid = _round(db, world, ["广州运维", "广州检测"], ["甲1", "甲2", "乙1"], site_caps="广州市 2")
    for allocation in _both(db, rid):
        assert len(allocation.placements) == 2  # four seats, but the city takes two
        assert _reasons(world, allocation) == {"乙1": Reason.SITE_CAPPED}
        assert Reason.SITE_CAPPED.label == "该地点名额已满"


def test_a_school_places_at_most_its_quota(db: Session, world: dict[str, Any]) -> None:
    rid = _round(db, world, ["佛山装配"], ["甲1", "甲2", "甲3", "乙3"], school_total=2)
    for allocation in _both(db, rid):
        by_school = Counter(world["people"][n].owner_org_id for n in ("甲1", "甲2", "甲3", "乙3")
                            if world["people"][n].id in allocation.assignment)
        assert max(by_school.values()) <= 2 and len(allocation.placements) == 3  # four seats, 甲 may take two
        assert set(_reasons(world, allocation).values()) == {Reason.SCHOOL_CAPPED}


def test_apprentice_posts_take_at_most_their_share(db: Session, world: dict[str, Any]) -> None:
    rid = _round(db, world, ["深圳学徒", "佛山装配"], ["乙2", "乙3", "甲1", "甲2", "甲3"], apprentice_share=0.2)
    for allocation in _both(db, rid):  # 0.2 × 5 students: one apprentice
        apprentices = [p for p in allocation.placements if p.post == world["posts"]["深圳学徒"].id]
        assert [p.student for p in apprentices] == [world["people"]["乙2"].id]
        # 乙3 goes to 佛山 instead, his second wish
        assert world["people"]["乙3"].id in allocation.assignment
    rid = _round(db, world, ["深圳学徒"], ["乙2", "乙3", "甲1", "甲2", "甲3"], apprentice_share=0.2)
    for allocation in _both(db, rid):
        assert len(allocation.placements) == 1 and _reasons(world, allocation)["乙3"] is Reason.APPRENTICE_CAPPED


def test_all_rules_at_once_are_never_exceeded_by_either_method(db: Session, world: dict[str, Any]) -> None:
    everyone = list(world["people"])
    rid = _round(db, world, list(world["posts"]), everyone, site_caps={"广州市": 1, "440600": 2}, school_total=2,
                 apprentice_share=0.2, school_quota=3)
    region = {p.id: p.region_code or "" for p in world["posts"].values()}
    school = {t.id: t.owner_org_id for t in world["people"].values()}
    apprentice = world["posts"]["深圳学徒"].id
    for allocation in _both(db, rid):
        placed = allocation.assignment
        assert sum(1 for p in placed.values() if region[p].startswith("4401")) <= 1
        assert sum(1 for p in placed.values() if region[p] == "440600") <= 2
        assert max(Counter(school[s] for s in placed).values()) <= 2
        assert sum(1 for p in placed.values() if p == apprentice) <= 1  # floor(0.2 × 6)
        assert all(u.reason in (Reason.SITE_CAPPED, Reason.SCHOOL_CAPPED, Reason.APPRENTICE_CAPPED, Reason.NO_PREFERENCES)
                   for u in allocation.unplaced)


def test_run_round_stores_the_rule_that_bound(db: Session, world: dict[str, Any]) -> None:
    rid = _round(db, world, ["广州运维", "广州检测"], ["甲1", "甲2", "乙1"], site_caps="广州市 2")
    rw.open_round(db, world["staff"], rid)
    rw.close_round(db, world["staff"], rid)
    run_round(db, world["staff"], rid, scorer=fit)
    stored = {r.talent_id: r for r in rw.results_of(db, rid)}
    left = stored[world["people"]["乙1"].id]
    assert left.internship_id is None and rw.reason_label(left.reason) == "该地点名额已满"
    assert {a["label"] for a in left.alternatives} == {"所在场地已满"}

