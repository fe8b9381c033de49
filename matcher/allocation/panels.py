"""Expert review panels: every item gets ``panel_size`` reviewers where the rules allow, each
reviewer at most ``max_load`` items, no conflict of interest, no two reviewers of one
organization on a panel, and the item's fields covered where possible (``panel_problem.py``
states the rules).

One min-cost flow (``flow.py``) places as many reviewer slots as the rules allow and, among
those, the greatest total of ``score + coverage_bonus × share of the item's fields the reviewer
has``: source → item (panel size) → (item, organization) (1: the diversity rule) → reviewer
(1, the pair's value as a negative cost) → sink (the reviewer's load; with ``balance``, one arc
per further item at a rising cost). A repair step then takes the items in id order and, for each
field still uncovered, swaps in the best free reviewer who has it for the panel's weakest member
whose leaving uncovers nothing (or adds them to a short panel).

``refill`` answers a decline: everything else stays as it was and only the declined slot is
filled again, by the best eligible reviewer with load to spare.
"""

from __future__ import annotations

from collections.abc import Sequence

from matcher.allocation.flow import FlowNetwork, units
from matcher.allocation.metrics import panel_metrics
from matcher.allocation.panel_problem import (
    Item,
    Panel,
    PanelProblem,
    PanelResult,
    Reviewer,
    Shortfall,
    conflict,
    organization_key,
)
from matcher.allocation.problem import InvalidProblem


class _Round:
    """One panel round's items, reviewers and eligible pairs."""

    def __init__(self, problem: PanelProblem, declined: frozenset[tuple[int, int]] = frozenset(),
                 only: int | None = None) -> None:
        """``only``: the one item whose candidates are wanted (a refill), instead of all."""
        self.problem = problem
        self.declined = declined
        self.items = {item.id: item for item in problem.items}
        self.reviewers = {r.id: r for r in problem.reviewers}
        if len(self.items) != len(problem.items) or len(self.reviewers) != len(problem.reviewers):
            raise InvalidProblem("panels", "评审对象或评审专家编号重复")
        scores = problem.scores
        pairs = (((only, r), scores[(only, r)]) for r in self.reviewers if (only, r) in scores) if only is not None \
            else scores.items()
        floor = problem.rules.floor
        self.candidates: dict[int, list[int]] = {item_id: [] for item_id in sorted(self.items)}
        for (item_id, reviewer_id), score in pairs:
            item, reviewer = self.items.get(item_id), self.reviewers.get(reviewer_id)
            if item is None or reviewer is None or (floor is not None and score < floor):
                continue
            if conflict(problem, item, reviewer, declined) is None:
                self.candidates[item_id].append(reviewer_id)
        for found in self.candidates.values():
            found.sort()

    def value(self, item: Item, reviewer: Reviewer, fields: frozenset[str] | None = None) -> float:
        """The pair's worth: its score plus the coverage bonus for the item's ``fields`` (all of
        them unless given) that the reviewer has."""
        score = self.problem.scores[(item.id, reviewer.id)]
        if not item.fields:
            return score
        wanted = item.fields if fields is None else fields
        return score + self.problem.rules.coverage_bonus * len(reviewer.fields & wanted) / len(item.fields)


def assign_panels(problem: PanelProblem) -> PanelResult:
    """Form every item's panel; see the module docstring."""
    state = _Round(problem)
    members = _flow(state)
    loads = dict.fromkeys(state.reviewers, 0)
    for panel in members.values():
        for reviewer_id in panel:
            loads[reviewer_id] += 1
    for item_id in sorted(members):
        _cover(state, state.items[item_id], members[item_id], loads)
    return _result(state, [_panel(state, item_id, members[item_id]) for item_id in sorted(members)])


def refill(result: PanelResult, declined: tuple[int, int]) -> PanelResult:
    """The same panels after ``declined`` = (item id, reviewer id) declined: that reviewer leaves
    that panel (and is never put back on it), and the best eligible reviewer with load to spare
    and of an organization not yet on the panel takes the slot — by score plus the coverage bonus
    for the fields the panel would otherwise miss, then by id. No other panel changes; when no one
    can take the slot, the panel stays one short."""
    item_id, reviewer_id = declined
    before = {panel.item: panel for panel in result.panels}
    if item_id not in before or reviewer_id not in before[item_id].reviewers:
        raise InvalidProblem("declined", f"评审专家 {reviewer_id} 不在评审对象 {item_id} 的评审组中")
    state = _Round(result.problem, result.declined | {declined}, only=item_id)
    panel = [r for r in before[item_id].reviewers if r != reviewer_id]
    item = state.items[item_id]
    loads = result.loads()
    missing = item.fields - _fields(state, panel)
    taken = {organization_key(state.reviewers[r]) for r in panel}
    best = None
    for candidate in state.candidates[item_id]:
        reviewer = state.reviewers[candidate]
        if (candidate in panel or loads[candidate] >= result.problem.capacity(reviewer)
                or organization_key(reviewer) in taken):
            continue
        key = (-state.value(item, reviewer, missing), candidate)
        if best is None or key < best:
            best = key
    if best is not None:
        panel.append(best[1])
    return _result(state, [_panel(state, item_id, panel) if p.item == item_id else p for p in result.panels])


