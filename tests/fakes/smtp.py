"""A real SMTP server for tests (aiosmtpd), on 127.0.0.1 and a port the kernel picks.

Use it from a test module with ``pytest_plugins = ["tests.fakes.smtp"]``; the fixtures are:

- ``smtp_server``: a fresh server per test. ``.messages`` holds every mail it took, parsed as
  ``email.message.EmailMessage``; ``.settings()`` gives ``SmtpSettings`` pointing at it;
  ``.link_to(address)`` and ``.code_to(address)`` pull the first link or the one-time code out of
  the latest mail to an address; ``.refuse(address, reply)`` makes it refuse a recipient.
- ``unreachable_smtp``: ``SmtpSettings`` for a port where nothing listens (connection refused).
- ``silent_smtp``: ``SmtpSettings`` for a server that accepts the connection and never answers
  (so the client times out), with a short timeout.

Mail leaves through the outbox: in a test with the database (``db``), reading what the server
received first runs the real outbox worker once over every due job (``deliver_outbox``),
sending to this server, as ``ehoks worker`` would have by then.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from ehoks.db import make_session_factory
from ehoks.mail.outbox import mail_handlers
from ehoks.mail.sender import SmtpMailer
from ehoks.outbox.worker import Worker
from ehoks.settings.mail import SmtpSettings
from ehoks.settings.outbox import OutboxSettings

LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Delivery:
    """One mail as the server took it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_RCPT(  # aiosmtpd calls hooks by these names
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self._server.refusals.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # aiosmtpd calls hooks by these names
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        raw = envelope.original_content or envelope.content
        # Line ends as a mail program shows them: SMTP carries CRLF, Python text has LF.
        message = BytesParser(policy=policy.default).parsebytes(raw.replace(b"\r\n", b"\n"))
        assert isinstance(message, EmailMessage)
        self._server.record(Delivery(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class _BoundController(Controller):
    """aiosmtpd's threaded controller on a socket bound before start, so the port is known and
    no other process can take it in between (parallel pytest-xdist workers never collide)."""

    def __init__(self, handler: Any, sock: socket.socket) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1])
        self._sock = sock

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class SmtpServer:
    """The server of one test and what it received."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self.refusals: dict[str, str] = {}
        self.before_read: Callable[[], object] | None = None
        """Run before what was received is read (the outbox's delivery, see the module)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.host, self.port = sock.getsockname()
        self._controller = _BoundController(_Handler(self), sock)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def record(self, delivery: Delivery) -> None:
        with self._lock:
            self._deliveries.append(delivery)

    @property
    def deliveries(self) -> list[Delivery]:
        self._deliver_first()
        with self._lock:
            return list(self._deliveries)

    @property
    def messages(self) -> list[EmailMessage]:
        self._deliver_first()
        with self._lock:
            return [delivery.message for delivery in self._deliveries]

    def _deliver_first(self) -> None:
        if self.before_read is not None:
            self.before_read()

    def settings(self, **overrides: Any) -> SmtpSettings:
        return SmtpSettings(host=self.host, port=self.port, timeout_seconds=5, **overrides)

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        """Answer ``reply`` to ``RCPT TO:<address>`` from now on."""
        self.refusals[address.lower()] = reply

    def to(self, address: str) -> list[EmailMessage]:
        """The mails delivered to ``address``, oldest first."""
        self._deliver_first()
        with self._lock:
            return [
                d.message
                for d in self._deliveries
                if address.lower() in (r.lower() for r in d.rcpt_tos)
            ]

    def latest_to(self, address: str) -> EmailMessage:
        mails = self.to(address)
        assert mails, f"no mail was delivered to {address}"
        return mails[-1]

    @staticmethod
    def plain_text(message: EmailMessage) -> str:
        """The text/plain body of ``message``."""
        return _plain_text(message)

    @staticmethod
    def html_text(message: EmailMessage) -> str | None:
        """The text/html body of ``message``, or ``None`` for a text-only mail."""
        return _html_text(message)

    def link_to(self, address: str) -> str:
        """The first link in the plain-text body of the latest mail to ``address``."""
        found = LINK.search(_plain_text(self.latest_to(address)))
        assert found, f"the latest mail to {address} has no link"
        return found.group(0)

    def code_to(self, address: str, *, digits: int = 6) -> str:
        """The one-time code (a lone run of ``digits`` digits) in the latest mail to
        ``address``."""
        pattern = re.compile(rf"(?<![\d.])[0-9]{{{digits}}}(?![\d.])")
        codes: set[str] = set(pattern.findall(_plain_text(self.latest_to(address))))
        assert len(codes) == 1, f"expected one {digits}-digit code, found {sorted(codes)}"
        return codes.pop()


def _plain_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the mail has no text/plain part"
    content = body.get_content()
    assert isinstance(content, str)
    return content


def _html_text(message: EmailMessage) -> str | None:
    body = message.get_body(preferencelist=("html",))
    if body is None or body.get_content_type() != "text/html":
        return None
    content = body.get_content()
    assert isinstance(content, str)
    return content


def deliver_outbox(engine: Engine, smtp: SmtpSettings, **settings: Any) -> int:
    """Run the real outbox worker over every job due now, sending mail through ``smtp``;
    returns how many jobs it attempted."""
    worker = Worker(
        make_session_factory(engine),
        mail_handlers(SmtpMailer(smtp)),
        OutboxSettings(**settings),
        context=lambda kind: None,  # the mail handlers need nothing of a job's context
    )
    return worker.drain()


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest) -> Iterator[SmtpServer]:
    server = SmtpServer()
    if "db" in request.fixturenames:
        server.before_read = lambda: deliver_outbox(
            request.getfixturevalue("db"), server.settings()
        )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def unreachable_smtp() -> Iterator[SmtpSettings]:
    # Bound but not listening: connections are refused, and the port stays ours meanwhile.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield SmtpSettings(host="127.0.0.1", port=sock.getsockname()[1], timeout_seconds=5)
    finally:
        sock.close()


@pytest.fixture
def silent_smtp() -> Iterator[SmtpSettings]:
    # Listening but never accepting: the kernel completes the handshake, the greeting never
    # comes, and the client's timeout is what ends the wait.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield SmtpSettings(host="127.0.0.1", port=sock.getsockname()[1], timeout_seconds=0.5)
    finally:
        sock.close()
