"""Keeping the learner and study-right index up to date (reference integrations 7.2–7.4).

Registry answers are fetched by the caller before the database work starts (``IndexInput``), so
no database transaction waits on a registry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from ehoks.context import UseCase
from ehoks.hoks.repository import HoksRepository
from ehoks.oppijaindex.errors import OppijaNotFound
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija
from ehoks.oppijaindex.repository import OppijaIndexRepository
from ehoks.registries import Registries
from ehoks.registries.koski.schemas import Opiskeluoikeus
from ehoks.registries.onr.schemas import Henkilo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexInput:
    """What the registries said about one HOKS's learner and study right. Without ``henkilo``
    only the study right is rewritten (updates that keep the learner)."""

    opiskeluoikeus: Opiskeluoikeus
    oppija_oid: str
    henkilo: Henkilo | None = None
    hankintakoulutukset: tuple[Opiskeluoikeus, ...] = ()
    # Every study right Koski lists for the learner (the create's ownership check uses it).
    oppijan_opiskeluoikeudet: tuple[Opiskeluoikeus, ...] = ()


def fetch_input(
    registries: Registries, opiskeluoikeus: Opiskeluoikeus, oppija_oid: str
) -> IndexInput:
    """The registry answers the index needs for a HOKS: the learner from ONR (400 when ONR
    does not know them, as the original) and the study rights included in this one."""
    henkilo = registries.onr.get_henkilo(oppija_oid)
    if henkilo is None:
        raise OppijaNotFound(oppija_oid)
    omat = tuple(registries.koski.get_oppijan_opiskeluoikeudet(oppija_oid) or ())
    included = tuple(oo for oo in omat if oo.sisaltyy_opiskeluoikeuteen_oid == opiskeluoikeus.oid)
    return IndexInput(opiskeluoikeus, oppija_oid, henkilo, included, omat)


def store(session: Session, data: IndexInput, *, now: datetime) -> None:
    """Upsert the learner, the study right and its procured-training study rights."""
    repository = OppijaIndexRepository(session)
    if data.henkilo is not None:
        _upsert_oppija(repository, data.henkilo, now=now)
    _upsert_opiskeluoikeus(repository, data.opiskeluoikeus, data.oppija_oid, now=now)
    for included in data.hankintakoulutukset:
        _upsert_opiskeluoikeus(
            repository,
            included,
            data.oppija_oid,
            now=now,
            hankintakoulutus_of=data.opiskeluoikeus.oid,
        )


def hankintakoulutukset(session: Session, opiskeluoikeus_oid: str) -> list[str]:
    return list(OppijaIndexRepository(session).hankintakoulutukset(opiskeluoikeus_oid))


@dataclass
class RefreshSummary:
    indexed: int = 0
    koski404: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def refresh(ctx: UseCase, *, now: datetime, oppija_oid: str | None = None) -> RefreshSummary:
    """Re-read from the registries every study right that has a HOKS (or one learner's):
    names, organisations, procured training; flag study rights Koski no longer knows. The
    registries are asked between a read of what to refresh and one write of it all."""
    with ctx.read() as session:
        pairs = HoksRepository(session).oppijat_and_opiskeluoikeudet(oppija_oid)
    summary = RefreshSummary()
    inputs: list[IndexInput] = []
    for oppija, opiskeluoikeus_oid in pairs:
        opiskeluoikeus = ctx.registries.koski.get_opiskeluoikeus(opiskeluoikeus_oid)
        if opiskeluoikeus is None:
            summary.koski404.append(opiskeluoikeus_oid)
            continue
        try:
            inputs.append(fetch_input(ctx.registries, opiskeluoikeus, oppija))
        except OppijaNotFound:
            log.warning("index refresh skipped %s: learner unknown to ONR", opiskeluoikeus_oid)
            summary.failed.append(opiskeluoikeus_oid)

    def apply(session: Session) -> None:
        repository = OppijaIndexRepository(session)
        for opiskeluoikeus_oid in summary.koski404:
            row = repository.opiskeluoikeus(opiskeluoikeus_oid)
            if row is not None:
                row.koski404 = True
        for data in inputs:
            store(session, data, now=now)

    ctx.write(apply)
    summary.indexed = len(inputs)
    return summary


@dataclass
class MergeSummary:
    master_oid: str
    slaves: list[str] = field(default_factory=list)
    moved_hoks_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class OnrAnswers:
    """What ONR says of a merged learner: the person and, unless itself a duplicate, its
    duplicates (slaves). Asked before the merge's transaction."""

    oid: str
    henkilo: Henkilo
    slaves: tuple[str, ...]


def ask_onr(registries: Registries, oid: str) -> OnrAnswers:
    henkilo = registries.onr.get_henkilo(oid)
    if henkilo is None:
        raise OppijaNotFound(oid)
    slaves = () if henkilo.is_duplicate else tuple(registries.onr.get_slave_oids(oid))
    return OnrAnswers(oid, henkilo, slaves)


def onr_merge(
    session: Session, answers: OnrAnswers, *, changed_by: str, now: datetime
) -> MergeSummary:
    """ONR merged duplicate learners into ``oid``: move every non-deleted HOKS and index row of
    its duplicates (slaves) to it, in the caller's one transaction (reference integrations 7.3).
    """
    henkilo, oid = answers.henkilo, answers.oid
    summary = MergeSummary(master_oid=oid)
    repository = OppijaIndexRepository(session)
    indexed = repository.oppija(oid)
    if indexed is not None and indexed.nimi != henkilo.nimi:
        indexed.nimi = henkilo.nimi
        indexed.updated_at = now
    if henkilo.is_duplicate:
        # No OIDs in the log line (personal data); the caller's answer names them.
        log.warning("onr merge: the learner is itself a duplicate of another; nothing moved")
        return summary
    hoks_repository = HoksRepository(session)
    for slave in answers.slaves:
        summary.slaves.append(slave)
        for hoks in hoks_repository.list_by_oppija(slave, for_update=True):
            document = {**hoks.document, "oppija-oid": oid}
            hoks_repository.replace_document(
                hoks,
                document,
                operation="onr-merge",
                changed_by=changed_by,
                now=now,
                columns={"oppija_oid": oid},
            )
            summary.moved_hoks_ids.append(hoks.id)
        _upsert_oppija(repository, henkilo, now=now)
        repository.move_opiskeluoikeudet(slave, oid)
        repository.delete_oppija(slave)
    return summary


def _upsert_oppija(repository: OppijaIndexRepository, henkilo: Henkilo, *, now: datetime) -> None:
    repository.upsert(IndexOppija, {"oid": henkilo.oid, "nimi": henkilo.nimi, "updated_at": now})


def _upsert_opiskeluoikeus(
    repository: OppijaIndexRepository,
    opiskeluoikeus: Opiskeluoikeus,
    oppija_oid: str,
    *,
    now: datetime,
    hankintakoulutus_of: str | None = None,
) -> None:
    """Write the study right's row as Koski describes it now; ``updated_at`` is when the index
    last heard of it from Koski."""
    viimeisin = opiskeluoikeus.viimeisin_tila
    repository.upsert(
        IndexOpiskeluoikeus,
        {
            "oid": opiskeluoikeus.oid,
            "oppija_oid": oppija_oid,
            "oppilaitos_oid": opiskeluoikeus.oppilaitos_oid,
            "koulutustoimija_oid": opiskeluoikeus.koulutustoimija_oid,
            "tutkinto_nimi": opiskeluoikeus.tutkinto_nimi,
            "osaamisala_nimi": opiskeluoikeus.osaamisala_nimi,
            "alkamispaiva": opiskeluoikeus.alkamispaiva,
            "arvioitu_paattymispaiva": opiskeluoikeus.arvioitu_paattymispaiva,
            "tila": viimeisin[1] if viimeisin else None,
            "tila_alku": viimeisin[0] if viimeisin else None,
            "hankintakoulutus_opiskeluoikeus_oid": hankintakoulutus_of,
            "hankintakoulutus_jarjestaja_oid": (
                opiskeluoikeus.sisaltyy_oppilaitos_oid if hankintakoulutus_of else None
            ),
            # Koski answered for it just now, so it is not missing (any more).
            "koski404": False,
            "updated_at": now,
        },
    )
