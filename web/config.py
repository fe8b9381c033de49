"""Configuration read from the environment, with a test variant."""

from __future__ import annotations

import os

from data.settings import database_url


class Config:
    DATABASE_URL = database_url()
    REDIS_URL = os.environ.get("REDIS_URL") or None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Behind HTTPS (CHANJIAO_HTTPS=1) cookies are sent over HTTPS only and HSTS is on.
    SESSION_COOKIE_SECURE = os.environ.get("CHANJIAO_HTTPS") == "1"
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024


class TestConfig(Config):
    TESTING = True
