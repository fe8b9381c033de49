"""Progress of long jobs (rebuilds, imports) that a web page can poll by id.

Stored in Redis when ``REDIS_URL`` is set (workers may be other processes), else as small
JSON files in the instance folder.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from data.settings import instance_dir

JOB_TTL_SECONDS = 7 * 24 * 3600


def _redis():  # type: ignore[no-untyped-def]
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url)


def new_job(kind: str, **info: Any) -> str:
    job_id = uuid.uuid4().hex
    update_job(job_id, kind=kind, state="PENDING", done=0, total=0, **info)
    return job_id


def update_job(job_id: str, **changes: Any) -> dict[str, Any]:
    job = get_job(job_id) or {"id": job_id}
    job.update(changes)
    payload = json.dumps(job, ensure_ascii=False)
    client = _redis()
    if client is not None:
        client.set(f"chanjiao:job:{job_id}", payload, ex=JOB_TTL_SECONDS)
    else:
        folder = instance_dir() / "jobs"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{job_id}.tmp"
        tmp.write_text(payload, encoding="utf-8")
        os.replace(tmp, folder / f"{job_id}.json")
    return job


def get_job(job_id: str) -> dict[str, Any] | None:
    if not all(c in "0123456789abcdef" for c in job_id) or len(job_id) != 32:
        return None
    client = _redis()
    if client is not None:
        raw = client.get(f"chanjiao:job:{job_id}")
        return json.loads(raw) if raw else None
    path = instance_dir() / "jobs" / f"{job_id}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
