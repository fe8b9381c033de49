"""Where the real PostgreSQL and Redis servers for tests are, and what to do if they are absent.

With ``REQUIRE_SERVICES=1`` (CI) a missing server fails the test instead of skipping it.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(what: str, why: object) -> NoReturn:
    message = f"{what} is not available: {why}"
    if required():
        pytest.fail(message + " (REQUIRE_SERVICES=1)")
    pytest.skip(message)


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql")):
        return url
    return DEFAULT_PG if required() else None


def redis_url() -> str | None:
    return os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or (DEFAULT_REDIS if required() else None)


def live_redis_url() -> str:
    """The test Redis, answering a ping — else the test is skipped (or fails under REQUIRE_SERVICES)."""
    url = redis_url()
    if url is None:
        unavailable("Redis", "set TEST_REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    return url
