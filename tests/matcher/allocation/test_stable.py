"""Deferred acceptance: stable (checked by the blocking-pair checker and against the ``matching``
package), within every cap and rule, deterministic."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from matcher.allocation import Mark, Post, Problem, Rules, Student, allocate_stable
from matcher.allocation.metrics import blocking_pairs
from matcher.allocation.preferences import prepare
from tests.matcher.allocation.instances import cap_breaches, random_problem, reference_stable, rule_breaches

SEEDS = st.integers(0, 2**32 - 1)
FEW = settings(max_examples=40, deadline=None, derandomize=True)


@FEW
@given(SEEDS)
def test_no_blocking_pair_and_the_same_matching_as_the_matching_package(seed: int) -> None:
    problem = random_problem(seed)
    result = allocate_stable(problem)
    assert blocking_pairs(prepare(problem), result.assignment) == []
    assert result.metrics.blocking_pairs == 0
    assert result.assignment == reference_stable(problem)


@FEW
@given(SEEDS)
def test_caps_and_rules_hold_with_shared_caps(seed: int) -> None:
    problem = random_problem(seed, shared=True)
    result = allocate_stable(problem)
    assert cap_breaches(problem, result.assignment) == []
    assert rule_breaches(problem, result.assignment) == []


def test_the_checker_finds_a_planted_blocking_pair() -> None:
    problem = Problem(
        students=(Student(1, choices=(10, 11)), Student(2, choices=(10,))),
        posts=(Post(10, enterprise=1, capacity=1), Post(11, enterprise=1, capacity=1)),
        scores={(1, 10): 0.9, (2, 10): 0.5, (1, 11): 0.8})
    prepared = prepare(problem)
    assert allocate_stable(problem).assignment == {1: 10}
    assert blocking_pairs(prepared, {1: 11, 2: 10}) == [(1, 10)]  # 10 would rather have 1, who would rather have 10
    assert blocking_pairs(prepared, {2: 10}) == [(1, 10), (1, 11)]  # 11 has a free seat too


def test_the_post_order_decides_between_applicants() -> None:
    students = (Student(1, choices=(10,)), Student(2, choices=(10,)), Student(3, choices=(10,)))
    scores = {(1, 10): 0.9, (2, 10): 0.5, (3, 10): 0.7}
    by_score = Problem(students, (Post(10, enterprise=1, capacity=1),), scores)
    assert allocate_stable(by_score).assignment == {1: 10}
    preferred = Problem(students, (Post(10, enterprise=1, capacity=1, marks={2: Mark.PREFERRED}),), scores)
    assert allocate_stable(preferred).assignment == {2: 10}
    ranked = Problem(students, (Post(10, enterprise=1, capacity=1, marks={2: Mark.PREFERRED}, ranking=(3,)),), scores)
    assert allocate_stable(ranked).assignment == {3: 10}


def test_a_student_without_choices_takes_posts_by_score_above_the_floor() -> None:
    problem = Problem((Student(1),), (Post(10, enterprise=1, capacity=1), Post(11, enterprise=1, capacity=1)),
                      {(1, 10): 0.4, (1, 11): 0.6}, Rules(floor=0.5))
    assert allocate_stable(problem).assignment == {1: 11}
    full = replace(problem, posts=(Post(10, enterprise=1, capacity=1), Post(11, enterprise=1, capacity=0)))
    assert allocate_stable(full).assignment == {}  # 10 is below the floor


def test_the_floor_is_never_crossed() -> None:
    problem = random_problem(7)
    floor = 0.5
    result = allocate_stable(replace(problem, rules=replace(problem.rules, floor=floor)))
    assert result.placements and all(p.score >= floor for p in result.placements)


def test_same_input_in_another_order_gives_the_same_result() -> None:
    for seed in range(5):
        problem = random_problem(seed, shared=True)
        shuffled = replace(problem, students=problem.students[::-1], posts=problem.posts[::-1],
                           scores=dict(reversed(list(problem.scores.items()))))
        first, second = allocate_stable(problem), allocate_stable(shuffled)
        assert first.placements == second.placements
        assert first.unplaced == second.unplaced
        assert first.metrics == second.metrics


def test_a_site_cap_holds_the_weakest_out() -> None:
    problem = Problem(
        students=(Student(1, choices=(10,)), Student(2, choices=(11,))),
        posts=(Post(10, enterprise=1, capacity=1, site=5), Post(11, enterprise=1, capacity=1, site=5)),
        scores={(1, 10): 0.9, (2, 11): 0.8}, rules=Rules(sites={5: 1}))
    assert allocate_stable(problem).assignment == {1: 10}
