"""``/feedback``: 有用 / 不合适 on a recommended record."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from web.api.v1.blueprint import bp, json_body
from web.boundary import body_text, parse_id, parse_pool
from web.db import get_session
from web.errors import AppError
from web.services.feedback import give_feedback
from web.viewer import current_actor, current_viewer


@bp.post("/feedback")
def feedback() -> ResponseReturnValue:
    body = json_body()
    actor = current_actor()
    if actor is None:
        raise AppError(401, "请先登录后再反馈", code="unauthorized")
    target_id = parse_id(body.get("target_id"), "target_id")
    target_pool = parse_pool(body.get("target_pool"), "target_pool")
    # The record whose recommendations the feedback is on (a need, a post…): optional, and then
    # only for who speaks for it; without it the feedback only hides the target from the sender.
    source_pool = parse_pool(body.get("source_pool"), "source_pool") if body.get("source_pool") is not None else None
    source_id = parse_id(body.get("source_id"), "source_id") if body.get("source_id") is not None else None
    item = give_feedback(get_session(), current_viewer(), actor, body_text(body, "direction", required=True) or "",
                         target_pool, target_id, body_text(body, "action", required=True) or "",
                         body_text(body, "reason"), source_pool, source_id)
    return jsonify({"id": item.id}), 201
