"""Engines and sessions for the configured database (SQLite default, PostgreSQL by URL)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from data.errors import Conflict
from data.settings import database_url, normalize_database_url


def _enable_sqlite_foreign_keys(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine; SQLite gets foreign keys on and WAL so readers don't block the writer."""
    url = normalize_database_url(url) if url else database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True)


_ENGINES: OrderedDict[str, Engine] = OrderedDict()
_ENGINES_MAX = 8
_ENGINES_LOCK = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """One shared engine per URL per process (default: the configured URL, read each call).

    The least recently used engine beyond a few is disposed, so its pooled connections are
    closed rather than left to the garbage collector.
    """
    url = normalize_database_url(url) if url else database_url()
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = make_engine(url)
            while len(_ENGINES) > _ENGINES_MAX:
                _, old = _ENGINES.popitem(last=False)
                old.dispose()
        _ENGINES.move_to_end(url)
        return engine


CONFLICT = "该记录刚被其他人删除或修改，未保存任何内容；请刷新页面后重试"


class DataSession(Session):
    """A session whose flush reports a row that changed under it — an update or review of a
    record that another user deleted or changed since this session read it — as
    :class:`data.errors.Conflict` (a user's error, with nothing written), not as the ORM's
    ``StaleDataError``: one place for every write path (forms, API, review, import)."""

    def flush(self, objects: Any = None) -> None:
        try:
            super().flush(objects)
        except StaleDataError as exc:
            raise Conflict("id", CONFLICT) from exc


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False, class_=DataSession)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back everything on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
