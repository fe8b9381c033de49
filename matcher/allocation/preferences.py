"""Both sides' orders for one round, with the fallback for missing preferences.

* A student's *wishes*: their ``choices`` as given; with no choices, every post they hold a score
  with that reaches the floor, by ``(-score, post id)``.
* Their *order*: the wishes that no pair rule (``RuleBook.pair_obstacle``) rules out.
* A post's order of its eligible applicants (the students whose order holds it): those the
  enterprise ranked, as ranked; then those marked preferred; then the acceptable and unmarked;
  within each of the last two tiers by ``(-score, student id)``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from matcher.allocation.problem import Mark, Post, Problem, Student, validate
from matcher.allocation.rules import RuleBook


@dataclass
class Prepared:
    problem: Problem
    book: RuleBook
    students: dict[int, Student]
    posts: dict[int, Post]
    scored: dict[int, list[int]]  # student id → the posts they hold a score with
    wishes: dict[int, list[int]]  # student id → posts in their order, before the pair rules
    order: dict[int, list[int]]  # student id → the posts they may be placed at, best first
    post_rank: dict[int, dict[int, int]]  # post id → eligible student id → 1-based place in its order

    def score(self, student: int, post: int) -> float:
        return self.problem.scores.get((student, post), 0.0)

    def wish_rank(self, student: int, post: int) -> int:
        """1-based place of ``post`` in the student's wishes."""
        return self.wishes[student].index(post) + 1


def prepare(problem: Problem) -> Prepared:
    """Validate the round and build both sides' orders."""
    validate(problem)
    book = RuleBook(problem)
    students = {s.id: s for s in problem.students}
    posts = {p.id: p for p in problem.posts}
    scores = problem.scores
    scored: dict[int, list[int]] = defaultdict(list)
    for student_id, post_id in scores:
        if student_id in students and post_id in posts:
            scored[student_id].append(post_id)
    floor = book.floor
    wishes: dict[int, list[int]] = {}
    order: dict[int, list[int]] = {}
    applicants: dict[int, list[int]] = defaultdict(list)
    for student in sorted(problem.students, key=lambda s: s.id):
        sid = student.id
        if student.choices:
            wished = list(student.choices)
        else:
            candidates = scored.get(sid, [])
            if floor is not None:
                candidates = [p for p in candidates if scores[(sid, p)] >= floor]
            wished = sorted(candidates, key=lambda p: (-scores[(sid, p)], p))
        wishes[sid] = wished
        eligible = [p for p in wished if book.pair_obstacle(student, posts[p], scores.get((sid, p), 0.0)) is None]
        order[sid] = eligible
        for post_id in eligible:
            applicants[post_id].append(sid)
    post_rank = {post.id: _post_order(post, applicants.get(post.id, []), problem) for post in problem.posts}
    return Prepared(problem, book, students, posts, dict(scored), wishes, order, post_rank)


def _post_order(post: Post, applicants: list[int], problem: Problem) -> dict[int, int]:
    ranked = {sid: i for i, sid in enumerate(post.ranking)}
    marks = post.marks
    scores = problem.scores
    pid = post.id

    def key(sid: int) -> tuple[int, int, float, int]:
        if sid in ranked:
            return (0, ranked[sid], 0.0, 0)
        tier = 0 if marks.get(sid) is Mark.PREFERRED else 1
        return (1, tier, -scores.get((sid, pid), 0.0), sid)

    return {sid: place for place, sid in enumerate(sorted(applicants, key=key), start=1)}
