"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it receives."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Keep:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.server.refusing:
            return "451 4.3.0 try again later"
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.server.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpServer:
    """``received``: (recipients, parsed message) in arrival order; ``refusing``: answer every
    message with a temporary failure; ``stop()`` then ``start()`` again: the server is down."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refusing = False
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def bodies(self) -> list[str]:
        found = []
        for _, message in self.received:
            body = message.get_body(("plain",))
            assert body is not None
            found.append(str(body.get_content()))
        return found
