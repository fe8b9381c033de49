"""Unplaced reasons and nearest alternatives on hand-built rounds, one per reason."""

from __future__ import annotations

from matcher.allocation import (
    Alternative,
    Mark,
    Obstacle,
    Post,
    Problem,
    Reason,
    Rules,
    Student,
    allocate_stable,
    allocate_welfare,
)

WINNER = Student(1, major="软件技术", choices=(10,))


def reasons(problem: Problem, welfare: bool = False) -> dict[int, Reason]:
    result = allocate_welfare(problem) if welfare else allocate_stable(problem)
    return {u.student: u.reason for u in result.unplaced}


def test_no_preferences_and_nothing_above_the_floor() -> None:
    problem = Problem((Student(2),), (Post(10, enterprise=1, capacity=3),), {(2, 10): 0.2}, Rules(floor=0.5))
    assert reasons(problem) == {2: Reason.NO_PREFERENCES}
    assert reasons(Problem((Student(2),), (Post(10, enterprise=1, capacity=3),), {})) == {2: Reason.NO_PREFERENCES}


def test_no_post_of_their_major() -> None:
    problem = Problem((Student(2, major="会计"),), (Post(10, enterprise=1, capacity=3, majors=frozenset({"软件技术"})),),
                      {(2, 10): 0.8})
    assert reasons(problem) == {2: Reason.NO_MAJOR_POST}


def test_city_mismatch() -> None:
    posts = (Post(10, enterprise=1, capacity=3, city="110100"), Post(11, enterprise=1, capacity=3, city="440300"))
    student = Student(2, cities=frozenset({"440100"}))
    assert reasons(Problem((student,), posts, {(2, 10): 0.8, (2, 11): 0.7})) == {2: Reason.CITY_MISMATCH}
    province = Student(2, cities=frozenset({"440000"}))  # a province covers its cities
    assert reasons(Problem((province,), posts, {(2, 10): 0.8, (2, 11): 0.7})) == {}


def test_not_acceptable_to_any_post() -> None:
    posts = (Post(10, enterprise=1, capacity=3, marks={2: Mark.NOT_ACCEPTABLE}), Post(11, enterprise=1, capacity=3))
    problem = Problem((Student(2),), posts, {(2, 10): 0.8, (2, 11): 0.7}, Rules(conflicts=frozenset({(2, 11)})))
    assert reasons(problem) == {2: Reason.NOT_ACCEPTABLE}


def test_outranked_when_the_post_is_full_with_applicants_it_ranks_higher() -> None:
    problem = Problem((WINNER, Student(2, choices=(10,))), (Post(10, enterprise=1, capacity=1),),
                      {(1, 10): 0.9, (2, 10): 0.5})
    assert reasons(problem) == {2: Reason.OUTRANKED}


def test_full_when_max_welfare_gave_the_seat_to_one_the_post_ranks_lower() -> None:
    posts = (Post(10, enterprise=1, capacity=1, marks={2: Mark.PREFERRED}),)
    problem = Problem((WINNER, Student(2, choices=(10,))), posts, {(1, 10): 0.9, (2, 10): 0.3})
    assert reasons(problem) == {1: Reason.OUTRANKED}  # stable: the post prefers 2
    assert reasons(problem, welfare=True) == {2: Reason.FULL}


def test_the_site_cap_that_keeps_them_out_is_named() -> None:
    posts = (Post(10, enterprise=1, capacity=1, site=5), Post(11, enterprise=1, capacity=1, site=5))
    problem = Problem((WINNER, Student(2, choices=(11,))), posts, {(1, 10): 0.9, (2, 11): 0.5}, Rules(sites={5: 1}))
    result = allocate_stable(problem)
    assert [(u.student, u.reason) for u in result.unplaced] == [(2, Reason.SITE_CAPPED)]
    assert result.unplaced[0].alternatives == (Alternative(11, 0.5, Obstacle.SITE_FULL),)
    assert Reason.SITE_CAPPED.label == "该地点名额已满"


def test_the_apprentice_share_that_keeps_them_out_is_named() -> None:
    posts = (Post(10, enterprise=1, capacity=1, apprentice=True), Post(11, enterprise=2, capacity=1, apprentice=True))
    students = (WINNER, Student(2, choices=(11,)), Student(3), Student(4))
    problem = Problem(students, posts, {(1, 10): 0.9, (2, 11): 0.5}, Rules(apprentice_share=0.25))  # 1 of 4
    for result in (allocate_stable(problem), allocate_welfare(problem)):
        unplaced = {u.student: u for u in result.unplaced}
        assert len(result.placements) == 1 and unplaced[2].reason is Reason.APPRENTICE_CAPPED
        assert unplaced[2].alternatives == (Alternative(11, 0.5, Obstacle.APPRENTICE_FULL),)


def test_the_school_quota_that_keeps_them_out_is_named() -> None:
    students = (Student(1, school=7, choices=(10,)), Student(2, school=7, choices=(11,)), Student(3, school=8, choices=(11,)))
    posts = (Post(10, enterprise=1, capacity=1), Post(11, enterprise=2, capacity=2))
    scores = {(1, 10): 0.9, (2, 11): 0.8, (3, 11): 0.4}
    problem = Problem(students, posts, scores, Rules(school_total={7: 1}))
    for result in (allocate_stable(problem), allocate_welfare(problem)):
        assert len(result.placements) == 2
        assert [(u.student, u.reason) for u in result.unplaced] == [(2, Reason.SCHOOL_CAPPED)]
        assert Reason.SCHOOL_CAPPED.label == "本校名额已满"


def test_the_three_nearest_alternatives_say_why_not() -> None:
    posts = (Post(10, enterprise=1, capacity=1), Post(11, enterprise=1, capacity=2, majors=frozenset({"护理"})),
             Post(12, enterprise=1, capacity=2), Post(13, enterprise=1, capacity=2))
    problem = Problem((WINNER, Student(2, major="会计", choices=(10,))), posts,
                      {(1, 10): 0.9, (2, 10): 0.5, (2, 11): 0.95, (2, 12): 0.7, (2, 13): 0.1})
    [unplaced] = allocate_stable(problem).unplaced
    assert unplaced.reason is Reason.OUTRANKED
    assert unplaced.alternatives == (Alternative(11, 0.95, Obstacle.MAJOR), Alternative(12, 0.7, Obstacle.NOT_CHOSEN),
                                     Alternative(10, 0.5, Obstacle.OUTRANKED))
    assert [a.obstacle.label for a in unplaced.alternatives] == ["专业不符", "未填报该岗位", "已满员，录取者排名均更靠前"]


def test_every_reason_has_a_chinese_label() -> None:
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r.label) for r in Reason)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in o.label) for o in Obstacle)
