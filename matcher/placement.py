"""A 双选 round from the database to the allocation engine and back: build the ``Problem`` from
the round's records (``data.workflows.rounds.inputs_of``), score every student × post pair of
the round by the two-sided fit, run ``allocate``, turn the ``Allocation`` into rows the workflow
stores, and answer what-ifs (more seats at a post, another floor, the other method).

Scores: the talent → internship direction's two-sided score (``matcher.directions.
talent_internships``: text relevance, both sides' structured fit and the channels' ranks, as a
student's recommendations show it) for the pairs its ranking returns, and for the round's other
pairs the structured two-sided fit alone (``structured_fit``) less the channels' share, which
such a pair, in neither channel's list, does not earn — the ranking drops full or ended posts
and stops at its candidates, and a round must still score every pair. Without an index (none
built yet, or a test) every pair gets the structured fit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from data.enums import JobKind
from data.models import Internship, Talent, User
from data.workflows import rounds
from data.workflows.round_rules import site_of
from data.workflows.rounds import ResultRow, RoundInputs
from indexer.context import IndexContext
from indexer.store import IndexError_
from matcher.allocation import (Allocation, Comparison, Mark, Method, Post, Problem, Rules, Student, add_seats, allocate,
                                relax, what_if)
from matcher.allocation.rules import RuleBook
from matcher.directions.talent_internships import internships_for_talent
from matcher.directions.two_sided import both_sides
from matcher.query import query_from_record
from matcher.scoring import WEIGHTS, structured_mean

Scorer = Callable[[Internship, Talent], float]
RANKING_K = 10_000  # a student's ranking over the whole pool: the round keeps its own posts


def structured_fit(post: Internship, talent: Talent) -> float:
    """The two sides' structured fit without text: the geometric mean of what the post requires
    and what the student wishes (a side with no applicable feature counts as 0.5, unknown)."""
    features = both_sides(post, talent)
    sides = [structured_mean((f.value, f.weight) for f in features if f.side == side) for side in ("post", "student")]
    post_side, student_side = (0.5 if s is None else s for s in sides)
    return float((post_side * student_side) ** 0.5)


def pair_scores(session: Session, inputs: RoundInputs, ctx: IndexContext | None = None,
                scorer: Scorer = structured_fit) -> dict[tuple[int, int], float]:
    """(talent id, internship id) → two-sided fit in [0, 1] for every pair of the round."""
    posts = [p.internship for p in inputs.posts]
    fitted = {(s.talent_id, p.id): scorer(p, s.talent) for s in inputs.students for p in posts}
    if ctx is None:
        return {key: round(value, 6) for key, value in fitted.items()}
    wanted = {p.id for p in posts}
    found: dict[tuple[int, int], float] = {}
    for member in inputs.students:
        try:
            ranked = internships_for_talent(session, ctx, query_from_record(member.talent), k=RANKING_K)
        except IndexError_:
            return {key: round(value, 6) for key, value in fitted.items()}  # no index yet: the structured fit for everyone
        for match in ranked:
            if match.id in wanted:
                found[(member.talent_id, match.id)] = round(match.score / 100, 6)
    # A pair the ranking did not return is in neither channel's list: as in the ranking, the
    # channels' share of its score is nought, so that it is on the same scale as the ranked pairs.
    unranked = 1 - WEIGHTS.two_sided_channels
    return {key: found.get(key, round(unranked * value, 6)) for key, value in fitted.items()}


def build_problem(inputs: RoundInputs, scores: Mapping[tuple[int, int], float]) -> Problem:
    """The engine's input for a round: students from their talent records (school, major, level,
    the wished city), posts from the internships (majors, lowest level, city, 学徒岗位 or not, the
    场地 of the round's site caps their place lies in) with the round's seats, the choices and
    marks as stored, the round's rules (the school total applies to every school of the round)."""
    r = inputs.round
    students = tuple(Student(id=s.talent_id, school=s.talent.owner_org_id, major=s.talent.major,
                             level=s.talent.level.rank,
                             cities=frozenset({s.talent.expected_city_code}) if s.talent.expected_city_code else frozenset(),
                             choices=tuple(inputs.choices.get(s.talent_id, ())))
                     for s in inputs.students)
    site_caps = {str(code): int(cap) for code, cap in (r.site_caps or {}).items()}
    posts = []
    for p in inputs.posts:
        site = site_of(p.internship.region_code, site_caps)
        posts.append(Post(id=p.internship_id, enterprise=p.internship.owner_org_id, capacity=p.seats,
                          majors=frozenset(p.internship.majors),
                          min_level=p.internship.min_level.rank if p.internship.min_level else None,
                          city=p.internship.region_code, site=None if site is None else int(site),
                          apprentice=p.internship.job_kind is JobKind.APPRENTICESHIP,
                          marks={t: Mark(m.value) for t, m in inputs.marks.get(p.internship_id, {}).items()}))
    schools = {s.school for s in students if s.school is not None}
    rules = Rules(floor=r.floor, max_choices=r.max_choices, apprentice_share=r.apprentice_share,
                  school_per_enterprise=r.school_quota,
                  school_total={} if r.school_total is None else dict.fromkeys(sorted(schools), r.school_total),
                  sites={int(code): cap for code, cap in site_caps.items()})
    return Problem(students, tuple(posts), dict(scores), rules)


def suggested_choices(session: Session, inputs: RoundInputs, talent_id: int, ctx: IndexContext | None = None,
                      scorer: Scorer = structured_fit) -> list[int]:
    """A student's choices as a form starts them: the round's posts the hard rules let them take
    (major, level, wished city, the floor — not the enterprises' marks, which students do not
    see), best two-sided fit first (ties: lower id), at most ``max_choices``."""
    mine = RoundInputs(inputs.round, inputs.posts, [s for s in inputs.students if s.talent_id == talent_id], {}, {})
    problem = build_problem(mine, pair_scores(session, mine, ctx, scorer))
    if not problem.students:
        return []
    book, student = RuleBook(problem), problem.students[0]
    open_to = [p.id for p in problem.posts if book.pair_obstacle(student, p, problem.score(talent_id, p.id)) is None]
    return sorted(open_to, key=lambda p: (-problem.score(talent_id, p), p))[:problem.rules.max_choices]


def allocate_round(session: Session, round_id: int, ctx: IndexContext | None = None,
                   scorer: Scorer = structured_fit) -> Allocation:
    """The round's allocation by its method, not stored."""
    inputs = rounds.inputs_of(session, round_id)
    problem = build_problem(inputs, pair_scores(session, inputs, ctx, scorer))
    return allocate(problem, Method(inputs.round.method.value))


def result_rows(allocation: Allocation) -> list[ResultRow]:
    """What the workflow stores: each placed student's post, score and rank; each unplaced one's
    reason code and nearest alternatives (with the obstacle's code and Chinese label)."""
    rows = [ResultRow(p.student, p.post, p.score, p.student_rank) for p in allocation.placements]
    rows += [ResultRow(u.student, None, reason=u.reason.value,
                       alternatives=[{"post": a.post, "score": a.score, "obstacle": a.obstacle.value,
                                      "label": a.obstacle.label} for a in u.alternatives])
             for u in allocation.unplaced]
    return sorted(rows, key=lambda r: r.talent_id)


def run_round(session: Session, user: User, round_id: int, ctx: IndexContext | None = None,
              scorer: Scorer = structured_fit) -> Allocation:
    """Allocate a closed (or allocated) round and store the results (role and status are checked
    before anything is computed)."""
    rounds.ready_to_allocate(session, user, round_id)
    allocation = allocate_round(session, round_id, ctx, scorer)
    rounds.store_results(session, user, round_id, result_rows(allocation), asdict(allocation.metrics))
    return allocation


@dataclass(frozen=True)
class WhatIf:
    """A change to try: seats to add at posts, another floor (``floor`` sets it, ``drop_floor``
    removes it; neither keeps it), or the other method."""

    seats: Mapping[int, int] | None = None
    floor: float | None = None
    drop_floor: bool = False
    method: Method | None = None


def try_change(base: Allocation, change: WhatIf) -> tuple[Allocation, Comparison]:
    """The round again with the change, and who changed."""
    problem = base.problem
    if change.seats:
        unknown = set(change.seats) - {p.id for p in problem.posts}
        if unknown:
            raise rounds.RoundError("seats", f"岗位 {min(unknown)} 不在本轮双选中")
        problem = add_seats(problem, change.seats)
    if change.drop_floor:
        problem = relax(problem, floor=None)
    elif change.floor is not None:
        if not 0 <= change.floor <= 1:
            raise rounds.RoundError("floor", "匹配分下限应在 0 到 1 之间")
        problem = relax(problem, floor=change.floor)
    return what_if(base, problem=problem, method=change.method)


def posts_by_id(inputs: RoundInputs) -> dict[int, Internship]:
    return {p.internship_id: p.internship for p in inputs.posts}

