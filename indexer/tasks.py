"""Celery tasks. Only ids and pool names cross the broker.

Every task is idempotent and acknowledged only when it ends (``indexer.worker``): a worker that
dies mid-task leaves its message to be delivered again, and a job's attempts are counted
(``indexer.jobs.begin_attempt``) so a task that kills its worker every time ends as 失败 with
a reason instead of looping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Task

from data.db import session_scope
from data.enums import Status
from data.models import User
from data.pools import Pool
from data.sheets.importer import import_file
from data.sheets.tabular import TableError
from indexer.context import get_context
from indexer.jobs import TERMINAL, begin_attempt, get_job, heartbeat, update_job
from indexer.operations import embed_records, rebuild_pool, sync_records
from indexer.worker import celery_app, too_many_deliveries


@celery_app.task(name="indexer.sync_records", bind=True)
def sync_records_task(self: Task, pool: str, ids: list[int]) -> dict[str, Any]:
    """After an edit: documents and BM25 first (searchable now), then the missing vectors."""
    if too_many_deliveries(self):
        return {"pool": pool, "synced": 0, "embedded": 0}
    ctx = get_context()
    missing = sync_records(ctx, Pool(pool), ids)
    embedded = embed_records(ctx, Pool(pool), missing) if missing else 0
    return {"pool": pool, "synced": len(ids), "embedded": embedded}


@celery_app.task(name="indexer.rebuild", ignore_result=True)  # the job carries its state
def rebuild_task(pool: str, job_id: str) -> dict[str, Any]:
    """Rebuild one pool, reporting progress to the job ``job_id``."""
    if begin_attempt(job_id) is None:
        return {"skipped": True}

    def progress(done: int, total: int, stage: str) -> None:
        update_job(job_id, done=done, total=total, stage=stage)

    try:
        with heartbeat(job_id):
            counts = rebuild_pool(get_context(), Pool(pool), progress=progress)
    except Exception as exc:
        update_job(job_id, state="FAILURE", message=f"重建索引失败：{exc}")
        raise
    update_job(job_id, state="SUCCESS", **counts)
    return counts


@celery_app.task(name="indexer.import_file", ignore_result=True)
def import_task(pool: str, path: str, job_id: str, actor_id: int | None) -> dict[str, Any]:
    """Import an uploaded sheet (new records wait for review), reporting to the job ``job_id``.

    Every row is validated first; with any row error nothing is written and the job lists the
    errors. The upload is removed once the job has ended either way (kept while it may run again).
    """
    file = Path(path)
    if begin_attempt(job_id) is None:
        job = get_job(job_id)
        if job is None or job.get("state") in TERMINAL:
            file.unlink(missing_ok=True)
        return {"skipped": True}
    try:
        with heartbeat(job_id), session_scope() as session:
            actor = session.get(User, actor_id) if actor_id is not None else None
            report = import_file(session, Pool(pool), file, status=Status.PENDING, actor=actor,
                                 progress=lambda done, total: update_job(job_id, done=done, total=total))
            if not report.ok:
                session.rollback()
    except TableError as exc:
        file.unlink(missing_ok=True)
        update_job(job_id, state="FAILURE", message=str(exc))
        return {"ok": False}
    except Exception as exc:
        file.unlink(missing_ok=True)
        update_job(job_id, state="FAILURE", message=f"导入失败：{exc}")
        raise
    file.unlink(missing_ok=True)
    result = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
              "message": report.summary(), "errors": [str(e) for e in report.errors[:200]]}
    update_job(job_id, state="SUCCESS" if report.ok else "FAILURE", total=report.total, done=report.total, **result)
    return result
