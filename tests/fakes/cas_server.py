"""A fake CAS (officials, ``/cas``) and CAS-oppija (learners, ``/cas-oppija``) that speaks the
real protocol over HTTP: login redirects with service tickets, CAS 3 ``serviceValidate`` XML,
logout, and the SAML ``LogoutRequest`` of single logout.

Tickets behave as CAS's do: single use (a second validation is ``INVALID_TICKET``), bound to
the service they were issued for (another service is ``INVALID_SERVICE``, and the ticket is
spent), and valid only at the CAS that issued them.

Test conveniences: ``add_user``/``add_virkailija``/``add_oppija`` register users,
``issue_ticket`` gives a ticket without a browser, and ``GET /cas/login?service=…&username=…``
logs a registered user straight in (302 to ``service?ticket=ST-…``).
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from ehoks.settings.auth import CasSettings
from tests.fakes import BackgroundServer

CAS = "cas"
CAS_OPPIJA = "cas-oppija"
REALMS = (CAS, CAS_OPPIJA)


@dataclass
class _Ticket:
    username: str
    service: str
    realm: str
    used: bool = False


@dataclass(frozen=True)
class Validation:
    """One ``serviceValidate`` request the fake answered."""

    realm: str
    """``cas`` or ``cas-oppija``."""
    path: str
    service: str | None
    ticket: str | None
    outcome: str
    """``SUCCESS`` or the CAS failure code (``INVALID_TICKET``, ``INVALID_SERVICE``, …)."""


class FakeCas:
    """State of the fake; ``start`` serves it. Thread-safe: tests change it while the server
    thread reads it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._server = BackgroundServer(self._app())
        self.base_url = ""
        self._users: dict[str, dict[str, list[str]]] = {}
        self._tickets: dict[str, _Ticket] = {}
        self._failures: list[int] = []
        self.validations: list[Validation] = []
        self.logouts: list[tuple[str, str | None]] = []
        """``(realm, service)`` of every ``/logout`` visit."""

    # Lifecycle.

    def start(self) -> FakeCas:
        self.base_url = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def reset(self) -> None:
        """Forget users, tickets, records and queued failures (between tests)."""
        with self._lock:
            self._users.clear()
            self._tickets.clear()
            self._failures.clear()
            self.validations.clear()
            self.logouts.clear()

    @property
    def url(self) -> str:
        """The officials' CAS base (``CasSettings.url``)."""
        return f"{self.base_url}/{CAS}"

    @property
    def oppija_url(self) -> str:
        """The CAS-oppija base (``CasSettings.oppija_url``)."""
        return f"{self.base_url}/{CAS_OPPIJA}"

    def settings(self, **overrides: object) -> CasSettings:
        """``CasSettings`` pointing at this fake."""
        values: dict[str, object] = {"url": self.url, "oppija_url": self.oppija_url}
        values.update(overrides)
        return CasSettings.model_validate(values)

    # Test set-up.

    def add_user(self, username: str, attributes: Mapping[str, str | Iterable[str]]) -> None:
        """Register a user with CAS attributes; an attribute with several values (``roles``)
        becomes one element per value."""
        values = {
            name: [value] if isinstance(value, str) else list(value)
            for name, value in attributes.items()
        }
        with self._lock:
            self._users[username] = values

    def add_virkailija(
        self,
        username: str,
        *,
        oid: str,
        roles: Iterable[str] = (),
        kayttaja_tyyppi: str = "VIRKAILIJA",
    ) -> None:
        """An official (or, with ``kayttaja_tyyppi="PALVELU"``, a service user)."""
        self.add_user(
            username,
            {"kayttajaTyyppi": kayttaja_tyyppi, "oidHenkilo": oid, "roles": list(roles)},
        )

    def add_oppija(
        self,
        username: str,
        *,
        person_oid: str,
        first_name: str = "Testi",
        surname: str = "Oppija",
        hetu: str = "010101A900T",
        impersonator_oid: str | None = None,
        impersonator_name: str = "Huoltaja Testi",
        impersonator_hetu: str = "010170-900T",
    ) -> None:
        """A learner as suomi.fi identification describes them; with ``impersonator_oid`` the
        login is someone acting for ``person_oid`` with valtuudet."""
        attributes: dict[str, str] = {
            "personOid": person_oid,
            "firstName": first_name,
            "sn": surname,
            "displayName": f"{first_name} {surname}",
            "nationalIdentificationNumber": hetu,
        }
        if impersonator_oid is not None:
            attributes |= {
                "impersonatorPersonOid": impersonator_oid,
                "impersonatorDisplayName": impersonator_name,
                "impersonatorNationalIdentificationNumber": impersonator_hetu,
            }
        self.add_user(username, attributes)

    def issue_ticket(self, username: str, service: str, *, oppija: bool = False) -> str:
        """A service ticket for a registered user, as a login would give."""
        return self._issue(username, service, CAS_OPPIJA if oppija else CAS)

    def fail_next(self, status: int = 503, *, times: int = 1) -> None:
        """Answer the next ``times`` validations with this HTTP status (an outage)."""
        with self._lock:
            self._failures.extend([status] * times)

    def logout_request_xml(self, ticket: str) -> str:
        """The SAML 2 ``LogoutRequest`` that CAS posts (form field ``logoutRequest``) to the
        service when the session of the login that gave ``ticket`` ends."""
        instant = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
            ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
            f' ID="LR-{next(self._counter)}-{secrets.token_hex(8)}" Version="2.0"'
            f' IssueInstant="{instant}">'
            "<saml:NameID>@NOT_USED@</saml:NameID>"
            f"<samlp:SessionIndex>{escape(ticket)}</samlp:SessionIndex>"
            "</samlp:LogoutRequest>"
        )

    # The protocol.

    def _issue(self, username: str, service: str, realm: str) -> str:
        with self._lock:
            if username not in self._users:
                raise KeyError(f"unknown CAS user {username!r}; add_user first")
            ticket = f"ST-{next(self._counter)}-{secrets.token_urlsafe(20)}-fakecas"
            self._tickets[ticket] = _Ticket(username, service, realm)
        return ticket

    def _validate(self, realm: str, path: str, service: str | None, ticket: str | None) -> str:
        with self._lock:
            outcome, body = self._check(realm, service, ticket)
            self.validations.append(Validation(realm, path, service, ticket, outcome))
        return body

    def _check(self, realm: str, service: str | None, ticket: str | None) -> tuple[str, str]:
        if not service or not ticket:
            return _failure(
                "INVALID_REQUEST", "'service' and 'ticket' parameters are both required"
            )
        if not ticket.startswith("ST-"):
            return _failure("INVALID_TICKET_SPEC", f"Ticket {ticket} is not a service ticket")
        issued = self._tickets.get(ticket)
        if issued is None or issued.realm != realm:
            return _failure("INVALID_TICKET", f"Ticket {ticket} not recognized")
        if issued.used:
            return _failure("INVALID_TICKET", f"Ticket {ticket} has already been used")
        # CAS spends a ticket on any validation attempt, also a failed one.
        issued.used = True
        if issued.service != service:
            return _failure("INVALID_SERVICE", f"Ticket {ticket} does not match service {service}")
        return "SUCCESS", _success(issued.username, self._users.get(issued.username, {}))

    def _app(self) -> Starlette:
        return Starlette(
            routes=[Mount(f"/{realm}", routes=self._routes(realm)) for realm in REALMS]
        )

    def _routes(self, realm: str) -> list[Route]:
        async def login(request: Request) -> Response:
            service = request.query_params.get("service")
            username = request.query_params.get("username")
            if not service:
                return HTMLResponse("<p>CAS: no service given</p>", 400)
            if not username:
                return HTMLResponse(_login_form(service))
            try:
                ticket = self._issue(username, service, realm)
            except KeyError:
                return HTMLResponse("<p>CAS: unknown user</p>", 401)
            separator = "&" if "?" in service else "?"
            return RedirectResponse(f"{service}{separator}ticket={ticket}", 302)

        async def logout(request: Request) -> Response:
            service = request.query_params.get("service")
            with self._lock:
                self.logouts.append((realm, service))
            if service:
                return RedirectResponse(service, 302)
            return HTMLResponse("<p>Logged out</p>")

        async def validate(request: Request) -> Response:
            with self._lock:
                failure = self._failures.pop(0) if self._failures else None
            if failure is not None:
                return Response("CAS is having a bad day", failure)
            body = self._validate(
                realm,
                request.url.path,
                request.query_params.get("service"),
                request.query_params.get("ticket"),
            )
            return Response(body, media_type="application/xml")

        return [
            Route("/login", login),
            Route("/logout", logout),
            Route("/serviceValidate", validate),
            Route("/p3/serviceValidate", validate),
        ]


def _success(username: str, attributes: Mapping[str, list[str]]) -> str:
    elements = "".join(
        f"<cas:{name}>{escape(value)}</cas:{name}>"
        for name, values in attributes.items()
        for value in values
    )
    return (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>\n"
        "  <cas:authenticationSuccess>\n"
        f"    <cas:user>{escape(username)}</cas:user>\n"
        f"    <cas:attributes>{elements}</cas:attributes>\n"
        "  </cas:authenticationSuccess>\n"
        "</cas:serviceResponse>\n"
    )


def _failure(code: str, message: str) -> tuple[str, str]:
    return code, (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>\n"
        f"  <cas:authenticationFailure code={quoteattr(code)}>{escape(message)}"
        "</cas:authenticationFailure>\n"
        "</cas:serviceResponse>\n"
    )


def _login_form(service: str) -> str:
    return (
        "<form method='get'><input type='hidden' name='service' "
        f"value={quoteattr(service)}><input name='username'><button>Log in</button></form>"
    )
