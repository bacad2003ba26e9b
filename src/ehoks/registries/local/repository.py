"""Every query on the local registry tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, false, func, select, true, union_all
from sqlalchemy.orm import Session

from ehoks.registries.local.models import (
    EperusteetKoulutuksenOsa,
    EperusteetPeruste,
    EperusteetPerusteenTutkinnonOsa,
    EperusteetTutkinnonOsa,
    KoodistoKoodi,
    KoskiOpiskeluoikeus,
    KoskiOppija,
    OnrHenkilo,
    OrganisaatioRecord,
)


@dataclass(frozen=True)
class LearnerRows:
    """``opiskeluoikeus_with_learner``'s answer: the study rights as (oid, learner, document),
    by OID, and the learner's ONR person as (oid, document), ``None`` when ONR has no row."""

    opiskeluoikeudet: list[tuple[str, str | None, dict[str, Any]]]
    henkilo: tuple[str, dict[str, Any]] | None


Row = TypeVar("Row", KoskiOppija, KoskiOpiskeluoikeus, OnrHenkilo, OrganisaatioRecord)

# Keeps IN lists well below every driver's parameter limit (SQLite's is the lowest).
_CHUNK = 500


Key = TypeVar("Key", str, int)


def _chunks(values: Sequence[Key]) -> Iterator[Sequence[Key]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


class RegistryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Reads used by the ports.

    def get(self, model: type[Row], oid: str) -> Row | None:
        return self.session.get(model, oid)

    def opiskeluoikeudet_of(self, oppija_oid: str) -> list[KoskiOpiskeluoikeus]:
        return list(
            self.session.scalars(
                select(KoskiOpiskeluoikeus)
                .where(KoskiOpiskeluoikeus.oppija_oid == oppija_oid)
                .order_by(KoskiOpiskeluoikeus.oid)
            )
        )

    def opiskeluoikeus_with_learner(self, oid: str) -> LearnerRows:
        """The study right ``oid``, every other study right of its learner and the learner's
        ONR person, in one statement (a create or an update reads all three: the study right
        named in the body, the learner's, the person):

            SELECT false, oid, oppija_oid, document FROM registry_koski_opiskeluoikeus
             WHERE oid = :oid OR oppija_oid = (<the learner of :oid>)
            UNION ALL
            SELECT true, oid, master_oid, document FROM registry_onr_henkilo
             WHERE oid = (<the learner of :oid>)
        """
        koski, onr = KoskiOpiskeluoikeus, OnrHenkilo
        learner = select(koski.oppija_oid).where(koski.oid == oid).scalar_subquery()
        rows = self.session.execute(
            union_all(
                select(
                    false().label("onr"),
                    koski.oid,
                    koski.oppija_oid.label("other_oid"),
                    koski.document,
                ).where((koski.oid == oid) | (koski.oppija_oid == learner)),
                select(true(), onr.oid, onr.master_oid, onr.document).where(onr.oid == learner),
            )
        ).all()
        opiskeluoikeudet = sorted(
            ((row.oid, row.other_oid, row.document) for row in rows if not row.onr),
            key=lambda row: row[0],
        )
        henkilo = next(((row.oid, row.document) for row in rows if row.onr), None)
        return LearnerRows(opiskeluoikeudet, henkilo)

    def slave_oids_of(self, master_oid: str) -> list[str]:
        return list(
            self.session.scalars(
                select(OnrHenkilo.oid)
                .where(OnrHenkilo.master_oid == master_oid)
                .order_by(OnrHenkilo.oid)
            )
        )

    # Whole-table reads for the export.

    def oids(self, model: type[Row]) -> list[str]:
        return list(self.session.scalars(select(model.oid).order_by(model.oid)))

    def opiskeluoikeudet_without_oppija(self) -> list[KoskiOpiskeluoikeus]:
        """Study rights whose learner the registry has no Koski document for."""
        known = select(KoskiOppija.oid).where(KoskiOppija.oid == KoskiOpiskeluoikeus.oppija_oid)
        return list(
            self.session.scalars(
                select(KoskiOpiskeluoikeus)
                .where(KoskiOpiskeluoikeus.oppija_oid.is_(None) | ~known.exists())
                .order_by(KoskiOpiskeluoikeus.oid)
            )
        )

    def all(self, model: type[Row]) -> Iterator[Row]:
        yield from self.session.scalars(
            select(model).order_by(model.oid).execution_options(yield_per=_CHUNK)
        )

    # Writes for the import. Select-then-insert/update works the same on SQLite and PostgreSQL.

    def preload(self, model: type[Row], oids: Iterable[str]) -> None:
        """Load the existing rows among ``oids`` into the session, so ``upsert`` finds them
        with one query per chunk instead of one per row."""
        unique = sorted(set(oids))
        for chunk in _chunks(unique):
            self.session.scalars(select(model).where(model.oid.in_(chunk))).all()

    def upsert(self, model: type[Row], oid: str, values: dict[str, Any], now: datetime) -> bool:
        """Insert or update one row; ``True`` when the row is new."""
        row = self.session.get(model, oid)
        if row is None:
            self.session.add(model(oid=oid, imported_at=now, **values))
            return True
        for name, value in values.items():
            setattr(row, name, value)
        row.imported_at = now
        return False


class KoodistoRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, koodi_uri: str, versio: int) -> KoodistoKoodi | None:
        return self.session.get(KoodistoKoodi, (koodi_uri, versio))

    def latest(self, koodi_uri: str) -> KoodistoKoodi | None:
        return self.session.scalars(
            select(KoodistoKoodi)
            .where(KoodistoKoodi.koodi_uri == koodi_uri)
            .order_by(KoodistoKoodi.versio.desc())
            .limit(1)
        ).first()

    def latest_of_koodisto(self, koodisto_uri: str) -> list[KoodistoKoodi]:
        """The highest version of every code of the list, by URI."""
        latest = (
            select(KoodistoKoodi.koodi_uri, func.max(KoodistoKoodi.versio).label("versio"))
            .where(KoodistoKoodi.koodisto_uri == koodisto_uri)
            .group_by(KoodistoKoodi.koodi_uri)
            .subquery()
        )
        return list(
            self.session.scalars(
                select(KoodistoKoodi)
                .join(
                    latest,
                    (KoodistoKoodi.koodi_uri == latest.c.koodi_uri)
                    & (KoodistoKoodi.versio == latest.c.versio),
                )
                .order_by(KoodistoKoodi.koodi_uri)
            )
        )

    def all(self) -> Iterator[KoodistoKoodi]:
        yield from self.session.scalars(
            select(KoodistoKoodi)
            .order_by(KoodistoKoodi.koodisto_uri, KoodistoKoodi.koodi_uri, KoodistoKoodi.versio)
            .execution_options(yield_per=_CHUNK)
        )

    def preload(self, koodi_uris: Iterable[str]) -> None:
        for chunk in _chunks(sorted(set(koodi_uris))):
            self.session.scalars(
                select(KoodistoKoodi).where(KoodistoKoodi.koodi_uri.in_(chunk))
            ).all()

    def upsert(self, koodi_uri: str, versio: int, values: dict[str, Any], now: datetime) -> bool:
        row = self.get(koodi_uri, versio)
        if row is None:
            self.session.add(
                KoodistoKoodi(koodi_uri=koodi_uri, versio=versio, imported_at=now, **values)
            )
            return True
        for name, value in values.items():
            setattr(row, name, value)
        row.imported_at = now
        return False


