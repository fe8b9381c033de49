"""The round's input is refused when it is not of the engine's shape; the fallback orders."""

from __future__ import annotations

import pytest

from matcher.allocation import InvalidProblem, Mark, Post, Problem, Rules, Student, allocate_stable
from matcher.allocation.preferences import prepare
from matcher.allocation.rules import in_region

POST = Post(10, enterprise=1, capacity=1)


@pytest.mark.parametrize("problem, field", [
    (Problem((Student(1), Student(1)), (POST,), {}), "students"),
    (Problem((Student(1),), (POST, POST), {}), "posts"),
    (Problem((Student(1, choices=(10, 11)),), (POST,), {}), "choices"),
    (Problem((Student(1, choices=(10, 10)),), (POST,), {}), "choices"),
    (Problem((Student(1, choices=(10,)),), (POST,), {}, Rules(max_choices=0)), "choices"),
    (Problem((Student(1),), (Post(10, enterprise=1, capacity=-1),), {}), "capacity"),
    (Problem((Student(1),), (Post(10, enterprise=1, capacity=1, site=3),), {}), "sites"),
    (Problem((Student(1),), (Post(10, enterprise=1, capacity=1, marks={2: Mark.PREFERRED}),), {}), "marks"),
    (Problem((Student(1),), (POST,), {}, Rules(apprentice_share=1.5)), "apprentice_share"),
])
def test_malformed_rounds_are_refused_in_chinese(problem: Problem, field: str) -> None:
    with pytest.raises(InvalidProblem) as caught:
        allocate_stable(problem)
    assert caught.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))


def test_missing_preferences_fall_back_to_the_scores() -> None:
    posts = (Post(10, enterprise=1, capacity=1, marks={3: Mark.PREFERRED, 4: Mark.NOT_ACCEPTABLE}),
             Post(11, enterprise=1, capacity=1), Post(12, enterprise=1, capacity=1))
    students = (Student(1), Student(2, choices=(12, 10)), Student(3), Student(4))
    scores = {(1, 10): 0.5, (1, 11): 0.7, (1, 12): 0.5, (2, 10): 0.9, (3, 10): 0.2, (4, 10): 0.99}
    prepared = prepare(Problem(students, posts, scores))
    assert prepared.wishes[1] == [11, 10, 12]  # by score, ties by post id
    assert prepared.order[2] == [12, 10]  # the student's own order, whatever the scores
    assert prepared.post_rank[10] == {3: 1, 2: 2, 1: 3}  # preferred first, then by score; 4 not acceptable


def test_regions_nest() -> None:
    assert in_region("440106", frozenset({"440100"})) and in_region("440106", frozenset({"440000"}))
    assert not in_region("440306", frozenset({"440100"})) and not in_region("500101", frozenset({"510000"}))
    assert in_region("110100", frozenset()) and in_region(None, frozenset({"440100"}))
