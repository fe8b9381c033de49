"""An expert review batch from the database to the panel engine and back: build the
``PanelProblem`` from the batch's records (``data.workflows.panels.inputs_of``), run
``assign_panels``, store the panels as proposed seats, and refill a declined seat keeping every
other seat as it is.

Items: the batch's needs and 成果; an item's organization is its owner; its "people" are that
organization too — a recorded cooperation (an agreement about the expert with the organization,
or 已合作 feedback for the expert on one of its records) is stored as (expert, organization), so
the engine's cooperation rule keeps such an expert off the organization's items. Fields: the
record's field, tags and (needs) skills.

Reviewers: the published experts of the 专家库 (not teachers: a seat, and the 「我的评审」 page,
belong to an expert record), their organization their owner, fields their field, discipline,
research areas and tags.

Scores in [0, 1]: the need → experts direction's score (``experts_for_need`` with
``allow_own_org=False``, text and structured fit, as a need's recommendations show it) for the
pairs its ranking returns; a 成果 asks the same ranking with its own text (the closeness of the
成果 to the expert's profile). Pairs the ranking does not return, and every pair without an
index (none built yet, or a test), get the field overlap: the share of the item's fields the
expert has (0.5 when the item names none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from data.models import Achievement, Expert, Project, User
from data.pools import Pool
from data.workflows import panels as pw
from data.workflows.panels import PanelInputs, SeatRow
from indexer.context import IndexContext
from indexer.store import IndexError_
from matcher.allocation import Item, Panel, PanelProblem, PanelResult, PanelRules, Reviewer, assign_panels, refill
from matcher.allocation.metrics import panel_metrics
from matcher.directions.need_experts import experts_for_need
from matcher.query import query_from_record

RANKING_K = 10_000  # an item's ranking over the whole expert pool: the batch keeps its own


@dataclass(frozen=True)
class Scored:
    """Every pair's fit and the reasons to show for it, (item id, expert id) → ..."""

    scores: dict[tuple[int, int], float]
    reasons: dict[tuple[int, int], list[str]] = field(default_factory=dict)


def item_fields(record: Project | Achievement) -> frozenset[str]:
    values = [record.field, *record.tags, *(record.skills if isinstance(record, Project) else [])]
    return frozenset(v.strip() for v in values if v and v.strip())


def expert_fields(expert: Expert) -> frozenset[str]:
    values = [expert.field, expert.discipline, *expert.research_areas, *expert.tags]
    return frozenset(v.strip() for v in values if v and v.strip())


def field_overlap(wanted: frozenset[str], has: frozenset[str]) -> float:
    """The share of the item's fields the expert has; 0.5 (unknown) when the item names none."""
    return len(wanted & has) / len(wanted) if wanted else 0.5


def score_pairs(session: Session, inputs: PanelInputs, ctx: IndexContext | None = None) -> Scored:
    """Fit in [0, 1] and reasons for every item × published expert of the batch."""
    scores: dict[tuple[int, int], float] = {}
    reasons: dict[tuple[int, int], list[str]] = {}
    for item, record in inputs.items:
        wanted = item_fields(record)
        for expert in inputs.experts:
            shared = sorted(wanted & expert_fields(expert))
            scores[(item.id, expert.id)] = round(field_overlap(wanted, expert_fields(expert)), 6)
            reasons[(item.id, expert.id)] = [f"领域相符：{'、'.join(shared)}"] if shared else []
    if ctx is None:
        return Scored(scores, reasons)
    wanted_ids = {e.id for e in inputs.experts}
    for item, record in inputs.items:
        try:
            ranked = experts_for_need(session, ctx, query_from_record(record), k=RANKING_K, allow_own_org=False)
        except IndexError_:
            return Scored(scores, reasons)  # no index yet: the field overlap for everyone
        for match in ranked:
            if match.pool is Pool.EXPERT and match.id in wanted_ids:
                scores[(item.id, match.id)] = round(match.score / 100, 6)
                reasons[(item.id, match.id)] = list(match.reasons)
    return Scored(scores, reasons)


