"""``/reindex/<pool>``: rebuild a pool's indexes in the background (staff only)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from indexer.dispatch import start_rebuild
from web.api.v1.blueprint import bp, staff_user
from web.boundary import parse_pool
from web.schemas.jobs import job_started_json


@bp.post("/reindex/<pool_name>")
def start_reindex_api(pool_name: str) -> ResponseReturnValue:
    user = staff_user()
    return jsonify(job_started_json(start_rebuild(parse_pool(pool_name), owner=user.id))), 202
