"""CAS and CAS-oppija, the protocol side of logging in (reference ``ehoks-integrations.md``
3.1, ``ehoks-backend.md`` 6.1 and 6.6): login and logout URLs, service ticket validation and
single-logout requests.

Officials and service users are validated with CAS 3 (``/p3/serviceValidate``), whose answer
carries ``kayttajaTyyppi``, ``oidHenkilo`` and the ``roles``. Learners log in with CAS-oppija
(suomi.fi identification), validated at ``/serviceValidate``; a login with valtuudet (acting on
someone's behalf) names both persons.

Every answer is parsed with ``defusedxml``: CAS's XML is trusted, but a single-logout request
is posted by anyone who can reach the login-return URL.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from ehoks.auth.errors import BadLogoutRequest, CasUnavailable, TicketRejected
from ehoks.settings.auth import CasSettings

log = logging.getLogger("ehoks.auth")

CAS_NS = "http://www.yale.edu/tp/cas"
SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
# CAS protocol 3.0, 3.1 and 3.7: tickets are printable ASCII (CAS's own are ST-/PT- and
# [A-Za-z0-9-]); services must accept 32 characters and should accept 256, so longer ones are
# allowed up to our own bound (the development CAS signs its tickets' content into them). Anything
# else is refused here, as CAS would refuse it (INVALID_TICKET_SPEC), without a call: CAS echoes
# the ticket in its XML answer, and a control character there made the answer unreadable (a 503
# for what is a bad credential).
TICKET = re.compile(r"[\x21-\x7e]{1,4096}")


@dataclass(frozen=True)
class CasUser:
    """An official or a service user, as CAS vouches for them."""

    username: str
    kayttaja_tyyppi: str | None
    """``VIRKAILIJA`` or ``PALVELU`` (reference 6.1)."""
    oid_henkilo: str | None
    roles: tuple[str, ...]
    """Every ``roles`` attribute in the order CAS gave them, e.g.
    ``ROLE_APP_EHOKS_CRUD_1.2.246.562.10.12424158689``."""


@dataclass(frozen=True)
class CasOppija:
    """A learner (or a guardian acting for one) as CAS-oppija vouches for them."""

    person_oid: str | None
    """``personOid``: the oppija the login is about. With valtuudet this is the person acted
    for, not the one logged in. ``None`` when the oppijanumerorekisteri does not know them."""
    first_name: str | None
    surname: str | None
    display_name: str | None
    using_valtuudet: bool
    """Someone logged in to act on ``person_oid``'s behalf (reference 6.6)."""
    impersonator_oid: str | None
    """``impersonatorPersonOid``: the person who logged in with valtuudet."""

    @property
    def acting_oid(self) -> str | None:
        """The OID of the person at the keyboard, as the original's session ``oid``."""
        return self.impersonator_oid if self.using_valtuudet else self.person_oid


