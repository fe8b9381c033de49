"""Review panels: conflicts never assigned, one organization at most once per panel, loads within
their caps, fields covered where they can be, a refill after a decline changes only that slot."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings, strategies as st

from matcher.allocation import (
    InvalidProblem,
    Item,
    PanelProblem,
    PanelRules,
    Reviewer,
    Shortfall,
    assign_panels,
    compare_panels,
    refill,
)
from matcher.allocation.panel_problem import conflict, organization_key
from tests.matcher.allocation.instances import random_panels

SEEDS = st.integers(0, 2**32 - 1)
FEW = settings(max_examples=30, deadline=None, derandomize=True)


def breaches(problem: PanelProblem, assignment: dict[int, tuple[int, ...]], declined: frozenset = frozenset()) -> list[str]:
    """Every hard rule the panels break, counted here again."""
    items = {i.id: i for i in problem.items}
    reviewers = {r.id: r for r in problem.reviewers}
    loads: dict[int, int] = {}
    found = []
    for item_id, panel in assignment.items():
        organizations = [r.organization for r in map(reviewers.get, panel) if r and r.organization is not None]
        if len(organizations) != len(set(organizations)):
            found.append(f"item {item_id}: one organization twice")
        for reviewer_id in panel:
            loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
            reviewer, item = reviewers[reviewer_id], items[item_id]
            if reviewer.organization in item.organizations:
                found.append(f"{item_id}/{reviewer_id}: same organization")
            if any((reviewer_id, person) in problem.rules.cooperations for person in item.people):
                found.append(f"{item_id}/{reviewer_id}: cooperation")
            if (item_id, reviewer_id) in problem.rules.declared | declined:
                found.append(f"{item_id}/{reviewer_id}: declared or declined")
            score = problem.scores.get((item_id, reviewer_id))
            if score is None or (problem.rules.floor is not None and score < problem.rules.floor):
                found.append(f"{item_id}/{reviewer_id}: not a candidate")
    found += [f"reviewer {r}: load {n}" for r, n in loads.items() if n > problem.capacity(reviewers[r])]
    return found


@FEW
@given(SEEDS)
def test_no_conflict_no_organization_twice_no_overload(seed: int) -> None:
    problem = random_panels(seed)
    result = assign_panels(problem)
    assert breaches(problem, result.assignment) == []
    metrics = result.metrics
    assert (metrics.conflicts, metrics.same_organization, metrics.over_load) == (0, 0, 0)
    assert all(len(p.reviewers) + p.shortfall == p.wanted for p in result.panels)
    assert metrics.filled + metrics.shortfall == metrics.wanted


@FEW
@given(SEEDS, st.data())
def test_a_refill_after_a_decline_changes_only_that_slot(seed: int, data: st.DataObject) -> None:
    result = assign_panels(random_panels(seed))
    filled = [p for p in result.panels if p.reviewers]
    panel = data.draw(st.sampled_from(filled))
    declined = (panel.item, data.draw(st.sampled_from(panel.reviewers)))
    after = refill(result, declined)
    [change] = compare_panels(result, after)
    assert change.item == panel.item and change.left == (declined[1],) and len(change.joined) <= 1
    assert declined[1] not in after.assignment[panel.item]
    assert after.declined == {declined}
    assert breaches(after.problem, after.assignment, after.declined) == []
    assert after.metrics.conflicts == 0


def test_a_declined_reviewer_never_comes_back_to_that_item() -> None:
    items = (Item(1), Item(2))
    reviewers = (Reviewer(10, organization=1), Reviewer(11, organization=2))
    problem = PanelProblem(items, reviewers, {(1, 10): 0.9, (1, 11): 0.5, (2, 10): 0.4, (2, 11): 0.8},
                           PanelRules(panel_size=1, max_load=2))
    result = assign_panels(problem)
    assert result.assignment == {1: (10,), 2: (11,)}
    once = refill(result, (1, 10))
    assert once.assignment == {1: (11,), 2: (11,)}
    twice = refill(once, (1, 11))
    assert twice.assignment == {1: (), 2: (11,)}  # 10 declined it before
    assert twice.panels[0].shortfall == 1
    with pytest.raises(InvalidProblem):
        refill(twice, (1, 10))


def test_conflicts_of_every_kind_are_kept_out() -> None:
    item = Item(1, organizations=frozenset({7}), people=frozenset({500}))
    reviewers = (Reviewer(10, organization=7), Reviewer(11, organization=8), Reviewer(12, organization=9),
                 Reviewer(13, organization=10), Reviewer(14, organization=11))
    rules = PanelRules(panel_size=5, cooperations=frozenset({(11, 500)}), declared=frozenset({(1, 12)}))
    problem = PanelProblem((item,), reviewers, {(1, r.id): 0.9 for r in reviewers}, rules)
    result = assign_panels(problem)
    assert result.assignment == {1: (13, 14)}
    assert result.panels[0].shortfall == 3 and result.panels[0].shortfall_reason is Shortfall.FEW_CANDIDATES
    assert [conflict(problem, item, r) for r in reviewers[:3]] == ["same_organization", "cooperation", "declared"]


def test_two_reviewers_of_one_organization_never_share_a_panel() -> None:
    reviewers = (Reviewer(10, organization=1), Reviewer(11, organization=1), Reviewer(12, organization=2), Reviewer(13))
    problem = PanelProblem((Item(1),), reviewers, {(1, 10): 0.9, (1, 11): 0.9, (1, 12): 0.2, (1, 13): 0.1},
                           PanelRules(panel_size=3))
    assert assign_panels(problem).assignment == {1: (10, 12, 13)}  # 11 is of 10's organization
    assert organization_key(Reviewer(13)) != organization_key(Reviewer(14))  # no known organization: each its own


def test_load_is_capped_and_the_shortfall_says_why() -> None:
    reviewers = (Reviewer(10, organization=1, capacity=1), Reviewer(11, organization=2))
    problem = PanelProblem((Item(1), Item(2)), reviewers, {(i, r.id): 0.5 for i in (1, 2) for r in reviewers},
                           PanelRules(panel_size=2, max_load=1))
    result = assign_panels(problem)
    assert result.metrics.filled == 2 and result.metrics.max_load == 1
    assert result.metrics.shortfall == 2
    assert {p.shortfall_reason for p in result.panels if p.shortfall} == {Shortfall.LOAD}
    assert all(p.shortfall_reason is None for p in result.panels if not p.shortfall)


def test_coverage_pulls_in_the_reviewer_with_the_missing_field() -> None:
    item = Item(1, fields=frozenset({"新材料", "生物医药"}))
    reviewers = (Reviewer(10, organization=1, fields=frozenset({"新材料"})),
                 Reviewer(11, organization=2, fields=frozenset({"新材料"})),
                 Reviewer(12, organization=3, fields=frozenset({"生物医药"})))
    scores = {(1, 10): 0.9, (1, 11): 0.85, (1, 12): 0.5}
    without = PanelProblem((item,), reviewers, scores, PanelRules(panel_size=2, coverage_bonus=0.0))
    assert assign_panels(without).assignment == {1: (10, 12)}  # the repair step alone covers it
    result = assign_panels(replace(without, rules=PanelRules(panel_size=2)))
    assert result.assignment == {1: (10, 12)}
    assert result.panels[0].missing == frozenset() and result.metrics.coverage == 1.0


def test_balance_evens_the_load() -> None:
    reviewers = tuple(Reviewer(10 + r, organization=r) for r in range(4))
    scores = {(i, 10 + r): 0.9 if r < 2 else 0.8 for i in range(4) for r in range(4)}
    problem = PanelProblem(tuple(Item(i) for i in range(4)), reviewers, scores, PanelRules(panel_size=1, max_load=4))
    assert assign_panels(problem).metrics.max_load > 1
    balanced = assign_panels(replace(problem, rules=PanelRules(panel_size=1, max_load=4, balance=0.2)))
    assert (balanced.metrics.min_load, balanced.metrics.max_load) == (1, 1)


def test_same_input_in_another_order_gives_the_same_panels() -> None:
    for seed in range(5):
        problem = random_panels(seed)
        shuffled = replace(problem, items=problem.items[::-1], reviewers=problem.reviewers[::-1],
                           scores=dict(reversed(list(problem.scores.items()))))
        assert assign_panels(problem).panels == assign_panels(shuffled).panels