def build_problem(inputs: PanelInputs, scored: Scored) -> PanelProblem:
    """The engine's input for a batch (see the module docstring)."""
    batch = inputs.batch
    items = tuple(Item(id=item.id, organizations=frozenset({record.owner_org_id}),
                       people=frozenset({record.owner_org_id}), fields=item_fields(record))
                  for item, record in inputs.items)
    reviewers = tuple(Reviewer(id=e.id, organization=e.owner_org_id, fields=expert_fields(e)) for e in inputs.experts)
    rules = PanelRules(panel_size=batch.panel_size, max_load=batch.max_load,
                       cooperations=frozenset(inputs.cooperations), declared=frozenset(inputs.declared))
    return PanelProblem(items, reviewers, scored.scores, rules)


def seat_rows(result: PanelResult, scored: Scored, only: Callable[[int, int], bool] = lambda i, r: True
              ) -> list[SeatRow]:
    return [SeatRow(p.item, r, scored.scores.get((p.item, r)), scored.reasons.get((p.item, r), []))
            for p in result.panels for r in p.reviewers if only(p.item, r)]


def panel_notes(result: PanelResult) -> dict[str, dict[str, object]]:
    """Per item (id as text, for JSON): covered and missing fields, the shortfall's label."""
    return {str(p.item): {"covered": sorted(p.covered), "missing": sorted(p.missing), "wanted": p.wanted,
                          "shortfall": p.shortfall_reason.label if p.shortfall_reason else None}
            for p in result.panels}


def run_batch(session: Session, user: User, batch_id: int, ctx: IndexContext | None = None) -> PanelResult:
    """Assign a draft (or not yet invited) batch and store the proposed seats and metrics (role
    and status are checked before anything is computed)."""
    pw.ready_to_assign(session, user, batch_id)
    inputs = pw.inputs_of(session, batch_id)
    scored = score_pairs(session, inputs, ctx)
    result = assign_panels(build_problem(inputs, scored))
    pw.store_assignment(session, user, batch_id, seat_rows(result, scored),
                        {**asdict(result.metrics), "panels": panel_notes(result)})
    return result


def stored_result(inputs: PanelInputs, problem: PanelProblem, declined: tuple[int, int]) -> PanelResult:
    """The batch's panels as stored (live seats plus the one being refilled), for ``refill``."""
    members: dict[int, set[int]] = {item.id: set() for item, _ in inputs.items}
    live = {(s.item_id, s.expert_id) for s in pw.live_seats(inputs)} | {declined}
    for item_id, expert_id in live:
        members[item_id].add(expert_id)
    by_id = {e.id: expert_fields(e) for e in inputs.experts}
    panels = []
    for item in problem.items:
        reviewers = tuple(sorted(r for r in members[item.id] if r in by_id))
        covered = item.fields & frozenset().union(*(by_id[r] for r in reviewers)) if reviewers else frozenset()
        panels.append(Panel(item.id, reviewers, problem.panel_size(item), covered, item.fields - covered))
    prior = frozenset(inputs.declined - {declined})
    return PanelResult(tuple(panels), panel_metrics(problem, panels, prior), problem, prior)


def refill_seat(session: Session, user: User, batch_id: int, item_id: int, expert_id: int,
                ctx: IndexContext | None = None) -> list[SeatRow]:
    """Refill a declined seat: the best eligible expert takes the slot, every other seat stays.
    Returns the new seat (none when no one can take it)."""
    pw.ready_to_refill(session, user, batch_id)
    inputs = pw.inputs_of(session, batch_id)
    if (item_id, expert_id) not in inputs.declined:
        raise pw.PanelError("seat_id", "只有已谢绝的评审席位可以补充专家")
    if sum(1 for s in pw.live_seats(inputs) if s.item_id == item_id) >= inputs.batch.panel_size:
        raise pw.PanelError("seat_id", "该评审组已满员，无需补充专家")
    scored = score_pairs(session, inputs, ctx)
    problem = build_problem(inputs, scored)
    before = stored_result(inputs, problem, (item_id, expert_id))
    after = refill(before, (item_id, expert_id))
    had = {(p.item, r) for p in before.panels for r in p.reviewers}
    rows = seat_rows(after, scored, lambda i, r: (i, r) not in had)
    pw.add_seats(session, user, batch_id, rows, {**asdict(after.metrics), "panels": panel_notes(after)})
    return rows
