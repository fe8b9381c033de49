"""Where a stress run happens: its own instance folder, a fresh database, and either the
in-process background thread or a real Celery worker over Redis; and how it waits until the
background work it caused is done.

Nothing here touches the configured instance, database or queue: the environment variables
the app, the indexer and the worker read are pointed at the run's own for its duration, then
restored.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, make_url, text

from data.db import get_engine, session_scope
from data.events import listeners
from data.migrate import upgrade_to_head
from data.reference.regions import seed_regions
from data.settings import normalize_database_url
from indexer import dispatch, jobs
from indexer.worker import configure
from web.tools.stress_world import SOURCE, STAFF

ENV = ("CHANJIAO_INSTANCE", "DATABASE_URL", "REDIS_URL", "CHANJIAO_QUEUE", "EMBEDDING_BACKEND")
WORKER_START_SECONDS = 90.0
ACTIVE = ("PENDING", "PROGRESS")


class StressError(RuntimeError):
    """The run cannot start (a database that is not ours to wipe, a broker that does not answer);
    the message is for the operator, in Chinese."""


def _foreign_rows(url: str) -> int:
    """Rows that a stress run did not write: organizations and accounts of somebody else."""
    engine = create_engine(url)
    try:
        names = set(inspect(engine).get_table_names())
        found = 0
        with engine.connect() as conn:
            if "organizations" in names:
                found += conn.execute(text("SELECT count(*) FROM organizations WHERE source <> :s"), {"s": SOURCE}).scalar_one()
            if "users" in names:
                found += conn.execute(text("SELECT count(*) FROM users WHERE username <> :u"), {"u": STAFF}).scalar_one()
        return int(found)
    finally:
        engine.dispose()


def _create_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def fresh_database(url: str | None, folder: Path) -> str:
    """An empty, migrated database with regions: a SQLite file in ``folder`` by default, else
    the database at ``url`` (a PostgreSQL database is created when missing). A database holding
    data that a stress run did not write is refused, never wiped."""
    if url is None:
        url = f"sqlite:///{folder / 'stress.db'}"
    else:
        url = normalize_database_url(url)
        is_postgres = url.startswith("postgresql")
        try:
            if is_postgres:
                _create_postgres_database(url)
            foreign = _foreign_rows(url)
        except Exception as exc:  # connection refused, no such host, bad credentials
            raise StressError(f"无法连接数据库 {make_url(url).render_as_string()}：{exc}") from exc
        if foreign:
            raise StressError(f"数据库 {make_url(url).render_as_string()} 中有 {foreign} 行不是压力测试写入的数据，"
                              "不会清空它；请指定一个空的或专用于压力测试的数据库")
        if is_postgres:
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        elif url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    upgrade_to_head(url)
    with session_scope(get_engine(url)) as session:
        seed_regions(session)
    return url


def _vector_caches(instance: Path, cache_dir: Path | None) -> None:
    """The run's vector cache: ``cache_dir`` shared (read and written), else a copy of the
    configured instance's caches — vectors are keyed by model and text, so any are right, and
    a copy saves embedding texts the configured instance already embedded."""
    target = instance / "cache"
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        target.symlink_to(cache_dir.resolve(), target_is_directory=True)
        return
    target.mkdir(parents=True)
    source = Path(os.environ.get("CHANJIAO_INSTANCE", "instance")).resolve() / "cache"  # not created if missing
    for path in sorted(source.glob("vectors-*.sqlite")) if source.is_dir() else ():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as original, \
                    sqlite3.connect(target / path.name) as copy:
                original.backup(copy)  # consistent even while another process writes it
        except sqlite3.Error:
            (target / path.name).unlink(missing_ok=True)


@contextmanager
def stress_environment(folder: Path, redis_url: str | None, backend: str,
                       cache_dir: Path | None = None) -> Iterator[str | None]:
    """Point the instance folder (and, with ``redis_url``, the broker and a queue of the run's
    own) at the run's for the duration; yields the queue name (None: in-process)."""
    saved = {name: os.environ.get(name) for name in ENV}
    queue: str | None = None
    (folder / "instance").mkdir()
    _vector_caches(folder / "instance", cache_dir)
    os.environ["CHANJIAO_INSTANCE"] = str(folder / "instance")
    os.environ["EMBEDDING_BACKEND"] = backend
    os.environ.pop("DATABASE_URL", None)
    if redis_url:
        queue = f"chanjiao-stress-{uuid.uuid4().hex[:8]}"
        os.environ["REDIS_URL"], os.environ["CHANJIAO_QUEUE"] = redis_url, queue
    else:
        os.environ.pop("REDIS_URL", None)
        os.environ.pop("CHANJIAO_QUEUE", None)
    configure(redis_url)
    try:
        yield queue
    finally:
        dispatch.wait_idle(timeout=60)
        if redis_url:
            _forget_jobs(redis_url)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        configure()


