"""``chanjiao bench notify``: how long the subscriptions' round takes, and how fast the mail
outbox sends.

In a temporary instance (its own SQLite file and indexes, background work in-process, nothing
of the configured instance touched): the demo alliance is loaded and indexed as ``chanjiao demo``
does (the shipped vectors: nothing of the demo is embedded), the demo accounts and a few
students are added, and SUBSCRIPTIONS subscriptions are spread over them through the
subscription workflow (``data.workflows.subscriptions``): searches in their field's words, and
their own records in every direction each offers. Then a batch of new needs, internships and
成果 is published through the edit form's workflow and indexed, and one round of every
subscription (``matcher.watch.run_round``, what ``chanjiao notify run`` runs) is timed, and a
second one right after. Last, the mail outbox's throughput against a local SMTP server
(:mod:`indexer.tools.bench_mail`). Prints figures; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data import events
from data.db import get_engine, session_scope
from data.enums import NotificationKind, Role
from data.migrate import upgrade_to_head
from data.models import Notification, Subscription, User
from data.models.base import utcnow
from data.pools import Pool
from data.reference.regions import seed_regions
from data.workflows import notifications
from indexer import dispatch, outbox
from indexer.context import get_context
from indexer.operations import rebuild_pool, vector_progress
from indexer.context import IndexContext
from indexer.tools.bench import percentile, rss_mb
from indexer.tools.bench_mail import MAIL_ENV, MailReport, run_mail_bench
from indexer.worker import configure
from matcher.evaluation.bench_notify_world import add_users, load_alliance, publish, subscribe
from matcher import watch
from matcher.watch import INDEX_LAG, RoundReport, run_round

Echo = Callable[[str], None]
ENV = ("CHANJIAO_INSTANCE", "DATABASE_URL", "REDIS_URL", "CHANJIAO_QUEUE", "SITE_URL") + MAIL_ENV
STUDENTS_PER_SUBSCRIPTIONS = 30  # one student account (with its profile) per this many subscriptions
MAX_STUDENTS = 40


@dataclass
class Round:
    report: RoundReport
    seconds: float
    notifications: int  # subscription messages written by the round
    each: dict[str, list[float]] = field(default_factory=dict)  # seconds of each subscription, by kind


@dataclass
class NotifyReport:
    subscriptions: int
    users: int
    published: int
    first: Round
    second: Round
    peak_mb: float
    mail: MailReport | None


@contextmanager
def temporary_instance() -> Iterator[Path]:
    """The configured instance, database, broker and mail server swapped for a temporary
    instance folder with its own SQLite file, in-process background work and no mail, for the
    block; the commit listeners (index sync, mail) are taken off and put back afterwards."""
    saved = {name: os.environ.get(name) for name in ENV}
    listening, mailing = events.listeners(), notifications.mail_listeners()
    outbox.uninstall()  # also stops an in-process flush loop: it would send the benchmark's mail
    dispatch.uninstall()
    with tempfile.TemporaryDirectory(prefix="chanjiao-bench-notify-") as tmp:
        for name in ENV:
            os.environ.pop(name, None)
        os.environ["CHANJIAO_INSTANCE"] = str(Path(tmp) / "instance")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        configure()
        try:
            yield Path(tmp)
        finally:
            dispatch.wait_idle()
            outbox.wait_idle()
            dispatch.uninstall()
            outbox.uninstall()
            get_engine().dispose()  # its pooled connections to the file about to go
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            configure()
            for listener in listening:
                events.on_records_changed(listener)
            for mail_listener in mailing:
                notifications.on_mail_queued(mail_listener)


def _kind(sub: Subscription) -> str:
    if sub.direction:
        return sub.direction
    return "搜索·全部库" if sub.target_pool is None else "搜索·单库"


@contextmanager
def each_subscription_timed(into: dict[str, list[float]]) -> Iterator[None]:
    """Time each subscription of a round, by kind: the round's own ``run_subscription`` is
    wrapped for the block (the round is otherwise unchanged) and put back afterwards."""
    real = watch.run_subscription

    def timed(session: Session, ctx: IndexContext, sub: Subscription, now: dt.datetime,
              latest: dict[Pool, dt.datetime] | None = None) -> int:
        started = time.perf_counter()
        try:
            return real(session, ctx, sub, now, latest)
        finally:
            into.setdefault(_kind(sub), []).append(time.perf_counter() - started)

    watch.run_subscription = timed
    try:
        yield
    finally:
        watch.run_subscription = real


def _timed_round(now: dt.datetime | None = None) -> Round:
    ctx = get_context()
    each: dict[str, list[float]] = defaultdict(list)
    with session_scope() as session:
        before = session.scalar(select(func.count()).select_from(Notification)
                                .where(Notification.kind == NotificationKind.SUBSCRIPTION)) or 0
        with each_subscription_timed(each):
            started = time.perf_counter()
            report = run_round(session, ctx, now)
            seconds = time.perf_counter() - started
        after = session.scalar(select(func.count()).select_from(Notification)
                               .where(Notification.kind == NotificationKind.SUBSCRIPTION)) or 0
    return Round(report, seconds, after - before, dict(each))


def _echo_round(echo: Echo, name: str, done: Round) -> None:
    report = done.report
    mean = done.seconds / report.subscriptions * 1000 if report.subscriptions else 0.0
    every = [t * 1000 for times in done.each.values() for t in times]
    echo(f"{name}：订阅 {report.subscriptions} 个，用时 {done.seconds:.1f} 秒（每个订阅平均 {mean:.0f} ms，"
         f"p50 {percentile(every, 50):.0f} ms，p95 {percentile(every, 95):.0f} ms）；"
         f"告知新匹配 {report.told} 条，写入消息 {done.notifications} 条"
         + (f"，停止 {len(report.stopped)} 个" if report.stopped else ""))
    kinds = sorted(done.each.items(), key=lambda item: -sum(item[1]))
    echo("  按类型（个数，平均 ms）：" + "；".join(f"{kind} {len(times)} 个 {sum(times) / len(times) * 1000:.0f}"
                                              for kind, times in kinds))


def run_notify_bench(subscriptions: int, mails: int, echo: Echo, per_pool: int | None = None,
                     new: int = 50) -> NotifyReport:
    """Build the world, time the rounds, then the mail outbox (``mails`` = 0: no mail part)."""
    students = min(MAX_STUDENTS, max(1, subscriptions // STUDENTS_PER_SUBSCRIPTIONS))
    echo(f"机器：{os.cpu_count()} 核；演示联盟{'全部记录' if per_pool is None else f'每库前 {per_pool} 条'}，"
         f"订阅 {subscriptions} 个，新记录 {new} 条，邮件 {mails} 封")
    with temporary_instance():
        started = time.perf_counter()
        upgrade_to_head()
        with session_scope() as session:
            seed_regions(session)
            alliance = load_alliance(session, per_pool, new, students)
        ctx = get_context()
        for pool in Pool:
            rebuild_pool(ctx, pool)
        echo(f"演示联盟：载入并建立索引 {alliance.records} 条记录，{time.perf_counter() - started:.1f} 秒")
        dispatch.install()  # from here every commit reaches the indexes, as on the site
        started = time.perf_counter()
        with session_scope() as session:
            user_ids = [u.id for u in add_users(session, alliance.profiles)]
        with session_scope() as session:
            users = list(session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id)))
            made = subscribe(session, users, subscriptions)
        dispatch.wait_idle()
        kinds = "，".join(f"{kind} {count}" for kind, count in made.by_kind.most_common())
        echo(f"订阅：{made.total} 个，分属 {made.users} 位用户（共 {len(user_ids)} 位，含学生 {len(alliance.profiles)} 位）"
             f"，{time.perf_counter() - started:.1f} 秒；{kinds}")

        started = time.perf_counter()
        with session_scope() as session:
            staff = session.scalar(select(User).where(User.role == Role.STAFF).order_by(User.id))
            assert staff is not None  # ensure_demo_accounts made 秘书处
            staff_id = staff.id
        published: list[tuple[Pool, int]] = []
        for pool, row in alliance.new:
            with session_scope() as session:  # one commit each, as each is saved from its form
                author = session.get(User, staff_id)
                assert author is not None
                published.append((pool, publish(session, author, pool, row).id))
        committed = time.perf_counter() - started
        dispatch.wait_idle()
        indexed = sum(record_id in ctx.load(pool).row_of for pool, record_id in published)
        waiting = sum(vector_progress(ctx, pool).waiting for pool in {p for p, _ in published})
        echo(f"新记录：发布 {len(published)} 条 {committed:.1f} 秒，{time.perf_counter() - started:.1f} 秒后"
             f"索引中有 {indexed} 条（等待 e5 向量 {waiting} 条）")

        memory_before = rss_mb()
        first = _timed_round()
        _echo_round(echo, "第一轮（有新记录）", first)
        # A round looks INDEX_LAG behind the last one (a record is indexed a little after its
        # commit): the round right after still ranks the subscriptions whose pools changed in
        # that window; the one after it, with nothing new, is what a quiet round costs.
        second = _timed_round(utcnow() + 2 * INDEX_LAG)
        _echo_round(echo, "第二轮（两小时后，无新记录；仍回看上一轮前一小时内的变动）", second)
        third = _timed_round(utcnow() + 4 * INDEX_LAG)
        _echo_round(echo, "第三轮（再两小时后，其间无新记录）", third)
        peak = rss_mb()
        echo(f"峰值内存 {peak:.0f} MB（两轮之前 {memory_before:.0f} MB）")

        mail = None
        if mails:
            with session_scope() as session:
                sample = session.scalar(select(Notification.body).where(Notification.kind == NotificationKind.SUBSCRIPTION)
                                        .order_by(Notification.id).limit(1))
            mail = run_mail_bench(user_ids, mails, echo, sample or "")
        return NotifyReport(made.total, len(user_ids), len(alliance.new), first, second, peak, mail)
