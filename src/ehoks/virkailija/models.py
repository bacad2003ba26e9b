"""The officials' learner search reads one narrow projection table instead of joining the HOKS,
the learner index and the study-right index on every page.

``hoks_haku`` holds one row per HOKS with what the student list shows, filters on and sorts by.
Database triggers (migration ``0006_virkailija_search``) keep it in step with its three sources
in the same transaction as every write to any of them — the HOKS service, the index refresh,
ONR merges, imports and the demo loader alike — so no write path can forget it. Code only reads
it (``virkailija.repository``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, UtcDateTime

OID = String(64)
# Everything the list filters and sorts on rides in the scope index on PostgreSQL, so a page
# reads an institution's rows as one run of index pages (an index-only scan) instead of a heap
# page per row: the rows of one institution are scattered over the whole table.
COVERED = (
    "deleted_at",
    "oppija_oid",
    "osaamisen_saavuttamisen_pvm",
    "arvioitu_paattymispaiva",
    "ensikertainen_hyvaksyminen",
    "updated_at",
    "tutkinto_fi",
    "tutkinto_sv",
    "tutkinto_en",
    "osaamisala_fi",
    "osaamisala_sv",
    "osaamisala_en",
)


class HoksHaku(Base):
    __tablename__ = "hoks_haku"
    __table_args__ = (
        # The scope (the organisation's institutions) first: every search filters on it, and
        # the name order within one institution is then the index order.
        Index(
            "ix_hoks_haku_oppilaitos_nimi",
            "oppilaitos_oid",
            "nimi",
            "hoks_id",
            postgresql_include=list(COVERED),
        ),
    )

    hoks_id: Mapped[int] = mapped_column(
        ForeignKey("hoks.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # From the HOKS.
    oppija_oid: Mapped[str] = mapped_column(OID, index=True)
    opiskeluoikeus_oid: Mapped[str] = mapped_column(OID, index=True)
    oppilaitos_oid: Mapped[str | None] = mapped_column(OID)
    ensikertainen_hyvaksyminen: Mapped[date | None] = mapped_column(Date)
    osaamisen_saavuttamisen_pvm: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # From the learner index ('' while the learner is not indexed).
    nimi: Mapped[str] = mapped_column(Text)
    # From the study-right index, one column per language (None where Koski has no name).
    tutkinto_fi: Mapped[str | None] = mapped_column(Text)
    tutkinto_sv: Mapped[str | None] = mapped_column(Text)
    tutkinto_en: Mapped[str | None] = mapped_column(Text)
    osaamisala_fi: Mapped[str | None] = mapped_column(Text)
    osaamisala_sv: Mapped[str | None] = mapped_column(Text)
    osaamisala_en: Mapped[str | None] = mapped_column(Text)
    arvioitu_paattymispaiva: Mapped[date | None] = mapped_column(Date)
