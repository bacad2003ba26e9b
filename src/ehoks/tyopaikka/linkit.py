"""The provider gives the workplace its part (law 531/2017 § 109 a ¶2–3): from the official's
HOKS page, "send the link" mails the responsible workplace instructor of a learning period, or
the working-life assessor of a demonstration, a login link to exactly what they are named for.

The link is the e-mail login's (``auth.email_login``, purpose ``tyopaikka``): it leads to the
one-time code and then to the person's own parts, decided by the access policy as any login of
theirs. Only an official who may change the HOKS (``update`` on its oppilaitos — its own
provider) sends, and only to an address the plan (or, for an assessor, the provider's assessor
contacts) records.

``send`` does it all in the caller's one transaction: checks the right, finds the address,
stores the link's challenge, writes the mail to the outbox (``ehoks.mail.outbox``) and records
the sending with its audit event. The worker mails it after the commit, so no mail goes out
inside a transaction (DESIGN D11) and the record and the mail are saved together or not at all
(before the outbox the record was a second transaction after the mail, and could be lost).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from ehoks.access.actor import OfficialActor
from ehoks.access.policy import Access
from ehoks.auth import email_login
from ehoks.context import UseCase
from ehoks.errors import BadRequest
from ehoks.hoks.errors import HoksNotFound
from ehoks.hoks.models import Hoks
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service.common import decide_on
from ehoks.mail.messages import login_link_mail
from ehoks.mail.outbox import enqueue_mail
from ehoks.tyopaikka.models import LinkkiLahetys
from ehoks.tyopaikka.repository import LinkRepository
from ehoks.virkailija.service import INSUFFICIENT, forbidden_as

Vastaanottaja = Literal["ohjaaja", "arvioija"]
LINK_PATH = "/ehoks/sahkoposti"


@dataclass(frozen=True)
class Recipient:
    """Someone on the HOKS page who can be sent a link: the instructor of a learning period,
    or an assessor of a demonstration whose address the provider recorded."""

    vastaanottaja: Vastaanottaja
    module_id: str
    """The learning period's or the demonstration's module-id."""
    arvioija_id: int | None
    nimi: str | None
    sahkoposti: str = field(repr=False)
    paikka: str | None
    """The workplace's or the demonstration environment's name."""
    alku: date | None
    loppu: date | None
    sent_at: datetime | None
    """When a link was last sent to them for this part; ``None``: never."""


@dataclass(frozen=True)
class PreparedLink:
    hoks_id: int
    recipient: Recipient
    url: str = field(repr=False)
    expires_at: datetime


class UnknownRecipient(BadRequest):
    def __init__(self, field_name: str) -> None:
        super().__init__(
            f"{field_name}: the HOKS names no instructor or assessor with an e-mail address here"
        )
        self.field_name = field_name


def recipients(session: Session, hoks_id: int) -> list[Recipient]:
    """Everyone the HOKS's page can send a link to, in the order of the document's parts,
    with when each was last sent one. The caller has decided the official may read the
    HOKS; whether they may send is decided again when they do."""
    repository = LinkRepository(session)
    sent = repository.latest_sent(hoks_id)
    found: list[Recipient] = []
    for period in repository.periods_with_instructor(hoks_id):
        assert period.ohjaaja_sahkoposti is not None
        found.append(
            Recipient(
                "ohjaaja",
                period.module_id,
                None,
                period.ohjaaja_nimi,
                period.ohjaaja_sahkoposti,
                period.tyopaikan_nimi,
                period.alku,
                period.loppu,
                sent.get((period.module_id, None)),
            )
        )
    demonstrations = repository.demonstrations(hoks_id)
    for contact in repository.assessor_contacts(hoks_id):
        naytto = demonstrations.get(contact.naytto_module_id)
        if naytto is None:  # a later write removed the demonstration
            continue
        found.append(
            Recipient(
                "arvioija",
                contact.naytto_module_id,
                contact.id,
                contact.nimi,
                contact.sahkoposti,
                naytto.nayttoymparisto_nimi,
                naytto.alku,
                naytto.loppu,
                sent.get((contact.naytto_module_id, contact.id)),
            )
        )
    return found


def send(
    session: Session,
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
    deps: UseCase,
    *,
    module_id: str,
    arvioija_id: int | None,
    now: datetime,
) -> PreparedLink:
    """Send the link to the part's instructor or assessor: 403 unless the official may change
    the HOKS, 400 naming the field when the part names nobody with an address. The challenge,
    the outbox's mail and the record of sending with its audit event are written in
    ``session``; the caller commits."""
    hoks = _checked(session, actor, oppija_oid, hoks_id, deps)
    recipient = next(
        (
            r
            for r in recipients(session, hoks.id)
            if r.module_id == module_id and r.arvioija_id == arvioija_id
        ),
        None,
    )
    if recipient is None:
        raise UnknownRecipient("arvioija" if arvioija_id is not None else "osa")
    link = email_login.create_link(
        session,
        sahkoposti=recipient.sahkoposti,
        purpose="tyopaikka",
        target=None,
        link_base_url=f"{deps.settings.public_url}{LINK_PATH}",
        settings=deps.settings.email_login,
        now=now,
    )
    enqueue_mail(
        session, login_link_mail(recipient.sahkoposti, link.url, link.expires_at, "tyopaikka")
    )
    LinkRepository(session).add(
        LinkkiLahetys(
            hoks_id=hoks.id,
            module_id=recipient.module_id,
            vastaanottaja=recipient.vastaanottaja,
            arvioija_id=recipient.arvioija_id,
            sent_at=now,
            sent_by=actor.audit_id,
        )
    )
    deps.audit(
        "send-link",
        hoks,
        Access("provider"),
        part=recipient.module_id,
        details={"vastaanottaja": recipient.vastaanottaja, "arvioija-id": recipient.arvioija_id},
    )
    return PreparedLink(hoks.id, recipient, link.url, link.expires_at)


def _checked(
    session: Session, actor: OfficialActor, oppija_oid: str, hoks_id: int, deps: UseCase
) -> Hoks:
    hoks = HoksRepository(session).get(hoks_id)
    if hoks is None or hoks.oppija_oid != oppija_oid:
        raise HoksNotFound()
    with forbidden_as(INSUFFICIENT):
        decide_on(session, actor, "update", hoks, deps)
    return hoks
