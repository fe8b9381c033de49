"""A background job started through the API: its id and where to poll it."""

from __future__ import annotations

from typing import Any


def job_started_json(job_id: str) -> dict[str, Any]:
    return {"job_id": job_id, "status_url": f"/api/v1/jobs/{job_id}"}
