"""Messages to users: the one service every workflow calls when something happens that a user
should hear of (an application received, a proposal answered, a record reviewed …).

``notify`` leaves a message in each recipient's inbox in the caller's transaction and decides
its e-mail from the recipient's preference for that kind: at once, in the day's digest, or not
at all (also when no SMTP server is configured or the user has no address). After the commit,
:func:`on_mail_queued` listeners (the worker's outbox, ``indexer.outbox``) are told which
messages wait to be mailed; the request never talks to the mail server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from data.access import MAX_ID, ORG_REPRESENTATIVES
from data.enums import MailMode, MailState, NotificationKind, Role
from data.errors import FieldError
from data.models import MailPreference, Notification, PoolRecord, User, owner_org_id
from data.models.base import utcnow
from data.settings import mail_server

PER_PAGE = 20
TITLE_MAX = 200
DUE_PER_FLUSH = 200  # messages one outbox flush takes (the rest wait for the next one)
_KEY = "chanjiao_mail_queued"

MailListener = Callable[[list[int], str], None]  # (message ids, database URL)
_listeners: list[MailListener] = []


class NotificationError(FieldError):
    pass


def on_mail_queued(listener: MailListener) -> MailListener:
    """Subscribe ``listener`` to the ids of messages to mail at once (and the URL of the
    database they were committed to), after each commit."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def mail_listeners() -> tuple[MailListener, ...]:
    return tuple(_listeners)


def remove_mail_listener(listener: MailListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def mode_for(session: Session, user_id: int, kind: NotificationKind) -> MailMode:
    chosen = session.scalar(select(MailPreference.mode).where(MailPreference.user_id == user_id,
                                                             MailPreference.kind == kind))
    return chosen or MailMode.IMMEDIATE


def notify(session: Session, users: Iterable[User], kind: NotificationKind, title: str, body: str = "",
           link: str = "") -> list[Notification]:
    """A message to each of ``users`` (each once, inactive accounts skipped)."""
    made: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        state = MailState.NONE
        if mail_server() and user.email:
            state = {MailMode.IMMEDIATE: MailState.PENDING, MailMode.DIGEST: MailState.DIGEST,
                     MailMode.OFF: MailState.NONE}[mode_for(session, user.id, kind)]
        note = Notification(user_id=user.id, kind=kind, title=title[:TITLE_MAX], body=body, link=link,
                            mail_state=state, next_attempt_at=utcnow() if state is MailState.PENDING else None)
        session.add(note)
        made.append(note)
    session.flush()
    queued = [n.id for n in made if n.mail_state is MailState.PENDING]
    if queued:
        session.info.setdefault(_KEY, []).extend(queued)
    return made


def org_users(session: Session, org_id: int | None, roles: Sequence[Role] = ORG_REPRESENTATIVES) -> list[User]:
    """The accounts that speak for an organization (who hears of what concerns it)."""
    if org_id is None:
        return []
    return list(session.scalars(select(User).where(User.org_id == org_id, User.role.in_(list(roles)),
                                                   User.active.is_(True)).order_by(User.id)))


def speakers_for(session: Session, record: PoolRecord) -> list[User]:
    """Who hears of what concerns a record: the person's own account, else the representatives
    of the organization that owns it (``data.workflows.contacts.answers_for`` asks the same)."""
    own = getattr(record, "user_id", None)
    if own is not None:
        user = session.get(User, own)
        return [user] if user is not None else []
    return org_users(session, owner_org_id(record))


def staff_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role.in_([r for r in Role if r.is_staff]),
                                                   User.active.is_(True)).order_by(User.id)))


@event.listens_for(Session, "after_commit")
def _tell_listeners(session: Session) -> None:
    queued = session.info.pop(_KEY, None)
    if queued:
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        for listener in list(_listeners):
            listener(list(queued), url)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)


# -- the inbox ------------------------------------------------------------------------------

@dataclass
class InboxPage:
    items: list[Notification]
    total: int
    unread: int
    page: int
    pages: int
    kind: NotificationKind | None


def parse_kind(text: str | None) -> NotificationKind | None:
    """A kind filter from a query string: empty is every kind; anything else must be a kind."""
    if not text:
        return None
    try:
        return NotificationKind.parse(text)
    except ValueError:
        raise NotificationError("kind", f"消息类型「{text[:40]}」不存在，应为：{'、'.join(NotificationKind.labels())}") from None