def _flow(state: _Round) -> dict[int, list[int]]:
    problem = state.problem
    net = FlowNetwork()
    source, sink = net.node(), net.node()
    reviewer_nodes = {r: net.node() for r in sorted(state.reviewers)}
    pairs: list[tuple[int, int]] = []
    pair_arcs: list[int] = []
    wanted = 0
    for item_id, candidates in state.candidates.items():
        item = state.items[item_id]
        size = problem.panel_size(item)
        wanted += size
        node = net.node()
        net.arc(source, node, size)
        groups: dict[tuple[int, int], int] = {}
        for reviewer_id in candidates:
            reviewer = state.reviewers[reviewer_id]
            key = organization_key(reviewer)
            if key not in groups:
                groups[key] = net.node()
                net.arc(node, groups[key], 1)
            pairs.append((item_id, reviewer_id))
            pair_arcs.append(net.arc(groups[key], reviewer_nodes[reviewer_id], 1, -units(state.value(item, reviewer))))
    balance = units(problem.rules.balance)
    for reviewer_id, node in reviewer_nodes.items():
        capacity = problem.capacity(state.reviewers[reviewer_id])
        if balance:
            for load in range(capacity):
                net.arc(node, sink, 1, balance * load)
        else:
            net.arc(node, sink, capacity)
    net.solve(source, sink, wanted, max_flow=True)
    members: dict[int, list[int]] = {item_id: [] for item_id in state.candidates}
    for (item_id, reviewer_id), arc in zip(pairs, pair_arcs):
        if net.flows[arc]:
            members[item_id].append(reviewer_id)
    return members


def _fields(state: _Round, panel: list[int]) -> frozenset[str]:
    found: set[str] = set()
    for reviewer_id in panel:
        found |= state.reviewers[reviewer_id].fields
    return frozenset(found)


def _cover(state: _Round, item: Item, panel: list[int], loads: dict[int, int]) -> None:
    """Swap in reviewers for the item's uncovered fields where that uncovers nothing else."""
    for field_name in sorted(item.fields - _fields(state, panel)):
        if field_name in _fields(state, panel):
            continue
        for candidate in sorted(state.candidates[item.id], key=lambda r: (-state.value(item, state.reviewers[r]), r)):
            reviewer = state.reviewers[candidate]
            if (candidate in panel or field_name not in reviewer.fields
                    or loads[candidate] >= state.problem.capacity(reviewer)):
                continue
            possible, leaving = _leaving(state, item, panel, reviewer)
            if not possible:
                continue
            if leaving is not None:
                panel.remove(leaving)
                loads[leaving] -= 1
            panel.append(candidate)
            loads[candidate] += 1
            break


def _leaving(state: _Round, item: Item, panel: list[int], newcomer: Reviewer) -> tuple[bool, int | None]:
    """Whether ``newcomer`` can join the panel, and who leaves for them: nobody when the panel is
    short (and the newcomer's organization not on it), else its weakest member whose leaving
    keeps every covered field covered and the organizations distinct."""
    key = organization_key(newcomer)
    if len(panel) < state.problem.panel_size(item):
        return all(organization_key(state.reviewers[r]) != key for r in panel), None
    covered = item.fields & _fields(state, panel)
    for member in sorted(panel, key=lambda r: (state.value(item, state.reviewers[r]), -r)):
        rest = [r for r in panel if r != member]
        if any(organization_key(state.reviewers[r]) == key for r in rest):
            continue
        if covered <= _fields(state, rest) | newcomer.fields:
            return True, member
    return False, None


def _panel(state: _Round, item_id: int, members: list[int]) -> Panel:
    item = state.items[item_id]
    reviewers = tuple(sorted(members))
    covered = item.fields & _fields(state, members)
    wanted = state.problem.panel_size(item)
    reason = None
    if len(reviewers) < wanted:
        distinct = {organization_key(state.reviewers[r]) for r in state.candidates[item_id]}
        reason = Shortfall.LOAD if len(distinct) >= wanted else Shortfall.FEW_CANDIDATES
    return Panel(item_id, reviewers, wanted, covered, item.fields - covered, reason)


def _result(state: _Round, panels: Sequence[Panel]) -> PanelResult:
    return PanelResult(tuple(panels), panel_metrics(state.problem, panels, state.declined), state.problem, state.declined)
