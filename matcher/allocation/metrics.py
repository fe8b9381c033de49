"""The figures of a result, computed from the assignment alone (so a test, a what-if or another
solver's answer is measured the same way). A round: placed share, mean ranks received, blocking
pairs, justified envy and total welfare. Panels: coverage, load spread, and the hard rules
(conflicts, one organization twice, over load) counted again — each must be 0."""

from __future__ import annotations

from bisect import bisect_right
from math import fsum
from collections.abc import Mapping, Sequence

from matcher.allocation.panel_problem import Panel, PanelMetrics, PanelProblem, conflict, organization_key
from matcher.allocation.preferences import Prepared
from matcher.allocation.result import AllocationMetrics
from matcher.allocation.rules import Ledger


def held_by_post(assignment: Mapping[int, int]) -> dict[int, list[int]]:
    held: dict[int, list[int]] = {}
    for sid, post_id in assignment.items():
        held.setdefault(post_id, []).append(sid)
    return held


def blocking_pairs(prepared: Prepared, assignment: Mapping[int, int]) -> list[tuple[int, int]]:
    """(student, post) pairs, by student id and then the student's order, that would both rather
    have each other: the post is in the student's order above their own (or they are unplaced),
    and the post has a free seat the shared caps let them take once they leave their own, or
    holds an applicant it ranks below them whose seat the caps let them take."""
    posts, students, ranks = prepared.posts, prepared.students, prepared.post_rank
    held = held_by_post(assignment)
    ledger = Ledger.of(prepared.book, ((students[s], posts[p]) for s, p in assignment.items()))
    shared = prepared.book.has_shared_caps
    worst = {p: max(ranks[p][t] for t in members) for p, members in held.items()}
    found = []
    for sid in sorted(students):
        student, current = students[sid], assignment.get(sid)
        leaving = [(student, posts[current])] if current is not None else []
        for post_id in prepared.order[sid]:
            if post_id == current:
                break
            post, rank = posts[post_id], ranks[post_id][sid]
            members = held.get(post_id, [])
            if not shared:
                if len(members) < post.capacity or worst.get(post_id, 0) > rank:
                    found.append((sid, post_id))
                continue
            if len(members) < post.capacity and ledger.shared_obstacle(student, post, leaving) is None:
                found.append((sid, post_id))
                continue
            for other in sorted(members, key=lambda t: -ranks[post_id][t]):
                if ranks[post_id][other] <= rank:
                    break
                if ledger.shared_obstacle(student, post, leaving + [(students[other], post)]) is None:
                    found.append((sid, post_id))
                    break
    return found


def envy_count(prepared: Prepared, assignment: Mapping[int, int]) -> int:
    """(student, placed student) pairs where the first would rather have the other's post, may be
    placed there, and that post ranks them higher (justified envy; caps aside)."""
    held_ranks = {p: sorted(prepared.post_rank[p][t] for t in members) for p, members in held_by_post(assignment).items()}
    envy = 0
    for sid in prepared.students:
        current = assignment.get(sid)
        for post_id in prepared.order[sid]:
            if post_id == current:
                break
            ranks = held_ranks.get(post_id)
            if ranks:
                envy += len(ranks) - bisect_right(ranks, prepared.post_rank[post_id][sid])
    return envy


def allocation_metrics(prepared: Prepared, assignment: Mapping[int, int]) -> AllocationMetrics:
    placed = len(assignment)
    students = len(prepared.students)
    student_ranks = [prepared.wish_rank(s, p) for s, p in assignment.items()]
    post_ranks = [prepared.post_rank[p][s] for s, p in assignment.items()]
    return AllocationMetrics(
        students=students,
        seats=sum(post.capacity for post in prepared.posts.values()),
        placed=placed,
        placed_share=placed / students if students else 0.0,
        mean_student_rank=sum(student_ranks) / placed if placed else None,
        mean_post_rank=sum(post_ranks) / placed if placed else None,
        blocking_pairs=len(blocking_pairs(prepared, assignment)),
        envy=envy_count(prepared, assignment),
        welfare=fsum(prepared.score(s, p) for s, p in assignment.items()),
    )


def panel_metrics(problem: PanelProblem, panels: Sequence[Panel], declined: frozenset[tuple[int, int]]) -> PanelMetrics:
    """Coverage, load spread and the hard rules re-checked on the panels as they are."""
    items = {item.id: item for item in problem.items}
    reviewers = {r.id: r for r in problem.reviewers}
    loads = dict.fromkeys(reviewers, 0)
    conflicts = same_organization = 0
    for panel in panels:
        item = items[panel.item]
        keys = [organization_key(reviewers[r]) for r in panel.reviewers]
        same_organization += len(keys) != len(set(keys))
        for reviewer_id in panel.reviewers:
            loads[reviewer_id] += 1
            conflicts += conflict(problem, item, reviewers[reviewer_id], declined) is not None
    fields = sum(len(items[p.item].fields) for p in panels)
    wanted = sum(p.wanted for p in panels)
    filled = sum(len(p.reviewers) for p in panels)
    return PanelMetrics(
        items=len(panels),
        wanted=wanted,
        filled=filled,
        shortfall=sum(p.shortfall for p in panels),
        coverage=sum(len(p.covered) for p in panels) / fields if fields else 1.0,
        fully_covered=sum(not p.missing for p in panels) / len(panels) if panels else 1.0,
        min_load=min(loads.values(), default=0),
        max_load=max(loads.values(), default=0),
        mean_load=filled / len(loads) if loads else 0.0,
        conflicts=conflicts,
        same_organization=same_organization,
        over_load=sum(load > problem.capacity(reviewers[r]) for r, load in loads.items()),
        total_score=fsum(problem.scores.get((p.item, r), 0.0) for p in panels for r in p.reviewers),
    )
