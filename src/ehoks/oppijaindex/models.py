"""The learner and study-right index (reference integrations 7, backend 8.6): names and
organisations of learners and study rights with a HOKS, copied from ONR and Koski, so officials'
searches, reports and access decisions never call the registries."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, JsonDocument, UtcDateTime

OID = String(64)


class IndexOppija(Base):
    __tablename__ = "oppija"

    oid: Mapped[str] = mapped_column(OID, primary_key=True)
    nimi: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IndexOpiskeluoikeus(Base):
    __tablename__ = "opiskeluoikeus"

    oid: Mapped[str] = mapped_column(OID, primary_key=True)
    # No foreign key: the index is a cache the service keeps consistent, and a study right may
    # be indexed before its learner's name is (e.g. a refresh while ONR is down).
    oppija_oid: Mapped[str] = mapped_column(OID, index=True)
    oppilaitos_oid: Mapped[str | None] = mapped_column(OID, index=True)
    koulutustoimija_oid: Mapped[str | None] = mapped_column(OID, index=True)
    tutkinto_nimi: Mapped[dict[str, str]] = mapped_column(JsonDocument)
    osaamisala_nimi: Mapped[dict[str, str]] = mapped_column(JsonDocument)
    alkamispaiva: Mapped[date | None] = mapped_column(Date)
    arvioitu_paattymispaiva: Mapped[date | None] = mapped_column(Date)
    # The state in force: the Koski code of the latest opiskeluoikeusjakso and the day it began
    # (NULL for a row not refreshed since migration 0012, or a study right without jaksot).
    tila: Mapped[str | None] = mapped_column(String(64))
    tila_alku: Mapped[date | None] = mapped_column(Date)
    # Procured training: a study right included in the HOKS's one, delivered by another provider.
    hankintakoulutus_jarjestaja_oid: Mapped[str | None] = mapped_column(OID)
    hankintakoulutus_opiskeluoikeus_oid: Mapped[str | None] = mapped_column(OID, index=True)
    # Koski no longer knows the study right (flagged by a refresh; never reset by itself).
    koski404: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
