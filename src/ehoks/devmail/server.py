"""The catcher's SMTP server (aiosmtpd), in a thread of its own with its own event loop.

It takes any mail for any recipient and keeps it with ``store.save_mail``; it never relays.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP

from ehoks.devmail.store import save_mail, with_envelope
from ehoks.settings.mail import MailCatcherSettings

log = logging.getLogger(__name__)


class _KeepingHandler:
    def __init__(self, directory: Path, keep: int) -> None:
        self._directory = directory
        self._keep = keep

    async def handle_DATA(  # aiosmtpd calls hooks by these names
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        raw = with_envelope(raw, envelope.mail_from or "", list(envelope.rcpt_tos))
        try:
            mail_id = await asyncio.to_thread(save_mail, self._directory, raw, keep=self._keep)
        except OSError:
            log.exception("mail catcher could not keep a mail in %s", self._directory)
            return "451 4.3.0 Could not keep the mail"
        # The addresses are in the kept mail; a log line names none (personal data).
        log.info("mail catcher kept %s for %d recipient(s)", mail_id, len(envelope.rcpt_tos))
        return f"250 2.0.0 Kept as {mail_id}"


class MailCatcher:
    """An SMTP server on ``host:port`` that keeps every mail in ``directory``.

    ``start()`` binds the port (so a busy port fails there, with ``OSError``) and serves in a
    daemon thread until ``stop()``; also a context manager. Port 0 takes a free port, which
    ``port`` tells after the start.
    """

    def __init__(
        self, directory: Path, *, host: str = "127.0.0.1", port: int = 1025, keep: int = 500
    ) -> None:
        self.directory = directory
        self.host = host
        self.port = port
        self._handler = _KeepingHandler(directory, keep)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, settings: MailCatcherSettings) -> MailCatcher:
        return cls(settings.directory, host=settings.host, port=settings.port, keep=settings.keep)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the mail catcher is already running")
        self.directory.mkdir(parents=True, exist_ok=True)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.create_server((self.host, self.port), family=family)
        self.port = sock.getsockname()[1]
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                server = loop.run_until_complete(
                    loop.create_server(
                        lambda: SMTP(self._handler, hostname="ehoks-mailcatcher", loop=loop),
                        sock=sock,
                    )
                )
            except BaseException as error:
                failure.append(error)
                sock.close()
                loop.close()
                started.set()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                loop.run_until_complete(_end_sessions(server))
                loop.close()

        thread = threading.Thread(target=serve, name="ehoks-mailcatcher", daemon=True)
        thread.start()
        started.wait()
        if failure:
            thread.join()
            raise failure[0]
        self._loop, self._thread = loop, thread

    def stop(self) -> None:
        """Stop serving and release the port; nothing when not running."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None

    def __enter__(self) -> MailCatcher:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


async def _end_sessions(server: asyncio.Server) -> None:
    # Break off any SMTP session still open, so that closing the loop leaves no task pending.
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    try:
        await asyncio.wait_for(server.wait_closed(), timeout=5)
    except TimeoutError:
        log.warning("mail catcher: a connection stayed open at stop")
