"""Expert review panels (issue 16): staff put chosen needs (项目库) and 成果 into a batch, store the
matcher's panel for each item (``matcher.review_panels``), and invite the experts; an expert
accepts or declines each seat (a decline frees the slot for a refill), may declare a conflict of
interest, and scores an accepted seat on every criterion (0–100); staff aggregate the scores per
item and export the 论证意见 summary.

草稿 → 已分配 → 已邀请 → 评分中 (the first scores move it) → 已结束. Staff run every step but the
experts' answers and scores; a wrong role is ``NotAllowed``, an unknown id (or a seat that is not
the user's) ``NotFound``, a wrong status a ``PanelError`` naming the status.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from data.access import MAX_ID, record_ids
from data.enums import AuditAction, FeedbackAction, NotificationKind, PanelStatus, SeatStatus, Status
from data.errors import FieldError, NotAllowed, NotFound
from data.models import (Achievement, Agreement, Expert, Feedback, Project, ReviewBatch, ReviewConflict, ReviewItem,
                         ReviewScore, ReviewSeat, User)
from data.sheets.rows import typed_text
from data.sheets.tabular import write_table
from data.workflows.audit import audit
from data.workflows.notifications import notify

DEFAULT_CRITERIA = ("创新性", "可行性", "转化前景")
POOLS: dict[str, type[Project] | type[Achievement]] = {"project": Project, "achievement": Achievement}
MAX_ITEMS = 500
MAX_PANEL_SIZE = 15
MAX_LOAD = 100
OUTLIER_GAP = 20.0  # a reviewer whose overall is more than this many points from the panel's mean


class PanelError(FieldError):
    pass


@dataclass(frozen=True)
class SeatRow:
    """One proposed seat as the matcher hands it over (``ReviewSeat`` stores it)."""

    item_id: int  # ReviewItem id
    expert_id: int
    fit: float | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PanelInputs:
    """What the matcher needs of a batch: its items with their records, the published experts,
    recorded cooperations as (expert id, organization id), declared conflicts and declines as
    (item id, expert id)."""

    batch: ReviewBatch
    items: list[tuple[ReviewItem, Project | Achievement]]
    experts: list[Expert]
    cooperations: set[tuple[int, int]]
    declared: set[tuple[int, int]]
    declined: set[tuple[int, int]]
    seats: list[ReviewSeat]


@dataclass(frozen=True)
class ItemSummary:
    """One item's aggregated scores. ``outliers``: reviewers whose overall score (the mean of
    their criteria) is more than ``OUTLIER_GAP`` points from the mean of the panel's overalls;
    ``spread``: the highest overall minus the lowest."""

    item: ReviewItem
    record: Project | Achievement
    reviewers: list[str]
    means: dict[str, float]  # criterion → mean
    overall: float | None
    spread: float | None
    outliers: list[str]
    comments: list[str]


# -- reading ---------------------------------------------------------------------------------

def _staff(user: User) -> None:
    if not user.role.is_staff:
        raise NotAllowed("batch_id", "只有秘书处工作人员可以管理评审批次")


def get_batch(session: Session, batch_id: int) -> ReviewBatch:
    found = session.get(ReviewBatch, batch_id) if 0 < batch_id <= MAX_ID else None
    if found is None:
        raise NotFound("batch_id", f"没有编号为 {batch_id} 的评审批次")
    return found


def list_batches(session: Session, limit: int = 200) -> list[ReviewBatch]:
    return list(session.scalars(select(ReviewBatch).order_by(ReviewBatch.id.desc()).limit(limit)))


def items_of(session: Session, batch_id: int) -> list[ReviewItem]:
    return list(session.scalars(select(ReviewItem).where(ReviewItem.batch_id == batch_id).order_by(ReviewItem.id)))


def record_of(session: Session, item: ReviewItem) -> Project | Achievement:
    record = session.get(POOLS[item.pool], item.record_id)
    if not isinstance(record, (Project, Achievement)):
        raise NotFound("item_id", f"评审对象 {item.record_id} 已不存在")
    return record


def seats_of(session: Session, batch_id: int) -> list[ReviewSeat]:
    return list(session.scalars(select(ReviewSeat).where(ReviewSeat.batch_id == batch_id)
                                .order_by(ReviewSeat.item_id, ReviewSeat.id)))


def scores_of(session: Session, seat_ids: Sequence[int]) -> dict[int, list[ReviewScore]]:
    found: dict[int, list[ReviewScore]] = {}
    if seat_ids:
        for row in session.scalars(select(ReviewScore).where(ReviewScore.seat_id.in_(list(seat_ids)))
                                   .order_by(ReviewScore.id)):
            found.setdefault(row.seat_id, []).append(row)
    return found


def inputs_of(session: Session, batch_id: int) -> PanelInputs:
    """The batch's items and the reviewer pool. Reviewers are the published experts of the 专家库
    (teachers are not: a seat names an expert). A recorded cooperation is an agreement about the
    expert with the item's organization as either side, or staff's 已合作 feedback for the expert
    on one of that organization's records."""
    batch = get_batch(session, batch_id)
    items = [(item, record_of(session, item)) for item in items_of(session, batch_id)]
    experts = list(session.scalars(select(Expert).where(Expert.status == Status.PUBLISHED).order_by(Expert.id)))
    orgs = {record.owner_org_id for _, record in items}
    cooperations: set[tuple[int, int]] = set()
    for agreement in session.scalars(select(Agreement).where(
            Agreement.person_pool == "expert", or_(Agreement.enterprise_id.in_(orgs), Agreement.partner_id.in_(orgs)))):
        if agreement.person_id is not None:
            cooperations |= {(agreement.person_id, agreement.enterprise_id), (agreement.person_id, agreement.partner_id)}
    for pool, model in POOLS.items():
        for expert_id, org_id in session.execute(
                select(Feedback.target_id, model.owner_org_id).join(model, model.id == Feedback.source_id)
                .where(Feedback.action == FeedbackAction.COOPERATED, Feedback.target_pool == "expert",
                       Feedback.source_pool == pool, model.owner_org_id.in_(orgs))):
            cooperations.add((expert_id, org_id))
    by_record = {(item.pool, item.record_id): item.id for item, _ in items}
    declared = {(by_record[(c.pool, c.record_id)], c.expert_id)
                for c in session.scalars(select(ReviewConflict).where(
                    or_(ReviewConflict.batch_id == batch_id, ReviewConflict.batch_id.is_(None))))
                if (c.pool, c.record_id) in by_record}
    seats = seats_of(session, batch_id)
    declined = {(s.item_id, s.expert_id) for s in seats if s.status is SeatStatus.DECLINED}
    return PanelInputs(batch, items, experts, cooperations, declared, declined, seats)


