"""Batch allocation for 双选 rounds and expert review panels: pure functions over ids, scores,
capacities and rules, returning assignments with their reasons and metrics. No Flask, no
database: the workflow layer builds a ``Problem`` or ``PanelProblem`` from its records, calls one
of the functions below and stores what comes back.

A round (``problem.py``; rules and the fallback for missing preferences are stated there):
``allocate_stable`` (deferred acceptance, ``stable.py``), ``allocate_welfare`` (greatest total
fit, ``welfare.py``), ``allocate`` (either, by ``Method``); what-ifs in ``whatif.py``.
Panels (``panel_problem.py``): ``assign_panels`` and ``refill`` (``panels.py``).
"""

from matcher.allocation.panel_problem import (
    ConflictKind,
    Item,
    Panel,
    PanelMetrics,
    PanelProblem,
    PanelResult,
    PanelRules,
    Reviewer,
    Shortfall,
)
from matcher.allocation.panels import assign_panels, refill
from matcher.allocation.problem import InvalidProblem, Mark, Post, Problem, Rules, Student
from matcher.allocation.result import (
    Allocation,
    AllocationMetrics,
    Alternative,
    Method,
    Obstacle,
    Placement,
    Reason,
    Unplaced,
)
from matcher.allocation.stable import allocate_stable
from matcher.allocation.welfare import allocate_welfare
from matcher.allocation.whatif import (
    Comparison,
    Move,
    PanelChange,
    add_seats,
    allocate,
    compare,
    compare_panels,
    relax,
    what_if,
)

__all__ = [
    "Allocation", "AllocationMetrics", "Alternative", "Comparison", "ConflictKind", "InvalidProblem", "Item", "Mark",
    "Method", "Move", "Obstacle", "Panel", "PanelChange", "PanelMetrics", "PanelProblem", "PanelResult", "PanelRules",
    "Placement", "Post", "Problem", "Reason", "Reviewer", "Rules", "Shortfall", "Student", "Unplaced", "add_seats",
    "allocate", "allocate_stable", "allocate_welfare", "assign_panels", "compare", "compare_panels", "refill", "relax",
    "what_if",
]
