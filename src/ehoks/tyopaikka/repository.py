"""Queries behind "send the link": who a HOKS names with an address, and when each was sent
a link."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehoks.hoks.models import HoksNaytto, HoksTyopaikkajakso
from ehoks.sharing.models import ArvioijaYhteystieto
from ehoks.tyopaikka.models import LinkkiLahetys


class LinkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def periods_with_instructor(self, hoks_id: int) -> Sequence[HoksTyopaikkajakso]:
        """Workplace learning periods whose responsible instructor has an address."""
        return self.session.scalars(
            select(HoksTyopaikkajakso)
            .where(
                HoksTyopaikkajakso.hoks_id == hoks_id,
                HoksTyopaikkajakso.ohjaaja_sahkoposti.is_not(None),
                HoksTyopaikkajakso.ohjaaja_sahkoposti != "",
            )
            .order_by(HoksTyopaikkajakso.alku, HoksTyopaikkajakso.id)
        ).all()

    def assessor_contacts(self, hoks_id: int) -> Sequence[ArvioijaYhteystieto]:
        """The addresses the provider recorded for named working-life assessors."""
        return self.session.scalars(
            select(ArvioijaYhteystieto)
            .where(ArvioijaYhteystieto.hoks_id == hoks_id)
            .order_by(ArvioijaYhteystieto.id)
        ).all()

    def demonstrations(self, hoks_id: int) -> dict[str, HoksNaytto]:
        """The HOKS's demonstrations by module-id."""
        rows = self.session.scalars(select(HoksNaytto).where(HoksNaytto.hoks_id == hoks_id))
        return {row.module_id: row for row in rows}

    def latest_sent(self, hoks_id: int) -> dict[tuple[str, int | None], datetime]:
        """(part module-id, assessor contact id or None) → when a link last went out."""
        rows = self.session.execute(
            select(
                LinkkiLahetys.module_id,
                LinkkiLahetys.arvioija_id,
                func.max(LinkkiLahetys.sent_at),
            )
            .where(LinkkiLahetys.hoks_id == hoks_id)
            .group_by(LinkkiLahetys.module_id, LinkkiLahetys.arvioija_id)
        )
        return {(row[0], row[1]): _aware(row[2]) for row in rows}

    def add(self, sent: LinkkiLahetys) -> LinkkiLahetys:
        self.session.add(sent)
        self.session.flush()
        return sent


def _aware(value: datetime | str) -> datetime:
    """SQLite's aggregate returns the stored text without its zone (UtcDateTime stores UTC)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
