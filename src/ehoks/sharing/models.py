"""Shares and consents: what a student has disclosed, to whom, for how long.

One table for both kinds. A share link (``jakolinkki``) discloses one learning period, one
demonstration or one unit for a validity window; a consent (``suostumus``) discloses the whole
HOKS or chosen parts to a named party for a stated purpose. Both point at parts by their stable
``module-id`` (DESIGN D3), so they survive a PUT of the HOKS.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, JsonDocument, UtcDateTime


class Jako(Base):
    __tablename__ = "jako"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    laji: Mapped[str] = mapped_column(String(16))  # jakolinkki | suostumus
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"), index=True)
    oppija_oid: Mapped[str] = mapped_column(String(64), index=True)
    # The shared parts' module-ids; empty for a consent that covers the whole HOKS.
    module_ids: Mapped[list[str]] = mapped_column(JsonDocument)
    # osaamisenhankkiminen | osaamisenosoittaminen | tutkinnonosa (share links), null for consents.
    kohde_tyyppi: Mapped[str | None] = mapped_column(String(32))
    vastaanottaja_nimi: Mapped[str] = mapped_column(String(200))
    vastaanottaja_sahkoposti: Mapped[str] = mapped_column(String(320), index=True)
    vastaanottaja_organisaatio: Mapped[str | None] = mapped_column(String(200))
    tarkoitus: Mapped[str | None] = mapped_column(Text)
    voimassaolo_alku: Mapped[date] = mapped_column(Date)
    voimassaolo_loppu: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)


class ArvioijaYhteystieto(Base):
    """The e-mail address of a working-life assessor named in a demonstration.

    The HOKS schema has no e-mail for assessors (reference 3.6), so the provider records it here
    beside the document; the assessor's login link goes to this address.
    """

    __tablename__ = "arvioija_yhteystieto"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"), index=True)
    naytto_module_id: Mapped[str] = mapped_column(String(36), index=True)
    nimi: Mapped[str] = mapped_column(String(200))
    sahkoposti: Mapped[str] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str | None] = mapped_column(String(128))