def live_seats(inputs: PanelInputs) -> list[ReviewSeat]:
    """The seats still standing (proposed, invited or accepted)."""
    return [s for s in inputs.seats if s.status is not SeatStatus.DECLINED]


# -- staff: create, assign, invite, finish -----------------------------------------------------


def _criteria(values: Iterable[str] | None) -> list[str]:
    names: list[str] = []
    for value in values if values is not None else DEFAULT_CRITERIA:
        name = str(value).strip()
        if len(name) > 50:
            raise PanelError("criteria", f"评分项名称不能超过 50 个字：{name[:10]}…")
        if name and name not in names:
            names.append(name)
    if not names:
        raise PanelError("criteria", "请至少填写一个评分项，如「创新性」")
    if len(names) > 10:
        raise PanelError("criteria", "评分项最多 10 个")
    return names


def create_batch(session: Session, user: User, name: str, project_ids: Iterable[object] = (),
                 achievement_ids: Iterable[object] = (), *, panel_size: int = 5, max_load: int = 10,
                 criteria: Iterable[str] | None = None) -> ReviewBatch:
    """A batch in 草稿 over published needs and 成果, ``panel_size`` experts per item, at most
    ``max_load`` items per expert, scored on ``criteria`` (default 创新性/可行性/转化前景)."""
    _staff(user)
    name = typed_text(name, "name", "请填写批次名称，如「2027 年度成果转化论证」", max_len=200, error=PanelError)
    if not 1 <= panel_size <= MAX_PANEL_SIZE:
        raise PanelError("panel_size", f"每项评审专家数应在 1 到 {MAX_PANEL_SIZE} 之间")
    if not 1 <= max_load <= MAX_LOAD:
        raise PanelError("max_load", f"每位专家评审项数上限应在 1 到 {MAX_LOAD} 之间")
    names = _criteria(criteria)
    chosen = {"project": record_ids(project_ids, "project_ids", "需求", PanelError),
              "achievement": record_ids(achievement_ids, "achievement_ids", "成果", PanelError)}
    if not chosen["project"] and not chosen["achievement"]:
        raise PanelError("project_ids", "请至少选择一个需求或成果")
    if sum(len(v) for v in chosen.values()) > MAX_ITEMS:
        raise PanelError("project_ids", f"一个批次最多 {MAX_ITEMS} 个评审对象")
    for pool, ids in chosen.items():
        model, label = POOLS[pool], "需求" if pool == "project" else "成果"
        published = set(session.scalars(select(model.id).where(model.id.in_(ids), model.status == Status.PUBLISHED)))
        missing = [i for i in ids if i not in published]
        if missing:
            raise PanelError(f"{pool}_ids", f"没有编号为 {missing[0]} 的已发布{label}")
    made = ReviewBatch(name=name, panel_size=panel_size, max_load=max_load, criteria=names, created_by_id=user.id)
    session.add(made)
    session.flush()
    session.add_all(ReviewItem(batch_id=made.id, pool=pool, record_id=i) for pool, ids in chosen.items() for i in ids)
    audit(session, user, AuditAction.PANEL, None, made.id, f"新建专家评审批次「{name}」",
          after={"评审对象数": sum(len(v) for v in chosen.values()), "每项专家数": panel_size})
    session.flush()
    return made


