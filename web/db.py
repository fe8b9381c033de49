"""One database session per request, closed when the request ends."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from data.db import get_engine, session_factory


def get_session() -> Session:
    if "db" not in g:
        g.db = session_factory(get_engine())()
    return g.db


def current_session() -> Session | None:
    """The request's session, if it opened one."""
    return g.get("db")


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
