"""``/notifications``, ``/notification-settings`` and ``/subscriptions``: the inbox, which kinds
come by e-mail, and 「有新的匹配时通知我」 — the same services as the pages."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from data.errors import Malformed
from web.api.v1.blueprint import bp, json_body, login_user
from web.boundary import arg_int, body_text, parse_id, parse_pool
from web.db import get_session
from web.schemas.notifications import inbox_json, settings_json, subscription_json
from web.services import inbox as messages
from web.services import subscriptions
from web.viewer import current_viewer

MAX_PAGE = 1000


@bp.get("/notifications")
def notifications() -> ResponseReturnValue:
    page = messages.inbox(get_session(), login_user(), request.args.get("kind"), arg_int("page", 1, high=MAX_PAGE),
                          request.args.get("unread") in ("1", "true"))
    return jsonify(inbox_json(page))


@bp.post("/notifications/read")
def notifications_read() -> ResponseReturnValue:
    body, user = json_body(), login_user()
    ids = body.get("ids")
    if ids is not None and not isinstance(ids, list):
        raise Malformed("ids", "ids 应为消息编号的数组；省略时全部标为已读")
    done = messages.mark_read(get_session(), user, None if ids is None else [parse_id(i, "ids") for i in ids[:500]])
    return jsonify({"marked": done})


@bp.get("/notification-settings")
def notification_settings() -> ResponseReturnValue:
    return jsonify(settings_json(messages.settings(get_session(), login_user())))


@bp.put("/notification-settings")
def save_notification_settings() -> ResponseReturnValue:
    body, user = json_body(), login_user()
    modes = body.get("modes", {})
    if not isinstance(modes, dict) or not all(isinstance(v, str) for v in modes.values()):
        raise Malformed("modes", "modes 应为 {消息类型: immediate|digest|off} 的对象")
    email = body.get("email")
    if email is not None and not isinstance(email, str):
        raise Malformed("email", "email 应为字符串；空字符串表示不接收邮件")
    form = {f"mode_{k}": v for k, v in modes.items()} | ({"email": email} if email is not None else {})
    messages.save_settings(get_session(), user, form)
    return jsonify(settings_json(messages.settings(get_session(), user)))


@bp.get("/subscriptions")
def subscription_list() -> ResponseReturnValue:
    return jsonify({"items": [subscription_json(s) for s in subscriptions.subscriptions_of(get_session(), login_user())]})


@bp.post("/subscriptions")
def subscribe() -> ResponseReturnValue:
    body, user, session = json_body(), login_user(), get_session()
    if body.get("source_pool") is not None:
        sub = subscriptions.follow_record(session, user, current_viewer(), parse_pool(body.get("source_pool"), "source_pool"),
                                          parse_id(body.get("source_id"), "source_id"),
                                          body_text(body, "direction", required=True) or "", body.get("min_score"))
    else:
        pool = parse_pool(body["pool"], "pool") if body.get("pool") is not None else None
        sub = subscriptions.follow_search(session, user, body_text(body, "q", required=True) or "", pool,
                                          body.get("min_score"))
    return jsonify(subscription_json(sub)), 201


@bp.delete("/subscriptions/<int:subscription_id>")
def unsubscribe(subscription_id: int) -> ResponseReturnValue:
    subscriptions.unfollow(get_session(), login_user(), subscription_id)
    return "", 204
