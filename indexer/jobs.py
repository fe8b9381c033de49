"""Progress of long jobs (rebuilds, imports) that a web page can poll by id, and what happens
to a job whose worker died.

Stored in Redis when ``REDIS_URL`` is set (workers may be other processes), else as small
JSON files in the instance folder. A running job carries a heartbeat and the process running
it; a job whose runner is gone (its process no longer exists, or its heartbeat stopped) is
*interrupted*: :func:`indexer.dispatch.recover_interrupted` starts it again, up to
``MAX_ATTEMPTS`` times, then it fails with a reason a person can act on. Every task is
idempotent (an import writes all rows in one transaction or none; a rebuild starts over), so
running one again is always safe.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from data.settings import instance_dir

if TYPE_CHECKING:
    import redis

JOB_TTL_SECONDS = 7 * 24 * 3600
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 60.0  # a heartbeat this old means its runner is gone (on another host)
MAX_ATTEMPTS = 3
# How long a job's Redis lock lives if its holder never releases it (a worker killed inside
# ``_locked``). It is held only for one read and one write of the job in Redis — milliseconds —
# so a few seconds are ample; a longer expiry only delays whoever takes the job up next.
LOCK_SECONDS = 5
TERMINAL = ("SUCCESS", "FAILURE")
_HOST = socket.gethostname()


def _redis() -> redis.Redis | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url)


def _folder() -> Any:
    folder = instance_dir() / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _locked(job_id: str) -> Iterator[None]:
    """One read-modify-write of a job at a time, across processes."""
    client = _redis()
    if client is not None:
        with client.lock(f"chanjiao:joblock:{job_id}", timeout=LOCK_SECONDS, blocking_timeout=30):
            yield
        return
    with open(_folder() / f"{job_id}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _save(job: dict[str, Any]) -> None:
    payload = json.dumps(job, ensure_ascii=False)
    client = _redis()
    if client is not None:
        client.set(f"chanjiao:job:{job['id']}", payload, ex=JOB_TTL_SECONDS)
        return
    folder = _folder()
    tmp = folder / f"{job['id']}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(payload, encoding="utf-8")
    os.replace(tmp, folder / f"{job['id']}.json")


def new_job(kind: str, task: str | None = None, args: list[Any] | None = None, **info: Any) -> str:
    """A job to poll; ``task`` and ``args`` say how to run it again after an interruption."""
    job_id = uuid.uuid4().hex
    _save({"id": job_id, "kind": kind, "state": "PENDING", "done": 0, "total": 0, "attempts": 0,
           "task": task, "args": args or [], "queued_at": time.time(), **info})
    return job_id


def update_job(job_id: str, **changes: Any) -> dict[str, Any]:
    with _locked(job_id):
        job = get_job(job_id) or {"id": job_id}
        job.update(changes)
        _save(job)
    return job


def get_job(job_id: str) -> dict[str, Any] | None:
    if not all(c in "0123456789abcdef" for c in job_id) or len(job_id) != 32:
        return None
    client = _redis()
    if client is not None:
        raw = client.get(f"chanjiao:job:{job_id}")
        return json.loads(raw) if isinstance(raw, bytes) and raw else None
    path = _folder() / f"{job_id}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def all_jobs() -> list[dict[str, Any]]:
    """Every job still kept, oldest first."""
    client = _redis()
    if client is not None:
        found = [json.loads(raw) for key in client.scan_iter("chanjiao:job:*")
                 if isinstance(raw := client.get(key), bytes) and raw]
    else:
        found = []
        for path in _folder().glob("*.json"):
            try:
                found.append(json.loads(path.read_text(encoding="utf-8")))
            except (FileNotFoundError, json.JSONDecodeError):
                continue
    return sorted(found, key=lambda j: (j.get("queued_at", 0), j["id"]))


def _runner() -> str:
    return f"{_HOST}:{os.getpid()}"


def _alive(runner: str | None, heartbeat: float | None, now: float) -> bool:
    """Whether the process that last ran a job may still be running it."""
    if not runner or heartbeat is None:
        return False
    host, _, pid = runner.rpartition(":")
    if host == _HOST and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        if int(pid) == os.getpid():
            return now - heartbeat < STALE_SECONDS  # this process: alive, unless that attempt hung
    return now - heartbeat < STALE_SECONDS


def is_interrupted(job: dict[str, Any], now: float | None = None) -> bool:
    """A job that was started and whose runner is gone."""
    return job.get("state") == "PROGRESS" and not _alive(job.get("runner"), job.get("heartbeat"), now or time.time())


def begin_attempt(job_id: str) -> dict[str, Any] | None:
    """Claim the job for this process; None when there is nothing to do: it is finished, it
    is being run by a live process (a second delivery of the same message), or it has been
    interrupted too often (then it fails, saying so)."""
    with _locked(job_id):
        job = get_job(job_id)
        now = time.time()
        if job is None or job.get("state") in TERMINAL:
            return None
        if job.get("state") == "PROGRESS" and _alive(job.get("runner"), job.get("heartbeat"), now):
            return None
        attempts = int(job.get("attempts", 0)) + 1
        if attempts > MAX_ATTEMPTS:
            job.update(state="FAILURE", message=f"后台任务中断了 {MAX_ATTEMPTS} 次（最近一次停在第 {job.get('done', 0)} 步），"
                       "已停止；请检查数据或联系管理员后重新发起")
            _save(job)
            return None
        job.update(state="PROGRESS", attempts=attempts, runner=_runner(), heartbeat=now, done=0,
                   message="" if attempts == 1 else f"上次运行中断，第 {attempts} 次运行")
        _save(job)
        return job


@contextmanager
def heartbeat(job_id: str) -> Iterator[None]:
    """Keep telling that this process is still working on the job (a thread, so that a long
    step without progress reports does not look like a dead worker)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                update_job(job_id, heartbeat=time.time())
            except Exception:  # a broker hiccup must not kill the job
                continue

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
