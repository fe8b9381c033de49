"""Hardening: security headers with a CSP that allows no inline script, a persistent secret key,
secure cookie settings, login rate limiting (with account lock-out in ``data.accounts``), and
bodies over the upload limit refused before anything parses them. (CSRF: forms carry tokens,
``web.auth``; the API takes JSON, and its session cookie is SameSite=Lax.)"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("REDIS_URL") or "memory://")
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

