"""``chanjiao bench fuzz``: random and adversarial requests to every page and API operation, as
anonymous, a member enterprise, a student and staff, for a bounded time.

Targets are the app's own ``url_map`` (every rule and method; path ids drawn from the world's
records or made up) and, for the API, its OpenAPI document (query parameters and JSON or
multipart bodies). Values are random Unicode (U+FDFA, NUL, bidi marks, combining marks), huge,
negative and non-ASCII digits, deep JSON, long lists, unknown pools and ids, payloads; methods
are sometimes random. Logged-in users carry a valid CSRF token most of the time, so bodies
reach the views. Every 5xx and every request that raised instead of answering is reported with
what was sent; the run is reproducible from its seed.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.test import EnvironBuilder

from data.pools import Pool
from data.sheets.columns import columns_of
from web.boundary import MAX_ID

Echo = Callable[[str], None]
USERS = ("anonymous", "enterprise", "student", "staff")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
RELOGIN_EVERY = 150  # requests per user: a fuzzed logout must not turn the rest anonymous
# Field names the pages read besides the pools' column headers.
FORM_NAMES = ("csrf_token", "pool", "source_pool", "target_pool", "source_id", "target_id", "keep_id", "drop_id",
              "case_id", "teacher_id", "enterprise_id", "decision", "reason", "message", "reply", "purpose", "level",
              "materials", "action", "direction", "confirm", "comment", "password", "old", "new", "new2", "username",
              "display_name", "role", "org_name", "password2", "upload_id", "suffix", "file", "next")
QUERY_NAMES = ("q", "page", "k", "pool", "field", "region", "sort", "direction", "record_id", "action", "actor", "next")
_VARIABLE = re.compile(r"<(?:[^:>]+:)?([^>]+)>")  # <int:record_id> → record_id
PAYLOADS = ("<script>alert(1)</script>", "' OR '1'='1' --", "{{ 7*7 }}", "../../etc/passwd", "%00", "\\x00",
            "javascript:alert(1)", "//evil.example/", "/\t/evil.example", "NaN", "null", "[]", "{}", "true")


@dataclass
class Report:
    seed: int
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # 5xx and lost connections, with the request
    slowest: tuple[float, str] = (0.0, "")

    @property
    def ok(self) -> bool:
        return not self.failures


class Values:
    """Adversarial values from one seeded generator."""

    def __init__(self, rng: random.Random, ids: list[int]) -> None:
        self.rng, self.ids = rng, ids or [1]

    def unicode(self, size: int | None = None) -> str:
        """Random text over ranges that break things: controls and NUL, Latin, CJK, Arabic and
        other digits, superscripts, U+FDFA (expands ~18× under NFKC), bidi and combining
        marks, emoji (no lone surrogates: no client can send those)."""
        ranges = ((0, 0x20), (0x20, 0x7F), (0x80, 0x250), (0x300, 0x370), (0x660, 0x66A), (0x2070, 0x209F),
                  (0x200B, 0x2030), (0x4E00, 0x9FFF), (0xFDFA, 0xFDFB), (0xFF10, 0xFF5F), (0x1F300, 0x1F64F))
        n = size if size is not None else self.rng.choice((1, 3, 10, 40, 200))
        return "".join(chr(self.rng.randrange(*self.rng.choice(ranges))) for _ in range(n))

    def number(self) -> str:
        return self.rng.choice(("²", "٣", "１２", "-1", "0", "1", "2", "10", "1e3", "3.0", "0x10", " 5 ", "+1",
                                str(MAX_ID), str(MAX_ID + 1), str(2**63), str(10**20), "9" * 400, "1_000",
                                str(self.rng.choice(self.ids)), str(self.rng.randrange(1, 10**6))))

    def text(self) -> str:
        kind = self.rng.randrange(10)
        if kind == 0:
            return self.number()
        if kind == 1:
            return self.rng.choice(PAYLOADS)
        if kind == 2:
            return "ﷺ" * self.rng.choice((1, 20, 60, 300))
        if kind == 3:
            return self.rng.choice([p.value for p in Pool] + [p.label for p in Pool] + ["bogus", "user", ""])
        if kind == 4:  # a long list: a few random items, repeated (generating is not what is timed)
            items = [self.unicode(self.rng.randrange(1, 8)) for _ in range(5)]
            return "、".join(f"{self.rng.choice(items)}{i}" for i in range(self.rng.choice((5, 60, 3000))))
        if kind == 5:
            return self.unicode(40) * self.rng.choice((50, 500))
        if kind == 6:
            return self.rng.choice(("", " ", "\x00", "a\x00b", "\u202e反转", "\r\n", "是", "否", "公开", "已发布",
                                    "2026-12-31", "技术攻关", "approve", "reject", "accept", "感兴趣"))
        return self.unicode()

    def json(self, depth: int = 0) -> Any:
        kind = self.rng.randrange(12 if depth < 3 else 7)
        if kind < 3:
            return self.text()
        if kind == 3:
            return self.rng.choice((0, -1, 1, MAX_ID, MAX_ID + 1, 10**20, 2**64, 1.5, -0.0, 1e308))
        if kind == 4:
            return self.rng.choice((True, False, None))
        if kind == 5:
            return self.rng.choice(self.ids)
        if kind == 6:
            items = [self.text()[:100] for _ in range(3)]
            return [self.rng.choice(items) for _ in range(self.rng.choice((0, 3, 60, 2000)))]
        if kind == 7:
            deep: Any = self.text()
            for _ in range(self.rng.choice((10, 32, 33, 40))):  # deeper ones go as text (_json_body)
                deep = [deep] if self.rng.random() < 0.5 else {"a": deep}
            return deep
        return {self.text()[:40]: self.json(depth + 1) for _ in range(self.rng.randrange(1, 6))}


class TestClients:
    """Requests through one Flask test client per user (in this process)."""

    def __init__(self, app: Flask) -> None:
        self.clients = {user: app.test_client() for user in USERS}

    def open(self, user: str, url: str, method: str = "GET", **kwargs: Any) -> tuple[int, str]:
        response = self.clients[user].open(url, method=method, **kwargs)
        try:
            return response.status_code, response.get_data().decode("utf-8", "replace")  # exports are binary
        finally:
            response.close()


class HttpClients:
    """The same requests over HTTP to a server on 127.0.0.1, one cookie jar per user; werkzeug
    encodes each body exactly as the test client would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, dict[str, str]] = {user: {} for user in USERS}

    def open(self, user: str, url: str, method: str = "GET", **kwargs: Any) -> tuple[int, str]:
        environ = EnvironBuilder(path=url.split("?")[0], method=method, **kwargs).get_environ()
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and key != "HTTP_HOST"}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        jar = self.cookies[user]
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, url, body=environ["wsgi.input"].read(), headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            for line in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(line).items():
                    jar[name] = morsel.value
            return response.status, body
        finally:
            connection.close()


