"""Every query of sharing and consent: the ``jako`` rows, the assessors' contact addresses, and
the two lookups the use cases need outside their own tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehoks.auth.models import EmailChallenge
from ehoks.hoks.models import Hoks
from ehoks.sharing.models import ArvioijaYhteystieto, Jako


class JakoRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, jako_id: str, *, for_update: bool = False) -> Jako | None:
        # Serialises an extend and a revoke of one share on PostgreSQL.
        return self.session.get(Jako, jako_id, with_for_update=for_update or None)

    def add(self, jako: Jako) -> Jako:
        self.session.add(jako)
        self.session.flush()
        return jako

    def for_hoks(self, hoks_id: int) -> Sequence[Jako]:
        return self.session.scalars(
            select(Jako).where(Jako.hoks_id == hoks_id).order_by(Jako.created_at, Jako.id)
        ).all()

    def hoks_id_by_eid(self, eid: str) -> int | None:
        """The id of the non-deleted HOKS with this external id (students know only ``eid``,
        reference 5.10)."""
        return self.session.scalars(
            select(Hoks.id).where(Hoks.eid == eid, Hoks.deleted_at.is_(None))
        ).first()

    def login_links_since(self, jako_id: str, since: datetime) -> int:
        """How many login links for this share were mailed at or after ``since``."""
        count = self.session.scalar(
            select(func.count())
            .select_from(EmailChallenge)
            .where(
                EmailChallenge.purpose == "jako",
                EmailChallenge.target == jako_id,
                EmailChallenge.created_at >= since,
            )
        )
        return int(count or 0)


class ArvioijaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_naytto(self, hoks_id: int, module_id: str) -> Sequence[ArvioijaYhteystieto]:
        return self.session.scalars(
            select(ArvioijaYhteystieto)
            .where(
                ArvioijaYhteystieto.hoks_id == hoks_id,
                ArvioijaYhteystieto.naytto_module_id == module_id,
            )
            .order_by(ArvioijaYhteystieto.id)
        ).all()

    def add(self, row: ArvioijaYhteystieto) -> ArvioijaYhteystieto:
        self.session.add(row)
        self.session.flush()
        return row

    def remove(self, row: ArvioijaYhteystieto) -> None:
        self.session.delete(row)
        self.session.flush()
