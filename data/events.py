"""A signal fired after a commit that created, changed or deleted pool records.

The data layer knows nothing of indexes; the indexer subscribes with
:func:`on_records_changed` and receives ``{pool: {ids}}`` and the URL of the database the
commit went to, after each successful commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from data.models import MODELS, PoolRecord
from data.pools import Pool

Listener = Callable[[dict[Pool, set[int]], str], None]  # (changes, database URL)
_POOL_OF = {model: pool for pool, model in MODELS.items()}
_listeners: list[Listener] = []
_KEY = "chanjiao_changed"


def on_records_changed(listener: Listener) -> Listener:
    """Subscribe ``listener``; returns it so it can be removed with :func:`remove_listener`."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def listeners() -> tuple[Listener, ...]:
    """The subscribed listeners, in order."""
    return tuple(_listeners)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    changed: dict[Pool, set[int]] = session.info.setdefault(_KEY, {})
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PoolRecord) and obj.id is not None:
            changed.setdefault(_POOL_OF[type(obj)], set()).add(obj.id)


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    changed = session.info.pop(_KEY, None)
    if changed:
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        for listener in list(_listeners):
            listener(changed, url)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
