"""The API's blueprint, its CSRF rule for cookie sessions, and what every resource asks of a
request: a JSON object body (its members of the right JSON types), a logged-in user, a staff
user, a user of a role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from data.enums import Role
from data.models import User
from web.auth import csrf
from web.errors import AppError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@bp.before_request
def csrf_for_cookie_sessions() -> None:
    """A call that changes data and acts as the user of the session cookie must carry the CSRF
    token (header ``X-CSRFToken``, or a ``csrf_token`` form field): a cross-site page can make a
    browser send the cookie with a form post (the multipart import) but cannot read the token.
    Bearer-token calls carry no cookie a browser would attach, so they need none."""
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if current_user.is_authenticated and session.get("_user_id") is not None:
        try:
            csrf.protect()
        except CSRFError as exc:
            raise AppError(400, "缺少或无效的安全令牌：用登录状态调用会修改数据的接口时，请在请求头 X-CSRFToken "
                                "中附上页面的安全令牌，或改用 API 令牌（Authorization: Bearer）", "X-CSRFToken",
                           code="csrf") from exc


def json_body() -> dict[str, Any]:
    """The request's JSON object (400 when the body is not one)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise AppError(400, "请求体应为 JSON 对象")
    return body


def login_user() -> User:
    """The user the call acts as (401 without a login or an API token)."""
    if not current_user.is_authenticated:
        raise AppError(401, "请先登录或使用 API 令牌", code="unauthorized")
    user: User = current_user._get_current_object()
    return user


def staff_user() -> User:
    """The user the call acts as, who must be staff (403 otherwise)."""
    user = login_user()
    if not user.role.is_staff:
        raise AppError(403, "只有秘书处可以批量导入或重建索引")
    return user


def role_user(*roles: Role, message: str, staff: bool = True) -> User:
    """The user the call acts as, who must have one of ``roles`` — or be staff, unless ``staff``
    is False (what only the person themselves may do: a student's choices, an expert's scores);
    403 with ``message`` otherwise. Checked before the body is read, so a wrong role gets its
    403 whatever it sent."""
    user = login_user()
    if user.role not in roles and not (staff and user.role.is_staff):
        raise AppError(403, message)
    return user


# JSON types of a body's members, as a request names them in its error.
KINDS: dict[type, str] = {str: "文本", int: "整数", float: "数字", bool: "true 或 false", list: "数组", dict: "对象"}


def typed_body(kinds: Mapping[str, type], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request's JSON object, each member named in ``kinds`` of that JSON type (an integer is
    not a bool; a number may be an integer; null counts as absent) and every ``required`` member
    present: otherwise 400 in Chinese naming the member. Members not named pass untouched."""
    body = json_body()
    for name, kind in kinds.items():
        value = body.get(name)
        if value is None:
            if name in required:
                raise AppError(400, f"缺少「{name}」", name)
            continue
        ok = isinstance(value, (int, float)) if kind is float else isinstance(value, kind)
        if isinstance(value, bool) and kind is not bool:
            ok = False
        if not ok:
            raise AppError(400, f"「{name}」应为{KINDS.get(kind, kind.__name__)}", name)
    return body