def _status(batch: ReviewBatch, allowed: Sequence[PanelStatus], doing: str) -> None:
    if batch.status not in allowed:
        raise PanelError("status", f"该评审批次已是「{batch.status.label}」，不能{doing}")


def ready_to_assign(session: Session, user: User, batch_id: int) -> ReviewBatch:
    """The batch, if the user may (re)assign it now: 草稿 or 已分配 (before invitations)."""
    _staff(user)
    batch = get_batch(session, batch_id)
    _status(batch, (PanelStatus.DRAFT, PanelStatus.ASSIGNED), "重新分配")
    return batch


def store_assignment(session: Session, user: User, batch_id: int, rows: Sequence[SeatRow],
                     metrics: Mapping[str, Any] | None = None) -> ReviewBatch:
    """The proposed panels (拟邀请), replacing an earlier assignment; 草稿/已分配 → 已分配."""
    batch = ready_to_assign(session, user, batch_id)
    known = {i.id for i in items_of(session, batch_id)}
    stray = [r.item_id for r in rows if r.item_id not in known]
    if stray:
        raise PanelError("item_id", f"评审对象 {stray[0]} 不在本批次中")
    session.execute(delete(ReviewSeat).where(ReviewSeat.batch_id == batch_id))
    session.add_all(ReviewSeat(batch_id=batch_id, item_id=r.item_id, expert_id=r.expert_id, fit=r.fit,
                               reasons=list(r.reasons)) for r in rows)
    batch.status = PanelStatus.ASSIGNED
    batch.metrics = dict(metrics or {})
    audit(session, user, AuditAction.PANEL, None, batch.id, f"专家评审「{batch.name}」：已分配 {len(rows)} 个席位")
    session.flush()
    return batch


def _tell(session: Session, seats: Iterable[ReviewSeat], batch: ReviewBatch) -> None:
    users = [s.expert.user_id for s in seats if s.expert.user_id is not None]
    told = list(session.scalars(select(User).where(User.id.in_(users)).order_by(User.id))) if users else []
    notify(session, told, NotificationKind.APPLICATION_STATUS, f"邀请您参加专家评审「{batch.name}」",
           "请在「我的评审」中接受或谢绝评审邀请。", "/panels/mine")


def invite(session: Session, user: User, batch_id: int) -> ReviewBatch:
    """已分配 → 已邀请: every proposed seat is invited and its expert told (if they have an account)."""
    _staff(user)
    batch = get_batch(session, batch_id)
    _status(batch, (PanelStatus.ASSIGNED,), "发送邀请")
    proposed = [s for s in seats_of(session, batch_id) if s.status is SeatStatus.PROPOSED]
    for seat in proposed:
        seat.status = SeatStatus.INVITED
    batch.status = PanelStatus.INVITED
    _tell(session, proposed, batch)
    audit(session, user, AuditAction.PANEL, None, batch.id, f"专家评审「{batch.name}」：邀请 {len(proposed)} 位专家")
    session.flush()
    return batch


def ready_to_refill(session: Session, user: User, batch_id: int) -> ReviewBatch:
    _staff(user)
    batch = get_batch(session, batch_id)
    _status(batch, (PanelStatus.ASSIGNED, PanelStatus.INVITED, PanelStatus.SCORING), "补充评审专家")
    return batch


