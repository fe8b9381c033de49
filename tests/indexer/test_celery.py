"""The Celery path for real: tasks cross a Redis broker to a worker; ids only."""

from __future__ import annotations

import time

import pytest

from data.pools import Pool
from indexer import dispatch
from indexer.jobs import get_job
from indexer.search import search
from indexer.tasks import sync_records_task
from indexer.worker import is_eager
from tests.indexer.records import add_achievement, add_org


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
