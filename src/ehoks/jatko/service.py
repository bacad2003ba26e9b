"""Use cases of continuing from an earlier plan: the draft (``prepare`` in the read transaction,
then ``build`` with none open), recording which plan a new HOKS continues, and the links a
reader of a HOKS may follow. Every decision goes through the access policy; services never
commit.

Access: the caller must be allowed to read the earlier plan (``load_with_access``, so whatever
legal basis the policy knows — the provider, § 109 a for the provider where the learner
studies now — applies) and to write on the new study right (the policy's ``write`` on that
study right's oppilaitos, as ``POST /hoks`` decides).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor
from ehoks.access.errors import NoAccess, NotOwnHoks, NotPermitted
from ehoks.access.facts import authorize
from ehoks.access.policy import Access, HoksFacts, decide
from ehoks.context import UseCase
from ehoks.errors import RegistryUnavailable
from ehoks.hoks.errors import (
    ArchivedHoksExists,
    HoksAlreadyExists,
    OpiskeluoikeusIncluded,
    OpiskeluoikeusNotActive,
    OpiskeluoikeusNotOppijan,
)
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service.common import (
    fetch_opiskeluoikeus,
    load_with_access,
    organisaatio_path,
    writer_basis,
)
from ehoks.jatko import errors, mapping
from ehoks.jatko.repository import JatkoRepository, LinkedRow, Suunta
from ehoks.kernel.clock import now_utc, today_in_finland
from ehoks.kernel.oids import is_opiskeluoikeus_oid
from ehoks.registries import Registries
from ehoks.registries.koski import suoritukset
from ehoks.registries.koski.schemas import Opiskeluoikeus
from ehoks.registries.koski.suoritukset import Tutkinto

OPISKELUOIKEUS = "opiskeluoikeus-oid"


@dataclass(frozen=True)
class Valmisteltu:
    """What the read transaction found: the earlier plan (a copy) and the new study right."""

    aiempi_hoks_id: int
    aiempi: dict[str, Any]
    aiempi_opiskeluoikeus_oid: str
    aiempi_jarjestaja_oid: str | None
    oppija_oid: str
    uusi: Opiskeluoikeus


@dataclass(frozen=True)
class Luonnos:
    """The draft and its ``meta``: where each carried item came from, what was left out."""

    body: dict[str, Any]
    meta: dict[str, Any]


def prepare(
    session: Session, actor: Actor, hoks_id: int, opiskeluoikeus_oid: str, deps: UseCase
) -> Valmisteltu:
    """Load the earlier plan (an audited read) and decide: 404 for an unknown HOKS, the policy's
    refusal for one the caller may not read, 400 for a study right Koski does not know, the
    policy's refusal for one the caller may not write on, 400 for another learner's study
    right or one that cannot get a HOKS (wrong type, included in another, ended, has one)."""
    if not is_opiskeluoikeus_oid(opiskeluoikeus_oid):
        raise errors.invalid_parameter(
            OPISKELUOIKEUS, "not a valid OpiskeluoikeusOID", opiskeluoikeus_oid
        )
    earlier, access = load_with_access(session, actor, hoks_id, "read", deps)
    deps.audit("read", earlier, access, details={"jatkoluonnos": opiskeluoikeus_oid})
    if opiskeluoikeus_oid == earlier.opiskeluoikeus_oid:
        raise errors.SameOpiskeluoikeus(opiskeluoikeus_oid)
    uusi = fetch_opiskeluoikeus(opiskeluoikeus_oid, deps)
    decide_write(actor, uusi, earlier.oppija_oid, deps)
    if uusi.oppija_oid is None or not same_learner(
        earlier.oppija_oid, uusi.oppija_oid, deps.registries
    ):
        raise OpiskeluoikeusNotOppijan(opiskeluoikeus_oid, earlier.oppija_oid)
    _check_can_hold_a_hoks(session, uusi, deps)
    return Valmisteltu(
        aiempi_hoks_id=earlier.id,
        aiempi=dict(earlier.document),
        aiempi_opiskeluoikeus_oid=earlier.opiskeluoikeus_oid,
        aiempi_jarjestaja_oid=earlier.koulutustoimija_oid or earlier.oppilaitos_oid,
        oppija_oid=uusi.oppija_oid,
        uusi=uusi,
    )


def build(prepared: Valmisteltu, deps: UseCase) -> Luonnos:
    """The draft, from Koski's record of both study rights and ePerusteet's placement of the
    units. Registry calls only: run with no transaction open."""
    koski = deps.registries.koski
    earlier_doc = koski.get_opiskeluoikeus_document(prepared.aiempi_opiskeluoikeus_oid)
    new_doc = koski.get_opiskeluoikeus_document(prepared.uusi.oid)
    koski_osat = suoritukset.osat(earlier_doc) if earlier_doc is not None else None
    lahto = mapping.Lahtotiedot(
        aiempi=prepared.aiempi,
        aiempi_jarjestaja_oid=prepared.aiempi_jarjestaja_oid,
        oppija_oid=prepared.oppija_oid,
        uusi=prepared.uusi,
        uusi_tutkinto=suoritukset.tutkinto(new_doc) if new_doc is not None else None,
        aiempi_tutkinto=suoritukset.tutkinto(earlier_doc) if earlier_doc is not None else None,
        koski_osat=koski_osat,
    )
    if lahto.tutkinto_vaihtui and lahto.uusi_tutkinto and lahto.uusi_tutkinto.diaarinumero:
        codes = mapping.unit_codes(prepared.aiempi, koski_osat or [])
        lahto = _with_placement(lahto, codes, lahto.uusi_tutkinto.diaarinumero, deps)
    result = mapping.build(lahto)
    meta = {
        "jatkaa-hoksia": prepared.aiempi_hoks_id,
        "aiempi-opiskeluoikeus-oid": prepared.aiempi_opiskeluoikeus_oid,
        "opiskeluoikeus-oid": prepared.uusi.oid,
        "aiempi-tutkinto": _tutkinto_meta(lahto.aiempi_tutkinto),
        "tutkinto": _tutkinto_meta(lahto.uusi_tutkinto),
        "tutkinto-vaihtui": lahto.tutkinto_vaihtui,
        "aiempi-opiskeluoikeus-koskessa": earlier_doc is not None,
        "siirretyt": result.siirretyt,
        "pois": result.pois,
    }
    return Luonnos(result.body, meta)


def _with_placement(
    lahto: mapping.Lahtotiedot, codes: set[str], diaarinumero: str, deps: UseCase
) -> mapping.Lahtotiedot:
    eperusteet = deps.registries.eperusteet
    placed = {
        code: any(osa.diaarinumero == diaarinumero for osa in eperusteet.find_tutkinnon_osat(code))
        for code in sorted(codes)
    }
    return mapping.Lahtotiedot(
        aiempi=lahto.aiempi,
        aiempi_jarjestaja_oid=lahto.aiempi_jarjestaja_oid,
        oppija_oid=lahto.oppija_oid,
        uusi=lahto.uusi,
        uusi_tutkinto=lahto.uusi_tutkinto,
        aiempi_tutkinto=lahto.aiempi_tutkinto,
        koski_osat=lahto.koski_osat,
        sijoitus=placed,
    )


def _tutkinto_meta(tutkinto: Tutkinto | None) -> dict[str, Any] | None:
    if tutkinto is None:
        return None
    return {
        "koodiarvo": tutkinto.koodiarvo,
        "perusteen-diaarinumero": tutkinto.diaarinumero,
        "nimi": tutkinto.nimi,
    }


def decide_write(actor: Actor, uusi: Opiskeluoikeus, oppija_oid: str, deps: UseCase) -> Access:
    """The policy's ``write`` on a HOKS of the new study right (its oppilaitos decides)."""
    facts = HoksFacts(
        None, uusi.oppija_oid or oppija_oid, organisaatio_path(uusi.oppilaitos_oid, deps)
    )
    return decide(actor, "write", facts)


