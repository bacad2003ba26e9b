"""The registry ports answered by the real national services over HTTP
(``EHOKS_REGISTRIES_MODE=http``; reference ``ehoks-integrations.md`` sections 2–3).

Every client is built by ``client.RegistryHttpClient``: one ``httpx.Client`` per registry with
``Caller-Id``/``CSRF`` decoration and explicit timeouts, bounded retries of idempotent reads, a
circuit breaker per registry, and every failure turned into ``RegistryUnavailable`` (503 with
``Retry-After``; the domain never sees HTTP). Caches are per registry and sized and timed as
``RegistrySettings`` says.

Libraries, and why:

* **httpx** (already the project's HTTP client, DESIGN D10): a sync client with a connection
  pool, separate connect/read timeouts, pluggable ``Auth`` flows (``CasAuth`` resends a request
  with a fresh CAS ticket inside one call) and transports (``httpx.MockTransport`` lets the
  tests answer with recorded responses, the test seam of reference 2.6).
* **tenacity** for retries: the de-facto standard, typed, with exponential backoff with jitter
  and retry predicates, so only reads and only "no usable answer" failures are retried.
* **cachetools** for the TTL caches: ``TTLCache`` gives both bounds the reference asks for
  (entries and lifetime) and ships its own types; we add only a lock and "never cache not
  found".
* **purgatory** for the circuit breaker: maintained, typed, with a synchronous API. We guard its
  state transitions with a lock but never the call itself. pybreaker, the better-known choice,
  was rejected because it holds one lock for the whole duration of every guarded call, which
  would serialise all calls to a registry across the server's threads (and let one hanging
  Koski call block every other request's Koski call).
"""

from __future__ import annotations

import httpx

from ehoks.registries.eperusteet.schemas import KoulutuksenOsa, Peruste, TutkinnonOsa
from ehoks.registries.http.cas import CasAuth, CasClient
from ehoks.registries.http.client import RegistryHttpClient, UnexpectedAnswer
from ehoks.registries.http.eperusteet import HttpEperusteet
from ehoks.registries.http.koodisto import HttpKoodisto
from ehoks.registries.http.koski import HttpKoski
from ehoks.registries.http.onr import HttpOnr
from ehoks.registries.http.organisaatio import HttpOrganisaatio
from ehoks.registries.ports import Registries
from ehoks.settings.registries import RegistrySettings

__all__ = [
    "CasAuth",
    "CasClient",
    "HttpEperusteet",
    "HttpKoodisto",
    "HttpKoski",
    "HttpOnr",
    "HttpOrganisaatio",
    "KoulutuksenOsa",
    "Peruste",
    "RegistryHttpClient",
    "TutkinnonOsa",
    "UnexpectedAnswer",
    "build_http_registries",
    "close_registries",
]


def build_http_registries(
    settings: RegistrySettings, *, transport: httpx.BaseTransport | None = None
) -> Registries:
    """The five ports over HTTP, sharing one CAS client. ``transport`` replaces the network
    (tests); by default httpx opens real connections."""
    if not settings.cas_username or not settings.cas_password.get_secret_value():
        raise ValueError(
            "EHOKS_REGISTRIES__CAS_USERNAME and EHOKS_REGISTRIES__CAS_PASSWORD must be set "
            "when EHOKS_REGISTRIES_MODE=http (Koski and CAS need eHOKS's service account)"
        )
    cas = CasClient(settings, transport=transport)
    return Registries(
        koski=HttpKoski(settings, transport=transport),
        onr=HttpOnr(settings, cas=cas, transport=transport),
        organisaatio=HttpOrganisaatio(settings, transport=transport),
        koodisto=HttpKoodisto(settings, transport=transport),
        eperusteet=HttpEperusteet(settings, transport=transport),
    )


def close_registries(registries: Registries) -> None:
    """Close the connection pools of whichever clients have them (the HTTP ones)."""
    seen: set[int] = set()
    for client in (
        registries.koski,
        registries.onr,
        registries.organisaatio,
        registries.koodisto,
        registries.eperusteet,
    ):
        close = getattr(client, "close", None)
        if callable(close) and id(client) not in seen:
            seen.add(id(client))
            close()
