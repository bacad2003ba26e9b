"""Loading what the policy decides on: the HOKS's organisation path, procured-training
organisations, and what a verified e-mail address is named for in the HOKS.

Kept apart from ``access.policy`` so the decision itself stays a pure function; every use case
that touches personal data calls ``authorize`` here, which loads the facts and asks the policy.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ehoks.access.actor import (
    Actor,
    CasServiceActor,
    EmailActor,
    OfficialActor,
    ServiceClientActor,
)
from ehoks.access.policy import Access, Action, HoksFacts, decide, privileges_on
from ehoks.access.repository import AccessRepository
from ehoks.hoks.models import Hoks
from ehoks.registries import Registries


def authorize(
    session: Session,
    actor: Actor,
    action: Action,
    hoks: Hoks,
    registries: Registries,
    *,
    today: date,
) -> Access:
    """The policy's decision for this actor, action and stored HOKS (raises on denial)."""
    return decide(actor, action, load_facts(session, actor, action, hoks, registries, today=today))


def load_facts(
    session: Session,
    actor: Actor,
    action: Action,
    hoks: Hoks,
    registries: Registries,
    *,
    today: date,
) -> HoksFacts:
    path = organisaatio_path(hoks.oppilaitos_oid, registries)
    facts = HoksFacts(hoks.id, hoks.oppija_oid, path)
    if isinstance(actor, ServiceClientActor | CasServiceActor | OfficialActor):
        # Procured-training organisations matter only when the actor's own privileges do not
        # already answer; skip the query otherwise.
        if action == "read" and "read" not in privileges_on(actor, path):
            facts = HoksFacts(
                hoks.id,
                hoks.oppija_oid,
                path,
                procured_paths=_procured_paths(session, hoks, registries),
            )
    elif isinstance(actor, EmailActor):
        facts = HoksFacts(
            hoks.id,
            hoks.oppija_oid,
            path,
            email=AccessRepository(session).email_grants(hoks.id, actor.sahkoposti, today=today),
        )
    return facts


def organisaatio_path(oppilaitos_oid: str | None, registries: Registries) -> tuple[str, ...] | None:
    if oppilaitos_oid is None:
        return None
    return registries.organisaatio.ancestors_and_self(oppilaitos_oid)


def _procured_paths(
    session: Session, hoks: Hoks, registries: Registries
) -> tuple[tuple[str, ...], ...]:
    paths = []
    for oid in AccessRepository(session).procured_oppilaitokset(hoks.opiskeluoikeus_oid):
        path = organisaatio_path(oid, registries)
        if path is not None:
            paths.append(path)
    return tuple(paths)
