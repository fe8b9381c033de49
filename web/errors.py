"""Domain errors and the one handler that answers HTML or JSON by what the client wants.

JSON errors have one shape: ``{"code": …, "message": "中文说明", "field": …}``.
"""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from data.errors import Conflict, FieldError, NotAllowed, NotFound
from web.db import current_session

MESSAGES = {400: "请求有误", 401: "请先登录", 403: "没有权限访问", 404: "找不到该页面或记录", 405: "不支持该请求方法",
            413: "上传内容过大", 429: "操作过于频繁，请稍后再试", 500: "服务器内部错误，请稍后再试"}


class AppError(Exception):
    """An error a user can act on: HTTP status, Chinese message, and the field at fault."""

    def __init__(self, status: int, message: str, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field
        self.code = code or {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                             409: "conflict"}.get(status, "error")


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def respond(status: int, code: str, message: str, field: str | None = None):  # type: ignore[no-untyped-def]
    if wants_json():
        body = {"code": code, "message": message}
        if field:
            body["field"] = field
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def _rollback() -> None:
    """Roll the request's session back (a failed flush leaves it unusable until then)."""
    session = current_session()
    if session is not None:
        session.rollback()


def init_app(app: Flask) -> None:
    @app.errorhandler(AppError)
    def app_error(exc: AppError):  # type: ignore[no-untyped-def]
        return respond(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(FieldError)
    def field_error(exc: FieldError):  # type: ignore[no-untyped-def]
        if isinstance(exc, NotAllowed):
            return respond(403, "forbidden", str(exc), exc.field)
        if isinstance(exc, NotFound):
            return respond(404, "not_found", str(exc), exc.field)
        if isinstance(exc, Conflict):
            _rollback()  # so the error page (its header reads the database) can render
            return respond(409, "conflict", str(exc), exc.field)
        return respond(400, "invalid", str(exc), exc.field)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        status = exc.code or 500
        body, _ = respond(status, (exc.name or "error").lower().replace(" ", "_"), MESSAGES.get(status, exc.name or "错误"))
        response = make_response(body, status)
        # The exception's own headers belong to the answer (405: Allow; 401: WWW-Authenticate;
        # 416: Content-Range); only its Content-Type is replaced by ours.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers.add(name, value)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error", exc_info=exc)
        return respond(500, "internal_error", MESSAGES[500])
