"""The input of a 双选 round: students, posts, both sides' preferences, the two-sided scores and
the hard rules. Plain frozen dataclasses of ids and values; the workflow layer builds them from
its records and the matcher's two-sided scores, and nothing here reads a database.

Preferences, and what stands in for them when they are missing (``preferences.py`` applies it):

* a student ranks up to ``Rules.max_choices`` posts in ``Student.choices``, best first, and will
  take only those; a student with no choices will take any post they have a score with that
  reaches the floor, ranked by score (ties: lower post id first);
* a post marks applicants ``PREFERRED``, ``ACCEPTABLE`` or ``NOT_ACCEPTABLE`` in ``Post.marks``
  (an unmarked applicant counts as acceptable) and may rank some of them in ``Post.ranking``;
  its order is: the ranked ones as ranked, then the preferred, then the acceptable, each tier by
  score (ties: lower student id first); not-acceptable applicants are never placed there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from data.errors import FieldError

Scores = Mapping[tuple[int, int], float]  # (student or item id, post or reviewer id) → two-sided fit


class InvalidProblem(FieldError):
    """The round's input breaks a rule of its shape (duplicate ids, too many choices, a choice of
    an unknown post…): a Chinese message and the field at fault."""


class Mark(StrEnum):
    """How a post's enterprise marks an applicant."""

    PREFERRED = "preferred"
    ACCEPTABLE = "acceptable"
    NOT_ACCEPTABLE = "not_acceptable"

    @property
    def label(self) -> str:
        return {"preferred": "优先", "acceptable": "可接受", "not_acceptable": "不接受"}[self.value]


@dataclass(frozen=True)
class Student:
    id: int
    school: int | None = None  # the school's organization id (quotas count by it)
    major: str | None = None
    level: int | None = None  # education level as a rank (``data.enums`` level ``.rank``); None: unknown
    cities: frozenset[str] = frozenset()  # GB/T 2260 codes the student will go to; empty: anywhere
    choices: tuple[int, ...] = ()  # post ids, best first; empty: fall back to the scores


@dataclass(frozen=True)
class Post:
    id: int
    enterprise: int  # the enterprise's organization id (school quotas count by it)
    capacity: int
    majors: frozenset[str] = frozenset()  # majors the post takes (a student of unknown major fails); empty: any
    min_level: int | None = None  # lowest education level rank it takes (a student of unknown level fails)
    city: str | None = None  # GB/T 2260 code of where the work is
    site: int | None = None  # posts of one site share the site's cap (``Rules.sites``)
    apprentice: bool = False  # a 学徒岗位: counts against ``Rules.apprentice_share``
    marks: Mapping[int, Mark] = field(default_factory=dict)  # student id → mark; unmarked: acceptable
    ranking: tuple[int, ...] = ()  # student ids the enterprise ranked, best first; they come first


@dataclass(frozen=True)
class Rules:
    """Hard rules: no result ever breaks one (a pair that breaks one is never assigned).

    Attributes:
        floor: a pair whose score is below it is never assigned (None: no floor).
        max_choices: the most posts a student may rank.
        apprentice_share: at most ``floor(share × number of students)`` students of the round are
            placed in apprentice posts, all of them together (None: no cap).
        school_per_enterprise: at most this many students of one school at one enterprise, all its
            posts together (None: no cap). Students without a school are not counted.
        school_total: school id → at most this many of its students placed in the round.
        sites: site id → the most students all posts of that site take together.
        conflicts: (student id, post id) pairs never to be assigned (declared or recorded conflicts
            of interest).
    """

    floor: float | None = None
    max_choices: int = 10
    apprentice_share: float | None = None
    school_per_enterprise: int | None = None
    school_total: Mapping[int, int] = field(default_factory=dict)
    sites: Mapping[int, int] = field(default_factory=dict)
    conflicts: frozenset[tuple[int, int]] = frozenset()

    def apprentice_cap(self, students: int) -> int | None:
        return None if self.apprentice_share is None else int(self.apprentice_share * students + 1e-9)


@dataclass(frozen=True)
class Problem:
    """One round. ``scores`` is sparse: a pair missing from it has score 0.0, and a student with no
    choices is a candidate only for posts it holds a score with."""

    students: tuple[Student, ...]
    posts: tuple[Post, ...]
    scores: Scores
    rules: Rules = Rules()

    def score(self, student: int, post: int) -> float:
        return self.scores.get((student, post), 0.0)


def validate(problem: Problem) -> None:
    """Raise ``InvalidProblem`` when the round's input is not of the shape the engine takes."""
    post_ids = {p.id for p in problem.posts}
    student_ids = {s.id for s in problem.students}
    if len(post_ids) != len(problem.posts):
        raise InvalidProblem("posts", "岗位编号重复")
    if len(student_ids) != len(problem.students):
        raise InvalidProblem("students", "学生编号重复")
    rules = problem.rules
    for post in problem.posts:
        if post.capacity < 0:
            raise InvalidProblem("capacity", f"岗位 {post.id} 的名额不能为负数")
        if post.site is not None and post.site not in rules.sites:
            raise InvalidProblem("sites", f"岗位 {post.id} 所在场地 {post.site} 没有设定容量")
        unknown = (set(post.marks) | set(post.ranking)) - student_ids
        if unknown:
            raise InvalidProblem("marks", f"岗位 {post.id} 标记了不在本轮的学生：{min(unknown)}")
        if len(set(post.ranking)) != len(post.ranking):
            raise InvalidProblem("ranking", f"岗位 {post.id} 的排序中有重复的学生")
    for student in problem.students:
        if len(student.choices) > rules.max_choices:
            raise InvalidProblem("choices", f"学生 {student.id} 填报了 {len(student.choices)} 个志愿，最多 {rules.max_choices} 个")
        if len(set(student.choices)) != len(student.choices):
            raise InvalidProblem("choices", f"学生 {student.id} 的志愿中有重复的岗位")
        unknown = set(student.choices) - post_ids
        if unknown:
            raise InvalidProblem("choices", f"学生 {student.id} 填报了不在本轮的岗位：{min(unknown)}")
    if any(cap < 0 for cap in rules.sites.values()) or any(cap < 0 for cap in rules.school_total.values()):
        raise InvalidProblem("rules", "容量与名额不能为负数")
    if rules.apprentice_share is not None and not 0 <= rules.apprentice_share <= 1:
        raise InvalidProblem("apprentice_share", "学徒岗比例应在 0 到 1 之间")
    if rules.school_per_enterprise is not None and rules.school_per_enterprise < 0:
        raise InvalidProblem("school_per_enterprise", "学校在一家企业的名额不能为负数")
