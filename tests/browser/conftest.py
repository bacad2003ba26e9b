"""Real headless Chromium against the application served by uvicorn on a local port.

Chromium comes from Debian's package (``make test`` installs it where missing); Playwright
drives it. Pages are reached at ``http://localhost:<port>``: browsers treat localhost as a
secure context, so the ``Secure`` / ``__Host-`` session cookies work as they do over HTTPS.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from ehoks.config import Settings
from ehoks.main import create_app
from tests.fakes.smtp import smtp_server  # noqa: F401 (fixture)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, app: Any, port: int) -> None:
        self.url = f"http://localhost:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(db, database_url, smtp_server, world) -> Iterator[LiveServer]:  # noqa: F811
    port = _free_port()
    settings = Settings(
        environment="test",
        database_url=database_url,
        public_url=f"http://localhost:{port}",
        smtp=smtp_server.settings(),
        dev_login=True,
    )
    with LiveServer(create_app(settings, engine=db), port) as server:
        server.settings = settings  # type: ignore[attr-defined]
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (make test installs Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fi-FI")
    yield context.new_page()
    context.close()


def accessibility_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA checks on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
    ]
