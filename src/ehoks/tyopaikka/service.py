"""What a verified e-mail address sees: for every HOKS where it is a named responsible
instructor, a named assessor, or holds a valid share or consent, the scoped view of exactly
those parts. Every HOKS shown is a read, authorised by the policy and audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import EmailActor
from ehoks.access.repository import AccessRepository
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.scoped import scoped_view
from ehoks.hoks.service.common import Deps, decide_on, full_view, today_in_finland
from ehoks.oppijaindex.repository import OppijaIndexRepository


def is_known_address(session: Session, sahkoposti: str) -> bool:
    """Whether the address is named anywhere it could log in to (decides whether a login
    link is mailed; the answer is never shown to the visitor)."""
    return bool(AccessRepository(session).hoks_ids_for_email(sahkoposti, today=today_in_finland()))


def my_parts(session: Session, actor: EmailActor, deps: Deps) -> list[dict[str, Any]]:
    today = today_in_finland()
    hoks_repository = HoksRepository(session)
    index = OppijaIndexRepository(session)
    result = []
    for hoks_id in AccessRepository(session).hoks_ids_for_email(actor.sahkoposti, today=today):
        hoks = hoks_repository.get(hoks_id)
        if hoks is None:
            continue
        access = decide_on(session, actor, "read", hoks, deps)
        view = full_view(hoks)
        data = view if access.parts is None else scoped_view(view, access.parts)
        deps.audit("read", hoks, access)
        oppija = index.oppija(hoks.oppija_oid)
        opiskeluoikeus = index.opiskeluoikeus(hoks.opiskeluoikeus_oid)
        result.append(
            {
                "oppija-nimi": oppija.nimi if oppija is not None else None,
                "tutkinto-nimi": opiskeluoikeus.tutkinto_nimi if opiskeluoikeus else {},
                "osaamisala-nimi": opiskeluoikeus.osaamisala_nimi if opiskeluoikeus else {},
                "peruste": access.basis,
                "hoks": data,
            }
        )
    return result
