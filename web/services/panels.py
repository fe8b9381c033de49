"""Expert review panels as the pages use them: forms read here, each action committed; the
staff's view of a batch (each item's panel with fit and reasons, coverage, shortfalls, the
metrics, the aggregated scores), the expert's 「我的评审」 (seats, answers, conflicts, scores), the
论证意见 summary as .xlsx."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from data.enums import PanelStatus, SeatStatus
from data.errors import Malformed, NotAllowed, NotFound
from data.models import Project, ReviewBatch, ReviewItem, ReviewScore, ReviewSeat, User
from data.workflows import panels as pw
from indexer.context import IndexContext
from matcher.review_panels import refill_seat, run_batch
from web.services.forms import number, words

FIGURES = (("coverage", "领域覆盖率"), ("fully_covered", "领域全覆盖的评审对象占比"), ("filled", "已安排席位"),
           ("shortfall", "缺额席位"), ("min_load", "专家最少评审数"), ("max_load", "专家最多评审数"),
           ("mean_load", "专家平均评审数"), ("conflicts", "利益冲突（应为 0）"), ("same_organization", "同单位重复（应为 0）"))


# -- staff -----------------------------------------------------------------------------------

def list_page(session: Session, user: User) -> dict[str, Any]:
    if not user.role.is_staff:
        raise NotAllowed("batch_id", "只有秘书处工作人员可以管理评审批次")
    return {"batches": pw.list_batches(session), "criteria": "、".join(pw.DEFAULT_CRITERIA)}


def create(session: Session, user: User, form: Mapping[str, Any]) -> ReviewBatch:
    made = pw.create_batch(session, user, str(form.get("name") or ""), words(form.get("project_ids")),
                           words(form.get("achievement_ids")),
                           panel_size=number(form, "panel_size", "每项评审专家数", int, 1, pw.MAX_PANEL_SIZE) or 5,
                           max_load=number(form, "max_load", "每位专家评审项数上限", int, 1, pw.MAX_LOAD) or 10,
                           criteria=words(form.get("criteria")) or None)
    session.commit()
    return made


@dataclass(frozen=True)
class ItemView:
    item: ReviewItem
    name: str
    kind: str
    seats: list[ReviewSeat]
    covered: list[str]
    missing: list[str]
    shortfall: str | None
    short: bool  # fewer live seats than the panel size: a declined seat may be refilled


def batch_page(session: Session, user: User, batch_id: int) -> dict[str, Any]:
    """A batch as staff inspect it: each item's seats (declined ones too), coverage and shortfall,
    the metrics and — once scores come in — the aggregated summary."""
    summaries = pw.aggregate(session, user, batch_id)
    batch = pw.get_batch(session, batch_id)
    seats = pw.seats_of(session, batch_id)
    notes = (batch.metrics or {}).get("panels", {})
    items = []
    for s in summaries:
        mine, note = [seat for seat in seats if seat.item_id == s.item.id], notes.get(str(s.item.id), {})
        live = sum(1 for seat in mine if seat.status is not SeatStatus.DECLINED)
        items.append(ItemView(s.item, s.record.name, "需求" if isinstance(s.record, Project) else "成果", mine,
                              note.get("covered", []), note.get("missing", []), note.get("shortfall"),
                              live < batch.panel_size))
    m = batch.metrics or {}
    figures = [(label, m[key]) for key, label in FIGURES if m.get(key) is not None]
    scored = [s for s in summaries if s.overall is not None]
    return {"batch": batch, "items": items, "figures": figures, "summaries": scored, "statuses": PanelStatus,
            "seat_statuses": SeatStatus}


def advance(session: Session, ctx: IndexContext, user: User, batch_id: int, action: str) -> str:
    """run / invite / finish; returns what to tell the user."""
    if action == "run":
        result = run_batch(session, user, batch_id, ctx)
        message = f"已分配：{result.metrics.filled} / {result.metrics.wanted} 个评审席位"
    elif action == "invite":
        message = f"已发送邀请：{pw.invite(session, user, batch_id).name}"
    elif action == "finish":
        message = f"评审已结束：{pw.finish(session, user, batch_id).name}"
    else:
        raise Malformed("action", f"没有「{action[:20]}」这一操作")
    session.commit()
    return message


def refill(session: Session, ctx: IndexContext, user: User, batch_id: int, seat_id: int) -> str:
    pw.ready_to_refill(session, user, batch_id)  # staff, a known batch in the right state, before its seats
    seat = next((s for s in pw.seats_of(session, batch_id) if s.id == seat_id), None)
    if seat is None:
        raise NotFound("seat_id", f"本批次没有编号为 {seat_id} 的评审席位")
    rows = refill_seat(session, user, batch_id, seat.item_id, seat.expert_id, ctx)
    session.commit()
    return "已补充一位评审专家" if rows else "没有可以补充的合格专家，该评审组暂缺一人"


def export(session: Session, user: User, batch_id: int) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "summary.xlsx"
        pw.export_summary(session, user, batch_id, path)
        data = path.read_bytes()
    session.commit()
    return data, f"{pw.get_batch(session, batch_id).name}-论证意见汇总.xlsx"


# -- experts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SeatView:
    seat: ReviewSeat
    batch: ReviewBatch
    name: str
    kind: str
    scores: dict[str, float]
    comment: str


def my_page(session: Session, user: User) -> dict[str, Any]:
    """The expert's seats, newest batch first, with the scores they gave."""
    seats = pw.seats_for_expert(session, user)
    given = pw.scores_of(session, [s.id for s in seats])
    views = [_seat_view(session, seat, given.get(seat.id, [])) for seat in seats]
    return {"seats": views, "seat_statuses": SeatStatus, "statuses": PanelStatus}


