"""HOKS storage (DESIGN D2): one row per HOKS holding the validated document and the columns we
query on, an append-only version history, and projections of the parts that other queries look
inside (workplace periods, demonstrations). Parts themselves live only inside the document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, JsonDocument, UtcDateTime

OID = String(64)


class Hoks(Base):
    __tablename__ = "hoks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    eid: Mapped[str] = mapped_column(String(36), unique=True)
    oppija_oid: Mapped[str] = mapped_column(OID, index=True)
    # One HOKS per study right, soft-deleted ones included (reference 4.5 step 7.1).
    opiskeluoikeus_oid: Mapped[str] = mapped_column(OID, unique=True)
    oppilaitos_oid: Mapped[str | None] = mapped_column(OID, index=True)
    koulutustoimija_oid: Mapped[str | None] = mapped_column(OID)
    tuva_opiskeluoikeus_oid: Mapped[str | None] = mapped_column(OID)
    ensikertainen_hyvaksyminen: Mapped[date | None] = mapped_column(Date)
    osaamisen_saavuttamisen_pvm: Mapped[date | None] = mapped_column(Date)
    manuaalisyotto: Mapped[bool] = mapped_column(Boolean, default=False)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # Whether ``document`` is already its own read view (``hoks.schemas.is_read_shaped``),
    # set by every write of the document; a read then sends the stored JSON text as it is
    # (``hoks.service.reading``). False for rows written before it was kept (migration 0015).
    read_shaped: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[str | None] = mapped_column(String(128))
    updated_by: Mapped[str | None] = mapped_column(String(128))


class HoksVersion(Base):
    """Every earlier state of a HOKS, appended on each write. Never updated, except that the
    contact-data clean-up erases the cleared contact fields from earlier versions too (their
    retention time is over there as well)."""

    __tablename__ = "hoks_version"
    __table_args__ = (UniqueConstraint("hoks_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime] = mapped_column(UtcDateTime())
    operation: Mapped[str] = mapped_column(String(32))
    changed_by: Mapped[str | None] = mapped_column(String(128))


class HoksTyopaikkajakso(Base):
    """Projection: one row per workplace learning period (feedback, reports, instructor scope)."""

    __tablename__ = "hoks_tyopaikkajakso"
    __table_args__ = (Index("ix_hoks_tyopaikkajakso_loppu", "loppu"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(36), unique=True)
    osa_module_id: Mapped[str] = mapped_column(String(36))
    osa_tyyppi: Mapped[str] = mapped_column(String(8))
    yksiloiva_tunniste: Mapped[str | None] = mapped_column(String(256))
    hankkimistapa_koodi_uri: Mapped[str] = mapped_column(String(128))
    alku: Mapped[date] = mapped_column(Date)
    loppu: Mapped[date] = mapped_column(Date)
    osa_aikaisuustieto: Mapped[int | None] = mapped_column(Integer)
    tyopaikan_nimi: Mapped[str | None] = mapped_column(Text)
    tyopaikan_y_tunnus: Mapped[str | None] = mapped_column(String(16))
    ohjaaja_nimi: Mapped[str | None] = mapped_column(Text)
    ohjaaja_sahkoposti: Mapped[str | None] = mapped_column(String(320), index=True)
    ohjaaja_puhelinnumero: Mapped[str | None] = mapped_column(String(256))


class HoksNaytto(Base):
    """Projection: one row per demonstration with its assessors (assessor scope)."""

    __tablename__ = "hoks_naytto"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(36), unique=True)
    osa_module_id: Mapped[str] = mapped_column(String(36))
    osa_tyyppi: Mapped[str] = mapped_column(String(8))
    alku: Mapped[date] = mapped_column(Date)
    loppu: Mapped[date] = mapped_column(Date)
    nayttoymparisto_nimi: Mapped[str | None] = mapped_column(Text)
    tyoelama_arvioijat: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)


class IdempotencyKey(Base):
    """Remembers the answer to ``POST /hoks`` per client and ``Idempotency-Key``."""

    __tablename__ = "idempotency_key"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
