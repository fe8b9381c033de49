"""The page requests of a stress run: through the app's test client in this process, or over
HTTP to a real gunicorn on 127.0.0.1 running over the run's environment."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from web.tools.loadtest import free_port, wait_until_up


class WebClient:
    """GET requests through the app's test client (``port`` None), or over HTTP to 127.0.0.1."""

    def __init__(self, port: int | None) -> None:
        self.port = port
        self._lock = threading.Lock()
        if port is None:
            from web import create_app

            self.client = create_app({"TESTING": True}).test_client()

    def get(self, url: str) -> tuple[int, str]:
        """(status, body); status 0 when the server did not answer."""
        if self.port is None:
            with self._lock:  # one test client is one cookie jar: one request at a time
                response = self.client.get(url)
                try:
                    return response.status_code, response.get_data(as_text=True)
                finally:
                    response.close()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request("GET", url)
            reply = connection.getresponse()
            return reply.status, reply.read().decode("utf-8", "replace")
        except OSError as exc:
            return 0, f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()


@contextmanager
def gunicorn_server(enabled: bool) -> Iterator[int | None]:
    """One gunicorn worker (4 threads) over the run's environment, stopped afterwards; its port,
    or None when not ``enabled``."""
    if not enabled:
        yield None
        return
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4", "--timeout", "120",
                               "--bind", f"127.0.0.1:{port}", "web:create_app()"],
                              env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", 90)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