def same_learner(first: str, second: str, registries: Registries) -> bool:
    """The same person, directly or through ONR's master OID (a duplicate merged into it)."""
    if first == second:
        return True
    onr = registries.onr
    return (onr.get_master_oid(first) or first) == (onr.get_master_oid(second) or second)


def _check_can_hold_a_hoks(session: Session, uusi: Opiskeluoikeus, deps: UseCase) -> None:
    """What ``POST /hoks`` would refuse about the study right itself, said before a draft."""
    if not uusi.is_allowed_tyyppi:
        raise errors.OpiskeluoikeusTyyppiNotAllowed()
    if uusi.is_included_in_another:
        raise OpiskeluoikeusIncluded(uusi.oid)
    if deps.settings.prevent_finished_opiskeluoikeus_updates and not uusi.is_active:
        raise OpiskeluoikeusNotActive(uusi.oid, update=False)
    existing = HoksRepository(session).get_by_opiskeluoikeus(uusi.oid)
    if existing is not None:
        raise ArchivedHoksExists() if existing.deleted_at else HoksAlreadyExists()


# Where a plan could continue.


def writable_study_rights(
    actor: Actor, oppija_oid: str, earlier_opiskeluoikeus_oid: str, deps: UseCase
) -> list[Opiskeluoikeus]:
    """The learner's other study rights in Koski that could get a HOKS and on which the actor
    may write (the policy decides), newest first. Registry calls: no transaction open."""
    found = deps.registries.koski.get_oppijan_opiskeluoikeudet(oppija_oid) or []
    usable = []
    for oo in found:
        if oo.oid == earlier_opiskeluoikeus_oid or not oo.is_allowed_tyyppi:
            continue
        if oo.is_included_in_another:
            continue
        if deps.settings.prevent_finished_opiskeluoikeus_updates and not oo.is_active:
            continue
        try:
            decide_write(actor, oo, oppija_oid, deps)
        except (NoAccess, NotPermitted, NotOwnHoks):
            continue
        usable.append(oo)
    return sorted(usable, key=lambda oo: (oo.alkamispaiva or date.min, oo.oid), reverse=True)


