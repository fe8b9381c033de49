"""What-ifs: more seats, a relaxed rule, the other method — and who changed."""

from __future__ import annotations

from matcher.allocation import Method, Move, Post, Problem, Rules, Student, add_seats, allocate_stable, relax, what_if

PROBLEM = Problem(
    students=(Student(1, choices=(10, 11)), Student(2, choices=(10,)), Student(3)),
    posts=(Post(10, enterprise=1, capacity=1), Post(11, enterprise=1, capacity=1)),
    scores={(1, 10): 0.9, (1, 11): 0.8, (2, 10): 0.6, (3, 11): 0.4}, rules=Rules(floor=0.5))


def test_more_seats_place_the_student_who_was_out() -> None:
    base = allocate_stable(PROBLEM)
    assert base.assignment == {1: 10}
    after, change = what_if(base, problem=add_seats(PROBLEM, {10: 1}))
    assert after.assignment == {1: 10, 2: 10}
    assert change.placed == (Move(2, None, 10),) and change.moved == () and change.unplaced == ()
    assert change.unchanged == 2 and change.after.placed == 2


def test_a_relaxed_floor_and_the_other_method() -> None:
    base = allocate_stable(PROBLEM)
    relaxed, change = what_if(base, problem=relax(PROBLEM, floor=None))
    assert relaxed.assignment == {1: 10, 3: 11}
    assert change.changed == (Move(3, None, 11),)
    welfare, switched = what_if(base, method=Method.WELFARE)
    assert welfare.method is Method.WELFARE
    assert welfare.assignment == {1: 11, 2: 10}  # two placed rather than one
    assert switched.changed == (Move(1, 10, 11), Move(2, None, 10))
