"""合作记录 and their activity as JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from data.enums import ActivityUnit, LabeledEnum
from data.models import Activity, Agreement


def _code(value: LabeledEnum) -> dict[str, str]:
    return {"code": value.value, "label": value.label}


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def agreement_json(agreement: Agreement, confirmed: dict[ActivityUnit, Decimal] | None = None) -> dict[str, Any]:
    """An agreement: kind and status as ``{code, label}``, the parties by id and name, dates in
    ISO 8601, the amount in 万元 (null where none), confirmed activity by unit code."""
    return {"id": agreement.id, "kind": _code(agreement.kind), "title": agreement.title,
            "enterprise": {"id": agreement.enterprise_id, "name": agreement.enterprise.name},
            "partner": {"id": agreement.partner_id, "name": agreement.partner.name},
            "person": ({"pool": agreement.person_pool, "id": agreement.person_id, "name": agreement.person_name}
                       if agreement.person_pool else None),
            "source": ({"kind": agreement.source_kind, "id": agreement.source_id} if agreement.source_kind else None),
            "start_date": _date(agreement.start_date), "end_date": _date(agreement.end_date),
            "amount_wan": _number(agreement.amount_wan), "note": agreement.note, "status": _code(agreement.status),
            "created_at": _date(agreement.created_at),
            "confirmed": {u.value: float(q) for u, q in (confirmed or {}).items()}}


def activity_json(activity: Activity) -> dict[str, Any]:
    return {"id": activity.id, "agreement_id": activity.agreement_id, "unit": _code(activity.unit),
            "quantity": float(activity.quantity), "period_start": _date(activity.period_start),
            "period_end": _date(activity.period_end), "note": activity.note, "status": _code(activity.status),
            "entered_by_org_id": activity.entered_by_org_id, "answer_note": activity.answer_note,
            "created_at": _date(activity.created_at), "answered_at": _date(activity.answered_at)}


def agreement_detail_json(page: dict[str, Any]) -> dict[str, Any]:
    """An agreement with its activity log (``web.services.agreements.agreement_page``)."""
    return {**agreement_json(page["agreement"], page["confirmed"]), "side": page["side"],
            "activities": [activity_json(a) for a in page["activities"]]}
