"""The local registry (DESIGN D5): Koski, ONR and Organisaatio documents kept in our own database.

Each row holds one document in the real service's response shape, plus the columns the ports
look things up by. ``ehoks registry import`` loads them; nothing else writes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, JsonDocument, UtcDateTime

OID = String(64)


class KoskiOppija(Base):
    """A learner as Koski knows them: the ``henkilö`` of ``GET /koski/api/oppija/{oid}``."""

    __tablename__ = "registry_koski_oppija"

    oid: Mapped[str] = mapped_column(OID, primary_key=True)
    henkilo: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KoskiOpiskeluoikeus(Base):
    """One study right as ``GET /koski/api/opiskeluoikeus/{oid}`` answers it."""

    __tablename__ = "registry_koski_opiskeluoikeus"

    oid: Mapped[str] = mapped_column(OID, primary_key=True)
    # NULL when the study right was imported on its own, without the learner's document.
    oppija_oid: Mapped[str | None] = mapped_column(OID, index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OnrHenkilo(Base):
    """A person as ``GET /oppijanumerorekisteri-service/henkilo/{oid}`` answers it."""

    __tablename__ = "registry_onr_henkilo"

    oid: Mapped[str] = mapped_column(OID, primary_key=True)
    # Set only on duplicates (slaves): the OID ONR has merged this person into.
    master_oid: Mapped[str | None] = mapped_column(OID, index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OrganisaatioRecord(Base):
    """An organisation as ``GET /organisaatio-service/api/{oid}`` answers it."""

    __tablename__ = "registry_organisaatio"

    oid: Mapped[str] = mapped_column(OID, primary_key=True)
    parent_oid: Mapped[str | None] = mapped_column(OID, index=True)
    # Normalised ``|root|…|parent|`` (ancestors only), or '' when the document has no path.
    parent_oid_path: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
