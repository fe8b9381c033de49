"""JSON API ``/api/v1``: the same services as the pages. Errors: ``{code, message, field}``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui
from flask import Blueprint, current_app, jsonify, render_template, request, send_from_directory, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from data.db import session_scope
from data.enums import LabeledEnum
from data.models import PoolRecord
from data.pools import Pool
from data.sheets.columns import columns_of
from data.workflows.feedback import record_feedback
from data.workflows.records import create_record, delete_record, form_from_json, form_values, update_record
from indexer.context import get_context
from indexer.dispatch import start_import, start_rebuild
from indexer.jobs import get_job
from matcher.recommend import RecommendError, recommend
from web import services
from web.api.openapi import openapi_document
from web.auth import csrf
from web.boundary import MAX_K, MAX_LIST_PAGE, MAX_SEARCH_PAGE, arg_int
from web.db import get_session
from web.errors import AppError
from web.viewer import current_actor, current_viewer

bp = Blueprint("api", __name__, url_prefix="/api/v1")
DOCS_ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}
HIDDEN = {"natural_key", "phone", "email", "source", "source_id"}
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


def serialize(record: PoolRecord) -> dict[str, Any]:
    """A record as JSON, without contact data or internal keys."""
    out: dict[str, Any] = {}
    for column in record.__table__.columns:
        if column.key in HIDDEN:
            continue
        value = getattr(record, column.key)
        if isinstance(value, LabeledEnum):
            value = {"code": value.value, "label": value.label}
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[column.key] = value
    return out


@bp.get("/docs")
def docs():  # type: ignore[no-untyped-def]
    """Interactive documentation (Swagger UI, served from the installed package, no CDN)."""
    return render_template("api_docs.html")


@bp.get("/docs/assets/<name>")
def docs_asset(name: str):  # type: ignore[no-untyped-def]
    if name not in DOCS_ASSETS:
        raise AppError(404, "找不到该文件")
    return send_from_directory(Path(swagger_ui.__file__).parent / "static", name, max_age=86400)


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(openapi_document())


@bp.get("/pools/<pool_name>")
def list_pool(pool_name: str):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    data = services.list_records(get_session(), pool, current_viewer(), arg_int("page", 1, high=MAX_LIST_PAGE),
                                 request.args.get("field") or None)
    return jsonify({"pool": pool.value, "total": data["total"], "page": data["page"], "pages": data["pages"],
                    "items": [serialize(r) for r in data["items"]]})


@bp.get("/pools/<pool_name>/<int:record_id>")
def get_record(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    return jsonify(serialize(services.get_record(get_session(), pool, record_id, current_viewer())))


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise AppError(400, "请求体应为 JSON 对象")
    return body


def _login_user() -> Any:
    if not current_user.is_authenticated:
        raise AppError(401, "请先登录或使用 API 令牌", code="unauthorized")
    return current_user._get_current_object()


def _record_form(pool: Pool, body: dict[str, Any], current: dict[str, str] | None = None) -> dict[str, str]:
    known = {c.header for c in columns_of(pool)} | {c.attr for c in columns_of(pool)}
    unknown = sorted(k for k in body if k not in known)
    if unknown:
        raise AppError(400, f"{pool.label}没有字段「{unknown[0]}」", unknown[0])
    return form_from_json(pool, body, current)


def _saved(pool: Pool, saved: Any, status: int):  # type: ignore[no-untyped-def]
    if saved.errors:
        header, reason = next(iter(saved.errors.items()))
        return jsonify({"code": "invalid", "message": f"「{header}」{reason}", "field": header,
                        "errors": saved.errors}), 400
    get_session().commit()
    return jsonify({"outcome": saved.outcome, "message": saved.message, "item": serialize(saved.record)}), status


@bp.post("/pools/<pool_name>")
def create_record_api(pool_name: str):  # type: ignore[no-untyped-def]
    pool, user = services.parse_pool(pool_name), _login_user()
    form = _record_form(pool, _json_body())
    return _saved(pool, create_record(get_session(), user, pool, form), 201)


@bp.patch("/pools/<pool_name>/<int:record_id>")
def update_record_api(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool, user = services.parse_pool(pool_name), _login_user()
    session = get_session()
    record = services.get_record(session, pool, record_id, current_viewer())
    form = _record_form(pool, _json_body(), form_values(pool, record))
    return _saved(pool, update_record(session, user, pool, record, form), 200)


@bp.delete("/pools/<pool_name>/<int:record_id>")
def delete_record_api(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool, user = services.parse_pool(pool_name), _login_user()
    session = get_session()
    delete_record(session, user, pool, services.get_record(session, pool, record_id, current_viewer()))
    session.commit()
    return "", 204


@bp.get("/search")
def search():  # type: ignore[no-untyped-def]
    text = request.args.get("q", "").strip()
    if not text:
        raise AppError(400, "请填写检索内容", "q")
    if len(text) > 200:
        raise AppError(400, "检索内容不能超过 200 个字", "q")
    pool = services.parse_pool(request.args["pool"], "pool") if "pool" in request.args else None  # None: best match's
    page = services.search_pools(get_session(), get_context(), text, pool, current_viewer(),
                                 arg_int("page", 1, high=MAX_SEARCH_PAGE), request.args.get("field") or None,
                                 request.args.get("region") or None)
    if page.problem:
        raise AppError(503, page.problem, code="index_unavailable")
    return jsonify({"pool": page.pool.value, "page": page.page, "pages": page.pages, "terms": page.terms,
                    "counts": {p.value: n for p, n in page.counts.items()},
                    "items": [{**serialize(r), "matched_terms": t, "score": round(s, 1)} for r, t, s in page.items]})


@bp.get("/recommendations/<pool_name>/<int:record_id>")
def recommendations(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    direction = request.args.get("direction", "")
    session, viewer = get_session(), current_viewer()
    services.get_record(session, pool, record_id, viewer)
    try:
        matches = recommend(session, get_context(), pool, record_id, direction, viewer=viewer,
                            actor=current_actor(), k=arg_int("k", 10, high=MAX_K))
    except RecommendError as exc:
        raise AppError(400, str(exc), "direction") from exc
    services.note_shown({direction: len(matches)})
    return jsonify({"direction": direction, "items": [m.to_dict() for m in matches]})


@bp.post("/feedback")
def feedback():  # type: ignore[no-untyped-def]
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise AppError(400, "请求体应为 JSON 对象")
    actor = current_actor()
    if actor is None:
        raise AppError(401, "请先登录后再反馈", code="unauthorized")
    target_id = services.parse_id(body.get("target_id"), "target_id")
    target_pool = services.parse_pool(body.get("target_pool"), "target_pool")
    services.get_record(get_session(), target_pool, target_id, current_viewer())  # hidden answers as missing
    with session_scope() as session:
        item = record_feedback(session, actor=actor, direction=str(body.get("direction", "")),
                               target_pool=target_pool, target_id=target_id, action=str(body.get("action", "")),
                               reason=body.get("reason"))
        return jsonify({"id": item.id}), 201


def _staff_user() -> Any:
    user = _login_user()
    if not user.role.is_staff:
        raise AppError(403, "只有秘书处可以批量导入或重建索引")
    return user


@bp.post("/imports/<pool_name>")
def start_import_api(pool_name: str):  # type: ignore[no-untyped-def]
    """Upload a sheet (multipart field ``file``); the import runs in the background. New records wait for review."""
    user = _staff_user()
    pool = services.parse_pool(pool_name)
    path, _, _ = services.save_upload(request.files.get("file"))
    job_id = start_import(pool, str(path), user.id)
    return jsonify({"job_id": job_id, "status_url": f"/api/v1/jobs/{job_id}"}), 202


@bp.post("/reindex/<pool_name>")
def start_reindex_api(pool_name: str):  # type: ignore[no-untyped-def]
    user = _staff_user()
    job_id = start_rebuild(services.parse_pool(pool_name), owner=user.id)
    return jsonify({"job_id": job_id, "status_url": f"/api/v1/jobs/{job_id}"}), 202


@bp.get("/jobs/<job_id>")
def job_status(job_id: str):  # type: ignore[no-untyped-def]
    """A job's progress, for staff and for the user who started it; to anyone else it does not
    exist (the same 404 as a wrong id, so job ids reveal nothing)."""
    user = _login_user()
    job = get_job(job_id)
    if job is None or not (user.role.is_staff or job.get("owner") == user.id):
        raise AppError(404, f"没有编号为 {job_id} 的任务", "job_id")
    return jsonify(job)
