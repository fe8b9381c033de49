"""The Celery application. ``REDIS_URL`` set: a Redis broker and real workers
(``celery --app indexer.worker worker``). Unset: tasks run in-process (eager).

Models load lazily inside the process that uses them, and the worker warms them in
``worker_process_init`` — after the fork, because native thread pools hang in forked children.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

celery_app = Celery("chanjiao", include=["indexer.tasks"])
_state = {"eager": True}


def configure(redis_url: str | None = None) -> Celery:
    """(Re)configure the broker from ``redis_url`` or the environment."""
    url = redis_url if redis_url is not None else (os.environ.get("REDIS_URL") or None)
    _state["eager"] = not url
    if url:
        celery_app.conf.update(
            broker_url=url, result_backend=url, task_always_eager=False, task_acks_late=True,
            worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True,
            task_serializer="json", result_serializer="json", accept_content=["json"],
        )
    else:
        celery_app.conf.update(
            broker_url="memory://", result_backend="cache+memory://", task_always_eager=True,
            task_eager_propagates=True, task_store_eager_result=False,
        )
    return celery_app


def is_eager() -> bool:
    """True when no broker is configured and tasks run in this process."""
    return _state["eager"]


@worker_process_init.connect
def _warm_worker(**_: Any) -> None:
    from indexer.analyzer import get_analyzer
    from indexer.vectors import faiss_threads

    faiss_threads(1)
    get_analyzer().warm()


configure()
