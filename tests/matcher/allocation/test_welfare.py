"""Max-welfare: the same optimum as an independent solver (SciPy's HiGHS on the integer
programme), within every cap and rule, the floor respected, deterministic."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings, strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.allocation import Post, Problem, Rules, Student, allocate_stable, allocate_welfare
from matcher.allocation.flow import units
from matcher.allocation.preferences import Prepared, prepare
from matcher.allocation.welfare import eligible_pairs
from tests.matcher.allocation.instances import cap_breaches, random_problem, rule_breaches

SEEDS = st.integers(0, 2**32 - 1)
FEW = settings(max_examples=25, deadline=None, derandomize=True)


def scipy_optimum(prepared: Prepared, place_most: bool) -> tuple[int, int]:
    """(placed, welfare in solver units) of the optimum, every cap a row."""
    pairs = eligible_pairs(prepared)
    if not pairs:
        return 0, 0
    rows: dict[tuple[str, int, int], list[int]] = {}
    caps: dict[tuple[str, int, int], int] = {}
    for i, (sid, post_id) in enumerate(pairs):
        student, post = prepared.students[sid], prepared.posts[post_id]
        rows.setdefault(("student", sid, 0), []).append(i)
        caps[("student", sid, 0)] = 1
        rows.setdefault(("post", post_id, 0), []).append(i)
        caps[("post", post_id, 0)] = post.capacity
        for group in prepared.book.groups(student, post):
            rows.setdefault(group, []).append(i)
            caps[group] = prepared.book.cap(group)
    keys = list(rows)
    matrix = sparse.csr_matrix(
        (np.ones(sum(len(rows[k]) for k in keys)), ([r for r, k in enumerate(keys) for _ in rows[k]], [i for k in keys for i in rows[k]])),
        shape=(len(keys), len(pairs)))
    constraints = [LinearConstraint(matrix, -np.inf, np.array([caps[k] for k in keys], dtype=float))]
    integral, bounds = np.ones(len(pairs)), Bounds(0, 1)
    if place_most:
        most = milp(-np.ones(len(pairs)), constraints=constraints, integrality=integral, bounds=bounds)
        constraints.append(LinearConstraint(np.ones((1, len(pairs))), round(-most.fun), np.inf))
    weights = np.array([units(prepared.score(s, p)) for s, p in pairs], dtype=float)
    best = milp(-weights, constraints=constraints, integrality=integral, bounds=bounds, options={"mip_rel_gap": 0})
    return int(round(best.x.sum())), int(round(-best.fun))


def solution(prepared: Prepared, assignment: dict[int, int]) -> tuple[int, int]:
    return len(assignment), sum(units(prepared.score(s, p)) for s, p in assignment.items())


@FEW
@given(SEEDS, st.booleans())
def test_the_same_optimum_as_scipy(seed: int, place_most: bool) -> None:
    problem = random_problem(seed)
    result = allocate_welfare(problem, place_most=place_most)
    assert solution(prepare(problem), result.assignment) == scipy_optimum(prepare(problem), place_most)


@FEW
@given(SEEDS)
def test_the_same_optimum_as_scipy_with_shared_caps(seed: int) -> None:
    problem = random_problem(seed, shared=True)
    result = allocate_welfare(problem)
    assert cap_breaches(problem, result.assignment) == []
    assert rule_breaches(problem, result.assignment) == []
    assert solution(prepare(problem), result.assignment) == scipy_optimum(prepare(problem), True)


def test_welfare_at_least_that_of_the_stable_result() -> None:
    for seed in range(10):
        problem = random_problem(seed)
        stable, welfare = allocate_stable(problem).metrics, allocate_welfare(problem, place_most=False).metrics
        assert welfare.welfare >= stable.welfare - 1e-9


def test_place_most_trades_fit_for_one_more_placement() -> None:
    problem = Problem(students=(Student(1), Student(2)),
                      posts=(Post(10, enterprise=1, capacity=1), Post(11, enterprise=1, capacity=1)),
                      scores={(1, 10): 0.9, (1, 11): 0.1, (2, 10): 0.1})
    assert allocate_welfare(problem).assignment == {1: 11, 2: 10}
    assert allocate_welfare(problem, place_most=False).assignment == {1: 10}


def test_a_pair_below_the_floor_is_never_assigned() -> None:
    problem = Problem(students=(Student(1), Student(2)), posts=(Post(10, enterprise=1, capacity=2),),
                      scores={(1, 10): 0.29, (2, 10): 0.3}, rules=Rules(floor=0.3))
    assert allocate_welfare(problem).assignment == {2: 10}
    for seed in range(5):
        problem = random_problem(seed, students=20)
        result = allocate_welfare(replace(problem, rules=replace(problem.rules, floor=0.6)))
        assert all(p.score >= 0.6 for p in result.placements)


def test_a_crossing_quota_goes_to_the_integer_programme_and_holds() -> None:
    students = tuple(Student(i, school=1, choices=(10, 11)) for i in range(3))
    posts = (Post(10, enterprise=7, capacity=2), Post(11, enterprise=7, capacity=2), Post(12, enterprise=8, capacity=1))
    scores = {(i, p): 0.5 for i in range(3) for p in (10, 11)}
    result = allocate_welfare(Problem(students, posts, scores, Rules(school_per_enterprise=2)))
    assert len(result.assignment) == 2
    assert [u.reason.value for u in result.unplaced] == ["school_capped"]


def test_same_input_in_another_order_gives_the_same_result() -> None:
    for seed in range(5):
        problem = random_problem(seed, shared=True)
        shuffled = replace(problem, students=problem.students[::-1], posts=problem.posts[::-1],
                           scores=dict(reversed(list(problem.scores.items()))))
        assert allocate_welfare(problem).placements == allocate_welfare(shuffled).placements
