"""Service tickets of the development CAS and the CAS XML answers.

A ticket carries what the validation answers (the realm, the user name and the CAS attributes)
and is signed with an HMAC over that, the service it was issued for, an expiry and a nonce. So
no table is needed and the validation endpoint needs no database (it runs on the event loop,
never waiting for a worker thread while our own CAS client holds one).

Unlike a real CAS ticket, one of these is not single use: it stays valid until it expires.
That is acceptable in development only, which is the only place this CAS exists.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ehoks.kernel.ids import new_token

TICKET_TTL_SECONDS = 300
PREFIX = "ST-"
# Separates this use of the token secret from the access tokens it also signs.
_KEY_LABEL = b"ehoks-devcas-service-ticket"


@dataclass(frozen=True)
class Vouched:
    """What a valid ticket says: who logged in and their CAS attributes."""

    username: str
    attributes: dict[str, list[str]]


class TicketRefused(Exception):
    """The CAS failure ``code`` (``INVALID_REQUEST``, ``INVALID_TICKET_SPEC``,
    ``INVALID_TICKET``) and its message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _KEY_LABEL, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str, service: str) -> str:
    message = payload.encode() + b"\x00" + service.encode()
    return _b64(hmac.new(_key(secret), message, hashlib.sha256).digest())


def issue(
    secret: str,
    *,
    realm: str,
    username: str,
    attributes: Mapping[str, Sequence[str]],
    service: str,
    now: float | None = None,
) -> str:
    """``ST-<payload>.<signature>``: the payload is URL-safe base64 of JSON."""
    issued = time.time() if now is None else now
    body = {
        "r": realm,
        "u": username,
        "a": {name: list(values) for name, values in attributes.items()},
        "e": int(issued) + TICKET_TTL_SECONDS,
        "n": new_token(12),
    }
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{PREFIX}{payload}.{_mac(secret, payload, service)}"


def validate(
    secret: str,
    *,
    realm: str,
    ticket: str | None,
    service: str | None,
    now: float | None = None,
) -> Vouched:
    """The ticket's user, or ``TicketRefused``. A ticket shown with another service than it
    was issued for fails its signature, so it is ``INVALID_TICKET`` (a real CAS would say
    ``INVALID_SERVICE``; our client treats both as a refusal)."""
    if not ticket or not service:
        raise TicketRefused(
            "INVALID_REQUEST", "'service' and 'ticket' parameters are both required"
        )
    if not ticket.startswith(PREFIX):
        raise TicketRefused("INVALID_TICKET_SPEC", "not a service ticket")
    payload, _, signature = ticket[len(PREFIX) :].partition(".")
    if not hmac.compare_digest(signature.encode(), _mac(secret, payload, service).encode()):
        raise TicketRefused("INVALID_TICKET", "ticket not recognized")
    try:
        body = json.loads(_unb64(payload))
        expires = int(body["e"])
        username = str(body["u"])
        attributes = {str(k): [str(v) for v in vs] for k, vs in dict(body["a"]).items()}
        issued_in = str(body["r"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise TicketRefused("INVALID_TICKET", "ticket not recognized") from exc
    if issued_in != realm:
        raise TicketRefused("INVALID_TICKET", "ticket not recognized")
    if (time.time() if now is None else now) > expires:
        raise TicketRefused("INVALID_TICKET", "ticket expired")
    return Vouched(username, attributes)


def success_xml(vouched: Vouched) -> str:
    """CAS 3 ``authenticationSuccess``: one element per attribute value."""
    elements = "".join(
        f"<cas:{name}>{escape(value)}</cas:{name}>"
        for name, values in vouched.attributes.items()
        for value in values
    )
    return (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>\n"
        "  <cas:authenticationSuccess>\n"
        f"    <cas:user>{escape(vouched.username)}</cas:user>\n"
        f"    <cas:attributes>{elements}</cas:attributes>\n"
        "  </cas:authenticationSuccess>\n"
        "</cas:serviceResponse>\n"
    )


def failure_xml(refused: TicketRefused) -> str:
    return (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>\n"
        f"  <cas:authenticationFailure code={quoteattr(refused.code)}>"
        f"{escape(refused.message)}</cas:authenticationFailure>\n"
        "</cas:serviceResponse>\n"
    )
