"""``/jobs/<id>``: the progress of an import or a rebuild."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from indexer.jobs import get_job
from web.api.v1.blueprint import bp, login_user
from web.errors import AppError


@bp.get("/jobs/<job_id>")
def job_status(job_id: str) -> ResponseReturnValue:
    """A job's progress, for staff and for the user who started it; to anyone else it does not
    exist (the same 404 as a wrong id, so job ids reveal nothing)."""
    user = login_user()
    job = get_job(job_id)
    if job is None or not (user.role.is_staff or job.get("owner") == user.id):
        raise AppError(404, f"没有编号为 {job_id} 的任务", "job_id")
    return jsonify(job)
