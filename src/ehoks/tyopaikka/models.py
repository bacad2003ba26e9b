"""When the provider mailed a workplace instructor or a working-life assessor the login link to
their part of a HOKS (§ 109 a ¶2–3), so the official's page can say so. The address itself is
not kept here: it lives in the plan (and its assessor contacts), where the contact-data
clean-up removes it in time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, UtcDateTime


class LinkkiLahetys(Base):
    __tablename__ = "tyopaikka_linkki_lahetys"
    __table_args__ = (Index("ix_tyopaikka_linkki_lahetys_kohde", "hoks_id", "module_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"))
    # The learning period's (instructor) or the demonstration's (assessor) module-id.
    module_id: Mapped[str] = mapped_column(String(36))
    # "ohjaaja" (vastuullinen työpaikkaohjaaja) or "arvioija" (työelämän arvioija).
    vastaanottaja: Mapped[str] = mapped_column(String(16))
    # The assessor contact (arvioija_yhteystieto.id) the link went to; none for instructors.
    arvioija_id: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_by: Mapped[str] = mapped_column(String(128))