def unread_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def inbox(session: Session, user: User, page: int = 1, kind: NotificationKind | None = None,
          unread_only: bool = False) -> InboxPage:
    """One page of the user's messages, newest first."""
    where = [Notification.user_id == user.id]
    if kind is not None:
        where.append(Notification.kind == kind)
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    items = list(session.scalars(select(Notification).where(*where)
                                 .order_by(Notification.created_at.desc(), Notification.id.desc())
                                 .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return InboxPage(items, total, unread_count(session, user), page, pages, kind)


def mark_read(session: Session, user: User, ids: Iterable[int] | None = None,
              kind: NotificationKind | None = None) -> int:
    """Mark the user's messages read (``ids``: only these; None: all; ``kind``: only of that
    kind). Others' ids are ignored, the same as unknown ones. Returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    if ids is not None:
        wanted = [i for i in ids if 0 < i <= MAX_ID]
        if not wanted:
            return 0
        stmt = stmt.where(Notification.id.in_(wanted))
    done = session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False))
    session.flush()
    return int(getattr(done, "rowcount", 0) or 0)


# -- what each user wants by e-mail ------------------------------------------------------------

def preferences(session: Session, user: User) -> dict[NotificationKind, MailMode]:
    chosen = {p.kind: p.mode for p in session.scalars(select(MailPreference).where(MailPreference.user_id == user.id))}
    return {kind: chosen.get(kind, MailMode.IMMEDIATE) for kind in NotificationKind}


def set_preferences(session: Session, user: User, wanted: dict[str, str], email: str | None = None) -> None:
    """Save the user's choice per kind (``{kind code: mode code}``; a kind not given keeps its
    choice) and, when given, their address (empty: none)."""
    modes: dict[NotificationKind, MailMode] = {}
    for key, value in wanted.items():
        try:
            kind = NotificationKind.parse(key)
        except ValueError:
            raise NotificationError("kind", f"消息类型「{str(key)[:40]}」不存在") from None
        try:
            modes[kind] = MailMode.parse(value)
        except ValueError as exc:
            raise NotificationError(kind.value, f"{kind.label}：{exc}") from None
    if email is not None:
        user.email = check_email(email)
    existing = {p.kind: p for p in session.scalars(select(MailPreference).where(MailPreference.user_id == user.id))}
    for kind, mode in modes.items():
        if kind in existing:
            existing[kind].mode = mode
        else:
            session.add(MailPreference(user_id=user.id, kind=kind, mode=mode))
    session.flush()


def check_email(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if len(text) > 120 or text.count("@") != 1 or "." not in text.split("@")[1] or any(c.isspace() for c in text):
        raise NotificationError("email", "邮箱格式不正确，例如 name@example.com")
    return text


# -- what staff see of the outbox -----------------------------------------------------------

def failed_mail(session: Session, limit: int = 50) -> list[tuple[Notification, User]]:
    """Messages whose e-mail failed for good (every attempt), newest first, with the recipient."""
    rows = session.execute(select(Notification, User).join(User, User.id == Notification.user_id)
                           .where(Notification.mail_state == MailState.FAILED)
                           .order_by(Notification.id.desc()).limit(limit))
    return [(n, u) for n, u in rows.all()]


def retry_failed(session: Session, ids: Iterable[int]) -> int:
    """Staff send failed e-mails again (from the first attempt)."""
    wanted = [i for i in ids if 0 < i <= MAX_ID]
    if not wanted:
        return 0
    notes = list(session.scalars(select(Notification).where(Notification.id.in_(wanted),
                                                            Notification.mail_state == MailState.FAILED)))
    for note in notes:
        note.mail_state, note.mail_attempts, note.next_attempt_at = MailState.PENDING, 0, utcnow()
    session.flush()
    if notes:
        session.info.setdefault(_KEY, []).extend(n.id for n in notes)
    return len(notes)


def due_mail(session: Session, now: dt.datetime, limit: int = DUE_PER_FLUSH) -> list[int]:
    """Ids of messages whose next e-mail attempt is due."""
    return list(session.scalars(select(Notification.id).where(Notification.mail_state == MailState.PENDING,
                                                              Notification.next_attempt_at <= now)
                                .order_by(Notification.id).limit(limit)))
