"""Local fakes of outside services that tests run as real HTTP servers on 127.0.0.1.

``BackgroundServer`` serves an ASGI app with uvicorn in a thread, on a port the kernel picks
(so parallel pytest-xdist workers never collide).
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


class BackgroundServer:
    """An ASGI app served on ``127.0.0.1:<free port>`` until ``stop``."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self, *, timeout: float = 10.0) -> str:
        # Binding the socket here, rather than giving uvicorn port 0, tells us the port before
        # the server runs and leaves no window for another process to take it.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app, log_level="warning", lifespan="off", access_log=False, timeout_keep_alive=1
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"fake-{port}", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("fake server did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    def stop(self, *, timeout: float = 10.0) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout)
        self._server = self._thread = None
