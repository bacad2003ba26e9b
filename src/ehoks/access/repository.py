"""Queries of the access domain: service clients, and what the policy needs to know."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Exists, exists, func, select
from sqlalchemy.orm import Session

from ehoks.access.models import ServiceClient
from ehoks.access.policy import EmailGrants
from ehoks.hoks.models import Hoks, HoksTyopaikkajakso
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.sharing.models import ArvioijaYhteystieto, Jako


def client_is_active(client_id: str | ColumnElement[str]) -> Exists:
    """Whether the client exists and is not disabled, as an expression a read elsewhere can
    select beside its own columns (the HOKS read checks its caller in its one statement)."""
    # The table's columns: the read that selects this is a Core statement.
    client = ServiceClient.__table__.c
    return exists().where(client.client_id == client_id, client.disabled_at.is_(None))


class ServiceClientRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, client_id: str) -> ServiceClient | None:
        return self.session.get(ServiceClient, client_id)

    def is_active(self, client_id: str) -> bool:
        """Whether the client exists and is not disabled (one primary-key read)."""
        row = self.session.execute(
            select(ServiceClient.client_id).where(
                ServiceClient.client_id == client_id, ServiceClient.disabled_at.is_(None)
            )
        ).first()
        return row is not None

    def add(self, client: ServiceClient) -> ServiceClient:
        self.session.add(client)
        self.session.flush()
        return client

    def list(self) -> list[ServiceClient]:
        return list(self.session.scalars(select(ServiceClient).order_by(ServiceClient.created_at)))


class AccessRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def procured_oppilaitokset(self, opiskeluoikeus_oid: str) -> list[str]:
        """Oppilaitokset delivering procured training on this (master) study right."""
        oids = self.session.scalars(
            select(IndexOpiskeluoikeus.oppilaitos_oid).where(
                IndexOpiskeluoikeus.hankintakoulutus_opiskeluoikeus_oid == opiskeluoikeus_oid
            )
        )
        return [oid for oid in oids if oid]

    def email_grants(self, hoks_id: int, sahkoposti: str, *, today: date) -> EmailGrants:
        """Everything one verified address is named for in one HOKS, valid today."""
        instructor = self.session.scalars(
            select(HoksTyopaikkajakso.module_id).where(
                HoksTyopaikkajakso.hoks_id == hoks_id,
                func.lower(HoksTyopaikkajakso.ohjaaja_sahkoposti) == sahkoposti,
            )
        ).all()
        assessor = self.session.scalars(
            select(ArvioijaYhteystieto.naytto_module_id).where(
                ArvioijaYhteystieto.hoks_id == hoks_id,
                ArvioijaYhteystieto.sahkoposti == sahkoposti,
            )
        ).all()
        shares: dict[str, frozenset[str]] = {}
        consents: dict[str, frozenset[str]] = {}
        for jako in self.session.scalars(
            select(Jako).where(Jako.hoks_id == hoks_id, *_valid_for(sahkoposti, today))
        ):
            target = consents if jako.laji == "suostumus" else shares
            target[jako.id] = frozenset(jako.module_ids)
        return EmailGrants(frozenset(instructor), frozenset(assessor), shares, consents)

    def hoks_ids_for_email(self, sahkoposti: str, *, today: date) -> list[int]:
        """Non-deleted HOKSes in which the address is named or has a valid share or consent."""
        named = (
            select(HoksTyopaikkajakso.hoks_id)
            .where(func.lower(HoksTyopaikkajakso.ohjaaja_sahkoposti) == sahkoposti)
            .union(
                select(ArvioijaYhteystieto.hoks_id).where(
                    ArvioijaYhteystieto.sahkoposti == sahkoposti
                ),
                select(Jako.hoks_id).where(*_valid_for(sahkoposti, today)),
            )
            .subquery()
        )
        return list(
            self.session.scalars(
                select(Hoks.id)
                .where(Hoks.id.in_(select(named.c[0])), Hoks.deleted_at.is_(None))
                .order_by(Hoks.id)
            )
        )


def _valid_for(sahkoposti: str, today: date) -> tuple[ColumnElement[bool], ...]:
    return (
        Jako.vastaanottaja_sahkoposti == sahkoposti,
        Jako.revoked_at.is_(None),
        Jako.voimassaolo_alku <= today,
        Jako.voimassaolo_loppu >= today,
    )
