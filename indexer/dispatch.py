"""Send index work to Celery: real workers over Redis, or one background thread in-process.

:func:`install` subscribes to the data layer's commit signal so every create, edit,
publish, hide or delete reaches the indexes. :func:`recover_interrupted` starts again the jobs
whose worker died (a Celery worker does it when it starts and every minute; the in-process
mode when the app starts and every minute of requests).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from celery import Task
from celery.signals import worker_ready, worker_shutdown

from data.events import on_records_changed, remove_listener
from data.pools import Pool
from data.settings import database_url
from indexer.jobs import all_jobs, is_interrupted, new_job, update_job
from indexer.tasks import import_task, rebuild_task, sync_records_task
from indexer.worker import celery_app, is_eager, resend_lost, send

RECOVER_EVERY_SECONDS = 60.0
SECOND_LOOK_SECONDS = 5.0

log = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
_futures: list[Future] = []
_lock = threading.Lock()


def _run_in_background(task: Task[..., Any], *args: Any) -> None:
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
            send(sync_records_task, *args)


def _start(task: Task[..., Any], *args: Any) -> None:
    if is_eager():
        _run_in_background(task, *args)
    else:
        send(task, *args)


def start_rebuild(pool: Pool, owner: int | None = None) -> str:
    """Rebuild ``pool`` in the background; returns a job id to poll with ``indexer.jobs.get_job``
    (``owner``: the id of the user who started it, who may read its progress)."""
    job_id = new_job("reindex", pool=pool.value, owner=owner, task=rebuild_task.name)
    update_job(job_id, args=[pool.value, job_id])
    _start(rebuild_task, pool.value, job_id)
    return job_id


def start_import(pool: Pool, path: str, actor_id: int | None) -> str:
    """Import the sheet at ``path`` in the background; returns a job id."""
    job_id = new_job("import", pool=pool.value, owner=actor_id, task=import_task.name)
    update_job(job_id, args=[pool.value, path, job_id, actor_id])
    _start(import_task, pool.value, path, job_id, actor_id)
    return job_id


def recover_interrupted() -> list[str]:
    """Start again every job whose runner died (the task counts the attempt and gives up after
    a few); returns their ids."""
    tasks = {t.name: t for t in (rebuild_task, import_task)}
    started = []
    for job in all_jobs():
        task = tasks.get(job.get("task") or "")
        if task is not None and is_interrupted(job):
            log.warning("job %s (%s) was interrupted; starting it again", job["id"], job.get("kind"))
            update_job(job["id"], message="后台进程中断，正在重新运行")
            _start(task, *job.get("args", []))
            started.append(job["id"])
    return started


_worker_stopped = threading.Event()


@worker_ready.connect
def _recover_on_worker_start(**_: Any) -> None:
    """A worker that starts after a crash sends again the messages lost with the dead worker
    (a queued import that would stay 等待中, an index sync) and takes up the interrupted jobs
    now, not after the broker's visibility timeout; then it keeps looking every minute until
    it shuts down."""
    def loop() -> None:
        first = True
        while not _worker_stopped.is_set():
            try:
                resend_lost()  # messages lost with a dead worker: queued jobs and index syncs
                recover_interrupted()
            except Exception:  # a broker hiccup: try again next round
                log.warning("could not look for interrupted jobs", exc_info=True)
            # A second look soon after starting: a message sent just before the old worker died
            # was too recent to tell from one being sent (LOST_AFTER_SECONDS) at the first.
            _worker_stopped.wait(SECOND_LOOK_SECONDS if first else RECOVER_EVERY_SECONDS)
            first = False

    if celery_app.conf.task_always_eager:
        return
    _worker_stopped.clear()
    threading.Thread(target=loop, name="chanjiao-recover", daemon=True).start()


@worker_shutdown.connect
def _stop_recovering(**_: Any) -> None:
    _worker_stopped.set()


def wait_idle(timeout: float | None = None) -> None:
    """Block until in-process background index work is done (tests, CLI)."""
    with _lock:
        pending = list(_futures)
    wait(pending, timeout=timeout)


def install() -> None:
    on_records_changed(enqueue_sync)


def uninstall() -> None:
    remove_listener(enqueue_sync)
