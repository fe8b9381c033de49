"""The mail outbox's throughput against a local SMTP server (``chanjiao bench notify``, part 2).

For the users given (each with an address), MAILS messages to mail at once are written through
``data.workflows.notifications.notify`` and sent three ways, each timed until the server has
received them all (counted by the server itself, :class:`indexer.tools.smtp_sink.SmtpSink`):

1. the outbox's flush (``indexer.outbox.flush``, what the worker runs every minute and
   ``chanjiao notify run`` once), called until nothing is due;
2. right after the commit, as a page's action sends them (``outbox.enqueue`` on the in-process
   mail thread);
3. the daily digest: the same number of messages, of a kind every user chose 每日汇总, one mail
   per user.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from data.db import session_scope
from data.enums import MailMode, NotificationKind
from data.models import User
from data.models.base import utcnow
from data.workflows.notifications import DUE_PER_FLUSH, due_mail, notify, set_preferences
from indexer import outbox
from indexer.tools.smtp_sink import SmtpSink

Echo = Callable[[str], None]
MAIL_ENV = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME", "MAIL_PASSWORD",
            "MAIL_SENDER")
KIND = NotificationKind.SUBSCRIPTION
WAIT_SECONDS = 600.0  # for the mail thread to finish (bounded: a stuck send ends the run)
SETTLE_SECONDS = 5.0  # for the server's count after the last send was answered (it counts before answering)


@dataclass
class Sent:
    expected: int
    received: int  # by the server
    seconds: float
    failed: int = 0  # sends the outbox counted as failed (to be tried again later)
    flushes: int = 0  # outbox.flush calls (the flush path)

    @property
    def per_second(self) -> float:
        return self.received / self.seconds if self.seconds else 0.0


@dataclass
class MailReport:
    flush: Sent
    at_once: Sent
    digest: Sent
    server_received: int  # every message the server took during the run


@contextmanager
def mail_to(port: int) -> Iterator[None]:
    """Point the outbox at 127.0.0.1:``port`` (plain SMTP, no login) for the block."""
    saved = {name: os.environ.get(name) for name in MAIL_ENV}
    for name in MAIL_ENV:
        os.environ.pop(name, None)
    os.environ.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _write(user_ids: list[int], count: int, body: str) -> None:
    """``count`` messages, the users in turn, in one commit."""
    with session_scope() as session:
        users = list(session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id)))
        for n in range(count):
            notify(session, [users[n % len(users)]], KIND, f"「搜索「工业机器人」」有 {n % 5 + 1} 条新的匹配", body,
                   f"/pool/project/{n + 1}")


def _flush_path(sink: SmtpSink, user_ids: list[int], count: int, body: str) -> Sent:
    _write(user_ids, count, body)
    base, flushes, failed = sink.received, 0, 0
    started = time.perf_counter()
    while True:
        with session_scope() as session:
            waiting = bool(due_mail(session, utcnow(), limit=1))
        if not waiting:  # sent, or failed and waiting for their retry
            break
        counts = outbox.flush()
        flushes, failed = flushes + 1, failed + counts["failed"]
        if not counts["sent"] and not counts["failed"]:
            break
    sink.wait_for(base + count - failed, SETTLE_SECONDS)
    return Sent(count, sink.received - base, time.perf_counter() - started, failed, flushes)


def _at_once_path(sink: SmtpSink, user_ids: list[int], count: int, body: str) -> Sent:
    base = sink.received
    outbox.install(flush_in_process=False)
    try:
        started = time.perf_counter()
        _write(user_ids, count, body)  # the commit hands the ids to the mail thread
        outbox.wait_idle(WAIT_SECONDS)
        sink.wait_for(base + count, SETTLE_SECONDS)
        seconds = time.perf_counter() - started
    finally:
        outbox.uninstall()
    return Sent(count, sink.received - base, seconds, count - (sink.received - base))


def _digest_path(sink: SmtpSink, user_ids: list[int], count: int, body: str) -> Sent:
    with session_scope() as session:
        for user in session.scalars(select(User).where(User.id.in_(user_ids))):
            set_preferences(session, user, {KIND.value: MailMode.DIGEST.value})
    _write(user_ids, count, body)
    now = utcnow()
    morning = dt.datetime.combine(now.astimezone(outbox.CHINA).date(), dt.time(outbox.DIGEST_HOUR), outbox.CHINA)
    base = sink.received
    started = time.perf_counter()
    digests = outbox.flush(now=max(now, morning.astimezone(dt.timezone.utc)))["digests"]
    sink.wait_for(base + digests, SETTLE_SECONDS)
    expected = min(count, len(user_ids))  # every user with a message gets one mail
    return Sent(expected, sink.received - base, time.perf_counter() - started, expected - digests)


def run_mail_bench(user_ids: list[int], mails: int, echo: Echo, body: str = "") -> MailReport:
    """Send ``mails`` messages to ``user_ids`` each way; the configured database is the one
    written (a benchmark's temporary one) and no mail listener may be installed."""
    body = body or "某某公司的需求（匹配度 82）：命中关键词：工业机器人、视觉检测\n查看：/pool/project/1"
    with SmtpSink() as sink, mail_to(sink.port):
        flushed = _flush_path(sink, user_ids, mails, body)
        echo(f"邮件发件箱 flush：{mails} 封立即发送的邮件 {flushed.seconds:.1f} 秒，{flushed.per_second:.0f} 封/秒"
             f"（调用 flush {flushed.flushes} 次，每次最多 {DUE_PER_FLUSH} 封）；SMTP 服务器收到 {flushed.received} 封"
             + _failed(flushed))
        at_once = _at_once_path(sink, user_ids, mails, body)
        echo(f"提交后立即发送（后台邮件线程）：{mails} 封 {at_once.seconds:.1f} 秒，{at_once.per_second:.0f} 封/秒；"
             f"SMTP 服务器收到 {at_once.received} 封" + _failed(at_once))
        digest = _digest_path(sink, user_ids, mails, body)
        echo(f"每日汇总：{mails} 条消息合为 {digest.expected} 封（每位用户一封，{len(user_ids)} 位用户）"
             f"{digest.seconds:.1f} 秒；SMTP 服务器收到 {digest.received} 封" + _failed(digest))
        return MailReport(flushed, at_once, digest, sink.received)


def _failed(sent: Sent) -> str:
    return f"；发送失败 {sent.failed} 封（稍后重试）" if sent.failed else ""

