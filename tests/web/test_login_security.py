"""Logging in safely: only same-site paths after login, sessions that end server-side (logout,
new password, deactivation, deletion), no username enumeration by message or argon2 work,
back-off per (account, address), and a login rate limit shared by every worker process."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import session_scope
from data.enums import OrgKind, Role
from data.keys import natural_key
from data.models import Organization, User
from data.workflows import accounts
from data.workflows.accounts import LOGIN_FAILED, PER_ACCOUNT, PER_ADDRESS, AccountError, Backoff, authenticate, create_user
from tests.web.helpers import token
from web import create_app
from web.auth import load_user
from web.security import DatabaseStorage, safe_next

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "secret-pass"


@pytest.fixture
def app(live_db: str) -> Flask:
    with session_scope() as s:
        org = Organization(name="广州智视装备有限公司", kind=OrgKind.ENTERPRISE, natural_key=natural_key("广州智视装备有限公司", None, None))
        s.add(org)
        s.flush()
        create_user(s, "maker", PASSWORD, "智视用户", Role.ENTERPRISE, org.id)
        create_user(s, "student", PASSWORD, "林同学", Role.STUDENT, org.id)
    return create_app({"TESTING": True})


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def _client(app: Flask, address: str = "127.0.0.1") -> FlaskClient:
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c


def _login(c: FlaskClient, username: str = "maker", password: str = PASSWORD, url: str = "/login"):  # type: ignore[no-untyped-def]
    return c.post(url, data={"username": username, "password": password, "csrf_token": token(c, "/login")})


def _error(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(re.findall(r'<p class="error">([^<]*)</p>', response.get_data(as_text=True)))


def _opens_mine(c: FlaskClient) -> bool:
    response = c.get("/mine")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"
    return response.status_code == 200


# -- after login, only a path of this site -------------------------------------------------

OFF_SITE = [
    "//evil.example/path", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example",
    "\\/evil.example", "/\t/evil.example/path", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
    " //evil.example", "\x00//evil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\x85/evil.example",
    "/\t\\evil.example", "\\\t\\evil.example", "http:evil.example", "https:evil.example", "http://evil.example",
    "HTTPS://evil.example", "https:/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
    "evil.example", "mine", "?next=x", "#x", "", "/\\[evil", "//[::1]/", "/" + "a" * 3000,
    "%2F%2Fevil.example", "%5C%5Cevil.example", "\u3000//evil.example",
]
SAME_SITE = ["/", "/mine", "/pool/expert?q=机器视觉&page=2", "/pool/expert#recs", "/%2F%2Fevil.example",
             "/%09/evil.example", "/a/../b", "/路径/中文", "/a\\b"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_safe_next_refuses_whatever_a_browser_would_read_as_another_site(target: str) -> None:
    assert safe_next(target) is None


@pytest.mark.parametrize("target", SAME_SITE)
def test_safe_next_keeps_paths_of_this_site(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
@pytest.mark.parametrize("raw", ["/%09/evil.example/path", "/%5Cevil.example", "%5C%5Cevil.example", "//evil.example",
                                 "/%0D%0A/evil.example", "/%09%5Cevil.example", "http:evil.example", "%2509//evil",
                                 "https%3A%2F%2Fevil.example", "%20//evil.example", "%01//evil.example"])
def test_login_never_redirects_off_site(client: FlaskClient, raw: str) -> None:
    response = _login(client, url=f"/login?next={raw}")
    assert response.status_code == 302
    location = response.headers["Location"]
    browser = location.strip("".join(map(chr, range(0x21)))).translate(str.maketrans("", "", "\t\n\r")).replace("\\", "/")
    assert location == "/" or (not urlsplit(browser).netloc and not urlsplit(browser).scheme
                               and browser.startswith("/") and not browser.startswith("//"))


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_login_returns_to_the_page_that_asked(client: FlaskClient) -> None:
    asked = client.get("/mine")
    assert asked.status_code == 302
    response = _login(client, url=asked.headers["Location"])
    assert response.status_code == 302 and response.headers["Location"] == "/mine"
    assert _login(client, url="/login?next=" + quote("/pool/expert?q=视觉")).headers["Location"] == quote("/pool/expert?q=视觉", safe="/?=")


# -- sessions end server-side ---------------------------------------------------------------

def test_cookie_copied_before_logout_no_longer_opens_mine(app: Flask) -> None:
    device = _client(app)
    _login(device)
    assert _opens_mine(device)
    stolen = device.get_cookie("session").value
    assert device.post("/logout", data={"csrf_token": token(device, "/")}).status_code == 302
    replay = _client(app)
    replay.set_cookie("session", stolen)
    assert not _opens_mine(replay)


def test_a_new_password_logs_out_every_other_device(app: Flask) -> None:
    laptop, phone = _client(app), _client(app)
    _login(laptop)
    _login(phone)
    assert _opens_mine(laptop) and _opens_mine(phone)
    changed = laptop.post("/account/password", data={"old": PASSWORD, "new": "another-pass", "new2": "another-pass",
                                                     "csrf_token": token(laptop, "/account/password")})
    assert changed.status_code == 302
    assert _opens_mine(laptop)  # the device that changed it stays logged in
    assert not _opens_mine(phone)
    assert _opens_mine(laptop)


def test_a_deactivated_account_is_logged_out(app: Flask) -> None:
    device = _client(app)
    _login(device)
    with session_scope() as s:
        user = s.scalar(select(User).where(User.username == "maker"))
        before, user.active = user.session_version, False
    with session_scope() as s:
        assert s.scalar(select(User.session_version).where(User.username == "maker")) == before + 1
    assert not _opens_mine(device)


def test_a_deleted_account_s_cookie_opens_no_later_account_with_its_id(app: Flask) -> None:
    device = _client(app)
    _login(device, "student")
    cookie = device.get_cookie("session").value
    with session_scope() as s:
        user = s.scalar(select(User).where(User.username == "student"))
        user_id, org_id = user.id, user.org_id
        s.delete(user)
    with session_scope() as s:  # the same id and name again, as SQLite may hand out a freed id
        s.add(User(id=user_id, username="student", password_hash=accounts.hash_password(PASSWORD), display_name="新同学",
                   role=Role.STUDENT, org_id=org_id))
    replay = _client(app)
    replay.set_cookie("session", cookie)
    assert not _opens_mine(replay)


def test_a_remember_me_cookie_carries_the_session_version_too(app: Flask) -> None:
    with session_scope() as s:
        user = s.scalar(select(User).where(User.username == "maker"))
        old = user.get_id()
        accounts.end_sessions(s, user)
    with session_scope() as s:
        current = s.scalar(select(User).where(User.username == "maker")).get_id()
    assert old != current
    with app.test_request_context():
        cookies = {name: encode_cookie(value) for name, value in (("old", old), ("current", current))}
    for name, expected in (("old", False), ("current", True)):
        c = _client(app)
        c.set_cookie("remember_token", cookies[name])
        assert _opens_mine(c) is expected


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_the_user_loader_refuses_malformed_session_ids(app: Flask) -> None:
    with app.test_request_context():
        for value in ("", "abc", "²:0:x", "٣", "1" * 40, "1", "1:0", "1:x:y", ":::"):
            assert load_user(value) is None


# -- no username enumeration ----------------------------------------------------------------

@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str, password: str) -> bool:  # noqa: A002 - argon2's own name
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return calls


@pytest.mark.production_hasher
def test_unknown_name_wrong_password_and_waiting_look_the_same(app: Flask, argon2_calls: list[str]) -> None:
    answers, work = {}, {}
    for case, username, password in (("unknown", "nobody-here", PASSWORD), ("wrong", "maker", "wrong-pass")):
        argon2_calls.clear()
        answers[case], work[case] = _error(_login(_client(app, "10.0.0.1"), username, password)), len(argon2_calls)
    for _ in range(PER_ADDRESS.free):
        _login(_client(app, "10.0.0.2"), "maker", "wrong-pass")
    argon2_calls.clear()
    answers["waiting"], work["waiting"] = _error(_login(_client(app, "10.0.0.2"))), len(argon2_calls)
    assert answers == {"unknown": LOGIN_FAILED, "wrong": LOGIN_FAILED, "waiting": LOGIN_FAILED}
    assert work == {"unknown": 1, "wrong": 1, "waiting": 1}
    argon2_calls.clear()
    assert _login(_client(app, "10.0.0.1")).status_code == 302 and len(argon2_calls) == 1


@pytest.mark.production_hasher
def test_passwords_are_hashed_with_the_production_parameters() -> None:
    """The suite hashes at the lowest cost (tests/conftest.py); the site with argon2's own
    defaults (RFC 9106, low memory), which a test marked ``production_hasher`` gets."""
    from argon2 import extract_parameters, profiles

    assert extract_parameters(accounts.hash_password(PASSWORD)) == profiles.RFC_9106_LOW_MEMORY
    assert extract_parameters(accounts.dummy_hash()) == profiles.RFC_9106_LOW_MEMORY


# -- back-off per (account, address), a generous cap per account --------------------------

def _attempt(db: Session, username: str, password: str, address: str, now: dt.datetime) -> bool:
    try:
        authenticate(db, username, password, address, now)
    except AccountError as exc:
        assert str(exc) == LOGIN_FAILED
        return False
    return True


def test_backoff_doubles_up_to_the_longest() -> None:
    policy = Backoff(3, dt.timedelta(minutes=1), dt.timedelta(minutes=5))
    assert [policy.lock_for(n) for n in range(1, 8)] == [None, None] + [dt.timedelta(minutes=m) for m in (1, 2, 4, 5, 5)]
    assert PER_ADDRESS.free < PER_ACCOUNT.free


def test_one_address_guessing_waits_longer_each_time_and_locks_out_no_one_else(db: Session) -> None:
    create_user(db, "maker", PASSWORD, "智视用户", Role.ENTERPRISE, None)
    t0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
    for i in range(PER_ADDRESS.free):
        assert not _attempt(db, "maker", "wrong-pass", "10.1.1.1", t0 + dt.timedelta(seconds=i))
    t = t0 + dt.timedelta(seconds=PER_ADDRESS.free)
    assert not _attempt(db, "maker", PASSWORD, "10.1.1.1", t)  # this address waits, even with the password
    assert _attempt(db, "maker", PASSWORD, "10.2.2.2", t)  # the owner elsewhere is not locked out
    waits = []
    for _ in range(3):  # each wrong password after a wait doubles the next wait
        first_free = next(t + dt.timedelta(seconds=s) for s in range(1, 4 * 3600)
                          if not accounts._must_wait(db, "maker", "10.1.1.1", t + dt.timedelta(seconds=s)))
        waits.append(round((first_free - t).total_seconds() / 60))
        t = first_free
        assert not _attempt(db, "maker", "wrong-pass", "10.1.1.1", t)
    assert waits == [1, 2, 4]
    assert _attempt(db, "maker", PASSWORD, "10.1.1.1", t + dt.timedelta(minutes=8, seconds=1))
    assert _attempt(db, "maker", "wrong-pass", "10.1.1.1", t + dt.timedelta(minutes=9)) is False
    assert _attempt(db, "maker", PASSWORD, "10.1.1.1", t + dt.timedelta(minutes=9, seconds=1))  # the count restarted


def test_many_addresses_guessing_one_account_hit_the_account_cap(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "PER_ACCOUNT", Backoff(12, dt.timedelta(minutes=15), dt.timedelta(hours=1)))
    create_user(db, "maker", PASSWORD, "智视用户", Role.ENTERPRISE, None)
    t = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
    for i in range(12):  # three failures from each of four addresses: no address waits on its own
        assert not _attempt(db, "maker", "wrong-pass", f"10.3.0.{i // 3}", t)
    assert not _attempt(db, "maker", PASSWORD, "10.9.9.9", t)
    assert _attempt(db, "maker", PASSWORD, "10.9.9.9", t + dt.timedelta(minutes=15, seconds=1))


def test_unknown_names_are_counted_like_real_ones(db: Session) -> None:
    create_user(db, "maker", PASSWORD, "智视用户", Role.ENTERPRISE, None)
    t = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
    for _ in range(PER_ADDRESS.free):
        _attempt(db, "nobody", "x", "10.4.4.4", t)
        _attempt(db, "maker", "x", "10.4.4.4", t)
    assert accounts._must_wait(db, "nobody", "10.4.4.4", t) and accounts._must_wait(db, "maker", "10.4.4.4", t)


# -- the login rate limit is shared by every worker process ---------------------------------

WORKER = """
import sys
from web import create_app
app = create_app({"TESTING": True, "RATELIMIT_IN_TESTS": True, "WTF_CSRF_ENABLED": False})
client = app.test_client()
client.environ_base["REMOTE_ADDR"] = sys.argv[1]
codes = [client.post("/login", data={"username": "nobody", "password": "x"}).status_code for _ in range(int(sys.argv[2]))]
print(" ".join(map(str, codes)))
"""


def test_login_limit_holds_across_two_worker_processes_sharing_the_database(app: Flask) -> None:
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"  # apart from others on a shared database
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, address, "15"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        codes += out.split()
    assert len(codes) == 30 and codes.count("200") == 20 and codes.count("429") == 10


def test_database_storage_counts_fixed_windows_across_instances(app: Flask) -> None:
    one, two, key = DatabaseStorage("chanjiao+db://"), DatabaseStorage("chanjiao+db://"), f"test/{uuid.uuid4()}"
    assert [one.incr(key, 60), two.incr(key, 60), one.incr(key, 60, amount=3)] == [1, 2, 5]
    assert two.get(key) == 5 and one.get_expiry(key) > 0 and one.check()
    long_key = key + "/" + "x" * 400
    assert one.incr(long_key, 60) == 1 and two.get(long_key) == 1
    two.clear(key)
    assert one.get(key) == 0
    assert one.incr(key, 0) == 1 and one.incr(key, 60) == 1  # an ended window starts over
