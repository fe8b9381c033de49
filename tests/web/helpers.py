"""Acting as a user through the test client: CSRF token, log in, post a form, switch user."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def token(client: FlaskClient, url: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found, "page has no CSRF token"
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = "secret-pass"):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token(client, "/login")})


def act(client: FlaskClient, url: str, **data: object):  # type: ignore[no-untyped-def]
    """Post a form as the logged-in user (with a CSRF token from a page every user may open)."""
    return client.post(url, data={**data, "csrf_token": token(client, "/mine")})


def switch(client: FlaskClient, username: str) -> None:
    client.post("/logout", data={"csrf_token": token(client, "/")})
    login(client, username)
