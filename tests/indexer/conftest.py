"""Fixtures of the indexer tests: a real Celery worker over the test Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.worker import celery_app, configure
from tests import services


@pytest.fixture
def redis_worker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A Celery worker in this process, taking tasks from a queue of its own on the test Redis."""
    url = services.live_redis_url()
    from celery.contrib.testing.worker import start_worker

    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("CHANJIAO_QUEUE", f"chanjiao-test-{tmp_path.name}")
    configure(url)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            yield url
    finally:
        monkeypatch.delenv("REDIS_URL")
        monkeypatch.delenv("CHANJIAO_QUEUE")
        configure(None)
