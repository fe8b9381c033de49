"""``/feedback``: 有用 / 不合适 on a recommended record."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from web.api.v1.blueprint import bp, json_body
from web.boundary import parse_id, parse_pool
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
    item = give_feedback(get_session(), current_viewer(), actor, str(body.get("direction", "")), target_pool,
                         target_id, str(body.get("action", "")), body.get("reason"))
    return jsonify({"id": item.id}), 201
