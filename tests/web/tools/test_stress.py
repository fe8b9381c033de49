"""``chanjiao bench stress`` for a few seconds per backend: concurrent imports, edits, deletes,
reviews, rebuilds, searches, recommendations and page requests, then the database and the index
compared record by record — 0 errors, 0 mismatches — on SQLite with the in-process background
thread and on PostgreSQL with a real Celery worker over Redis (killed halfway and restarted);
and the run does notice an index that drifts from the database and a page that answers 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import make_url

from data.settings import database_url
from indexer import operations
from indexer.worker import is_eager
from tests import services
from web.services import search as search_service
from web.cli import cli
from web.tools.stress import run_stress
from web.tools.stress_env import StressError, fresh_database

SECONDS = 12.0
PER_POOL = 25
EVERY_OPERATION = ("导入", "新建", "修改", "删除", "审核", "重建索引", "检索", "推荐", "网页")


@pytest.fixture(scope="module")
def vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One vector cache for the module's runs: the second embeds only what the first did not."""
    return tmp_path_factory.mktemp("stress-vectors")


@pytest.fixture
def stress_postgres() -> str:
    """A database of its own beside the test database (the run empties the one it is given)."""
    url = services.postgres_url()
    if url is None:
        services.unavailable("PostgreSQL", "set TEST_DATABASE_URL")
    target = make_url(url)
    return target.set(database=f"{target.database}_stress").render_as_string(hide_password=False)


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = services.live_redis_url()
    yield url


def _run(vector_cache: Path, database: str | None = None, redis: str | None = None, seconds: float = SECONDS,
         kill_worker: bool = False):
    lines: list[str] = []
    report = run_stress(seconds, database, redis, 7, lines.append, kill_worker=kill_worker, per_pool=PER_POOL,
                        cache_dir=vector_cache)
    return report, "\n".join(lines)


def _assert_clean(report, output: str) -> None:  # type: ignore[no-untyped-def]
    assert report.errors == {}, output
    assert report.drained, output
    assert report.comparison is not None and report.comparison.mismatches == {}, output
    assert report.comparison.records >= 6 * PER_POOL, output  # compared, not skipped
    assert all(report.operations[op] >= 1 for op in EVERY_OPERATION), output
    assert report.ok and "结果：通过" in output


def test_stress_on_sqlite_in_process(vector_cache: Path) -> None:
    before = database_url()
    report, output = _run(vector_cache)
    assert report.setting.startswith("SQLite + 进程内后台线程"), output
    _assert_clean(report, output)
    assert database_url() == before and is_eager()  # the run's environment is gone


def test_stress_on_postgresql_with_celery_and_a_killed_worker(vector_cache: Path, stress_postgres: str,
                                                             redis_url: str) -> None:
    """Halfway through, the worker is killed with SIGKILL (worker and pool at once) and a new one
    started: the index sync it was running is not lost in Redis for the visibility timeout."""
    try:
        report, output = _run(vector_cache, stress_postgres, redis_url, kill_worker=True)
    except StressError as exc:
        services.unavailable("PostgreSQL", exc)
    assert report.setting.startswith("PostgreSQL + Celery worker（Redis）"), output
    assert report.operations["杀死并重启 worker"] == 1, output
    _assert_clean(report, output)
    assert is_eager()  # Celery is back to in-process


def test_the_run_notices_a_drifting_index_and_a_failing_page(vector_cache: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An indexer that files every record as public, and a home page search that raises."""
    prepare = operations.prepare

    def public(ctx, pool, record):  # type: ignore[no-untyped-def]
        prepared = prepare(ctx, pool, record)
        prepared.doc.visibility = "public"
        return prepared

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("a bug in search")

    monkeypatch.setattr(operations, "prepare", public)
    monkeypatch.setattr(search_service, "search_pools", broken)
    report, output = _run(vector_cache, seconds=4)
    assert not report.ok and "结果：未通过" in output
    assert report.comparison.mismatches["可见范围不一致"] > 0, output
    assert report.errors["网页：AssertionError"] > 0, output
    assert "ZeroDivisionError" in report.tracebacks["网页：AssertionError"] or "500" in output


def test_a_database_with_other_data_is_not_wiped(tmp_path: Path) -> None:
    url = fresh_database(None, tmp_path)
    from data.db import get_engine, session_scope
    from data.demo import build_demo
    from data.pools import Pool
    from data.sheets.importer import import_rows

    with session_scope(get_engine(url)) as session:
        row = build_demo()[Pool.ORGANIZATION][0]
        assert import_rows(session, Pool.ORGANIZATION, [(2, {k: str(v) for k, v in row.items()})], source="manual").ok
    with pytest.raises(StressError, match="不会清空"):
        fresh_database(url, tmp_path)


def test_the_command_fails_on_a_database_it_must_not_wipe(tmp_path: Path) -> None:
    url = fresh_database(None, tmp_path)
    from data.db import get_engine, session_scope
    from data.enums import Role
    from data.workflows.accounts import create_user

    with session_scope(get_engine(url)) as session:
        create_user(session, "someone", "a-long-password", "某人", Role.STAFF, None)
    result = CliRunner().invoke(cli, ["bench", "stress", "--seconds", "1", "--database", url])
    assert result.exit_code != 0 and "不会清空" in result.output, result.output
