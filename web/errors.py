"""The one place errors become HTTP answers, HTML or JSON by what the client wants.

Services raise the domain errors of :mod:`data.errors` (``FieldError`` and its kinds); the table
``DOMAIN_STATUS`` maps each to a status and a code. ``AppError`` is for the web layer's own
refusals (a bad parameter, a missing login). JSON errors have one shape, made by
:func:`error_body`: ``{"code": …, "message": "中文说明", "field": …}`` (and, for a form that
failed its checks, ``errors``: the message of every field).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from data.errors import Conflict, FieldError, Malformed, NotAllowed, NotFound
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


# Checked in order: the first kind an error is an instance of gives its status and code.
DOMAIN_STATUS: tuple[tuple[type[FieldError], int, str], ...] = (
    (NotAllowed, 403, "forbidden"), (NotFound, 404, "not_found"), (Conflict, 409, "conflict"),
    (Malformed, 400, "bad_request"), (FieldError, 400, "invalid"))


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON body of every error: code, Chinese message, the field at fault (when there is one)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    return body | extra


def json_error(status: int, code: str, message: str, field: str | None = None, **extra: Any) -> tuple[Response, int]:
    """An error answered as JSON (:func:`error_body`) with its status."""
    return jsonify(error_body(code, message, field, **extra)), status


def respond(status: int, code: str, message: str, field: str | None = None) -> tuple[Response | str, int]:
    """The error as JSON or as the error page, by what the client wants."""
    if wants_json():
        return json_error(status, code, message, field)
    return render_template("error.html", status=status, message=message), status


def domain_status(exc: FieldError) -> tuple[int, str]:
    """(HTTP status, code) of a domain error."""
    return next((status, code) for kind, status, code in DOMAIN_STATUS if isinstance(exc, kind))


def _rollback() -> None:
    """Roll the request's session back (a failed flush leaves it unusable until then)."""
    session = current_session()
    if session is not None:
        session.rollback()


def init_app(app: Flask) -> None:
    @app.errorhandler(AppError)
    def app_error(exc: AppError) -> ResponseReturnValue:
        return respond(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(FieldError)
    def field_error(exc: FieldError) -> ResponseReturnValue:
        if isinstance(exc, Conflict):
            _rollback()  # so the error page (its header reads the database) can render
        status, code = domain_status(exc)
        return respond(status, code, str(exc), exc.field)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
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
    def unexpected(exc: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error", exc_info=exc)
        return respond(500, "internal_error", MESSAGES[500])
