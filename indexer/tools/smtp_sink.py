"""A local SMTP server that receives and counts, for benchmarks: aiosmtpd on 127.0.0.1 in a
process of its own, as a real mail server is (in this process it would share the interpreter
lock with the sender it is timing). ``received`` is counted by the server's DATA handler.

aiosmtpd comes with the test extra (``pip install -e '.[test]'``). The tests' own server,
which keeps every parsed message for assertions, is ``tests/mail.py``.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import socket
import time
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from types import TracebackType
from typing import Any

START_SECONDS = 60.0


class SinkError(RuntimeError):
    """The server could not start (aiosmtpd missing, the port taken); the message is in Chinese."""


class _Count:
    def __init__(self, messages: Synchronized[int], recipients: Synchronized[int]) -> None:
        self.messages, self.recipients = messages, recipients

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self.messages.get_lock():
            self.messages.value += 1
        with self.recipients.get_lock():
            self.recipients.value += len(envelope.rcpt_tos)
        return "250 OK"


def _serve(port: int, messages: Synchronized[int], recipients: Synchronized[int], ready: Event, stop: Event) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Count(messages, recipients), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        stop.wait()
    finally:
        controller.stop()


class SmtpSink:
    """``with SmtpSink() as sink:`` a server at 127.0.0.1:``sink.port`` until the block ends."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        # spawn, not fork: the benchmark's process has threads (index jobs, the embedder's).
        context = multiprocessing.get_context("spawn")
        self._messages = context.Value("q", 0)
        self._recipients = context.Value("q", 0)
        self._ready, self._stop = context.Event(), context.Event()
        self._process = context.Process(target=_serve, name="chanjiao-smtp-sink", daemon=True,
                                        args=(self.port, self._messages, self._recipients, self._ready, self._stop))

    @property
    def received(self) -> int:
        """Messages the server accepted so far."""
        return int(self._messages.value)

    @property
    def recipients(self) -> int:
        return int(self._recipients.value)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until the server has accepted ``count`` messages (False: not within ``timeout``)."""
        deadline = time.monotonic() + timeout
        while self.received < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def __enter__(self) -> SmtpSink:
        if importlib.util.find_spec("aiosmtpd") is None:  # checked here: the child would only die quietly
            raise SinkError("需要 aiosmtpd 作为本机邮件服务器：pip install -e '.[test]'")
        self._process.start()
        if not self._ready.wait(START_SECONDS):
            self._process.kill()
            raise SinkError(f"本机 SMTP 服务器（127.0.0.1:{self.port}）未能启动")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._stop.set()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
