"""``chanjiao bench stress``: concurrent imports, edits, deletes, reviews, rebuilds, searches and
recommendations for a bounded time on a fresh database, then the database and the index
compared record by record.

The run builds a small alliance (a few dozen demo records of each pool and the organizations
they name, through the importer) in a database of its own — a SQLite file in a temporary
instance folder, or the PostgreSQL database given — indexes it, and then for ``seconds`` runs
in threads (:mod:`web.tools.stress_ops`):

- imports of generated .xlsx/.csv sheets (new rows and changed copies of existing records) as
  background jobs (``indexer.dispatch.start_import``): on the in-process thread without Redis,
  on a real Celery worker (a subprocess on a queue of the run's own) with it;
- creates, edits (text, title, field, region, visibility) and deletes as staff through
  ``data.workflows.records``, and review decisions through ``data.workflows.review`` — every
  commit reaches the index through the commit signal, as in the app; a pool rebuilt now and then;
- searches (``indexer.search.search``, random filters) and recommendations
  (``matcher.recommend``), and pages and API calls through the app (its test client, or a real
  gunicorn on 127.0.0.1).

Every loop stops at the deadline. The run then waits for the background work to drain, and
:mod:`web.tools.stress_check` compares database and index. Any exception, 5xx, failed job or
mismatch fails the run; the report names each kind with its first traceback.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import tempfile
import threading
import time
import traceback
from pathlib import Path

from sqlalchemy import func, select

from data.db import get_engine, session_scope
from data.models import Organization
from data.pools import Pool
from indexer import jobs
from indexer.context import IndexContext, get_context
from indexer.embedders import configured_backend
from indexer.operations import rebuild_pool
from web.tools.stress_check import compare_all
from web.tools.stress_env import StressError, Workers, drain, fresh_database, index_sync, stress_environment
from web.tools.stress_ops import OP_NAMES, REFUSALS, Workload
from web.tools.stress_report import BackgroundErrors, Echo, Report, print_report
from web.tools.stress_web import WebClient, gunicorn_server
from web.tools.stress_world import World, build_world

SETUP_PER_POOL = 40
RESERVOIR_PER_POOL = (20, 2.0, 150)  # rows kept for new records per pool: base + per second, capped
DRAIN_SECONDS = 120.0
JOIN_SECONDS = 60.0  # a thread still busy this long after the deadline is reported
REBUILD_EVERY = 20.0
# (operations picked at random, pause between two in seconds): one thread each. The pauses keep
# the load of a shared two-core machine bounded.
THREADS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("import_sheet",), 0.5),
    (("create", "update", "update", "update"), 0.3),
    (("delete", "review", "review"), 0.6),
    (("rebuild",), REBUILD_EVERY),
    (("search", "search", "recommend"), 0.05),
    (("search", "recommend", "recommend"), 0.05),
    (("page",), 0.1),
)


def _loop(work: Workload, ops: tuple[str, ...], pause: float, rng: random.Random, first_pause: bool) -> None:
    def rest() -> None:
        work.stop.wait(min(pause, max(0.0, work.deadline - time.monotonic())))

    if first_pause:
        rest()
    while time.monotonic() < work.deadline and not work.stop.is_set():
        name = rng.choice(ops)
        try:
            getattr(work, name)(rng)
        except REFUSALS as exc:  # e.g. a record another thread deleted a moment ago
            work.report.refused[f"{OP_NAMES[name]}：{exc}"[:60]] += 1
        except Exception as exc:  # every failure counts, by operation and exception type
            work.report.error(f"{OP_NAMES[name]}：{type(exc).__name__}", traceback.format_exc())
        rest()


def run_threads(work: Workload, seed: int, seconds: float) -> None:
    """One thread per entry of :data:`THREADS` until the deadline (rebuilds: two a run at least)."""
    threads = []
    for n, (ops, pause) in enumerate(THREADS):
        rebuild = ops == ("rebuild",)
        pause = min(pause, seconds / 3) if rebuild else pause
        threads.append(threading.Thread(target=_loop, args=(work, ops, pause, random.Random(seed * 100 + n), rebuild),
                                        name=f"stress-{ops[0]}-{n}", daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, work.deadline - time.monotonic()) + JOIN_SECONDS)
    work.stop.set()
    for thread in threads:
        if thread.is_alive():
            work.report.error("线程未按时结束", f"{thread.name} 在截止后 {JOIN_SECONDS:.0f} 秒仍在运行")


def _judge_jobs(work: Workload) -> None:
    """Every import and rebuild the run started ended 成功."""
    for job_id in work.job_ids:
        job = jobs.get_job(job_id) or {}
        if job.get("state") != "SUCCESS":
            kind = "导入" if job.get("kind") == "import" else "重建索引"
            detail = f"{job.get('state')}：{job.get('message', '')} {job.get('errors', '')}"[:2000]
            work.report.error(f"后台{kind}任务未成功", f"任务 {job_id}（{job.get('pool')}）{detail}")


def _killer(work: Workload, workers: Workers, when: float) -> threading.Thread:
    """At ``when``, SIGKILL the Celery worker (and its pool) and start a new one."""
    def run() -> None:
        work.stop.wait(max(0.0, when - time.monotonic()))
        if work.stop.is_set():
            return
        try:
            workers.kill_and_restart()
            work.report.count("杀死并重启 worker")
        except StressError as exc:
            work.report.error("重启 worker 失败", str(exc))

    thread = threading.Thread(target=run, name="stress-killer", daemon=True)
    thread.start()
    return thread


def _setting(url: str, queue: str | None, gunicorn: bool, backend: str) -> str:
    return (f"{'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}"
            f" + {'Celery worker（Redis）' if queue else '进程内后台线程'}"
            f" + {'gunicorn' if gunicorn else 'Flask 测试客户端'}；向量模型 {backend}")


def _prepare(per_pool: int, seconds: float, echo: Echo) -> tuple[World, IndexContext]:
    """The alliance, indexed."""
    started = time.monotonic()
    base, per_second, cap = RESERVOIR_PER_POOL
    with session_scope() as session:
        world = build_world(session, per_pool, min(cap, int(base + per_second * seconds)), secrets.token_urlsafe(12))
    ctx = get_context()
    for pool in Pool:
        rebuild_pool(ctx, pool)
    with session_scope() as session:
        orgs = session.scalar(select(func.count()).select_from(Organization))
    records = sum(n for pool, n in world.counts.items() if pool is not Pool.ORGANIZATION)
    echo(f"准备：{orgs} 个单位、{records} 条记录，索引已建好，用时 {time.monotonic() - started:.1f} 秒")
    return world, ctx


def run_stress(seconds: float, database: str | None, redis_url: str | None, seed: int | None, echo: Echo,
               gunicorn: bool = False, backend: str | None = None, *, kill_worker: bool = False,
               per_pool: int = SETUP_PER_POOL, cache_dir: Path | None = None) -> Report:
    """One stress run (see the module docstring); prints its report through ``echo``.

    ``kill_worker`` (with Redis): halfway through, the Celery worker is killed with SIGKILL and
    a new one started; nothing it was doing may be lost.
    ``per_pool``: records of each pool at the start; ``cache_dir``: a vector cache folder to share
    (runs after the first embed little), default a copy of the configured instance's."""
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    backend = backend or configured_backend()
    report = Report(seed=seed)
    with tempfile.TemporaryDirectory(prefix="chanjiao-stress-") as tmp:
        folder = Path(tmp)
        uploads = folder / "uploads"
        uploads.mkdir()
        with stress_environment(folder, redis_url, backend, cache_dir) as queue:
            url = fresh_database(database, folder)
            os.environ["DATABASE_URL"] = url
            report.setting = _setting(url, queue, gunicorn, backend)
            echo(f"{report.setting}；种子 {seed}")
            world, ctx = _prepare(per_pool, seconds, echo)
            workers = Workers(queue, folder) if queue else None
            handler = BackgroundErrors(report)
            logging.getLogger().addHandler(handler)
            try:
                if workers is not None:
                    workers.wait_ready()
                with index_sync(), gunicorn_server(gunicorn) as port:
                    began = time.monotonic()
                    work = Workload(world, report, began + seconds, uploads, WebClient(port))
                    killer = _killer(work, workers, began + seconds / 2) if kill_worker and workers else None
                    run_threads(work, seed, seconds)
                    if killer is not None:
                        killer.join()
                    report.seconds = time.monotonic() - began
                    report.drained = drain(redis_url, queue, DRAIN_SECONDS)
                    report.drain_seconds = time.monotonic() - began - report.seconds
            finally:
                for kind, detail in workers.stop() if workers is not None else ():
                    report.error(kind, detail)
                logging.getLogger().removeHandler(handler)
            _judge_jobs(work)
            checked = time.monotonic()
            report.comparison = compare_all(ctx)
            report.check_seconds = time.monotonic() - checked
            get_engine(url).dispose()
    print_report(report, echo, DRAIN_SECONDS)
    return report


__all__ = ["Report", "StressError", "run_stress"]
