"""Configuration read from the environment, with a test variant."""

from __future__ import annotations

import os

from data.settings import database_url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    DATABASE_URL = database_url()
    REDIS_URL = os.environ.get("REDIS_URL") or None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024


class TestConfig(Config):
    TESTING = True
