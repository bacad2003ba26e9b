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

from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    column,
    func,
    literal_column,
    text,
)
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


LANGUAGES = ("fi", "sv", "en")
LISTED_COLUMNS = ["oppilaitos_oid", "osaamisen_saavuttamisen_pvm", "arvioitu_paattymispaiva"]


def _postgresql_only() -> list[Index]:
    """The expressions the list sorts and searches by, indexed on PostgreSQL only (migration
    0007): the study right's names per language as the statement coalesces them, the
    descending approval date with empty ones last, and trigrams of the lower-cased name."""
    empty: ColumnElement[str] = literal_column("''")
    indexes = [
        Index(
            f"ix_hoks_haku_{name}_{lang}",
            func.coalesce(
                column(f"{name}_{lang}"),
                *([] if lang == "fi" else [column(f"{name}_fi")]),
                empty,
            ),
            column("hoks_id"),
        )
        for name in ("tutkinto", "osaamisala")
        for lang in ("fi", "sv", "en")
    ]
    indexes.append(
        Index(
            "ix_hoks_haku_hyvaksytty_desc",
            # Text, not column objects: alembic then compares it only where it can reflect
            # expression indexes, as the others.
            text("ensikertainen_hyvaksyminen DESC NULLS LAST"),
            text("hoks_id DESC"),
        )
    )
    indexes.append(
        Index(
            "ix_hoks_haku_nimi_trgm",
            func.lower(column("nimi")),
            postgresql_using="gin",
            postgresql_ops={"lower_1": "gin_trgm_ops"},
        )
    )
    for kind in ("tutkinto", "osaamisala"):
        # Migration 0008: a qualification or competence-area term, in any language. Spelled
        # as PostgreSQL prints it back, parentheses and all, so alembic compares it.
        a, b, c = (f"coalesce({kind}_{lang}, '')" for lang in LANGUAGES)
        indexes.append(
            Index(
                f"ix_hoks_haku_{kind}_trgm",
                text(f"lower(((({a} || ' / ') || {b}) || ' / ') || {c}) gin_trgm_ops"),
                postgresql_using="gin",
            )
        )
    for index in indexes:
        index.ddl_if(dialect="postgresql")
    return indexes


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
        # The whole country's list walks these in the order of the chosen column and stops
        # after the page (migration 0007_virkailija_search_speed, which also adds, on
        # PostgreSQL only, the study right's names per language, the descending approval
        # date and a trigram index on the lower-cased name).
        Index("ix_hoks_haku_nimi", "nimi", "hoks_id"),
        Index("ix_hoks_haku_hyvaksytty", "ensikertainen_hyvaksyminen", "hoks_id"),
        Index("ix_hoks_haku_paivitetty", "updated_at", "hoks_id"),
        # Migration 0008: the national list sorted by the learner's number of HOKSes, and the
        # deleted HOKSes (a few per thousand) on their own.
        Index("ix_hoks_haku_oppijan_hoks_lkm", "oppijan_hoks_lkm", "hoks_id"),
        Index(
            # The national list's pages and counts read this index only (PostgreSQL).
            "ix_hoks_haku_listattavat",
            "nimi",
            "hoks_id",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_include=LISTED_COLUMNS,
        ),
        Index(
            "ix_hoks_haku_poistetut",
            "nimi",
            "hoks_id",
            postgresql_where=text("deleted_at IS NOT NULL"),
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_include=["oppilaitos_oid", "oppija_oid"],
        ),
        *_postgresql_only(),
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
    # The learner's HOKSes that a list can show (not deleted, with an institution), kept by
    # triggers on this table (migration 0008).
    oppijan_hoks_lkm: Mapped[int] = mapped_column(Integer, server_default="0")
