"""What changes if…: run a round again with more seats, a relaxed rule or the other method, and
say who changed — newly placed, newly unplaced, moved — with the metrics before and after.
``compare_panels`` does the same for two panel results (after a refill, say)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from matcher.allocation.panel_problem import PanelResult
from matcher.allocation.problem import Problem
from matcher.allocation.result import Allocation, AllocationMetrics, Method
from matcher.allocation.stable import allocate_stable
from matcher.allocation.welfare import allocate_welfare


@dataclass(frozen=True)
class Move:
    student: int
    before: int | None  # post id; None: unplaced
    after: int | None


@dataclass(frozen=True)
class Comparison:
    placed: tuple[Move, ...]  # unplaced before, placed after (by student id)
    unplaced: tuple[Move, ...]  # placed before, unplaced after
    moved: tuple[Move, ...]  # placed at another post
    unchanged: int
    before: AllocationMetrics
    after: AllocationMetrics

    @property
    def changed(self) -> tuple[Move, ...]:
        return tuple(sorted(self.placed + self.unplaced + self.moved, key=lambda m: m.student))


@dataclass(frozen=True)
class PanelChange:
    item: int
    left: tuple[int, ...]  # reviewer ids no longer on the panel
    joined: tuple[int, ...]


def allocate(problem: Problem, method: Method = Method.STABLE, *, place_most: bool = True) -> Allocation:
    """Run a round by either method (``place_most`` applies to max-welfare only)."""
    if method is Method.STABLE:
        return allocate_stable(problem)
    return allocate_welfare(problem, place_most=place_most)


def compare(before: Allocation, after: Allocation) -> Comparison:
    """Who changed between two results of rounds over the same students."""
    old, new = before.assignment, after.assignment
    students = sorted({s.id for s in before.problem.students} | {s.id for s in after.problem.students})
    placed, unplaced, moved = [], [], []
    unchanged = 0
    for sid in students:
        a, b = old.get(sid), new.get(sid)
        if a == b:
            unchanged += 1
        elif a is None:
            placed.append(Move(sid, a, b))
        elif b is None:
            unplaced.append(Move(sid, a, b))
        else:
            moved.append(Move(sid, a, b))
    return Comparison(tuple(placed), tuple(unplaced), tuple(moved), unchanged, before.metrics, after.metrics)


def what_if(base: Allocation, *, problem: Problem | None = None, method: Method | None = None,
            place_most: bool = True) -> tuple[Allocation, Comparison]:
    """Run ``base``'s round again on a changed ``problem`` and/or by the other ``method``, and
    compare: ``what_if(result, method=Method.WELFARE)``, ``what_if(result,
    problem=add_seats(result.problem, {post_id: 2}))``, ``what_if(result,
    problem=relax(result.problem, floor=None))``."""
    after = allocate(problem or base.problem, method or base.method, place_most=place_most)
    return after, compare(base, after)


def add_seats(problem: Problem, seats: Mapping[int, int]) -> Problem:
    """The same round with ``seats[post id]`` more seats at those posts (fewer when negative)."""
    posts = tuple(replace(p, capacity=max(0, p.capacity + seats[p.id])) if p.id in seats else p for p in problem.posts)
    return replace(problem, posts=posts)


def relax(problem: Problem, **changes: Any) -> Problem:
    """The same round with some of its ``Rules`` changed (``floor=0.3``, ``sites={…}``…)."""
    return replace(problem, rules=replace(problem.rules, **changes))


def compare_panels(before: PanelResult, after: PanelResult) -> tuple[PanelChange, ...]:
    """The panels that differ, by item id."""
    old, new = before.assignment, after.assignment
    changes = []
    for item in sorted(set(old) | set(new)):
        a, b = set(old.get(item, ())), set(new.get(item, ()))
        if a != b:
            changes.append(PanelChange(item, tuple(sorted(a - b)), tuple(sorted(b - a))))
    return tuple(changes)
