"""Shared fixtures: a migrated database per backend, a rolled-back ``db`` session, makers."""

from __future__ import annotations

import contextlib
import functools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import faiss
import flask
import jinja2
import pytest
import werkzeug.routing
import werkzeug.test
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from data import events
from data.workflows import accounts, notifications
from data.db import make_engine
from data.enums import OrgKind
from data.migrate import upgrade_to_head
from data.models import Base, Organization
from data.reference.regions import seed_regions
from tests import services
from tests.makers import make_organization
from tests.mail import SmtpServer

BACKENDS = ["sqlite", "postgresql"]

# Werkzeug's test client spools a multipart body over 500 KB to a temporary file that it never
# closes (an unclosed-file ResourceWarning whenever the collector happens to run); the tests'
# uploads are encoded in memory instead. The server side is unchanged.
werkzeug.test.stream_encode_multipart = functools.partial(werkzeug.test.stream_encode_multipart, use_tempfile=False)

# One OpenMP thread for FAISS: the indexes of the tests are tiny, and on a small machine a team
# of threads per search (beside the embedder processes and the test's own threads) only
# oversubscribes the cores.
faiss.omp_set_num_threads(1)


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every app of the session: each test makes an app
    of its own, whose Jinja environment would otherwise compile every template it renders again.
    Entries are keyed by template name and file and checked against the source's checksum."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


flask.Flask.jinja_options = {**flask.Flask.jinja_options, "bytecode_cache": _SharedBytecode()}

# Werkzeug compiles two URL builders per rule (Python source generated and compiled) for every
# app: about 900 rules, a third of a second per app. A builder depends only on the rule's
# parsed form and its defaults (converters are looked up on the rule when a URL is built), so
# one compiled builder serves the same rule in every app.
_compile_builder = werkzeug.routing.Rule._compile_builder
_builders: dict[tuple[object, ...], Callable[..., tuple[str, str]]] = {}


def _shared_builder(rule: werkzeug.routing.Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    key = (append_unknown, rule.rule, rule.host, rule.subdomain, rule.map.host_matching if rule.map else None,
           tuple(rule._trace), tuple((name, type(conv)) for name, conv in rule._converters.items()),
           tuple((name, type(value), repr(value)) for name, value in (rule.defaults or {}).items()))
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(rule, append_unknown)
    return builder


werkzeug.routing.Rule._compile_builder = _shared_builder  # type: ignore[method-assign]


# argon2 at its lowest cost: hashing and verifying a password take microseconds instead of a
# quarter of a second each (hundreds of users are created and logged in over the suite). A
# verification uses the parameters stored in the hash, so every check still runs real argon2.
# Tests marked ``production_hasher`` get the production hasher (see ``_production_hasher``).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PRODUCTION_HASHER = accounts._hasher


def _set_hasher(hasher: PasswordHasher) -> None:
    """``hasher`` for passwords and for the dummy hash, made again with its parameters (so
    unknown names cost what real ones do)."""
    accounts._hasher = hasher
    accounts.dummy_hash.cache_clear()


@contextlib.contextmanager
def _hashing_with(hasher: PasswordHasher, then: PasswordHasher) -> Iterator[None]:
    _set_hasher(hasher)
    try:
        yield
    finally:
        _set_hasher(then)


@pytest.fixture(scope="session", autouse=True)
def _cheap_hasher() -> Iterator[None]:
    """The cheap argon2 parameters for the whole session, set before any fixture creates a user."""
    with _hashing_with(CHEAP_HASHER, then=PRODUCTION_HASHER):
        yield


@pytest.fixture(autouse=True)
def _production_hasher(request: pytest.FixtureRequest) -> Iterator[None]:
    """For a test marked ``production_hasher``: argon2 as in production."""
    if request.node.get_closest_marker("production_hasher") is None:
        yield
        return
    with _hashing_with(PRODUCTION_HASHER, then=CHEAP_HASHER):
        yield


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never touch a developer's instance folder, database or broker from a test; and leave no
    commit listener behind (an app created in one test would otherwise index the next one's
    records on its own)."""
    monkeypatch.setenv("CHANJIAO_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    before, mail_before = events.listeners(), notifications.mail_listeners()
    yield
    for listener in events.listeners():
        if listener not in before:
            events.remove_listener(listener)
    for mail_listener in notifications.mail_listeners():
        if mail_listener not in mail_before:
            notifications.remove_mail_listener(mail_listener)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with regions, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_regions(session)
        session.commit()
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """The test PostgreSQL database, emptied and migrated once per session."""
    url = services.postgres_url()
    if url is None:
        services.unavailable("PostgreSQL", "set TEST_DATABASE_URL")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as exc:  # connection refused, auth…
        services.unavailable("PostgreSQL", exc)
    upgrade_to_head(str(engine.url.render_as_string(hide_password=False)))
    with Session(engine) as session:
        seed_regions(session)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, expire_on_commit=False)
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def make_org(db: Session) -> Callable[..., Organization]:
    """``tests.makers.make_organization`` on the rolled-back ``db`` session."""

    def make(name: str = "示例理工大学", kind: OrgKind = OrgKind.COLLEGE, **kw: Any) -> Organization:
        return make_organization(db, name, kind, **kw)

    return make


@pytest.fixture(params=BACKENDS)
def live_db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A committed database configured through ``DATABASE_URL``, for code that opens its own
    sessions (indexing, CLI). PostgreSQL's pool tables are emptied afterwards."""
    if request.param == "sqlite":
        path = tmp_path / "live.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        return
    engine = request.getfixturevalue("postgres_engine")
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    tables = [t for t in Base.metadata.sorted_tables if t.name != "regions"]
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives; ``MAIL_SERVER``
    and ``MAIL_PORT`` point at it."""
    server = SmtpServer()
    server.start()
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("MAIL_PORT", str(server.port))
    monkeypatch.setenv("MAIL_SENDER", "noreply@chanjiao.test")
    yield server
    server.stop()