class CasAuthClient:
    """Login URLs and ticket validation against CAS and CAS-oppija; thread-safe if the
    injected ``httpx.Client`` is (it is)."""

    def __init__(self, settings: CasSettings, http: httpx.Client) -> None:
        self._settings = settings
        self._http = http
        self._url = settings.url.rstrip("/")
        self._oppija_url = settings.oppija_url.rstrip("/")

    @property
    def settings(self) -> CasSettings:
        return self._settings

    def login_url(self, service: str, *, oppija: bool = False, lang: str | None = None) -> str:
        """Where to send a browser to log in; CAS redirects back to ``service?ticket=ST-…``.
        ``lang`` (``fi``/``sv``/``en``) picks CAS-oppija's language."""
        params = {"service": service}
        if oppija and lang:
            params["locale"] = lang
        base = self._oppija_url if oppija else self._url
        return f"{base}/login?{urlencode(params)}"

    def logout_url(self, service: str, *, oppija: bool = False) -> str:
        """Where to send a browser to end its CAS session; CAS then redirects to ``service``."""
        base = self._oppija_url if oppija else self._url
        return f"{base}/logout?{urlencode({'service': service})}"

    def validate(self, ticket: str, service: str) -> CasUser:
        """Validate an official's or a service user's ticket with CAS 3.

        Raises ``TicketRejected`` when CAS refuses it (unknown, used, expired, or issued for
        another service) and ``CasUnavailable`` when CAS gives no usable answer.
        """
        text = self._get(f"{self._url}/p3/serviceValidate", ticket, service, provider="CAS")
        success = _authentication_success(text, provider="CAS")
        user = _text(success.find(f"{{{CAS_NS}}}user"))
        if not user:
            raise CasUnavailable("authenticationSuccess without a user")
        attributes = _attributes(success)
        return CasUser(
            username=user,
            kayttaja_tyyppi=_first(attributes, "kayttajaTyyppi"),
            oid_henkilo=_first(attributes, "oidHenkilo"),
            roles=tuple(role for role in attributes.get("roles", []) if role),
        )

    def validate_oppija(self, ticket: str, service: str) -> CasOppija:
        """Validate a learner's CAS-oppija ticket.

        Valtuudet (reference 6.6): an ``impersonatorNationalIdentificationNumber`` or
        ``impersonatorDisplayName`` attribute means someone acts on ``personOid``'s behalf; the
        acting person is ``impersonatorPersonOid``.
        """
        text = self._get(
            f"{self._oppija_url}/serviceValidate", ticket, service, provider="CAS-oppija"
        )
        success = _authentication_success(text, provider="CAS-oppija")
        attributes = _attributes(success)
        using_valtuudet = (
            _first(attributes, "impersonatorNationalIdentificationNumber") is not None
            or _first(attributes, "impersonatorDisplayName") is not None
        )
        return CasOppija(
            person_oid=_first(attributes, "personOid"),
            first_name=_first(attributes, "firstName"),
            surname=_first(attributes, "sn") or _first(attributes, "surname"),
            display_name=_first(attributes, "displayName"),
            using_valtuudet=using_valtuudet,
            impersonator_oid=_first(attributes, "impersonatorPersonOid"),
        )

    @staticmethod
    def parse_logout_request(xml: str) -> str:
        """The ``SessionIndex`` (the service ticket of the login) of a CAS single-logout
        request; see ``parse_logout_request``."""
        return parse_logout_request(xml)

    def _get(self, url: str, ticket: str, service: str, *, provider: str) -> str:
        if not TICKET.fullmatch(ticket):
            log.warning("%s ticket refused unsent: not a CAS ticket", provider)
            raise TicketRejected("INVALID_TICKET_SPEC", "not a CAS ticket")
        params = {"service": service, "ticket": ticket}
        timeout = self._settings.timeout_seconds
        try:
            try:
                response = self._http.get(url, params=params, timeout=timeout)
            except httpx.RemoteProtocolError:
                # A pooled keep-alive connection that CAS had already closed: the request never
                # reached it (so the ticket is unspent); one fresh connection is safe to try.
                response = self._http.get(url, params=params, timeout=timeout)
        except httpx.RequestError as exc:
            raise CasUnavailable(type(exc).__name__, provider=provider) from exc
        if response.status_code != 200:
            # CAS answers a refused ticket with 200 and XML; anything else is not CAS speaking.
            raise CasUnavailable(f"HTTP {response.status_code}", provider=provider)
        return response.text


def parse_logout_request(xml: str) -> str:
    """The ``samlp:SessionIndex`` of the SAML 2 ``LogoutRequest`` that CAS posts (form field
    ``logoutRequest``) to the login-return URL for single logout. Raises ``BadLogoutRequest``
    when the XML is not one, has no session index, or uses DTDs or entities."""
    try:
        root = SafeElementTree.fromstring(xml)
    except (ParseError, DefusedXmlException) as exc:
        raise BadLogoutRequest(f"logoutRequest is not well-formed XML: {exc}") from exc
    if root.tag != f"{{{SAMLP_NS}}}LogoutRequest":
        raise BadLogoutRequest("logoutRequest is not a SAML 2 LogoutRequest")
    session_index = _text(root.find(f"{{{SAMLP_NS}}}SessionIndex"))
    if not session_index:
        raise BadLogoutRequest("logoutRequest has no SessionIndex")
    return session_index


def _authentication_success(text: str, *, provider: str) -> Element:
    try:
        root = SafeElementTree.fromstring(text)
    except (ParseError, DefusedXmlException) as exc:
        raise CasUnavailable(f"unreadable answer: {exc}", provider=provider) from exc
    if root.tag != f"{{{CAS_NS}}}serviceResponse":
        raise CasUnavailable("answer is not a CAS serviceResponse", provider=provider)
    failure = root.find(f"{{{CAS_NS}}}authenticationFailure")
    if failure is not None:
        code = failure.get("code", "UNKNOWN")
        # The code only: CAS's message repeats the ticket.
        log.warning("%s refused a service ticket: %s", provider, code)
        raise TicketRejected(code, _text(failure))
    success = root.find(f"{{{CAS_NS}}}authenticationSuccess")
    if success is None:
        raise CasUnavailable("neither authenticationSuccess nor failure", provider=provider)
    return success


def _attributes(success: Element) -> dict[str, list[str]]:
    """Attribute name → values, in document order. Names are taken without their namespace:
    CAS servers differ in whether the attributes are in the ``cas`` namespace."""
    attributes: dict[str, list[str]] = {}
    element = success.find(f"{{{CAS_NS}}}attributes")
    if element is None:
        return attributes
    for child in element:
        name = child.tag.rsplit("}", 1)[-1]
        attributes.setdefault(name, []).append(_text(child))
    return attributes


def _first(attributes: dict[str, list[str]], name: str) -> str | None:
    values = [value for value in attributes.get(name, []) if value]
    return values[0] if values else None


def _text(element: Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return element.text.strip()
