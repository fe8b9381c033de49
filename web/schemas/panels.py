"""Review panels as JSON: a batch, the staff's view of it (each item's seats with fit and reasons,
covered and missing fields, why a panel is short, the figures, the 评分汇总), and a reviewer's
seats with the scores they gave. Fit on the 匹配度 scale (0–100); scores as given (0–100)."""

from __future__ import annotations

from typing import Any

from data.models import ReviewBatch, ReviewSeat
from data.workflows.panels import ItemSummary
from web.schemas.common import label, moment, percent
from web.services.panels import FIGURES, ItemView, SeatView


def batch_json(batch: ReviewBatch) -> dict[str, Any]:
    return {"id": batch.id, "name": batch.name, "status": label(batch.status), "panel_size": batch.panel_size,
            "max_load": batch.max_load, "criteria": list(batch.criteria), "created_at": moment(batch.created_at)}


def seat_json(seat: ReviewSeat) -> dict[str, Any]:
    return {"id": seat.id, "item_id": seat.item_id, "expert": {"id": seat.expert_id, "name": seat.expert.name},
            "status": label(seat.status), "fit": percent(seat.fit), "reasons": list(seat.reasons)}


def item_json(view: ItemView) -> dict[str, Any]:
    return {"id": view.item.id, "pool": view.item.pool, "record_id": view.item.record_id, "name": view.name,
            "kind": view.kind, "seats": [seat_json(s) for s in view.seats], "covered": view.covered,
            "missing": view.missing, "shortfall": view.shortfall, "short": view.short}


def summary_json(summary: ItemSummary) -> dict[str, Any]:
    """One item's 评分汇总: mean per criterion, overall, spread (highest minus lowest reviewer
    overall), the outlying reviewers and the comments."""
    return {"item_id": summary.item.id, "pool": summary.item.pool, "record_id": summary.item.record_id,
            "name": summary.record.name, "reviewers": summary.reviewers, "means": summary.means,
            "overall": summary.overall, "spread": summary.spread, "outliers": summary.outliers,
            "comments": summary.comments}


def batch_detail_json(page: dict[str, Any]) -> dict[str, Any]:
    """``web.services.panels.batch_page``: the items with their panels, the figures (keyed as the
    batch stores them) and the summary of the items scored so far."""
    metrics = page["batch"].metrics or {}
    return {**batch_json(page["batch"]), "items": [item_json(v) for v in page["items"]],
            "figures": {key: {"label": name, "value": metrics[key]} for key, name in FIGURES
                        if metrics.get(key) is not None},
            "summary": [summary_json(s) for s in page["summaries"]]}


def my_seat_json(view: SeatView) -> dict[str, Any]:
    """A reviewer's seat: the batch (its criteria), the item, the seat's status, the scores given."""
    return {**seat_json(view.seat), "batch": batch_json(view.batch),
            "item": {"pool": view.seat.item.pool, "record_id": view.seat.item.record_id, "name": view.name,
                     "kind": view.kind},
            "scores": view.scores, "comment": view.comment}
