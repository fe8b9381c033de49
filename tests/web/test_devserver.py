"""web/devserver.py: the demo server's own refusals are in Chinese."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from web.devserver import ChineseRefusals


@pytest.fixture
def server() -> Iterator[int]:
    app = Flask(__name__)
    app.add_url_rule("/", "index", lambda: "好")
    srv = make_server("127.0.0.1", 0, app, threaded=True, request_handler=ChineseRefusals)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_port
    finally:
        srv.shutdown()
        thread.join(5)


def ask(port: int, raw: bytes) -> tuple[str, str]:
    """The status line and headers (empty where the request was too malformed to have an HTTP
    version: the answer is then the body alone), and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    if not data.startswith(b"HTTP/"):
        return "", data.decode("utf-8")
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body.decode("utf-8")


@pytest.mark.parametrize("raw, status, said", [
    (b"GET /?q=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "414", "请求地址过长"),
    (b"GET\r\n\r\n", "400", "请求格式有误"),
    (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", "505", "不支持的 HTTP 版本"),
    (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(120)) + b"\r\n", "431", "请求头过大或过多"),
])
def test_the_servers_own_refusals_are_said_in_chinese(server: int, raw: bytes, status: str, said: str) -> None:
    head, body = ask(server, raw)
    assert not head or (head.split()[1] == status and "charset=utf-8" in head)
    assert said in body and f"错误代码 {status}" in body and "Error response" not in body


def test_an_ordinary_request_still_reaches_the_app(server: int) -> None:
    head, body = ask(server, b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
    assert head.split()[1] == "200" and body == "好"