@contextmanager
def index_sync() -> Iterator[None]:
    """Every committed change reaches the indexes, as in the app (the commit signal)."""
    listening = dispatch.enqueue_sync in listeners()
    if not listening:
        dispatch.install()
    try:
        yield
    finally:
        if not listening:
            dispatch.uninstall()


def _forget_jobs(redis_url: str) -> None:
    """The run's jobs live in the shared Redis: remove them so no later worker recovers them."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for job in jobs.all_jobs():
        client.delete(f"chanjiao:job:{job['id']}", f"chanjiao:joblock:{job['id']}")


class CeleryWorker:
    """``celery --app indexer.worker worker --concurrency 1 --queues QUEUE`` over the run's
    environment, its log kept for the report."""

    def __init__(self, queue: str, log: Path) -> None:
        self.queue, self.log = queue, log
        self.died: int | None = None  # exit code of a worker that ended by itself
        self.killed = False  # by the run, on purpose
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", "indexer.worker", "worker", "--concurrency", "1",
             "--queues", queue, "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--without-heartbeat"],
            env=os.environ.copy(), stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, seconds: float = WORKER_START_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StressError(f"Celery worker 启动失败：{self.tail()}")
            if b" ready." in self.log.read_bytes():
                return
            time.sleep(0.2)
        raise StressError(f"Celery worker 在 {seconds:.0f} 秒内没有就绪：{self.tail()}")

    def tail(self, size: int = 2000) -> str:
        return self.log.read_bytes()[-size:].decode("utf-8", "replace")

    def problems(self) -> list[tuple[str, str]]:
        """(kind, excerpt) of every ERROR or CRITICAL the worker logged, and of a worker that died
        by itself (call after :meth:`stop`)."""
        lines = self.log.read_bytes().decode("utf-8", "replace").splitlines()
        found = []
        for n, line in enumerate(lines):
            level = re.search(r": (ERROR|CRITICAL)/", line)
            if level:
                found.append((f"worker {level.group(1)}", "\n".join(lines[n : n + 40])))
        if self.died is not None and not self.killed:
            found.append(("worker exited", f"exit code {self.died} before the run ended\n{self.tail()}"))
        return found

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once, as the OOM killer or a lost machine would."""
        self.killed = True
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        self.died = self.process.poll()  # before the run's own stop: a worker that died by itself
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: the running task ends first
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._out.close()


class Workers:
    """The run's Celery worker, and those started after :meth:`kill_and_restart`."""

    def __init__(self, queue: str, folder: Path) -> None:
        self.queue, self.folder = queue, folder
        self.all = [CeleryWorker(queue, folder / "worker-1.log")]

    def wait_ready(self) -> None:
        self.all[-1].wait_ready()

    def kill_and_restart(self) -> None:
        self.all[-1].kill()
        self.all.append(CeleryWorker(self.queue, self.folder / f"worker-{len(self.all) + 1}.log"))
        self.all[-1].wait_ready()

    def stop(self) -> list[tuple[str, str]]:
        """Stop every worker; the problems they logged."""
        found = []
        for worker in self.all:
            worker.stop()
            found += worker.problems()
        return found


def celery_busy(redis_url: str, queue: str) -> int:
    """Messages of ``queue`` waiting in Redis or delivered and not yet acknowledged (a task
    acknowledges when it ends: ``task_acks_late``)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    waiting = 0
    for key in client.scan_iter(match=f"{queue}*"):
        if client.type(key) == b"list":
            length = client.llen(key)
            assert isinstance(length, int)  # redis-py types its sync replies as Awaitable | Any (shared with asyncio)
            waiting += length
    unacked_messages = client.hvals("unacked")
    assert isinstance(unacked_messages, list)  # as above: a sync client answers a list
    unacked = 0
    for raw in unacked_messages:
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError, TypeError):
            continue
        unacked += routing_key == queue
    return waiting + unacked


def active_jobs() -> list[dict[str, Any]]:
    """The run's jobs still pending or running."""
    return [j for j in jobs.all_jobs() if j.get("state") in ACTIVE]


def drain(redis_url: str | None, queue: str | None, timeout: float) -> bool:
    """Wait until the background work is done: the in-process thread idle, or the run's queue
    empty with nothing unacknowledged; and no job pending or running. False on timeout."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        dispatch.wait_idle(timeout=max(0.1, deadline - time.monotonic()))
        busy = (celery_busy(redis_url, queue) if redis_url and queue else 0) + len(active_jobs())
        quiet = quiet + 1 if busy == 0 else 0
        if quiet >= 3:  # three quiet looks in a row: nothing was in flight between them
            return True
        time.sleep(0.3)
    return False
