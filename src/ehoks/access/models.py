"""Service clients (palvelukäyttäjät): student information systems that call the service API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, UtcDateTime


class ServiceClient(Base):
    __tablename__ = "service_client"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisaatio_oid: Mapped[str] = mapped_column(String(64))
    # CRUD or READ, as the eHOKS role names (reference 6.2).
    role: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
