"""What a verified e-mail address sees: for every HOKS where it is a named responsible
instructor, a named assessor, or holds a valid share or consent, the scoped view of exactly
those parts. Every HOKS shown is a read, authorised by the policy and audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import EmailActor
from ehoks.access.policy import EmailGrants
from ehoks.access.repository import AccessRepository
from ehoks.context import UseCase
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.scoped import scoped_view
from ehoks.hoks.service.common import decide_on, full_view
from ehoks.kernel.clock import today_in_finland
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.oppijaindex.repository import OppijaIndexRepository
from ehoks.sharing.models import Jako
from ehoks.sharing.repository import JakoRepository


@dataclass(frozen=True)
class MyParts:
    """One HOKS as its workplace reader sees it, with why: ``grants`` names the parts the
    address holds as instructor and assessor, ``jaot`` the shares and consents in force for it
    (their windows and purposes are what the page says about them)."""

    hoks_id: int
    oppija_nimi: str | None
    opiskeluoikeus: IndexOpiskeluoikeus | None
    peruste: str
    document: dict[str, Any]
    grants: EmailGrants
    jaot: tuple[Jako, ...]


def is_known_address(session: Session, sahkoposti: str) -> bool:
    """Whether the address is named anywhere it could log in to (decides whether a login
    link is mailed; the answer is never shown to the visitor)."""
    return bool(AccessRepository(session).hoks_ids_for_email(sahkoposti, today=today_in_finland()))


def my_parts(session: Session, actor: EmailActor, deps: UseCase) -> list[dict[str, Any]]:
    """The API's answer: each HOKS's scoped document with the student's and the
    qualification's names and the legal basis."""
    return [
        {
            "oppija-nimi": parts.oppija_nimi,
            "tutkinto-nimi": parts.opiskeluoikeus.tutkinto_nimi if parts.opiskeluoikeus else {},
            "osaamisala-nimi": (
                parts.opiskeluoikeus.osaamisala_nimi if parts.opiskeluoikeus else {}
            ),
            "peruste": parts.peruste,
            "hoks": parts.document,
        }
        for parts in my_parts_with_grounds(session, actor, deps)
    ]


def my_parts_with_grounds(session: Session, actor: EmailActor, deps: UseCase) -> list[MyParts]:
    """As ``my_parts``, with what the address holds in each HOKS (for the page, which says in
    words why each part is shown and until when)."""
    today = today_in_finland()
    hoks_repository = HoksRepository(session)
    access_repository = AccessRepository(session)
    jako_repository = JakoRepository(session)
    index = OppijaIndexRepository(session)
    result = []
    for hoks_id in access_repository.hoks_ids_for_email(actor.sahkoposti, today=today):
        hoks = hoks_repository.get(hoks_id)
        if hoks is None:
            continue
        access = decide_on(session, actor, "read", hoks, deps)
        view = full_view(hoks)
        data = view if access.parts is None else scoped_view(view, access.parts)
        deps.audit("read", hoks, access)
        oppija = index.oppija(hoks.oppija_oid)
        grants = access_repository.email_grants(hoks.id, actor.sahkoposti, today=today)
        held = [*grants.shares, *grants.consents]
        jaot = tuple(jako for jako_id in held if (jako := jako_repository.get(jako_id)))
        result.append(
            MyParts(
                hoks_id=hoks.id,
                oppija_nimi=oppija.nimi if oppija is not None else None,
                opiskeluoikeus=index.opiskeluoikeus(hoks.opiskeluoikeus_oid),
                peruste=access.basis,
                document=data,
                grants=grants,
                jaot=jaot,
            )
        )
    return result