def without_hoks(session: Session, study_rights: list[Opiskeluoikeus]) -> list[Opiskeluoikeus]:
    taken = JatkoRepository(session).opiskeluoikeudet_with_hoks([oo.oid for oo in study_rights])
    return [oo for oo in study_rights if oo.oid not in taken]


# Recording the link.


def prepare_record(deps: UseCase, aiempi_hoks_id: int, oppija_oid: str) -> None:
    """The prepare phase of ``record``: the earlier plan's organisation path and what ONR says
    of its learner and ``oppija_oid``, asked before the write transaction."""
    with deps.read() as session:
        earlier = HoksRepository(session).get(aiempi_hoks_id)
    if earlier is None:
        return
    with suppress(RegistryUnavailable):  # remembered; ``record`` meets it in its order
        organisaatio_path(earlier.oppilaitos_oid, deps)
        same_learner(earlier.oppija_oid, oppija_oid, deps.registries)


def record(
    session: Session, actor: Actor, hoks_id: int, aiempi_hoks_id: int, deps: UseCase
) -> None:
    """Record that the new HOKS ``hoks_id`` (created in this transaction) continues
    ``aiempi_hoks_id``: the caller must be allowed to read the earlier plan, and it must be the
    same learner's. Raises (the whole write rolls back) otherwise."""
    repository = HoksRepository(session)
    new = repository.get(hoks_id)
    earlier = repository.get(aiempi_hoks_id)
    if new is None or earlier is None or earlier.id == new.id:
        raise errors.earlier_not_found(aiempi_hoks_id)
    try:
        authorize(session, actor, "read", earlier, deps.registries, today=today_in_finland())
    except (NoAccess, NotPermitted, NotOwnHoks):
        # The trail names the earlier plan, so the refusal is audited against it.
        if deps.trail is not None:
            deps.trail.target = {"hoks_id": earlier.id, "oppija_oid": earlier.oppija_oid}
        raise
    if not same_learner(earlier.oppija_oid, new.oppija_oid, deps.registries):
        raise errors.not_same_learner(aiempi_hoks_id)
    JatkoRepository(session).add(new.id, earlier.id, now=now_utc(), by=actor.audit_id)
    deps.audit("continue", new, writer_basis(actor), details={"jatkaa-hoksia": earlier.id})


# The links a reader may follow.


@dataclass(frozen=True)
class Linkki:
    suunta: Suunta
    hoks_id: int
    eid: str
    oppija_oid: str
    tutkinto_nimi: dict[str, str]
    oppilaitos_oid: str | None
    ensikertainen_hyvaksyminen: date | None


def links(session: Session, actor: Actor, hoks_id: int, deps: UseCase) -> list[Linkki]:
    """The plans HOKS ``hoks_id`` continues and is continued in that ``actor`` may read, each
    an audited read of its top-level data; the others are left out without a word."""
    found = []
    today = today_in_finland()
    for row in JatkoRepository(session).linked(hoks_id):
        try:
            access = authorize(session, actor, "read", row.hoks, deps.registries, today=today)
        except (NoAccess, NotPermitted, NotOwnHoks):
            continue
        deps.audit("read", row.hoks, access, details={"view": "jatkolinkki"})
        found.append(_link(row))
    return found


def _link(row: LinkedRow) -> Linkki:
    index = row.opiskeluoikeus
    return Linkki(
        suunta=row.suunta,
        hoks_id=row.hoks.id,
        eid=row.hoks.eid,
        oppija_oid=row.hoks.oppija_oid,
        tutkinto_nimi=dict(index.tutkinto_nimi) if index is not None else {},
        oppilaitos_oid=row.hoks.oppilaitos_oid,
        ensikertainen_hyvaksyminen=row.hoks.ensikertainen_hyvaksyminen,
    )
