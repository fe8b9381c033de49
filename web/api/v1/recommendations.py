"""``/recommendations/<pool>/<id>``: one direction's matches of a record, with their reasons."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from indexer.context import get_context
from web.api.v1.blueprint import bp
from web.boundary import MAX_K, arg_int, parse_pool
from web.db import get_session
from web.schemas.matches import recommendations_json
from web.services import matching
from web.viewer import current_actor, current_user_or_none, current_viewer


@bp.get("/recommendations/<pool_name>/<int:record_id>")
def recommendations(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool = parse_pool(pool_name)
    direction = request.args.get("direction", "")
    matches = matching.direction_matches(get_session(), get_context(), pool, record_id, direction, current_viewer(),
                                         current_user_or_none(), current_actor(), arg_int("k", 10, high=MAX_K))
    return jsonify(recommendations_json(direction, matches))
