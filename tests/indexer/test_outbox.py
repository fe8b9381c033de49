"""The mail outbox (indexer/outbox.py) against a real SMTP server on 127.0.0.1: a message is
mailed right after the commit, off the request; a failed send is retried with back-off and
then shown to staff; daily digests group a user's messages by kind, once a day."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from data.db import session_scope
from data.enums import MailState, NotificationKind, Role
from data.models import Notification, User
from data.workflows import notifications as nt
from indexer import outbox
from indexer.worker import is_eager
from tests.mail import SmtpServer

CHINA = dt.timezone(dt.timedelta(hours=8))


def _user(name: str, email: str | None) -> int:
    with session_scope() as s:
        user = User(username=name, display_name=name, password_hash="x", role=Role.ENTERPRISE, email=email)
        s.add(user)
        s.flush()
        return user.id


def _notify(user_id: int, kind: NotificationKind, title: str) -> int:
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        return nt.notify(s, [user], kind, title, body="详情", link="/inbox")[0].id


def _note(note_id: int) -> Notification:
    with session_scope() as s:
        note = s.get(Notification, note_id)
        assert note is not None
        s.expunge(note)
        return note


def test_a_message_is_mailed_after_the_commit(live_db: str, smtp_server: SmtpServer) -> None:
    outbox.install(flush_in_process=False)
    try:
        user = _user("qiye", "hr@example.com")
        note = _notify(user, NotificationKind.APPLICATION_RECEIVED, "李同学投递了「PLC实习生」")
        outbox.wait_idle(10)
    finally:
        outbox.uninstall()
    assert [to for to, _ in smtp_server.received] == [["hr@example.com"]]
    message = smtp_server.received[0][1]
    assert message["Subject"] == "产教通｜李同学投递了「PLC实习生」"
    assert "【收到投递】" in smtp_server.bodies()[0] and "/inbox" in smtp_server.bodies()[0]
    sent = _note(note)
    assert sent.mail_state is MailState.SENT and sent.mailed_at is not None and sent.mail_attempts == 0


@pytest.mark.parametrize("live_db", ["postgresql"], indirect=True)
def test_a_worker_over_redis_sends_it(live_db: str, redis_worker: str, smtp_server: SmtpServer) -> None:
    """With ``REDIS_URL`` the commit hands the ids to a Celery worker; the request sends nothing."""
    assert not is_eager()
    outbox.install(flush_in_process=False)
    try:
        note = _notify(_user("qiye", "hr@example.com"), NotificationKind.PROPOSAL_RECEIVED, "收到实践推荐")
        deadline = time.monotonic() + 30
        while _note(note).mail_state is not MailState.SENT:
            assert time.monotonic() < deadline, _note(note).mail_error
            time.sleep(0.1)
    finally:
        outbox.uninstall()
    assert [to for to, _ in smtp_server.received] == [["hr@example.com"]]


def test_a_failed_send_is_retried_with_back_off_then_shown_to_staff(live_db: str, smtp_server: SmtpServer) -> None:
    user = _user("qiye", "hr@example.com")
    note = _notify(user, NotificationKind.REVIEW_DECISION, "您的需求已通过审核")
    start = dt.datetime.now(dt.timezone.utc)
    smtp_server.refusing = True
    assert outbox.flush(live_db, start)["failed"] == 1
    first = _note(note)
    assert first.mail_state is MailState.PENDING and first.mail_attempts == 1 and "451" in first.mail_error
    assert first.next_attempt_at is not None
    waited = first.next_attempt_at.replace(tzinfo=first.next_attempt_at.tzinfo or dt.timezone.utc) - start
    assert dt.timedelta(seconds=59) <= waited <= dt.timedelta(seconds=61)
    assert outbox.flush(live_db, start + dt.timedelta(seconds=30))["failed"] == 0  # not due yet
    later = start
    for minutes in outbox.RETRY_MINUTES:  # 1, 2, 4, 8 minutes later: every try fails
        later += dt.timedelta(minutes=minutes, seconds=1)
        assert outbox.flush(live_db, later)["failed"] == 1
    failed = _note(note)
    assert failed.mail_state is MailState.FAILED and failed.mail_attempts == outbox.MAX_ATTEMPTS
    with session_scope() as s:
        assert [n.id for n, _ in nt.failed_mail(s)] == [note]
        assert nt.retry_failed(s, [note, 2**40]) == 1  # staff send it again
    smtp_server.refusing = False
    assert outbox.flush(live_db, later)["sent"] == 1
    assert _note(note).mail_state is MailState.SENT and len(smtp_server.received) == 1


def test_a_server_that_is_down_counts_as_a_failed_try(live_db: str, smtp_server: SmtpServer) -> None:
    user = _user("qiye", "hr@example.com")
    note = _notify(user, NotificationKind.CONTACT_RECEIVED, "有人请求您的联系方式")
    smtp_server.stop()
    assert outbox.flush(live_db)["failed"] == 1
    assert _note(note).mail_attempts == 1 and _note(note).mail_state is MailState.PENDING
    smtp_server.start()
    assert outbox.flush(live_db, dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=2))["sent"] == 1


def test_daily_digests_group_by_kind_once_a_day(live_db: str, smtp_server: SmtpServer) -> None:
    a, b = _user("a", "a@example.com"), _user("b", "b@example.com")
    with session_scope() as s:
        for user_id in (a, b):
            user = s.get(User, user_id)
            assert user is not None
            nt.set_preferences(s, user, {k.value: "digest" for k in NotificationKind})
    for title in ("投递一", "投递二"):
        _notify(a, NotificationKind.APPLICATION_RECEIVED, title)
    _notify(a, NotificationKind.MEMBERSHIP, "会费已确认")
    _notify(b, NotificationKind.MEMBERSHIP, "理事会投票")
    day = dt.datetime(2026, 12, 7, tzinfo=CHINA)
    assert outbox.flush(live_db, day.replace(hour=7, minute=30))["digests"] == 0  # before 8:00
    assert smtp_server.received == []
    assert outbox.flush(live_db, day.replace(hour=8, minute=1))["digests"] == 2
    mails = {to[0]: m for to, m in smtp_server.received}
    assert "3 条消息" in mails["a@example.com"]["Subject"] and "收到投递" in mails["a@example.com"]["Subject"]
    body = smtp_server.bodies()[[to[0] for to, _ in smtp_server.received].index("a@example.com")]
    assert body.index("投递一") < body.index("投递二") and "会费已确认" in body
    assert "理事会投票" not in body
    # more messages the same day wait for tomorrow's digest
    _notify(a, NotificationKind.MEMBERSHIP, "新的会员消息")
    assert outbox.flush(live_db, day.replace(hour=20))["digests"] == 0
    assert outbox.flush(live_db, (day + dt.timedelta(days=1)).replace(hour=8, minute=5))["digests"] == 1
    with session_scope() as s:
        states = set(s.scalars(select(Notification.mail_state)))
    assert states == {MailState.SENT}


def test_without_a_mail_server_nothing_is_sent(live_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    user = _user("qiye", "hr@example.com")
    note = _notify(user, NotificationKind.APPLICATION_RECEIVED, "收到投递")
    assert _note(note).mail_state is MailState.NONE
    assert outbox.flush(live_db) == {"sent": 0, "failed": 0, "digests": 0}
