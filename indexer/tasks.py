"""Celery tasks. Only ids and pool names cross the broker."""

from __future__ import annotations

from typing import Any

from data.pools import Pool
from indexer.context import get_context
from indexer.jobs import update_job
from indexer.operations import embed_records, rebuild_pool, sync_records
from indexer.worker import celery_app


@celery_app.task(name="indexer.sync_records")
def sync_records_task(pool: str, ids: list[int]) -> dict[str, Any]:
    """After an edit: documents and BM25 first (searchable now), then the missing vectors."""
    ctx = get_context()
    missing = sync_records(ctx, Pool(pool), ids)
    embedded = embed_records(ctx, Pool(pool), missing) if missing else 0
    return {"pool": pool, "synced": len(ids), "embedded": embedded}


@celery_app.task(name="indexer.rebuild")
def rebuild_task(pool: str, job_id: str) -> dict[str, Any]:
    """Rebuild one pool, reporting progress to the job ``job_id``."""
    update_job(job_id, state="PROGRESS")

    def progress(done: int, total: int, stage: str) -> None:
        update_job(job_id, done=done, total=total, stage=stage)

    try:
        counts = rebuild_pool(get_context(), Pool(pool), progress=progress)
    except Exception as exc:
        update_job(job_id, state="FAILURE", message=f"重建索引失败：{exc}")
        raise
    update_job(job_id, state="SUCCESS", **counts)
    return counts
