"""Expert review panels: the input (items to review, reviewers, their fit, the rules), the
conflict-of-interest rule, and the result's shape.

Hard rules (no panel ever breaks one):

* conflicts of interest: a reviewer of one of the item's organizations; a reviewer with recorded
  past cooperation or co-authorship with one of the item's people (``PanelRules.cooperations``);
  a declared conflict (``PanelRules.declared``, either side's declaration); a decline;
* at most ``max_load`` items per reviewer (or the reviewer's own ``capacity``);
* diversity: no two reviewers of one panel from the same organization (reviewers of no known
  organization count as each their own);
* a pair below ``floor``, or without a score, is never assigned.

Preferred, not required: ``panel_size`` reviewers per item (as many as the rules allow, the
shortfall reported), and the item's fields covered by the panel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from matcher.allocation.problem import Scores


@dataclass(frozen=True)
class Reviewer:
    id: int
    organization: int | None = None
    fields: frozenset[str] = frozenset()
    capacity: int | None = None  # at most this many items; None: ``PanelRules.max_load``


@dataclass(frozen=True)
class Item:
    id: int
    organizations: frozenset[int] = frozenset()  # the applicants' organizations
    people: frozenset[int] = frozenset()  # the applicants' person ids (cooperations are recorded against them)
    fields: frozenset[str] = frozenset()
    panel_size: int | None = None  # None: ``PanelRules.panel_size``


@dataclass(frozen=True)
class PanelRules:
    """Attributes:
        panel_size: reviewers wanted per item (k).
        max_load: the most items one reviewer reviews (L).
        floor: a pair whose score is below it is never assigned (None: no floor).
        coverage_bonus: added to a pair's score, times the share of the item's fields the
            reviewer covers: the flow's nudge towards covering the fields (a repair step after
            it swaps in reviewers for fields still uncovered).
        balance: cost of each further item on one reviewer's load (0: load does not matter
            beyond ``max_load``), in score units: evens out the load.
        cooperations: (reviewer id, person id) pairs of recorded past cooperation or co-authorship.
        declared: (item id, reviewer id) pairs of declared conflicts.
    """

    panel_size: int = 5
    max_load: int = 10
    floor: float | None = None
    coverage_bonus: float = 0.1
    balance: float = 0.0
    cooperations: frozenset[tuple[int, int]] = frozenset()
    declared: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class PanelProblem:
    """``scores`` maps (item id, reviewer id) to the reviewer's fit; only scored pairs are candidates."""

    items: tuple[Item, ...]
    reviewers: tuple[Reviewer, ...]
    scores: Scores
    rules: PanelRules = PanelRules()

    def panel_size(self, item: Item) -> int:
        return self.rules.panel_size if item.panel_size is None else item.panel_size

    def capacity(self, reviewer: Reviewer) -> int:
        return self.rules.max_load if reviewer.capacity is None else reviewer.capacity


class ConflictKind(StrEnum):
    SAME_ORGANIZATION = "same_organization"
    COOPERATION = "cooperation"
    DECLARED = "declared"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"same_organization": "同单位", "cooperation": "曾合作或合著", "declared": "申报回避",
                "declined": "已婉拒"}[self.value]


def conflict(problem: PanelProblem, item: Item, reviewer: Reviewer,
             declined: frozenset[tuple[int, int]] = frozenset()) -> ConflictKind | None:
    """The conflict of interest between an item and a reviewer, if any."""
    if reviewer.organization is not None and reviewer.organization in item.organizations:
        return ConflictKind.SAME_ORGANIZATION
    cooperations = problem.rules.cooperations
    if cooperations and any((reviewer.id, person) in cooperations for person in item.people):
        return ConflictKind.COOPERATION
    if (item.id, reviewer.id) in problem.rules.declared:
        return ConflictKind.DECLARED
    if (item.id, reviewer.id) in declined:
        return ConflictKind.DECLINED
    return None


def organization_key(reviewer: Reviewer) -> tuple[int, int]:
    """The diversity rule's key: the organization, or the reviewer itself when it has none."""
    return (0, reviewer.organization) if reviewer.organization is not None else (1, reviewer.id)


class Shortfall(StrEnum):
    """Why a panel has fewer reviewers than wanted."""

    FEW_CANDIDATES = "few_candidates"  # fewer eligible reviewers of distinct organizations than wanted
    LOAD = "load"  # enough eligible reviewers, but their loads went to other items

    @property
    def label(self) -> str:
        return {"few_candidates": "回避与单位不重复之后，合格的评审专家不足",
                "load": "合格的评审专家评审量已满"}[self.value]


@dataclass(frozen=True)
class Panel:
    item: int
    reviewers: tuple[int, ...]  # by id
    wanted: int
    covered: frozenset[str]  # the item's fields some reviewer of the panel has
    missing: frozenset[str]  # the item's fields none has
    shortfall_reason: Shortfall | None = None

    @property
    def shortfall(self) -> int:
        return max(0, self.wanted - len(self.reviewers))


@dataclass(frozen=True)
class PanelMetrics:
    items: int
    wanted: int  # reviewer slots wanted in all
    filled: int
    shortfall: int
    coverage: float  # share of the items' fields covered by their panels (1.0 when no item has fields)
    fully_covered: float  # share of items whose every field is covered
    min_load: int  # over all reviewers, those given nothing included
    max_load: int
    mean_load: float
    conflicts: int  # assigned pairs in conflict of interest (must be 0)
    same_organization: int  # panels with two reviewers of one organization (must be 0)
    over_load: int  # reviewers above their load (must be 0)
    total_score: float


@dataclass(frozen=True)
class PanelResult:
    panels: tuple[Panel, ...]  # by item id
    metrics: PanelMetrics
    problem: PanelProblem
    declined: frozenset[tuple[int, int]] = field(default=frozenset())  # (item, reviewer) declines refilled so far

    @property
    def assignment(self) -> dict[int, tuple[int, ...]]:
        """Item id → reviewer ids."""
        return {panel.item: panel.reviewers for panel in self.panels}

    def loads(self) -> Mapping[int, int]:
        loads = dict.fromkeys((r.id for r in self.problem.reviewers), 0)
        for panel in self.panels:
            for reviewer in panel.reviewers:
                loads[reviewer] += 1
        return loads
