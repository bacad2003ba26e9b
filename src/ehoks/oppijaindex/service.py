"""Keeping the learner and study-right index up to date (reference integrations 7.2–7.4).

Registry answers are fetched by the caller before the database work starts (``IndexInput``), so
no database transaction waits on a registry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

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


@dataclass(frozen=True)
class IndexRows:
    """The index rows of one ``IndexInput``: the learner's (``None`` when only the study right
    is rewritten) and the study rights' (one per OID, all with the same keys)."""

    oppija: dict[str, Any] | None
    opiskeluoikeudet: list[dict[str, Any]]


def index_rows(data: IndexInput, *, now: datetime) -> IndexRows:
    """What ``store`` writes, for a caller that writes it in a statement of its own (the
    create's one statement on PostgreSQL, ``hoks.create_repository``)."""
    oppija = None
    if data.henkilo is not None:
        oppija = {"oid": data.henkilo.oid, "nimi": data.henkilo.nimi, "updated_at": now}
    rows = [_opiskeluoikeus_row(data.opiskeluoikeus, data.oppija_oid, now=now)]
    rows.extend(
        _opiskeluoikeus_row(
            included, data.oppija_oid, now=now, hankintakoulutus_of=data.opiskeluoikeus.oid
        )
        for included in data.hankintakoulutukset
    )
    # One row per study right (PostgreSQL refuses to update a row twice in one statement); a
    # later row wins, as consecutive upserts did.
    return IndexRows(oppija, list({row["oid"]: row for row in rows}.values()))


def store(session: Session, data: IndexInput, *, now: datetime) -> None:
    """Upsert the learner, then the study right and its procured-training study rights (one
    statement for all of those)."""
    repository = OppijaIndexRepository(session)
    rows = index_rows(data, now=now)
    if rows.oppija is not None:
        repository.upsert(IndexOppija, rows.oppija)
    repository.upsert(IndexOpiskeluoikeus, rows.opiskeluoikeudet)


def hankintakoulutukset(session: Session, opiskeluoikeus_oid: str) -> list[str]:
    return list(OppijaIndexRepository(session).hankintakoulutukset(opiskeluoikeus_oid))


def mark_koski404(session: Session, opiskeluoikeus_oid: str) -> None:
    """Koski no longer knows the study right: flag its row (if indexed)."""
    row = OppijaIndexRepository(session).opiskeluoikeus(opiskeluoikeus_oid)
    if row is not None:
        row.koski404 = True


def rename(session: Session, oid: str, nimi: str, *, now: datetime) -> None:
    """The learner ``oid``'s name as ONR now has it (if indexed)."""
    indexed = OppijaIndexRepository(session).oppija(oid)
    if indexed is not None and indexed.nimi != nimi:
        indexed.nimi = nimi
        indexed.updated_at = now


def merge(session: Session, henkilo: Henkilo, slave_oid: str, *, into: str, now: datetime) -> None:
    """ONR merged the duplicate ``slave_oid`` into ``into`` (``henkilo``): its study rights
    move to the master and its own row goes."""
    repository = OppijaIndexRepository(session)
    _upsert_oppija(repository, henkilo, now=now)
    repository.move_opiskeluoikeudet(slave_oid, into)
    repository.delete_oppija(slave_oid)


def _upsert_oppija(repository: OppijaIndexRepository, henkilo: Henkilo, *, now: datetime) -> None:
    repository.upsert(IndexOppija, {"oid": henkilo.oid, "nimi": henkilo.nimi, "updated_at": now})


def _opiskeluoikeus_row(
    opiskeluoikeus: Opiskeluoikeus,
    oppija_oid: str,
    *,
    now: datetime,
    hankintakoulutus_of: str | None = None,
) -> dict[str, Any]:
    """The study right's row as Koski describes it now; ``updated_at`` is when the index last
    heard of it from Koski."""
    viimeisin = opiskeluoikeus.viimeisin_tila
    return {
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
    }
