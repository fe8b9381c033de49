"""A test client of a fresh app over the module's ``world`` fixture (each module builds its own)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.matcher.world import World
from tests.web.browser import ARTIFACTS, CHROMIUM
from web import create_app


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:
        yield client


@pytest.fixture
def page(server: Any) -> Iterator[Any]:
    """A headless Chromium page (Debian's /usr/bin/chromium) for a module that defines ``server``."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
        yield page
        browser.close()
