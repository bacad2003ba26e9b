"""Upkeep of the HOKS store that jobs, the CLI and the ONR notification run: the learner index
refreshed from the registries, ONR's merges of duplicate learners, old idempotency keys purged.

These live with the HOKS use cases, not in ``oppijaindex``, because they read or rewrite HOKS
rows; the index below only keeps its own tables (``oppijaindex.service``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from ehoks.context import UseCase
from ehoks.hoks.repository import HoksRepository
from ehoks.oppijaindex import service as oppijaindex_service
from ehoks.oppijaindex.errors import OppijaNotFound
from ehoks.registries import Registries
from ehoks.registries.onr.schemas import Henkilo

log = logging.getLogger(__name__)


@dataclass
class RefreshSummary:
    indexed: int = 0
    koski404: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def refresh_index(ctx: UseCase, *, now: datetime, oppija_oid: str | None = None) -> RefreshSummary:
    """Re-read from the registries every study right that has a HOKS (or one learner's):
    names, organisations, procured training; flag study rights Koski no longer knows. The
    registries are asked between a read of what to refresh and one write of it all."""
    with ctx.read() as session:
        pairs = HoksRepository(session).oppijat_and_opiskeluoikeudet(oppija_oid)
    summary = RefreshSummary()
    inputs: list[oppijaindex_service.IndexInput] = []
    for oppija, opiskeluoikeus_oid in pairs:
        opiskeluoikeus = ctx.registries.koski.get_opiskeluoikeus(opiskeluoikeus_oid)
        if opiskeluoikeus is None:
            summary.koski404.append(opiskeluoikeus_oid)
            continue
        try:
            inputs.append(oppijaindex_service.fetch_input(ctx.registries, opiskeluoikeus, oppija))
        except OppijaNotFound:
            log.warning("index refresh skipped %s: learner unknown to ONR", opiskeluoikeus_oid)
            summary.failed.append(opiskeluoikeus_oid)

    def apply(session: Session) -> None:
        for opiskeluoikeus_oid in summary.koski404:
            oppijaindex_service.mark_koski404(session, opiskeluoikeus_oid)
        for data in inputs:
            oppijaindex_service.store(session, data, now=now)

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
    """ONR merged duplicate learners into ``answers.oid``: move every non-deleted HOKS and index
    row of its duplicates (slaves) to it, in the caller's one transaction (reference
    integrations 7.3). ONR was asked before it (``ask_onr``)."""
    henkilo, oid = answers.henkilo, answers.oid
    summary = MergeSummary(master_oid=oid)
    oppijaindex_service.rename(session, oid, henkilo.nimi, now=now)
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
        oppijaindex_service.merge(session, henkilo, slave, into=oid, now=now)
    return summary


def purge_idempotency_keys(session: Session, older_than: datetime) -> int:
    """Forget the ``Idempotency-Key``s of creates made before ``older_than``; how many went."""
    return HoksRepository(session).purge_idempotency_keys(older_than)
