"""``/agreements``: 合作记录 — list, read (with activity), record (directly or from an accepted
application, proposal or granted contact), log activity, answer the other side's, close."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from web.api.v1.blueprint import bp, json_body, login_user
from web.db import get_session
from web.errors import json_error
from web.schemas.agreements import activity_json, agreement_detail_json, agreement_json
from web.services import agreements


@bp.get("/agreements")
def list_agreements() -> ResponseReturnValue:
    rows = agreements.agreement_rows(get_session(), login_user())
    return jsonify({"total": len(rows), "items": [agreement_json(r.agreement, r.confirmed) for r in rows]})


@bp.get("/agreements/<int:agreement_id>")
def get_agreement(agreement_id: int) -> ResponseReturnValue:
    return jsonify(agreement_detail_json(agreements.agreement_page(get_session(), login_user(), agreement_id)))


@bp.post("/agreements")
def create_agreement() -> ResponseReturnValue:
    user = login_user()
    return jsonify(agreement_json(agreements.record(get_session(), user, json_body()))), 201


@bp.post("/agreements/from/<source>/<int:source_id>")
def create_agreement_from(source: str, source_id: int) -> ResponseReturnValue:
    """A granted contact needs ``kind`` and ``title`` in the body; the others need no body."""
    user, body = login_user(), request.get_json(silent=True)
    values = body if isinstance(body, dict) else {}
    return jsonify(agreement_json(agreements.record_from(get_session(), user, source, source_id, values))), 201


@bp.post("/agreements/<int:agreement_id>/activities")
def log_activity(agreement_id: int) -> ResponseReturnValue:
    user = login_user()
    return jsonify(activity_json(agreements.log(get_session(), user, agreement_id, json_body()))), 201


@bp.post("/activities/<int:activity_id>/answer")
def answer_activity(activity_id: int) -> ResponseReturnValue:
    user, body = login_user(), json_body()
    confirm = body.get("confirm")
    if not isinstance(confirm, bool):
        return json_error(400, "invalid", "「confirm」应为 true（确认）或 false（有异议）", "confirm")
    note = body.get("note")
    return jsonify(activity_json(agreements.answer(get_session(), user, activity_id, confirm,
                                                   note if isinstance(note, str) else ""))), 200


@bp.post("/agreements/<int:agreement_id>/close")
def close_agreement(agreement_id: int) -> ResponseReturnValue:
    return jsonify(agreement_json(agreements.close(get_session(), login_user(), agreement_id)))

