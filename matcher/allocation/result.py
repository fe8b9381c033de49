"""What a round returns: who is placed where and why, who is not and why not, and its figures.
Every enum here carries the Chinese ``label`` a page shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from matcher.allocation.problem import Problem


class Method(StrEnum):
    STABLE = "stable"  # student-proposing deferred acceptance
    WELFARE = "welfare"  # the greatest total two-sided fit

    @property
    def label(self) -> str:
        return {"stable": "稳定匹配（学生提议的延迟接受）", "welfare": "总体匹配度最高"}[self.value]


class Reason(StrEnum):
    """Why a student is unplaced: one of a fixed set, decided in this order (the first that holds)."""

    NO_PREFERENCES = "no_preferences"  # no choices, and no post's score reaches the floor
    NO_MAJOR_POST = "no_major_post"  # none of the posts they would take admits their major and level
    CITY_MISMATCH = "city_mismatch"  # those that admit them are all outside the cities they will go to
    NOT_ACCEPTABLE = "not_acceptable"  # the rest marked them not acceptable, or conflict with them
    OUTRANKED = "outranked"  # every post they and it find acceptable is full with applicants it ranks higher
    FULL = "full"  # every such post is full (max-welfare: seats went where the total fit is higher)
    SITE_CAPPED = "site_capped"  # their best post a shared cap keeps them from: its site's cap is reached
    APPRENTICE_CAPPED = "apprentice_capped"  # … the apprentice share is reached
    SCHOOL_CAPPED = "school_capped"  # … their school's quota (in the round, or at that enterprise) is reached
    CAPPED = "capped"  # a shared cap keeps them out (results stored before the caps were told apart)

    @property
    def label(self) -> str:
        return _REASON_LABELS[self.value]


_REASON_LABELS = {
    "no_preferences": "未填报志愿，且没有岗位的匹配度达到下限",
    "no_major_post": "没有对口专业（及学历要求相符）的岗位可选",
    "city_mismatch": "对口岗位都不在期望城市",
    "not_acceptable": "没有岗位接受该学生",
    "outranked": "可接受的岗位均已被排名更靠前的申请者占满",
    "full": "可接受的岗位均已满员（名额分给了总体匹配度更高的组合）",
    "site_capped": "该地点名额已满",
    "apprentice_capped": "学徒岗位名额已满",
    "school_capped": "本校名额已满",
    "capped": "可接受的岗位受场地容量、学徒岗比例或学校名额限制",
}


class Obstacle(StrEnum):
    """Why one post is not a student's: the answer for each of their nearest alternatives."""

    NOT_CHOSEN = "not_chosen"
    BELOW_FLOOR = "below_floor"
    MAJOR = "major"
    LEVEL = "level"
    CITY = "city"
    CONFLICT = "conflict"
    NOT_ACCEPTABLE = "not_acceptable"
    OUTRANKED = "outranked"
    FULL = "full"
    SITE_FULL = "site_full"
    APPRENTICE_FULL = "apprentice_full"
    SCHOOL_QUOTA = "school_quota"
    OPEN = "open"  # nothing in the way (a seat is free): a what-if would place them

    @property
    def label(self) -> str:
        return _OBSTACLE_LABELS[self.value]


_OBSTACLE_LABELS = {
    "not_chosen": "未填报该岗位",
    "below_floor": "匹配度低于下限",
    "major": "专业不符",
    "level": "学历低于要求",
    "city": "不在期望城市",
    "conflict": "存在回避关系",
    "not_acceptable": "企业标记为不接受",
    "outranked": "已满员，录取者排名均更靠前",
    "full": "已满员",
    "site_full": "所在场地已满",
    "apprentice_full": "学徒岗名额已满",
    "school_quota": "本校名额已满",
    "open": "仍有空位",
}


@dataclass(frozen=True)
class Placement:
    student: int
    post: int
    score: float
    student_rank: int  # 1-based place of the post in the student's order (choices, or by score)
    post_rank: int  # 1-based place of the student in the post's order of its eligible applicants


@dataclass(frozen=True)
class Alternative:
    post: int
    score: float
    obstacle: Obstacle


@dataclass(frozen=True)
class Unplaced:
    student: int
    reason: Reason
    alternatives: tuple[Alternative, ...]  # the nearest posts by score (at most three), and why not


@dataclass(frozen=True)
class AllocationMetrics:
    students: int
    seats: int
    placed: int
    placed_share: float
    mean_student_rank: float | None  # over the placed; 1 is everyone's first choice
    mean_post_rank: float | None  # over the placements; 1 is every post's favourite applicant
    blocking_pairs: int  # (student, post) pairs that would both rather have each other (0: stable)
    envy: int  # (student, placed student) pairs where the first wants the other's post and that post ranks them higher
    welfare: float  # the sum of the placed pairs' scores


@dataclass(frozen=True)
class Allocation:
    method: Method
    placements: tuple[Placement, ...]  # by student id
    unplaced: tuple[Unplaced, ...]  # by student id
    metrics: AllocationMetrics
    problem: Problem  # the input, so a what-if can be run on a changed copy

    @property
    def assignment(self) -> dict[int, int]:
        """Student id → post id, for the placed."""
        return {p.student: p.post for p in self.placements}
