"""The local registry (DESIGN D5): Koski, ONR, Organisaatio, Koodisto and ePerusteet documents
kept in our own database.

Each row holds one document in the real service's response shape, plus the columns the ports
look things up by. ``ehoks registry import`` loads them; nothing else writes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Integer, String, Text
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


KOODI_URI = String(255)


class KoodistoKoodi(Base):
    """One version of a code element as
    ``GET /koodisto-service/rest/codeelement/{koodiUri}/{versio}`` answers it."""

    __tablename__ = "registry_koodisto_koodi"

    koodi_uri: Mapped[str] = mapped_column(KOODI_URI, primary_key=True)
    versio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # The code list (``koodisto.koodistoUri``; else the part of the URI before its first '_').
    koodisto_uri: Mapped[str] = mapped_column(KOODI_URI, index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EperusteetPeruste(Base):
    """A qualification's requirements (peruste) as ``GET /api/external/peruste/{id}`` answers
    it, without its ``tutkinnonOsat`` and ``koulutuksenOsat``: those are rows of their own,
    so that a unit is read without its whole peruste."""

    __tablename__ = "registry_eperusteet_peruste"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Not unique: ePerusteet keeps superseded perusteet under the same diary number.
    diaarinumero: Mapped[str | None] = mapped_column(String(64), index=True)
    # True when a file gave the whole peruste; false for a search hit (``/perusteet``), which
    # must never replace a whole one.
    kokonainen: Mapped[bool] = mapped_column(Boolean)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EperusteetTutkinnonOsa(Base):
    """A qualification unit as ``GET /api/tutkinnonosat/{id}`` (or a whole peruste's
    ``tutkinnonOsat``) describes it. One unit may belong to several perusteet."""

    __tablename__ = "registry_eperusteet_tutkinnon_osa"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    koodi_uri: Mapped[str | None] = mapped_column(KOODI_URI, index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EperusteetPerusteenTutkinnonOsa(Base):
    """Which units a whole peruste lists, in its order."""

    __tablename__ = "registry_eperusteet_peruste_tutkinnon_osa"

    peruste_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tutkinnon_osa_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, index=True
    )
    jarjestys: Mapped[int] = mapped_column(Integer)


class EperusteetKoulutuksenOsa(Base):
    """A TUVA training part as ``GET /api/external/peruste/{id}/koulutuksenOsat`` lists it."""

    __tablename__ = "registry_eperusteet_koulutuksen_osa"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # ``nimiKoodi.uri``; NULL for a draft part that has no code yet.
    koodi_uri: Mapped[str | None] = mapped_column(KOODI_URI, index=True)
    # NULL when the part came from a ``koulutuksenOsat`` answer, which does not name its peruste.
    peruste_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    jarjestys: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
