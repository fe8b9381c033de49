"""The Celery path for real: tasks cross a Redis broker to a worker; ids only."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from data.pools import Pool
from indexer import dispatch
from indexer.jobs import get_job
from indexer.search import search
from indexer.tasks import sync_records_task
from indexer.worker import celery_app, configure, is_eager
from tests import services
from tests.indexer.records import add_achievement, add_org


@pytest.fixture
def redis_worker(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = services.redis_url()
    if url is None:
        services.unavailable("Redis", "set TEST_REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        services.unavailable("Redis", exc)
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


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_tasks_run_on_a_worker_over_redis(live_db: str, redis_worker: str) -> None:
    assert not is_eager()
    org = add_org()
    record = add_achievement(org, "发酵")
    result = sync_records_task.delay(Pool.ACHIEVEMENT.value, [record])
    assert result.get(timeout=60) == {"pool": "achievement", "synced": 1, "embedded": 1}
    assert search(Pool.ACHIEVEMENT, "酱油发酵").hits[0].id == record

    job_id = dispatch.start_rebuild(Pool.ACHIEVEMENT)
    deadline = time.monotonic() + 60
    while (job := get_job(job_id)) is None or job["state"] not in ("SUCCESS", "FAILURE"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["state"] == "SUCCESS" and job["documents"] == 1
