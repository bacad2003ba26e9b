"""An in-process stand-in for the registries: ``httpx.MockTransport`` routed by method and path
regex, recording every request (reference integrations 2.6, the test seam)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr

from ehoks.settings.registries import RegistrySettings

BASE = "https://virkailija.test"

Handler = Callable[[httpx.Request], httpx.Response]


def registry_settings(url: str = BASE, **overrides: Any) -> RegistrySettings:
    """Every registry under ``url``, with waits small enough for tests."""
    values: dict[str, Any] = {
        "caller_id": "1.2.246.562.10.00000000001.ehoks-tests",
        "cas_url": f"{url}/cas",
        "koski_url": f"{url}/koski",
        "onr_url": f"{url}/oppijanumerorekisteri-service",
        "organisaatio_url": f"{url}/organisaatio-service",
        "koodisto_url": f"{url}/koodisto-service",
        "eperusteet_url": f"{url}/eperusteet-service",
        "cas_username": "ehoks",
        "cas_password": SecretStr("ehoks-secret"),
        "connect_timeout_seconds": 1.0,
        "read_timeout_seconds": 5.0,
        "retry_attempts": 3,
        "retry_backoff_seconds": 0.002,
        "retry_backoff_max_seconds": 0.005,
        "breaker_failure_threshold": 3,
        "breaker_reset_seconds": 0.2,
    }
    values.update(overrides)
    return RegistrySettings(**values)


def json_response(status: int, body: Any) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )


class MockRegistry:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.on("POST", "/cas/v1/tickets", self._tgt)
        self.on("POST", "/cas/v1/tickets/TGT-.*", lambda r: httpx.Response(200, text="ST-mock"))

    def on(self, method: str, path: str, answer: Handler | httpx.Response | Any) -> None:
        """Answer ``method`` on ``path`` (regex) with a handler, a response, or a JSON body."""
        if callable(answer):
            handler = answer
        elif isinstance(answer, httpx.Response):
            handler = lambda _request: answer  # noqa: E731
        else:
            handler = lambda _request: json_response(200, answer)  # noqa: E731
        self._routes.insert(0, (method, re.compile(path), handler))

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if re.fullmatch(path, r.url.path)]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for method, pattern, handler in self._routes:
            if method == request.method and pattern.fullmatch(request.url.path):
                return handler(request)
        return json_response(404, [{"key": "notFound"}])

    @staticmethod
    def _tgt(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, headers={"Location": f"{BASE}/cas/v1/tickets/TGT-mock"})
