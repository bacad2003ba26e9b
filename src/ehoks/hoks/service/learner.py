"""One learner's HOKSes that the caller may read, from every provider (an addition beside the
compatible routes: ``GET …/api/v1/hoks/oppija/{oppija-oid}``).

Each HOKS is decided by the access policy, so the list holds the plans of the caller's own
organisation (``provider``), those it delivers procured training for (``procured-training``)
and, while the learner studies at the caller's organisation, every other plan of the learner
(``current-provider``, law 531/2017 § 109 a ¶1). Every listed HOKS is an audited read. The
learner's study rights are asked of Koski once for the whole list (their state, qualification
and start date describe each plan, and they decide the ``current-provider`` basis).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor
from ehoks.access.errors import NoAccess, NotPermitted
from ehoks.access.facts import StudyRightsMemo
from ehoks.access.policy import CURRENT_PROVIDER, Access, current_provider_right
from ehoks.context import UseCase
from ehoks.errors import RegistryUnavailable, ValidationFailed
from ehoks.hoks.models import Hoks
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service.common import decide_on
from ehoks.kernel.clock import today_in_finland
from ehoks.kernel.oids import is_oppija_oid
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.oppijaindex.repository import OppijaIndexRepository
from ehoks.registries.koski.schemas import Opiskeluoikeus


@dataclass(frozen=True)
class LearnerPlan:
    """A HOKS the caller may read, the policy's decision on it, and its study right."""

    hoks: Hoks
    access: Access
    koski: Opiskeluoikeus | None
    """The study right as Koski knows it now; ``None`` when Koski does not know it."""
    index: IndexOpiskeluoikeus | None

    @property
    def own(self) -> bool:
        """Read as the provider (or its procured training), not as the learner's new one."""
        return self.access.basis != CURRENT_PROVIDER

    def paattynyt(self, today: date) -> bool | None:
        """Has the HOKS's study right ended (by Koski's state on ``today``)? ``None`` when
        Koski does not know it."""
        return None if self.koski is None else not self.koski.opiskelee_on(today)

    @property
    def alkamispaiva(self) -> date | None:
        if self.koski is not None and self.koski.alkamispaiva is not None:
            return self.koski.alkamispaiva
        return self.index.alkamispaiva if self.index is not None else None

    @property
    def sort_key(self) -> tuple[date, date, int]:
        return (
            self.alkamispaiva or date.min,
            self.hoks.ensikertainen_hyvaksyminen or date.min,
            self.hoks.id,
        )


def check_oppija_oid(oppija_oid: str) -> None:
    if not is_oppija_oid(oppija_oid):
        raise ValidationFailed(
            {"oppija-oid": "not a valid OppijaOID"},
            value={"oppija-oid": oppija_oid},
            problems=[{"path": "oppija-oid", "message": "not a valid OppijaOID"}],
            where="route-params",
        )


def readable_plans(
    session: Session, actor: Actor, oppija_oid: str, deps: UseCase, *, view: str = "list"
) -> list[LearnerPlan]:
    """The learner's non-deleted HOKSes the actor may read, newest first (by the study right's
    start, then the first approval), each an audited read.

    ``NoAccess`` (401, as the service API answers a missing privilege) when the actor may read
    none of them and the learner is not its student either; a learner who studies at the
    actor's organisation but has no plan yet is an empty list."""
    check_oppija_oid(oppija_oid)
    today = today_in_finland()
    try:
        found = deps.registries.koski.get_oppijan_opiskeluoikeudet(oppija_oid) or []
    except RegistryUnavailable:
        # The plans are still listed, without their study rights' state; only a decision that
        # needs Koski (another provider's plan) then fails with 503.
        found = []
    koski = {o.oid: o for o in found}
    index = OppijaIndexRepository(session)
    rights = StudyRightsMemo()
    plans = []
    for hoks in HoksRepository(session).list_by_oppija(oppija_oid):
        try:
            access = decide_on(session, actor, "read", hoks, deps, rights=rights)
        except (NoAccess, NotPermitted):
            continue
        deps.audit("read", hoks, access, details={"view": view})
        plans.append(
            LearnerPlan(
                hoks,
                access,
                koski.get(hoks.opiskeluoikeus_oid),
                index.opiskeluoikeus(hoks.opiskeluoikeus_oid),
            )
        )
    if deps.trail is not None:
        deps.trail.target = {"hoks_id": None, "oppija_oid": oppija_oid, "part": None}
    if not plans:
        current = rights.get(oppija_oid, deps.registries, today)
        if current_provider_right(actor, current) is None:
            raise NoAccess()
        # The learner's study right entitles the caller to the list, empty as it is.
        deps.audit(
            "read",
            access=Access(CURRENT_PROVIDER),
            oppija_oid=oppija_oid,
            details={"view": view, "count": 0},
        )
    return sorted(plans, key=lambda p: p.sort_key, reverse=True)


def list_view(plans: list[LearnerPlan], deps: UseCase) -> list[dict[str, Any]]:
    """The list route's rows: the HOKS's identity, its study right and provider, the
    qualification, the study right's state, dates, and the basis on which the caller reads."""
    today = today_in_finland()
    names: dict[str, dict[str, str]] = {}

    def name_of(oid: str | None) -> dict[str, str]:
        if oid is None:
            return {}
        if oid not in names:
            found = deps.registries.organisaatio.get_organisaatio(oid)
            names[oid] = dict(found.nimi) if found is not None else {}
        return names[oid]

    rows = []
    for plan in plans:
        hoks, koski, index = plan.hoks, plan.koski, plan.index
        koulutustoimija = hoks.koulutustoimija_oid or (koski.koulutustoimija_oid if koski else None)
        tutkinto = dict(koski.tutkinto_nimi) if koski else {}
        if not any(tutkinto.values()) and index is not None:
            tutkinto = dict(index.tutkinto_nimi or {})
        rows.append(
            {
                "id": hoks.id,
                "eid": hoks.eid,
                "oppija-oid": hoks.oppija_oid,
                "opiskeluoikeus-oid": hoks.opiskeluoikeus_oid,
                "oppilaitos-oid": hoks.oppilaitos_oid,
                "oppilaitos-nimi": name_of(hoks.oppilaitos_oid),
                "koulutuksen-jarjestaja-oid": koulutustoimija,
                "koulutuksen-jarjestaja-nimi": name_of(koulutustoimija),
                "tutkinto-nimi": {k: v for k, v in tutkinto.items() if v},
                "opiskeluoikeus-tila": koski.tila if koski else None,
                "opiskeluoikeus-paattynyt": plan.paattynyt(today),
                "opiskeluoikeus-alkamispaiva": _iso(plan.alkamispaiva),
                "ensikertainen-hyvaksyminen": _iso(hoks.ensikertainen_hyvaksyminen),
                "osaamisen-saavuttamisen-pvm": _iso(hoks.osaamisen_saavuttamisen_pvm),
                "luotu": hoks.created_at.isoformat(),
                "paivitetty": hoks.updated_at.isoformat(),
                "peruste": plan.access.basis,
                "peruste-opiskeluoikeus-oid": (
                    plan.access.basis_ref if plan.access.basis == CURRENT_PROVIDER else None
                ),
            }
        )
    return rows


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
