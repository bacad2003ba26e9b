"""Every query on ``hoks_jatko``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from ehoks.hoks.models import Hoks
from ehoks.jatko.models import HoksJatko
from ehoks.oppijaindex.models import IndexOpiskeluoikeus

Suunta = Literal["jatkaa", "jatkuu"]
"""``jatkaa``: this plan continues the other; ``jatkuu``: this plan is continued in the other."""


@dataclass(frozen=True)
class LinkedRow:
    suunta: Suunta
    hoks: Hoks
    """The plan at the other end (not soft-deleted)."""
    opiskeluoikeus: IndexOpiskeluoikeus | None


class JatkoRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, hoks_id: int, aiempi_hoks_id: int, *, now: datetime, by: str | None) -> None:
        self.session.add(
            HoksJatko(hoks_id=hoks_id, aiempi_hoks_id=aiempi_hoks_id, created_at=now, created_by=by)
        )
        self.session.flush()

    def opiskeluoikeudet_with_hoks(self, oids: list[str]) -> set[str]:
        """Which of these study rights already have a HOKS (soft-deleted ones included)."""
        if not oids:
            return set()
        return set(
            self.session.scalars(
                select(Hoks.opiskeluoikeus_oid).where(Hoks.opiskeluoikeus_oid.in_(oids))
            ).all()
        )

    def linked(self, hoks_id: int) -> list[LinkedRow]:
        """The plans this one continues and is continued in, with their study rights' index
        rows (names of the qualification and school), in one statement."""
        other = aliased(Hoks)
        continues = and_(HoksJatko.hoks_id == hoks_id, other.id == HoksJatko.aiempi_hoks_id)
        continued = and_(HoksJatko.aiempi_hoks_id == hoks_id, other.id == HoksJatko.hoks_id)
        statement = (
            select(HoksJatko.hoks_id, other, IndexOpiskeluoikeus)
            .join(other, or_(continues, continued))
            .outerjoin(IndexOpiskeluoikeus, IndexOpiskeluoikeus.oid == other.opiskeluoikeus_oid)
            .where(
                or_(HoksJatko.hoks_id == hoks_id, HoksJatko.aiempi_hoks_id == hoks_id),
                other.deleted_at.is_(None),
            )
            .order_by(other.id)
        )
        return [
            LinkedRow("jatkaa" if own == hoks_id else "jatkuu", hoks, row)
            for own, hoks, row in self.session.execute(statement).all()
        ]
