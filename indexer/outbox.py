"""The mail outbox: the worker sends what ``data.workflows.notifications`` queued.

A message to mail at once is sent right after the commit that made it (a Celery task over
Redis, or one background thread in-process); a send that fails is tried again after 1, 2, 4
and 8 minutes, then marked 发送失败 for staff to see and resend. Every minute ``flush`` sends
what is due again and, from ``DIGEST_HOUR`` (China time), each user's daily digest: one mail
with the day's messages of the kinds they chose 每日汇总, grouped by kind. Celery beat runs
``flush`` (the Procfile's worker has ``--beat``); in-process, a background thread does.

SMTP settings come from the environment: ``MAIL_SERVER`` (unset: inbox only), ``MAIL_PORT``
(25), ``MAIL_USERNAME``/``MAIL_PASSWORD``, ``MAIL_USE_TLS`` (STARTTLS) or ``MAIL_USE_SSL``,
``MAIL_SENDER``, and ``SITE_URL`` to make the messages' links absolute.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import threading
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import get_engine, session_scope
from data.enums import MailState
from data.models import Notification, User
from data.models.base import aware, utcnow
from data.workflows.notifications import due_mail, on_mail_queued, remove_mail_listener
from indexer.worker import celery_app, is_eager

log = logging.getLogger(__name__)
RETRY_MINUTES = (1, 2, 4, 8)  # after the 1st … 4th failure; the 5th failure is final
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
DIGEST_HOUR = 8  # the daily digest goes out from 8:00 China time
CHINA = ZoneInfo("Asia/Shanghai")
FLUSH_EVERY_SECONDS = 60.0


class MailNotConfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    sender: str = "noreply@localhost"
    site_url: str = ""
    timeout: float = 15.0

    @classmethod
    def from_env(cls) -> MailSettings:
        server = os.environ.get("MAIL_SERVER", "").strip()
        if not server:
            raise MailNotConfigured("MAIL_SERVER is not set")
        flag = lambda name: os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")  # noqa: E731
        ssl = flag("MAIL_USE_SSL")
        return cls(server=server, port=int(os.environ.get("MAIL_PORT") or (465 if ssl else 25)),
                   username=os.environ.get("MAIL_USERNAME") or None, password=os.environ.get("MAIL_PASSWORD") or None,
                   starttls=flag("MAIL_USE_TLS"), ssl=ssl,
                   sender=os.environ.get("MAIL_SENDER") or "noreply@localhost",
                   site_url=(os.environ.get("SITE_URL") or "").rstrip("/"))


def send_message(settings: MailSettings, to: str, subject: str, text: str) -> None:
    """One plain-text UTF-8 mail through the configured SMTP server; raises on any failure."""
    message = EmailMessage()
    message["From"] = formataddr(("产教通", settings.sender))
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    smtp_class = smtplib.SMTP_SSL if settings.ssl else smtplib.SMTP
    with smtp_class(settings.server, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def _text(settings: MailSettings, notes: list[Notification]) -> str:
    lines = []
    for note in notes:
        lines.append(f"【{note.kind.label}】{note.title}")
        if note.body:
            lines.append(note.body)
        if note.link:
            lines.append(f"查看：{settings.site_url}{note.link}")
        lines.append("")
    lines.append("——产教通（在「消息」→「邮件设置」中可改为每日汇总或不发邮件）")
    return "\n".join(lines)


def _failed(notes: list[Notification], error: Exception, now: dt.datetime) -> None:
    for note in notes:
        note.mail_attempts += 1
        note.mail_error = f"{type(error).__name__}: {error}"[:500]
        if note.mail_attempts >= MAX_ATTEMPTS:
            note.mail_state, note.next_attempt_at = MailState.FAILED, None
        else:
            note.next_attempt_at = now + dt.timedelta(minutes=RETRY_MINUTES[note.mail_attempts - 1])


def send_due(session: Session, ids: list[int], settings: MailSettings, now: dt.datetime | None = None) -> dict[str, int]:
    """Send each message of ``ids`` that waits and is due (others are left: idempotent)."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0}
    for note_id in ids:
        # Two workers given the same id: the second skips it (PostgreSQL; SQLite has one writer).
        note = session.get(Notification, note_id, with_for_update={"skip_locked": True})
        if note is None or note.mail_state is not MailState.PENDING or (note.next_attempt_at and aware(note.next_attempt_at) > now):
            continue
        user = session.get(User, note.user_id)
        if user is None or not user.email:
            note.mail_state = MailState.NONE
            continue
        try:
            send_message(settings, user.email, f"产教通｜{note.title}", _text(settings, [note]))
        except Exception as exc:  # the server down, refusing, timing out: try again later
            log.warning("mail %s to user %s failed: %s", note.id, user.id, exc)
            _failed([note], exc, now)
            counts["failed"] += 1
        else:
            note.mail_state, note.mailed_at, note.mail_error = MailState.SENT, now, ""
            counts["sent"] += 1
        session.commit()
    return counts


