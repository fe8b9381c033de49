"""``/imports/<pool>``: a sheet uploaded for import, run in the background (staff only)."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from indexer.dispatch import start_import
from web.api.v1.blueprint import bp, staff_user
from web.boundary import parse_pool
from web.schemas.jobs import job_started_json
from web.services.uploads import save_upload


@bp.post("/imports/<pool_name>")
def start_import_api(pool_name: str) -> ResponseReturnValue:
    """Upload a sheet (multipart field ``file``); the import runs in the background. New records wait for review."""
    user = staff_user()
    pool = parse_pool(pool_name)
    path, _, _ = save_upload(request.files.get("file"))
    return jsonify(job_started_json(start_import(pool, str(path), user.id))), 202
