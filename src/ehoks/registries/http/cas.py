"""CAS tickets for eHOKS's own calls to CAS-protected registries (reference integrations 3.1
and 2.5): one ticket-granting ticket (TGT) per process, a fresh service ticket (ST) per call.

Refresh rules:

* The TGT is re-used until CAS refuses it (it then answers 404, e.g. after a CAS restart, or
  another 4xx once it has expired) or until ``cas_tgt_lifetime_seconds`` has passed; a refused
  TGT is replaced once and the ST asked for again.
* A target that answers 401, or redirects to the CAS login page, did not accept the ticket; the
  call is sent once more with a fresh ST (``CasAuth``). The original forced a new TGT there; we
  keep a TGT that CAS still accepts, since the next ST request replaces a refused one anyway.

A CAS that cannot give a ticket makes the call fail as unavailable (503). The original answered
401 "Unable to check access rights", which blames the caller for our service account.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass

import httpx

from ehoks.registries.http.client import RegistryHttpClient
from ehoks.settings.registries import RegistrySettings

log = logging.getLogger("ehoks.registries")

CAS = "CAS"


@dataclass(frozen=True)
class _Tgt:
    url: str
    expires_at: float


def cas_service(url: str) -> str:
    """The CAS ``service`` of a target service's base URL (reference 3.1): OPH's Spring
    services validate tickets at ``/j_spring_cas_security_check``, eHOKS at
    ``/cas-security-check``."""
    url = url.rstrip("/")
    if "ehoks-virkailija-backend" in url:
        return f"{url}/cas-security-check"
    return f"{url}/j_spring_cas_security_check"


class CasClient:
    """Hands out service tickets; thread-safe, one per process."""

    def __init__(
        self, settings: RegistrySettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = RegistryHttpClient(CAS, settings.cas_url, settings, transport=transport)
        self._credentials = {
            "username": settings.cas_username,
            "password": settings.cas_password.get_secret_value(),
        }
        self._lifetime = settings.cas_tgt_lifetime_seconds
        self._lock = threading.Lock()
        self._tgt: _Tgt | None = None

    def service_ticket(self, service: str) -> str:
        tgt = self._valid_tgt()
        ticket = self._request_service_ticket(tgt, service)
        if ticket is None:
            log.info("CAS refused the ticket-granting ticket; getting a new one")
            tgt = self._new_tgt(replacing=tgt)
            ticket = self._request_service_ticket(tgt, service)
            if ticket is None:
                raise self._http.unavailable(
                    "it refused a ticket-granting ticket it had just issued"
                )
        return ticket

    def close(self) -> None:
        self._http.close()

    def _valid_tgt(self) -> str:
        with self._lock:
            tgt = self._tgt
        if tgt is not None and tgt.expires_at > time.monotonic():
            return tgt.url
        return self._new_tgt(replacing=tgt.url if tgt else None)

    def _new_tgt(self, *, replacing: str | None) -> str:
        with self._lock:
            current = self._tgt
            # Another thread may have replaced the old ticket while this one waited for the lock.
            if (
                current is not None
                and current.url != replacing
                and current.expires_at > time.monotonic()
            ):
                return current.url
            # Held while asking: one TGT for all threads, not one each.
            url = self._http.call(
                "POST", "v1/tickets", self._tgt_answer, read=False, data=self._credentials
            )
            self._tgt = _Tgt(url=url, expires_at=time.monotonic() + self._lifetime)
            return url

    def _tgt_answer(self, response: httpx.Response) -> str:
        location = response.headers.get("location")
        if response.status_code == 201 and location:
            return str(response.url.join(location))
        if 400 <= response.status_code < 500:
            raise self._http.unexpected(
                response, "it refused eHOKS's service account", level=logging.ERROR
            )
        raise self._http.unexpected(response, "no ticket-granting ticket")

    def _request_service_ticket(self, tgt: str, service: str) -> str | None:
        return self._http.call("POST", tgt, self._st_answer, read=False, data={"service": service})

    def _st_answer(self, response: httpx.Response) -> str | None:
        ticket = response.text.strip()
        if response.is_success and ticket:
            return ticket
        if 400 <= response.status_code < 500:
            return None
        raise self._http.unexpected(response, "no service ticket")


def login_required(response: httpx.Response) -> bool:
    """The target did not accept the ticket: 401, or a redirect to the CAS login page."""
    if response.status_code == 401:
        return True
    return response.is_redirect and "/cas/login" in response.headers.get("location", "")


class CasAuth(httpx.Auth):
    """Sends a fresh service ticket with each request, as a ``ticket`` header and query
    parameter (reference 2.3), and sends the request once more with a new ticket when the
    target refuses the first."""

    def __init__(self, cas: CasClient, service: str) -> None:
        self._cas = cas
        self._service = service

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield self._with_ticket(request)
        if login_required(response):
            log.info(
                "%s refused the CAS service ticket; trying once with a new one", request.url.host
            )
            yield self._with_ticket(request)

    def _with_ticket(self, request: httpx.Request) -> httpx.Request:
        ticket = self._cas.service_ticket(self._service)
        request.url = request.url.copy_set_param("ticket", ticket)
        request.headers["ticket"] = ticket
        request.headers["Accept"] = "*/*"
        return request
