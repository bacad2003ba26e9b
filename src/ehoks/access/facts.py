"""Loading what the policy decides on: the HOKS's organisation path, procured-training
organisations, the learner's current study rights in Koski (§ 109 a ¶1), and what a verified
e-mail address is named for in the HOKS.

Kept apart from ``access.policy`` so the decision itself stays a pure function; every use case
that touches personal data calls ``authorize`` here, which loads the facts and asks the policy.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from ehoks.access.actor import (
    Actor,
    CasServiceActor,
    EmailActor,
    OfficialActor,
    ServiceClientActor,
)
from ehoks.access.policy import (
    Access,
    Action,
    CurrentStudyRight,
    HoksFacts,
    decide,
    privileges_on,
)
from ehoks.access.repository import AccessRepository
from ehoks.registries import Registries


class StoredHoks(Protocol):
    """What the decision reads of a stored HOKS (a ``hoks.models.Hoks`` row). A protocol, so
    that access, which the HOKS use cases call, does not import the HOKS domain back."""

    @property
    def id(self) -> int: ...

    @property
    def oppija_oid(self) -> str: ...

    @property
    def opiskeluoikeus_oid(self) -> str: ...

    @property
    def oppilaitos_oid(self) -> str | None: ...

    @property
    def deleted_at(self) -> datetime | None: ...


def authorize(
    session: Session,
    actor: Actor,
    action: Action,
    hoks: StoredHoks,
    registries: Registries,
    *,
    today: date,
    rights: StudyRightsMemo | None = None,
) -> Access:
    """The policy's decision for this actor, action and stored HOKS (raises on denial).
    ``rights`` shares one Koski answer about the learner among the decisions of one list."""
    facts = load_facts(session, actor, action, hoks, registries, today=today, rights=rights)
    return decide(actor, action, facts)


class StudyRightsMemo:
    """The learners' current study rights, asked of Koski at most once per learner within one
    use case (a list of a learner's plans decides each plan on the same answer)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[CurrentStudyRight, ...]] = {}

    def get(
        self, oppija_oid: str, registries: Registries, today: date
    ) -> tuple[CurrentStudyRight, ...]:
        if oppija_oid not in self._known:
            self._known[oppija_oid] = current_study_rights(oppija_oid, registries, today)
        return self._known[oppija_oid]


def load_facts(
    session: Session,
    actor: Actor,
    action: Action,
    hoks: StoredHoks,
    registries: Registries,
    *,
    today: date,
    rights: StudyRightsMemo | None = None,
) -> HoksFacts:
    path = organisaatio_path(hoks.oppilaitos_oid, registries)
    facts = HoksFacts(hoks.id, hoks.oppija_oid, path)
    if isinstance(actor, ServiceClientActor | CasServiceActor | OfficialActor):
        # Procured-training organisations and the learner's other study rights matter only when
        # the actor's own privileges do not already answer; skip the lookups otherwise. A
        # soft-deleted HOKS is read only for administration, never on the learner's study right.
        if action == "read" and "read" not in privileges_on(actor, path):
            procured = _procured_paths(session, hoks, registries)
            current: tuple[CurrentStudyRight, ...] = ()
            if hoks.deleted_at is None and not _reads_any(actor, procured):
                current = (rights or StudyRightsMemo()).get(hoks.oppija_oid, registries, today)
            facts = HoksFacts(
                hoks.id,
                hoks.oppija_oid,
                path,
                procured_paths=procured,
                current_study_rights=current,
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


def current_study_rights(
    oppija_oid: str, registries: Registries, today: date
) -> tuple[CurrentStudyRight, ...]:
    """The learner's study rights that Koski records and that have not ended on ``today``
    (``Opiskeluoikeus.opiskelee_on``), at any provider, each with its oppilaitos's path. Asked
    of the Koski port, so the provider where the learner now studies reads the earlier plans
    before it has written anything itself. ``RegistryUnavailable`` (503) when Koski cannot
    answer."""
    found = registries.koski.get_oppijan_opiskeluoikeudet(oppija_oid) or []
    rights = []
    for opiskeluoikeus in found:
        if not opiskeluoikeus.opiskelee_on(today):
            continue
        path = organisaatio_path(
            opiskeluoikeus.oppilaitos_oid or opiskeluoikeus.koulutustoimija_oid, registries
        )
        if path is not None:
            rights.append(CurrentStudyRight(opiskeluoikeus.oid, path))
    return tuple(rights)


def _reads_any(actor: Actor, paths: tuple[tuple[str, ...], ...]) -> bool:
    return any("read" in privileges_on(actor, path) for path in paths)


def _procured_paths(
    session: Session, hoks: StoredHoks, registries: Registries
) -> tuple[tuple[str, ...], ...]:
    paths = []
    for oid in AccessRepository(session).procured_oppilaitokset(hoks.opiskeluoikeus_oid):
        path = organisaatio_path(oid, registries)
        if path is not None:
            paths.append(path)
    return tuple(paths)
