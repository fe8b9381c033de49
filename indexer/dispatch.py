"""Send index work to Celery: real workers over Redis, or one background thread in-process.

:func:`install` subscribes to the data layer's commit signal so every create, edit,
publish, hide or delete reaches the indexes.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from data.events import on_records_changed, remove_listener
from data.pools import Pool
from data.settings import database_url
from indexer.jobs import new_job
from indexer.tasks import import_task, rebuild_task, sync_records_task
from indexer.worker import is_eager

log = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
_futures: list[Future] = []
_lock = threading.Lock()


def _run_in_background(task, *args) -> None:  # type: ignore[no-untyped-def]
    """In-process mode: run the eager task on one ordered background thread."""
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chanjiao-index")
        future = _executor.submit(task.apply, args=args, throw=True)
        future.add_done_callback(_log_failure)
        _futures.append(future)
        _futures[:] = [f for f in _futures if not f.done()]


def _log_failure(future: Future) -> None:
    if future.exception() is not None:
        log.error("index task failed", exc_info=future.exception())


def enqueue_sync(changed: dict[Pool, set[int]], database: str) -> None:
    """Index the changes of a commit to the configured database (other databases — an
    evaluation's or a benchmark's throw-away one — have indexes of their own)."""
    if database != database_url():
        return
    for pool, ids in changed.items():
        args = (pool.value, sorted(ids))
        if is_eager():
            _run_in_background(sync_records_task, *args)
        else:
            sync_records_task.delay(*args)


def start_rebuild(pool: Pool, owner: int | None = None) -> str:
    """Rebuild ``pool`` in the background; returns a job id to poll with ``indexer.jobs.get_job``
    (``owner``: the id of the user who started it, who may read its progress)."""
    job_id = new_job("reindex", pool=pool.value, owner=owner)
    if is_eager():
        _run_in_background(rebuild_task, pool.value, job_id)
    else:
        rebuild_task.delay(pool.value, job_id)
    return job_id


def start_import(pool: Pool, path: str, actor_id: int | None) -> str:
    """Import the sheet at ``path`` in the background; returns a job id."""
    job_id = new_job("import", pool=pool.value, owner=actor_id)
    if is_eager():
        _run_in_background(import_task, pool.value, path, job_id, actor_id)
    else:
        import_task.delay(pool.value, path, job_id, actor_id)
    return job_id


def wait_idle(timeout: float | None = None) -> None:
    """Block until in-process background index work is done (tests, CLI)."""
    with _lock:
        pending = list(_futures)
    wait(pending, timeout=timeout)


def install() -> None:
    on_records_changed(enqueue_sync)


def uninstall() -> None:
    remove_listener(enqueue_sync)
