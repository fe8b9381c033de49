"""「消息」: a user's inbox, marking read, which kinds come by e-mail, and (for staff) the
e-mails that failed for good. Each change is committed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from data.enums import MailMode, NotificationKind
from data.models import Notification, User
from data.settings import mail_server
from data.workflows import notifications
from data.workflows.notifications import InboxPage


def inbox(session: Session, user: User, kind: str | None, page: int, unread_only: bool) -> InboxPage:
    return notifications.inbox(session, user, page, notifications.parse_kind(kind), unread_only)


def mark_read(session: Session, user: User, ids: Iterable[int] | None) -> int:
    """Mark the user's messages read (``ids``: these; None: all); returns how many."""
    done = notifications.mark_read(session, user, ids)
    session.commit()
    return done


def open_message(session: Session, user: User, note_id: int) -> str:
    """Mark one message read and return where it points (the inbox when it points nowhere)."""
    notifications.mark_read(session, user, [note_id])
    session.commit()
    note = session.get(Notification, note_id)
    return note.link if note is not None and note.user_id == user.id and note.link.startswith("/") else "/inbox"


def unread(session: Session, user: User | None) -> int:
    return notifications.unread_count(session, user) if user is not None else 0


@dataclass
class Settings:
    email: str
    modes: dict[NotificationKind, MailMode]
    mail_on: bool  # an SMTP server is configured (else messages stay in the inbox)


def settings(session: Session, user: User) -> Settings:
    return Settings(user.email or "", notifications.preferences(session, user), mail_server() is not None)


def save_settings(session: Session, user: User, form: Mapping[str, str]) -> None:
    """The address (``email``) and one mode per kind (``mode_<kind>``) from a form or JSON."""
    wanted = {key[len("mode_"):]: value for key, value in form.items() if key.startswith("mode_")}
    notifications.set_preferences(session, user, wanted, email=form.get("email"))
    session.commit()


def failed_mail(session: Session) -> list[tuple[Notification, User]]:
    return notifications.failed_mail(session)


def resend(session: Session, ids: Iterable[int]) -> int:
    done = notifications.retry_failed(session, ids)
    session.commit()
    return done
