"""One HTTP client per registry, all built the same way: request decoration, timeouts, retries
of idempotent reads, the circuit breaker, and the translation of every failure into
``RegistryUnavailable`` (reference integrations 2.2 and 2.5; house style 9.5).

What a registry's answer *means* (found, not found, refused) is decided by the caller's
``answer`` function, because each registry says "not found" its own way.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from ehoks.errors import RegistryUnavailable
from ehoks.logsafe import redact
from ehoks.registries.http.resilience import CircuitBreaker
from ehoks.settings.registries import RegistrySettings

log = logging.getLogger("ehoks.registries")

T = TypeVar("T")

# Gateways answer these when the service behind them is down or restarting; worth another try.
TRANSIENT_STATUSES = frozenset({502, 503, 504})


class Unanswered(Exception):
    """One try got no usable answer (no connection, no answer in time, a dropped connection, a
    gateway status). Retried on reads; becomes ``RegistryUnavailable`` when tries run out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnexpectedAnswer(RegistryUnavailable):
    """The registry answered with a status (or body) that has no meaning for the call.

    It is still "unavailable" to the user (503: we cannot decide without it), but a 4xx means
    the registry itself is up, so it does not count toward opening the circuit.
    """

    def __init__(self, registry: str, status: int, reason: str, *, retry_after: int = 30) -> None:
        super().__init__(registry, reason, retry_after=retry_after)
        self.status = status
        self.counts_against_registry = status >= 500


def segment(value: str | int) -> str:
    """``value`` as one path segment. OIDs and code URIs need no escaping, but an identifier
    that reached us unvalidated must not be able to change the path (``../``, ``?``)."""
    return quote(str(value), safe="")


def make_httpx_client(
    base_url: str,
    settings: RegistrySettings,
    *,
    auth: httpx.Auth | None = None,
    transport: httpx.BaseTransport | None = None,
    follow_redirects: bool = True,
) -> httpx.Client:
    """The ``httpx.Client`` of one registry: its own connection pool, explicit timeouts, and
    the ``Caller-Id`` and ``CSRF`` header and cookie that OPH services expect on every call."""
    return httpx.Client(
        base_url=base_url,
        auth=auth,
        headers={
            "Caller-Id": settings.caller_id,
            "CSRF": settings.caller_id,
            "Accept": "application/json",
        },
        cookies={"CSRF": settings.caller_id},
        timeout=httpx.Timeout(
            settings.read_timeout_seconds, connect=settings.connect_timeout_seconds
        ),
        limits=httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_connections,
        ),
        follow_redirects=follow_redirects,
        transport=transport,
    )


class RegistryHttpClient:
    """Calls to one registry. ``call`` sends a request through the circuit breaker, retries it
    when it is a read that got no usable answer, and hands the answer to ``answer``."""

    def __init__(
        self,
        registry: str,
        base_url: str,
        settings: RegistrySettings,
        *,
        auth: httpx.Auth | None = None,
        transport: httpx.BaseTransport | None = None,
        follow_redirects: bool = True,
    ) -> None:
        self.registry = registry
        self.retry_after = max(1, math.ceil(settings.breaker_reset_seconds))
        self.breaker = CircuitBreaker(
            registry,
            threshold=settings.breaker_failure_threshold,
            reset_seconds=settings.breaker_reset_seconds,
        )
        self._http = make_httpx_client(
            base_url, settings, auth=auth, transport=transport, follow_redirects=follow_redirects
        )
        self._attempts = settings.retry_attempts
        self._wait = wait_exponential_jitter(
            multiplier=settings.retry_backoff_seconds,
            max=settings.retry_backoff_max_seconds,
            jitter=settings.retry_backoff_seconds / 2,
        )

    def call(
        self,
        method: str,
        url: str,
        answer: Callable[[httpx.Response], T],
        *,
        read: bool,
        **request: Any,
    ) -> T:
        """Send ``method url`` and return what ``answer`` makes of the response.

        ``read`` says the request changes nothing, so it may be sent again (GETs, and POSTs
        that only look things up). Raises ``RegistryUnavailable`` when no usable answer came.
        """
        with self.breaker.guard():
            response = self._send(method, url, read=read, **request)
            return answer(response)

    def close(self) -> None:
        self._http.close()

    def unavailable(self, reason: str) -> RegistryUnavailable:
        return RegistryUnavailable(self.registry, reason, retry_after=self.retry_after)

    def unexpected(
        self, response: httpx.Response, detail: str = "", *, level: int = logging.WARNING
    ) -> UnexpectedAnswer:
        """Log an answer the call has no meaning for (with its status and ``detail``) and
        return the error to raise."""
        request = response.request
        log.log(
            level,
            "%s answered %s %s with HTTP %s%s",
            self.registry,
            request.method,
            # The path may name a learner (ONR, Koski): no person OID in a log line.
            redact(str(request.url.copy_remove_param("ticket"))),
            response.status_code,
            f" ({redact(detail)})" if detail else "",
        )
        reason = f"it answered HTTP {response.status_code}" + (f", {detail}" if detail else "")
        return UnexpectedAnswer(
            self.registry, response.status_code, reason, retry_after=self.retry_after
        )

    def json(self, response: httpx.Response) -> Any:
        """The response's JSON; a body that is not JSON is an unexpected answer."""
        try:
            return response.json()
        except ValueError:
            raise self.unexpected(response, "a body that is not JSON") from None

    def _send(self, method: str, url: str, *, read: bool, **request: Any) -> httpx.Response:
        retrying = Retrying(
            stop=stop_after_attempt(self._attempts if read else 1),
            wait=self._wait,
            retry=retry_if_exception_type(Unanswered),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return retrying(self._try_once, method, url, **request)
        except Unanswered as exc:
            log.warning("%s unavailable: %s %s: %s", self.registry, method, redact(url), exc.reason)
            raise self.unavailable(exc.reason) from exc

    def _try_once(self, method: str, url: str, **request: Any) -> httpx.Response:
        try:
            response = self._http.request(method, url, **request)
        except httpx.TimeoutException as exc:
            raise Unanswered(f"no answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            # Connection refused or reset, DNS failure, a connection dropped mid-answer.
            raise Unanswered(f"the connection failed ({type(exc).__name__})") from exc
        if response.status_code in TRANSIENT_STATUSES:
            raise Unanswered(f"it answered HTTP {response.status_code}")
        return response

    def _log_retry(self, state: RetryCallState) -> None:
        outcome = state.outcome
        reason = outcome.exception() if outcome is not None else None
        log.info(
            "%s: try %d failed (%s); trying again", self.registry, state.attempt_number, reason
        )