def add_seats(session: Session, user: User, batch_id: int, rows: Sequence[SeatRow],
              metrics: Mapping[str, Any] | None = None) -> list[ReviewSeat]:
    """Seats that refill declined ones: invited at once (and told) once the batch has sent its
    invitations, else proposed. The declined seats stay, so the history shows who said no;
    ``metrics``: the panels' figures after the refill."""
    batch = ready_to_refill(session, user, batch_id)
    if metrics is not None:
        batch.metrics = dict(metrics)
    state = SeatStatus.PROPOSED if batch.status is PanelStatus.ASSIGNED else SeatStatus.INVITED
    made = [ReviewSeat(batch_id=batch_id, item_id=r.item_id, expert_id=r.expert_id, fit=r.fit,
                       reasons=list(r.reasons), status=state) for r in rows]
    session.add_all(made)
    audit(session, user, AuditAction.PANEL, None, batch.id, f"专家评审「{batch.name}」：补充 {len(made)} 个席位")
    session.flush()
    if state is SeatStatus.INVITED:
        _tell(session, made, batch)
    return made


def finish(session: Session, user: User, batch_id: int) -> ReviewBatch:
    """评分中 → 已结束: no more scores."""
    _staff(user)
    batch = get_batch(session, batch_id)
    _status(batch, (PanelStatus.SCORING,), "结束评审")
    batch.status = PanelStatus.FINISHED
    audit(session, user, AuditAction.PANEL, None, batch.id, f"专家评审「{batch.name}」：已结束")
    session.flush()
    return batch


# -- experts: answer, declare, score -----------------------------------------------------------

def _expert_of(session: Session, user: User) -> Expert:
    expert = session.scalar(select(Expert).where(Expert.user_id == user.id))
    if expert is None:
        raise NotAllowed("seat_id", "只有专家库中有档案的专家可以参加评审")
    return expert


def seats_for_expert(session: Session, user: User) -> list[ReviewSeat]:
    """The expert's seats that have been offered to them (not the merely proposed ones)."""
    expert = _expert_of(session, user)
    return list(session.scalars(select(ReviewSeat).where(ReviewSeat.expert_id == expert.id,
                                                         ReviewSeat.status != SeatStatus.PROPOSED)
                                .order_by(ReviewSeat.batch_id.desc(), ReviewSeat.id)))


def own_seat(session: Session, user: User, seat_id: int) -> tuple[ReviewSeat, ReviewBatch]:
    expert = _expert_of(session, user)
    seat = session.get(ReviewSeat, seat_id) if 0 < seat_id <= MAX_ID else None
    if seat is None or seat.expert_id != expert.id or seat.status is SeatStatus.PROPOSED:
        raise NotFound("seat_id", f"没有编号为 {seat_id} 的评审邀请")
    return seat, get_batch(session, seat.batch_id)


def respond(session: Session, user: User, seat_id: int, accept: bool) -> ReviewSeat:
    """The expert accepts or declines an invited seat; a decline frees the slot for a refill."""
    seat, batch = own_seat(session, user, seat_id)
    _status(batch, (PanelStatus.INVITED, PanelStatus.SCORING), "答复邀请")
    if seat.status is not SeatStatus.INVITED:
        raise PanelError("seat_id", f"该邀请已是「{seat.status.label}」，不能再答复")
    seat.status = SeatStatus.ACCEPTED if accept else SeatStatus.DECLINED
    session.flush()
    return seat


def declare_conflict(session: Session, user: User, seat_id: int, note: str) -> ReviewConflict:
    """The expert declares a conflict of interest with the seat's item: the seat is declined
    (if not yet scored) and the matcher never proposes the expert for that item again."""
    seat, batch = own_seat(session, user, seat_id)
    note = typed_text(note, "note", "请说明回避原因，如「曾参与该成果研发」", max_len=500, error=PanelError)
    if scores_of(session, [seat.id]):
        raise PanelError("seat_id", "已提交评分，不能再申报回避")
    made = session.scalar(select(ReviewConflict).where(ReviewConflict.expert_id == seat.expert_id,
                                                       ReviewConflict.pool == seat.item.pool,
                                                       ReviewConflict.record_id == seat.item.record_id))
    if made is None:
        made = ReviewConflict(batch_id=None, expert_id=seat.expert_id, pool=seat.item.pool,
                              record_id=seat.item.record_id, note=note)
        session.add(made)
    if batch.status is not PanelStatus.FINISHED:
        seat.status = SeatStatus.DECLINED
    session.flush()
    return made