class Fuzzer:
    """Builds and sends one random request after another."""

    def __init__(self, app: Flask, world: Any, seed: int, transport: TestClients | HttpClients | None = None) -> None:
        self.app, self.world = app, world
        self.rng = random.Random(seed)
        self.values = Values(self.rng, sorted({i for ids in world.ids.values() for i in ids}))
        self.rules = [r for r in app.url_map.iter_rules()]
        self.openapi = app.test_client().get("/api/v1/openapi.json").get_json()
        self.headers = sorted({c.header for pool in Pool for c in columns_of(pool)} |
                              {c.attr for pool in Pool for c in columns_of(pool)})
        self.transport = transport or TestClients(app)
        self.sent = Counter[str]()
        self.tokens: dict[str, str] = {}
        for user in USERS[1:]:
            self._login(user)
            if self.transport.open(user, "/mine")[0] != 200:
                raise RuntimeError(f"模糊测试的账号无法登录（{user}）")

    # -- sessions -------------------------------------------------------------------------
    def _token(self, user: str) -> str:
        """The user's CSRF token (one per session, cached until the next login)."""
        if user not in self.tokens:
            page = self.transport.open(user, "/login")[1]
            found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
            self.tokens[user] = found.group(1) if found else ""
        return self.tokens[user]

    def _login(self, user: str) -> None:
        self.tokens.pop(user, None)
        self.transport.open(user, "/login", "POST", data={"username": self.world.usernames[user],
                                                          "password": self.world.password, "csrf_token": self._token(user)})
        self.tokens.pop(user, None)  # logging in starts a new session

    # -- requests -------------------------------------------------------------------------
    def _operation(self, rule: Rule, method: str) -> dict[str, Any] | None:
        if not rule.rule.startswith("/api/v1/"):
            return None
        path = _VARIABLE.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
        return (self.openapi["paths"].get(path) or {}).get(method.lower())

    def _path(self, rule: Rule) -> str:
        """The rule's path with each variable filled: mostly a real id or pool, sometimes not."""
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if isinstance(rule._converters.get(name), IntegerConverter):  # werkzeug keeps no public map
                value = self.rng.choice((str(self.rng.choice(self.values.ids)),) * 4 + (self.values.number(),))
            elif "pool" in name and self.rng.random() < 0.8:
                value = self.rng.choice(list(Pool)).value
            elif name == "name" and self.rng.random() < 0.7:
                value = self.rng.choice(("style.css", "swagger-ui.css", "api-docs.js"))
            else:
                value = self.values.text()[:300] or "x"
            return urllib.parse.quote(value, safe="")

        return _VARIABLE.sub(fill, rule.rule)

    def _query(self, operation: dict[str, Any] | None) -> dict[str, str]:
        names = [p["name"] for p in (operation or {}).get("parameters", []) if p.get("in") == "query"]
        names = names or list(QUERY_NAMES)
        chosen = self.rng.sample(names, self.rng.randrange(0, min(len(names), 4) + 1))
        if self.rng.random() < 0.2:
            chosen.append(self.values.unicode(5))
        # Mostly short enough for a server's request line (gunicorn: 4 KB), sometimes not.
        return {name: self.values.text()[:3000 if self.rng.random() < 0.1 else 200] for name in chosen}

    def request(self) -> tuple[str, str, str, dict[str, Any]]:
        """(user, method, url, keyword arguments of ``client.open``)."""
        user = self.rng.choice(USERS)
        rule = self.rng.choice(self.rules)
        allowed = sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"})
        method = self.rng.choice(allowed) if self.rng.random() < 0.9 else self.rng.choice(METHODS)
        operation = self._operation(rule, method)
        url = self._path(rule)
        query = self._query(operation)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        kwargs: dict[str, Any] = {"headers": {}}
        csrf = self.rng.random() < 0.85
        if rule.rule.startswith("/api/") and user != "anonymous" and self.rng.random() < 0.5:
            kwargs["headers"]["Authorization"] = f"Bearer {self.world.tokens[user]}"
        elif csrf and user != "anonymous" and method not in ("GET", "HEAD", "OPTIONS"):
            kwargs["headers"]["X-CSRFToken"] = self._token(user)
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            body = ((operation or {}).get("requestBody") or {}).get("content", {})
            if "application/json" in body or (rule.rule.startswith("/api/") and self.rng.random() < 0.5):
                kwargs["data"] = self._json_body()
                kwargs["content_type"] = "application/json"
            else:
                kwargs["data"] = self._form(user, csrf, upload="multipart/form-data" in body or "import" in rule.rule)
        return user, method, url, kwargs

    def _json_body(self) -> str:
        if self.rng.random() < 0.1:
            return self.rng.choice(("[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, "{", "\x00", ""))
        body = {self.rng.choice(self.headers + list(FORM_NAMES)): self.values.json()
                for _ in range(self.rng.randrange(0, 8))}
        return json.dumps(body if self.rng.random() < 0.9 else self.values.json(), ensure_ascii=self.rng.random() < 0.5)

    def _form(self, user: str, csrf: bool, upload: bool) -> dict[str, Any]:
        names = self.rng.sample(self.headers + list(FORM_NAMES), self.rng.randrange(0, 10))
        form: dict[str, Any] = {name: self.values.text()[:5000] for name in names if name != "file"}
        if csrf and user != "anonymous":
            form["csrf_token"] = self._token(user)
        if upload or "file" in names:
            content = self.rng.choice((b"", b"PK\x03\x04", "名称,发布单位\n产线,示例\n".encode(), bytes(range(256)),
                                       b"\xef\xbb\xbf" + self.values.text().encode("utf-8", "replace")))
            form["file"] = (io.BytesIO(content), self.rng.choice(("a.csv", "a.xlsx", "a.pdf", self.values.text()[:50])))
        return form

    def send(self, report: Report, echo: Echo) -> None:
        user, method, url, kwargs = self.request()
        self.sent[user] += 1
        if user != "anonymous" and self.sent[user] % RELOGIN_EVERY == 0:
            self._login(user)
        started = time.perf_counter()
        what = f"{user} {method} {url[:300]} {_describe(kwargs)}"
        try:
            status, body = self.transport.open(user, url, method, **kwargs)
            body = body[:300] if status >= 500 else ""
        except Exception as exc:  # the server did not answer: as a lost connection would be
            status, body = 0, f"{type(exc).__name__}: {exc}"[:300]
        elapsed = time.perf_counter() - started
        report.requests += 1
        report.statuses[status] += 1
        if elapsed > report.slowest[0]:
            report.slowest = (elapsed, what)
        if status >= 500 or status == 0:
            report.failures.append(f"{'无应答' if status == 0 else status}: {what} → {body}")
            echo(f"  ✗ {report.failures[-1][:600]}")


def _describe(kwargs: dict[str, Any]) -> str:
    data = kwargs.get("data")
    if isinstance(data, dict):
        data = {k: (v[1] if isinstance(v, tuple) else v[:80]) for k, v in data.items()}
    shown = json.dumps(data, ensure_ascii=False)[:400] if data is not None else ""
    auth = "Bearer" if "Authorization" in kwargs.get("headers", {}) else ""
    return " ".join(part for part in (auth, shown) if part)


def run_fuzz(seconds: float, seed: int | None, echo: Echo, gunicorn: bool = False) -> Report:
    """Fuzz a throwaway copy of the site (see ``web.tools.fuzz_world``) for ``seconds``, through the
    Flask test client or (``gunicorn``) a real gunicorn with 2 workers on 127.0.0.1."""
    from web import create_app
    from web.tools.fuzz_world import build_world, throwaway_instance

    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    report = Report(seed)
    with throwaway_instance() as folder:
        started = time.monotonic()
        world = build_world(folder)
        echo(f"种子 {seed}；数据：{'演示数据副本' if world.source == 'demo copy' else '小型联盟'}"
             f"（{sum(len(v) for v in world.ids.values())} 条记录），准备用时 {time.monotonic() - started:.1f} 秒")
        app = create_app({"TESTING": True})  # rate limits off; CSRF on, as in production
        with _server(gunicorn) as port:
            fuzzer = Fuzzer(app, world, seed, HttpClients(port) if port else None)
            echo(f"经由 {'gunicorn（2 个 worker，127.0.0.1:' + str(port) + '）' if port else 'Flask 测试客户端'}")
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                fuzzer.send(report, echo)
    statuses = "，".join(f"{status or '无应答'}: {count}" for status, count in sorted(report.statuses.items()))
    echo(f"共 {report.requests} 次请求（{seconds:.0f} 秒，{len(fuzzer.rules)} 条路由 × {len(USERS)} 类用户）；按状态：{statuses}")
    echo(f"最慢一次 {report.slowest[0]:.2f} 秒：{report.slowest[1][:200]}")
    echo(f"5xx 或无应答：{len(report.failures)} 次" + ("" if report.ok else "（见上，用同一种子可复现）"))
    return report


@contextmanager
def _server(gunicorn: bool) -> Iterator[int | None]:
    """A gunicorn over the throwaway instance (its environment), stopped afterwards; or None."""
    if not gunicorn:
        yield None
        return
    from web.tools.loadtest import free_port, wait_until_up

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "120",
                               "--bind", f"127.0.0.1:{port}", "web:create_app()"],
                              env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", 90)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
