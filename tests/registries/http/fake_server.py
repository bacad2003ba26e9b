"""A scriptable HTTP server on 127.0.0.1 that stands in for the national registries, so the
clients' timeouts, retries, circuit breaker and CAS handling are proved with real sockets.

Routes are (method, path regex) → a script of actions; each request takes the next action and
the last one repeats. An action is a ``Reply``, a ``Hang`` (answer only after a long wait), a
``Drop`` (close the connection in the middle of the answer) or a function of the request.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        if self.body is not None:
            return self.body.encode()
        if self.json is not None:
            return json.dumps(self.json, ensure_ascii=False).encode()
        return b""


@dataclass
class Hang:
    """Answer only after ``seconds`` (or when the server stops): longer than any read timeout."""

    seconds: float = 30.0


@dataclass
class Drop:
    """Send the status line, the headers and part of the body, then close the connection."""


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


Action = Reply | Hang | Drop | Callable[[Recorded], Reply]


class FakeRegistryServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._routes: list[tuple[str, re.Pattern[str], list[Action]]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        # A short poll interval makes ``stop`` quick (the default waits up to half a second).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def on(self, method: str, path: str, *actions: Action) -> None:
        """Answer ``method`` on paths matching ``path`` (a regex) with ``actions`` in turn.
        A later registration for the same requests wins."""
        with self._lock:
            self._routes.insert(0, (method, re.compile(path), list(actions)))

    def calls(self, method: str | None = None, path: str = "") -> list[Recorded]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and re.fullmatch(path or ".*", r.path)
            ]

    def start(self) -> FakeRegistryServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _count_in(self, step: int) -> None:
        with self._lock:
            self.in_flight += step
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _next_action(self, request: Recorded) -> Action:
        with self._lock:
            self.requests.append(request)
            for method, pattern, actions in self._routes:
                if method == request.method and pattern.fullmatch(request.path):
                    return actions.pop(0) if len(actions) > 1 else actions[0]
        return Reply(404, json=[{"key": "notFound", "message": "no such route in the fake"}])


def _handler(fake: FakeRegistryServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Recorded(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            action = fake._next_action(request)
            fake._count_in(1)
            try:
                if isinstance(action, Hang):
                    fake._stopping.wait(action.seconds)
                    action = Reply(200, json={})
                if isinstance(action, Drop):
                    self._drop()
                    return
                reply = action if isinstance(action, Reply) else action(request)
                self._reply(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timed out) first
            finally:
                fake._count_in(-1)

        def _reply(self, reply: Reply) -> None:
            content = reply.content()
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def _drop(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"oid": "1.2.')
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

        do_GET = _handle
        do_POST = _handle
        do_PUT = _handle
        do_DELETE = _handle

    return Handler


def closed_port_url() -> str:
    """A URL where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
