"""``/search``: one search box over every pool, as on the home page."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from indexer.context import get_context
from web.api.v1.blueprint import bp
from web.boundary import MAX_SEARCH_PAGE, arg_int, parse_pool
from web.db import get_session
from web.errors import AppError
from web.schemas.search import search_json
from web.services import search as search_service
from web.viewer import current_viewer


def _query_text() -> str:
    """The ``q`` parameter: 1 to 200 characters (400 naming it otherwise)."""
    text = request.args.get("q", "").strip()
    if not text:
        raise AppError(400, "请填写检索内容", "q")
    if len(text) > 200:
        raise AppError(400, "检索内容不能超过 200 个字", "q")
    return text


@bp.get("/search")
def search() -> ResponseReturnValue:
    text = _query_text()
    pool = parse_pool(request.args["pool"], "pool") if "pool" in request.args else None  # None: best match's
    page = search_service.search_pools(get_session(), get_context(), text, pool, current_viewer(),
                                       arg_int("page", 1, high=MAX_SEARCH_PAGE), request.args.get("field") or None,
                                       request.args.get("region") or None)
    if page.problem:
        raise AppError(503, page.problem, code="index_unavailable")
    return jsonify(search_json(page))
