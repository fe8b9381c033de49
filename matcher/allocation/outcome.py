"""An assignment made into an ``Allocation``: its placements with their ranks, the unplaced
with their reasons and alternatives, and its metrics."""

from __future__ import annotations

from collections.abc import Mapping

from matcher.allocation.explain import explain_unplaced
from matcher.allocation.metrics import allocation_metrics
from matcher.allocation.preferences import Prepared
from matcher.allocation.result import Allocation, Method, Placement


def build_allocation(prepared: Prepared, method: Method, assignment: Mapping[int, int]) -> Allocation:
    placements = tuple(Placement(sid, post_id, prepared.score(sid, post_id), prepared.wish_rank(sid, post_id),
                                 prepared.post_rank[post_id][sid])
                       for sid, post_id in sorted(assignment.items()))
    return Allocation(method, placements, tuple(explain_unplaced(prepared, assignment)),
                      allocation_metrics(prepared, assignment), prepared.problem)