EperusteetRow = TypeVar(
    "EperusteetRow", EperusteetPeruste, EperusteetTutkinnonOsa, EperusteetKoulutuksenOsa
)


class EperusteetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Reads used by the port.

    def get(self, model: type[EperusteetRow], row_id: int) -> EperusteetRow | None:
        return self.session.get(model, row_id)

    def tutkinnon_osat_by_koodi(self, koodi_uri: str) -> list[EperusteetTutkinnonOsa]:
        return list(
            self.session.scalars(
                select(EperusteetTutkinnonOsa)
                .where(EperusteetTutkinnonOsa.koodi_uri == koodi_uri)
                .order_by(EperusteetTutkinnonOsa.id)
            )
        )

    def perusteet_of(self, tutkinnon_osa_id: int) -> list[EperusteetPeruste]:
        link = EperusteetPerusteenTutkinnonOsa
        return list(
            self.session.scalars(
                select(EperusteetPeruste)
                .join(link, link.peruste_id == EperusteetPeruste.id)
                .where(link.tutkinnon_osa_id == tutkinnon_osa_id)
                .order_by(EperusteetPeruste.id)
            )
        )

    def perusteet_by_diaarinumero(self, diaarinumero: str) -> list[EperusteetPeruste]:
        return list(
            self.session.scalars(
                select(EperusteetPeruste)
                .where(EperusteetPeruste.diaarinumero == diaarinumero)
                .order_by(EperusteetPeruste.id)
            )
        )

    def koulutuksen_osat_by_koodi(self, koodi_uri: str) -> list[EperusteetKoulutuksenOsa]:
        return list(
            self.session.scalars(
                select(EperusteetKoulutuksenOsa)
                .where(EperusteetKoulutuksenOsa.koodi_uri == koodi_uri)
                .order_by(EperusteetKoulutuksenOsa.id)
            )
        )

    # Whole-table reads for the export.

    def all(self, model: type[EperusteetRow]) -> Iterator[EperusteetRow]:
        yield from self.session.scalars(
            select(model).order_by(model.id).execution_options(yield_per=_CHUNK)
        )

    def tutkinnon_osat_of(self, peruste_id: int) -> list[EperusteetTutkinnonOsa]:
        link = EperusteetPerusteenTutkinnonOsa
        return list(
            self.session.scalars(
                select(EperusteetTutkinnonOsa)
                .join(link, link.tutkinnon_osa_id == EperusteetTutkinnonOsa.id)
                .where(link.peruste_id == peruste_id)
                .order_by(link.jarjestys, EperusteetTutkinnonOsa.id)
            )
        )

    def koulutuksen_osat_of(self, peruste_id: int) -> list[EperusteetKoulutuksenOsa]:
        return list(
            self.session.scalars(
                select(EperusteetKoulutuksenOsa)
                .where(EperusteetKoulutuksenOsa.peruste_id == peruste_id)
                .order_by(EperusteetKoulutuksenOsa.jarjestys, EperusteetKoulutuksenOsa.id)
            )
        )

    def tutkinnon_osat_without_peruste(self) -> list[EperusteetTutkinnonOsa]:
        linked = select(EperusteetPerusteenTutkinnonOsa.tutkinnon_osa_id).where(
            EperusteetPerusteenTutkinnonOsa.tutkinnon_osa_id == EperusteetTutkinnonOsa.id
        )
        return list(
            self.session.scalars(
                select(EperusteetTutkinnonOsa)
                .where(~linked.exists())
                .order_by(EperusteetTutkinnonOsa.id)
            )
        )

    def koulutuksen_osat_without_peruste(self) -> list[EperusteetKoulutuksenOsa]:
        return list(
            self.session.scalars(
                select(EperusteetKoulutuksenOsa)
                .where(EperusteetKoulutuksenOsa.peruste_id.is_(None))
                .order_by(EperusteetKoulutuksenOsa.id)
            )
        )

    # Writes for the import.

    def preload(self, model: type[EperusteetRow], ids: Iterable[int]) -> None:
        for chunk in _chunks(sorted(set(ids))):
            self.session.scalars(select(model).where(model.id.in_(chunk))).all()

    def upsert(
        self, model: type[EperusteetRow], row_id: int, values: dict[str, Any], now: datetime
    ) -> bool:
        """Insert or update one row; ``True`` when the row is new."""
        row = self.session.get(model, row_id)
        if row is None:
            self.session.add(model(id=row_id, imported_at=now, **values))
            return True
        for name, value in values.items():
            setattr(row, name, value)
        row.imported_at = now
        return False

    def replace_tutkinnon_osat(self, peruste_id: int, tutkinnon_osa_ids: Sequence[int]) -> None:
        """Make the peruste list exactly these units, in this order (its own list is part of
        the peruste; the units themselves are kept)."""
        self.session.execute(
            delete(EperusteetPerusteenTutkinnonOsa).where(
                EperusteetPerusteenTutkinnonOsa.peruste_id == peruste_id
            )
        )
        self.session.add_all(
            EperusteetPerusteenTutkinnonOsa(
                peruste_id=peruste_id, tutkinnon_osa_id=osa_id, jarjestys=jarjestys
            )
            for jarjestys, osa_id in enumerate(tutkinnon_osa_ids)
        )