def my_seat(session: Session, user: User, seat_id: int) -> SeatView:
    """One of the expert's seats as 「我的评审」 shows it (404 for anyone else's)."""
    seat, _ = pw.own_seat(session, user, seat_id)
    return _seat_view(session, seat, pw.scores_of(session, [seat.id]).get(seat.id, []))


def _seat_view(session: Session, seat: ReviewSeat, mine: list[ReviewScore]) -> SeatView:
    record = pw.record_of(session, seat.item)
    return SeatView(seat, pw.get_batch(session, seat.batch_id), record.name,
                    "需求" if seat.item.pool == "project" else "成果", {r.criterion: r.score for r in mine},
                    (mine[0].comment or "") if mine else "")


def answer(session: Session, user: User, seat_id: int, form: Mapping[str, Any]) -> str:
    choice = str(form.get("answer") or "")
    if choice not in ("accept", "decline"):
        raise Malformed("answer", "请选择接受或谢绝")
    seat = pw.respond(session, user, seat_id, choice == "accept")
    session.commit()
    return f"已{seat.status.label.removeprefix('已')}评审邀请"


def conflict(session: Session, user: User, seat_id: int, form: Mapping[str, Any]) -> None:
    pw.declare_conflict(session, user, seat_id, str(form.get("note") or ""))
    session.commit()


def scores(session: Session, user: User, seat_id: int, form: Mapping[str, Any],
           by_criterion: Mapping[str, object] | None = None) -> None:
    """The form's ``score_<n>`` (the n-th criterion), or ``by_criterion`` by the criterion's name
    (the API's object: a name the batch does not score by is refused)."""
    _, batch = pw.own_seat(session, user, seat_id)
    if by_criterion is None:
        given = {c: form.get(f"score_{n}") for n, c in enumerate(batch.criteria)}
    else:
        unknown = [c for c in by_criterion if c not in batch.criteria]
        if unknown:
            raise Malformed("scores", f"本批次没有「{str(unknown[0])[:20]}」这一评审指标（{'、'.join(batch.criteria)}）")
        given = dict(by_criterion)
    pw.submit_scores(session, user, seat_id, {c: v for c, v in given.items() if v is not None},
                     str(form.get("comment") or ""))
    session.commit()