def _score(value: object, criterion: str) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise PanelError(f"score_{criterion}", f"「{criterion}」的评分应为 0 到 100 之间的数字") from None
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise PanelError(f"score_{criterion}", f"「{criterion}」的评分应在 0 到 100 之间")
    return number


def submit_scores(session: Session, user: User, seat_id: int, scores: Mapping[str, object],
                  comment: str = "") -> list[ReviewScore]:
    """The expert's scores on an accepted seat, one per criterion (all of them), 0–100, replacing
    earlier ones; the first scores of a batch move it to 评分中."""
    seat, batch = own_seat(session, user, seat_id)
    _status(batch, (PanelStatus.INVITED, PanelStatus.SCORING), "评分")
    if seat.status is not SeatStatus.ACCEPTED:
        raise PanelError("seat_id", f"该邀请是「{seat.status.label}」，接受后才能评分")
    values = {}
    for criterion in batch.criteria:
        raw = scores.get(criterion)
        if raw is None or not str(raw).strip():
            raise PanelError(f"score_{criterion}", f"请为「{criterion}」评分")
        values[criterion] = _score(raw, criterion)
    text = str(comment or "").strip()
    if len(text) > 2000:
        raise PanelError("comment", "评审意见不能超过 2000 字")
    session.execute(delete(ReviewScore).where(ReviewScore.seat_id == seat.id))
    made = [ReviewScore(seat_id=seat.id, criterion=c, score=v, comment=text or None) for c, v in values.items()]
    session.add_all(made)
    batch.status = PanelStatus.SCORING
    session.flush()
    return made


# -- staff: aggregate and export ---------------------------------------------------------------

def summarize(criteria: Sequence[str], scored: Mapping[str, Mapping[str, float]]) -> tuple[
        dict[str, float], float | None, float | None, list[str]]:
    """Means per criterion, the overall mean, the spread and the outliers of one panel's scores
    (reviewer → criterion → score): a reviewer's overall is the mean of their criteria; the
    overall is the mean of those; the spread the highest overall minus the lowest; an outlier a
    reviewer more than ``OUTLIER_GAP`` points from the overall."""
    means = {c: round(statistics.fmean(s[c] for s in scored.values()), 2)
             for c in criteria if any(c in s for s in scored.values())}
    overalls = {who: statistics.fmean(s.values()) for who, s in scored.items() if s}
    if not overalls:
        return means, None, None, []
    overall = statistics.fmean(overalls.values())
    outliers = [who for who, value in overalls.items() if abs(value - overall) > OUTLIER_GAP]
    return means, round(overall, 2), round(max(overalls.values()) - min(overalls.values()), 2), outliers


def aggregate(session: Session, user: User, batch_id: int) -> list[ItemSummary]:
    """Every item's summary over its scored seats."""
    _staff(user)
    batch = get_batch(session, batch_id)
    seats = seats_of(session, batch_id)
    scores = scores_of(session, [s.id for s in seats])
    summaries = []
    for item in items_of(session, batch_id):
        mine = [s for s in seats if s.item_id == item.id and s.id in scores]
        scored = {s.expert.name: {r.criterion: r.score for r in scores[s.id]} for s in mine}
        means, overall, spread, outliers = summarize(batch.criteria, scored)
        comments = [f"{s.expert.name}：{scores[s.id][0].comment}" for s in mine if scores[s.id][0].comment]
        summaries.append(ItemSummary(item, record_of(session, item), list(scored), means, overall, spread,
                                     outliers, comments))
    return summaries


def export_headers(batch: ReviewBatch) -> list[str]:
    return ["编号", "类型", "名称", "评审专家", *(f"{c}均分" for c in batch.criteria), "综合均分", "分差",
            "离群评分", "评审意见"]


def export_summary(session: Session, user: User, batch_id: int, path: Path) -> int:
    """The 论证意见 summary (.xlsx or .csv), one row per item; returns the row count."""
    summaries = aggregate(session, user, batch_id)
    batch = get_batch(session, batch_id)
    rows = [[s.item.record_id, "需求" if s.item.pool == "project" else "成果", s.record.name, "、".join(s.reviewers),
             *(s.means.get(c) for c in batch.criteria), s.overall, s.spread, "、".join(s.outliers),
             "\n".join(s.comments)] for s in summaries]
    write_table(Path(path), export_headers(batch), rows)
    audit(session, user, AuditAction.EXPORT, None, batch.id, f"导出专家评审「{batch.name}」论证意见（{len(rows)} 行）")
    session.flush()
    return len(rows)
