"""Which plan a HOKS continues: one row per continued HOKS, outside the compatible wire document
(DESIGN D1), so a GET of either HOKS is unchanged. Both ends go with their HOKS's hard delete."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, UtcDateTime


class HoksJatko(Base):
    __tablename__ = "hoks_jatko"

    # A plan continues at most one earlier plan.
    hoks_id: Mapped[int] = mapped_column(
        ForeignKey("hoks.id", ondelete="CASCADE"), primary_key=True
    )
    aiempi_hoks_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("hoks.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str | None] = mapped_column(String(128))
