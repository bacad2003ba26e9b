"""Real headless Chromium against the application served by uvicorn on a local port.

Chromium comes from Debian's package (``make test`` installs it where missing); Playwright
drives it. Pages are reached at ``http://localhost:<port>``: browsers treat localhost as a
secure context, so the ``Secure`` / ``__Host-`` session cookies work as they do over HTTPS.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


# Shared checks for every page of every journey.

LANGUAGES = ("fi", "sv", "en")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(os.environ.get("EHOKS_SCREENSHOTS", "var/screenshots"))


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    width: int = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )
    return max(width, 0)


def check_page(
    page: Any, *, languages: tuple[str, ...] = LANGUAGES, shot: str | None = None
) -> None:
    """The page as it is now, in each language (switched with the page's own language links,
    then back to the first): 0 axe violations, ``<html lang>`` right, no horizontal overflow at
    360 px, no raw JSON body. ``shot`` saves desktop and phone screenshots under SCREENSHOTS."""
    original = page.url
    viewport = page.viewport_size
    for lang in languages:
        if lang != languages[0] or "lang=" not in original:
            page.goto(_with_lang(original, lang))
        assert page.evaluate("() => document.documentElement.lang") == lang
        body = page.evaluate("() => document.body.innerText.trim()")
        assert not body.startswith(("{", "[")), f"JSON shown at {page.url}"
        iso = ISO_DATE.search(body)
        assert iso is None, f"{page.url} shows an ISO date {iso.group(0) if iso else ''}"
        violations = accessibility_violations(page)
        assert violations == [], f"{page.url}: {violations}"
        page.set_viewport_size(PHONE)
        overflow = horizontal_overflow(page)
        assert overflow == 0, f"{page.url} is {overflow}px too wide at 360px"
        if shot and lang == languages[0]:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{shot}-360.png"), full_page=True)
            page.set_viewport_size(DESKTOP)
            page.screenshot(path=str(SCREENSHOTS / f"{shot}-desktop.png"), full_page=True)
        page.set_viewport_size(viewport or DESKTOP)
    page.goto(_with_lang(original, languages[0]))


def _with_lang(url: str, lang: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", lang)])))


def pytest_report_header(config: Any) -> str:
    return f"browser screenshots: {SCREENSHOTS.resolve()}"
