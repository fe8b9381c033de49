"""Celery tasks of the matcher: the subscriptions' rounds (``matcher.watch``), every
``ROUND_MINUTES`` by Celery beat. The worker loads this module with ``--include matcher.tasks``
(the Procfile): the Celery app lives in the indexer, which never imports the matcher."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from data.db import session_scope
from indexer.context import get_context
from indexer.worker import celery_app
from matcher.watch import ROUND_MINUTES, run_round


@celery_app.task(name="watch.run", ignore_result=True)
def watch_task() -> dict[str, Any]:
    with session_scope() as session:
        return asdict(run_round(session, get_context()))


celery_app.conf.beat_schedule = {**(celery_app.conf.beat_schedule or {}),
                                 "watch-run": {"task": "watch.run", "schedule": ROUND_MINUTES * 60.0}}