def send_digests(session: Session, settings: MailSettings, now: dt.datetime | None = None) -> int:
    """From ``DIGEST_HOUR`` China time, one mail per user with their waiting digest messages
    (once a day; a failed digest is tried again with the same back-off). Returns mails sent."""
    now = now or utcnow()
    local = now.astimezone(CHINA)
    if local.hour < DIGEST_HOUR:
        return 0
    waiting = session.scalars(select(Notification).where(Notification.mail_state == MailState.DIGEST)
                              .order_by(Notification.user_id, Notification.kind, Notification.id))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in waiting:
        by_user[note.user_id].append(note)
    sent = 0
    for user_id, notes in by_user.items():
        user = session.get(User, user_id)
        if user is None or not user.email:
            for note in notes:
                note.mail_state = MailState.NONE
            continue
        if user.last_digest_on == local.date() or any(n.next_attempt_at and aware(n.next_attempt_at) > now for n in notes):
            continue
        kinds = list(dict.fromkeys(n.kind.label for n in notes))
        subject = f"产教通｜今日汇总：{len(notes)} 条消息（{'、'.join(kinds)}）"
        try:
            send_message(settings, user.email, subject[:150], _text(settings, notes))
        except Exception as exc:
            log.warning("digest to user %s failed: %s", user_id, exc)
            _failed(notes, exc, now)
            for note in notes:
                if note.mail_state is not MailState.FAILED:
                    note.mail_state = MailState.DIGEST
        else:
            for note in notes:
                note.mail_state, note.mailed_at, note.mail_error = MailState.SENT, now, ""
            user.last_digest_on = local.date()
            sent += 1
        session.commit()
    return sent


def flush(database: str | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due message and the digests that are due."""
    try:
        settings = MailSettings.from_env()
    except MailNotConfigured:
        return {"sent": 0, "failed": 0, "digests": 0}
    with session_scope(get_engine(database) if database else None) as session:
        counts = send_due(session, due_mail(session, now or utcnow()), settings, now)
        counts["digests"] = send_digests(session, settings, now)
    return counts


@celery_app.task(name="outbox.send", ignore_result=True)
def send_task(ids: list[int], database: str | None = None) -> dict[str, int]:
    try:
        settings = MailSettings.from_env()
    except MailNotConfigured:
        return {"sent": 0, "failed": 0}
    with session_scope(get_engine(database) if database else None) as session:
        return send_due(session, ids, settings)


@celery_app.task(name="outbox.flush", ignore_result=True)
def flush_task() -> dict[str, int]:
    return flush()


celery_app.conf.beat_schedule = {**(celery_app.conf.beat_schedule or {}),
                                 "outbox-flush": {"task": "outbox.flush", "schedule": FLUSH_EVERY_SECONDS}}

# -- in-process mode: one background thread ---------------------------------------------------

_executor: ThreadPoolExecutor | None = None
_futures: list[Future[Any]] = []
_lock = threading.Lock()
_stopped = threading.Event()


def _in_background(fn: Any, *args: Any) -> None:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chanjiao-mail")
        future = _executor.submit(fn, *args)
        future.add_done_callback(_log_failure)
        _futures.append(future)
        _futures[:] = [f for f in _futures if not f.done()]


def _log_failure(future: Future[Any]) -> None:
    if future.exception() is not None:
        log.error("mail task failed", exc_info=future.exception())


def enqueue(ids: list[int], database: str) -> None:
    """After a commit: send these messages now, off the request."""
    if is_eager():
        _in_background(send_task.run, ids, database)
    else:
        send_task.delay(ids, database)


def wait_idle(timeout: float | None = None) -> None:
    """Block until in-process mail work is done (tests, CLI)."""
    with _lock:
        pending = list(_futures)
    wait(pending, timeout=timeout)


def _flush_loop() -> None:
    while not _stopped.wait(FLUSH_EVERY_SECONDS):
        try:
            flush()
        except Exception:
            log.warning("mail flush failed", exc_info=True)


def install(flush_in_process: bool = True) -> None:
    """Mail what the workflows queue; in-process mode also flushes every minute."""
    on_mail_queued(enqueue)
    if is_eager() and flush_in_process and os.environ.get("MAIL_SERVER"):
        _stopped.clear()
        threading.Thread(target=_flush_loop, name="chanjiao-mail-flush", daemon=True).start()


def uninstall() -> None:
    remove_mail_listener(enqueue)
    _stopped.set()
