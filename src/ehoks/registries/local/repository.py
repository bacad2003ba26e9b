"""Every query on the local registry tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.registries.local.models import (
    KoskiOpiskeluoikeus,
    KoskiOppija,
    OnrHenkilo,
    OrganisaatioRecord,
)

Row = TypeVar("Row", KoskiOppija, KoskiOpiskeluoikeus, OnrHenkilo, OrganisaatioRecord)

# Keeps IN lists well below every driver's parameter limit (SQLite's is the lowest).
_CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
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
