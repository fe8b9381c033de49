"""A worker that dies mid-job loses nothing: a real Celery worker (prefork, over Redis) is
killed while importing a 12,000-row sheet — first only the process running the task, then the
whole worker — and the job still ends 成功 with every row written once and the upload removed;
a message a killed worker had taken from Redis but not yet recorded as unacknowledged (an
import still 等待中, an index sync) is sent again by the next worker that starts; a job that kills
its worker every time ends 失败 with a reason instead of looping."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data.db import session_scope
from data.models import Achievement
from data.pools import Pool
from indexer import dispatch, jobs
from indexer.worker import _forget_sent, _ids_in_broker, configure, resend_lost
from tests import services
from tests.indexer.records import add_org

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
ROWS = 12_000


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    url = services.live_redis_url()
    import redis

    queue = f"chanjiao-loss-{tmp_path.name}"
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("CHANJIAO_QUEUE", queue)  # the workers' own recoveries go to this queue too
    configure(url)
    client = redis.Redis.from_url(url)
    try:
        yield queue
    finally:
        client.delete(queue, f"chanjiao:sent:{queue}")
        for key in client.scan_iter("chanjiao:job*"):  # leave no job for another test to recover
            client.delete(key)
        monkeypatch.delenv("REDIS_URL")
        monkeypatch.delenv("CHANJIAO_QUEUE")
        configure(None)


def _worker(queue: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "celery", "--app", "indexer.worker", "worker", "--concurrency", "1",
                             "--queues", queue, "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
                            env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _sheet(path: Path, org: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["成果名称", "所属单位", "成果类型", "成果简介"])
        for n in range(ROWS):
            out.writerow([f"批量成果{n}", org, "技术成果", f"第{n}项成果的简介：工艺改进与检测方法"])
    return path


def _wait(job_id: str, until, seconds: float = 240) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        job = jobs.get_job(job_id)
        if job is not None and until(job):
            return job
        assert time.monotonic() < deadline and (job is None or job.get("state") not in jobs.TERMINAL), job
        time.sleep(0.1)


def _count() -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(Achievement)) or 0)


def _import(tmp_path: Path, name: str) -> tuple[str, Path]:
    org = f"导入测试单位{name}"
    add_org(org)
    upload = _sheet(tmp_path / f"{name}.csv", org)
    return dispatch.start_import(Pool.ACHIEVEMENT, str(upload), None), upload


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def test_killing_the_process_that_runs_the_task(live_db: str, broker: str, tmp_path: Path) -> None:
    worker = _worker(broker)
    try:
        job_id, upload = _import(tmp_path, "child")
        job = _wait(job_id, lambda j: j.get("state") == "PROGRESS" and j.get("done", 0) >= 2000)
        child = int(job["runner"].rsplit(":", 1)[1])
        os.kill(child, signal.SIGKILL)  # the pool process, as the OOM killer would
        job = _wait(job_id, lambda j: j.get("state") in jobs.TERMINAL)
        assert job["state"] == "SUCCESS" and job["attempts"] == 2, job
        assert job["created"] == ROWS and _count() == ROWS
        assert not upload.exists()
    finally:
        _stop(worker)


def test_killing_the_whole_worker(live_db: str, broker: str, tmp_path: Path) -> None:
    worker = _worker(broker)
    try:
        job_id, upload = _import(tmp_path, "whole")
        _wait(job_id, lambda j: j.get("state") == "PROGRESS" and j.get("done", 0) >= 2000)
        _stop(worker)  # worker and its pool, at once: the message stays unacknowledged in Redis
        deadline = time.monotonic() + 10  # until the orphaned pool process has been reaped
        while not jobs.is_interrupted(jobs.get_job(job_id)):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        worker = _worker(broker)  # a worker that starts takes the job up now, not hours later
        job = _wait(job_id, lambda j: j.get("state") in jobs.TERMINAL)
        assert job["state"] == "SUCCESS" and job["attempts"] == 2, job
        assert _count() == ROWS and not upload.exists()
    finally:
        _stop(worker)


def _take_and_die(queue: str) -> str:
    """What a worker SIGKILLed right after Redis handed it a message does: the message is off
    its queue (BRPOP) and not in ``unacked`` either. Returns its task id."""
    import redis

    raw = redis.Redis.from_url(os.environ["REDIS_URL"]).rpop(queue)
    assert isinstance(raw, bytes), "nothing queued"
    import json

    return json.loads(raw)["headers"]["id"]


def test_a_queued_import_lost_with_its_worker_runs_when_a_worker_starts(live_db: str, broker: str,
                                                                      tmp_path: Path) -> None:
    org = "导入测试单位lost"
    add_org(org)
    upload = tmp_path / "lost.csv"
    upload.write_text(f"成果名称,所属单位,成果类型,成果简介\n丢失的成果,{org},技术成果,工艺改进\n", encoding="utf-8")
    job_id = dispatch.start_import(Pool.ACHIEVEMENT, str(upload), None)
    task_id = _take_and_die(broker)
    assert task_id not in _ids_in_broker(broker) and jobs.get_job(job_id)["state"] == "PENDING"
    worker = _worker(broker)  # not after the visibility timeout, nor never: now
    try:
        job = _wait(job_id, lambda j: j.get("state") in jobs.TERMINAL, seconds=30)
        assert job["state"] == "SUCCESS" and job["created"] == 1, job
        assert not upload.exists()
    finally:
        _stop(worker)


def test_a_lost_index_sync_is_sent_again_once(live_db: str, broker: str) -> None:
    """The message is remembered until its task has run; lost, it is sent again with its id."""
    from indexer.tasks import sync_records_task
    from indexer.worker import send

    task_id = send(sync_records_task, Pool.ACHIEVEMENT.value, [1, 2])
    assert resend_lost(older_than=0) == []  # still queued: nothing to do
    assert _take_and_die(broker) == task_id
    assert resend_lost(older_than=60) == []  # too recent to tell from one being sent
    assert resend_lost(older_than=0) == [task_id]
    assert task_id in _ids_in_broker(broker)
    assert resend_lost(older_than=0) == []  # queued again: not sent twice
    _forget_sent(task_id=task_id)  # it has run
    assert _take_and_die(broker) == task_id
    assert resend_lost(older_than=0) == []


def test_a_job_that_always_kills_its_worker_ends_failed(live_db: str, tmp_path: Path) -> None:
    """Counted attempts: the third interruption is the last (no broker needed to tell)."""
    upload = tmp_path / "x.csv"
    upload.write_text("成果名称\n", encoding="utf-8")
    job_id = jobs.new_job("import", task="indexer.import_file", args=["achievement", str(upload), "", None])
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        assert jobs.begin_attempt(job_id)["attempts"] == attempt
        jobs.update_job(job_id, runner="elsewhere:1", heartbeat=time.time() - 2 * jobs.STALE_SECONDS)  # it died
        assert jobs.is_interrupted(jobs.get_job(job_id))
    assert jobs.begin_attempt(job_id) is None
    job = jobs.get_job(job_id)
    assert job["state"] == "FAILURE" and "中断了 3 次" in job["message"]


def test_a_second_delivery_of_a_running_job_does_nothing(live_db: str) -> None:
    job_id = jobs.new_job("reindex")
    assert jobs.begin_attempt(job_id) is not None  # this process runs it, heartbeat fresh
    assert jobs.begin_attempt(job_id) is None
    assert jobs.get_job(job_id)["attempts"] == 1
