"""Hardening: security headers with a CSP that allows no inline script, a persistent secret key,
secure cookie settings, login rate limiting shared by every worker process (Redis, else the
database; per-address back-off in ``data.workflows.accounts``), only same-site paths followed
after login, and bodies over the upload limit refused before anything parses them. (CSRF: forms carry tokens,
``web.auth``; the API takes JSON, and its session cookie is SameSite=Lax.)"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import Connection, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.urls import iri_to_uri

from data.db import get_engine
from data.models.user import RateCounter
from data.settings import instance_dir

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# Swagger UI sets style attributes from its scripts; only its page allows them.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
LOGIN_LIMIT = "20 per minute"  # per client address, on top of the per-account lock-out

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


class DatabaseStorage(Storage):
    """The rate limiter's fixed-window counters in the application database (``rate_counters``),
    so that every worker process of a deployment without Redis counts against one limit.

    Each hit is one atomic upsert in its own transaction (committed whatever the request does
    later); windows that ended are pruned now and then. URI: ``chanjiao+db://`` (the configured
    ``DATABASE_URL``).
    """

    STORAGE_SCHEME = ["chanjiao+db"]
    PRUNE_EVERY = 60.0  # seconds
    KEY_MAX = 255

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self._next_prune = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now, table = time.time(), RateCounter.__table__
        live = table.c.expires_at > now
        dialect = postgresql if get_engine().dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(table).values(key=self._key(key), hits=amount, expires_at=now + expiry)
        upsert = upsert.on_conflict_do_update(index_elements=[table.c.key], set_={
            "hits": case((live, table.c.hits + amount), else_=amount),
            "expires_at": case((live, table.c.expires_at), else_=now + expiry)}).returning(table.c.hits)
        with get_engine().begin() as conn:
            hits = conn.execute(upsert).scalar_one()
            self._prune(conn, now)
        return int(hits)

    def get(self, key: str) -> int:
        with get_engine().connect() as conn:
            return int(conn.scalar(select(RateCounter.hits).where(RateCounter.key == self._key(key),
                                                                   RateCounter.expires_at > time.time())) or 0)

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with get_engine().connect() as conn:
            return float(conn.scalar(select(RateCounter.expires_at).where(RateCounter.key == self._key(key),
                                                                           RateCounter.expires_at > now)) or now)

    def check(self) -> bool:
        try:
            with get_engine().connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with get_engine().begin() as conn:
            return conn.execute(delete(RateCounter)).rowcount

    def clear(self, key: str) -> None:
        with get_engine().begin() as conn:
            conn.execute(delete(RateCounter).where(RateCounter.key == self._key(key)))

    def _key(self, key: str) -> str:
        """The limiter's key, hashed when longer than the column (keys name the client and route)."""
        return key if len(key) <= self.KEY_MAX else "sha256:" + hashlib.sha256(key.encode()).hexdigest()

    def _prune(self, conn: Connection, now: float) -> None:
        if now >= self._next_prune:
            self._next_prune = now + self.PRUNE_EVERY
            conn.execute(delete(RateCounter).where(RateCounter.expires_at <= now))


# What a browser drops before it parses a Location header (WHATWG URL parser): C0 controls and
# space around the URL, and tab, LF and CR anywhere in it. Python's urlsplit drops the latter too,
# which is how "/\t/evil.example" used to leave as "//evil.example".
_AROUND = "".join(chr(c) for c in range(0x21))
_ANYWHERE = str.maketrans("", "", "\t\n\r")
NEXT_MAX = 2048


def safe_next(target: str | None) -> str | None:
    """``target`` as a path of this site to redirect to after login, or None if it is not one.

    Read the way a browser reads a Location header: surrounding spaces and control characters
    dropped, tab/CR/LF removed anywhere, a backslash taken as a slash. What is left must be a
    path from this site's root (with query and fragment): no scheme, no host, not ``//…``, no
    control characters; and so must what werkzeug sends for it once percent-encoded.
    """
    if not target or len(target) > NEXT_MAX:
        return None
    cleaned = target.strip(_AROUND).translate(_ANYWHERE)
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        return None
    try:
        return cleaned if _is_local_path(cleaned.replace("\\", "/")) and _is_local_path(iri_to_uri(cleaned)) else None
    except ValueError:  # urlsplit refuses e.g. an unclosed "[" of an IPv6 host: not a path either
        return None


def _is_local_path(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//")


def secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder
    (so sessions survive restarts and every gunicorn worker signs with the same key)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path: Path = instance_dir() / "secret_key"
    if not path.exists():
        # Written whole under a private name, then linked into place: workers starting
        # together either create it or read the complete key another one created.
        tmp = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    https = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.config.setdefault("REMEMBER_COOKIE_SECURE", https)
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    # Shared by every worker process: Redis when there is one, else the database (memory:// would
    # give each gunicorn worker a limit of its own).
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("REDIS_URL") or "chanjiao+db://")
    app.config.setdefault("RATELIMIT_ENABLED", not app.config.get("TESTING") or app.config.get("RATELIMIT_IN_TESTS", False))
    limiter.init_app(app)

    @app.before_request
    def refuse_oversized_bodies() -> None:
        """Refuse by the declared length before anything parses the body (no temporary files)."""
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length is not None and request.content_length > limit:
            abort(413)

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if request.path == "/api/v1/docs" else CSP)
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

