from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.models import ServiceClient


class ServiceClientRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, client_id: str) -> ServiceClient | None:
        return self.session.get(ServiceClient, client_id)

    def add(self, client: ServiceClient) -> ServiceClient:
        self.session.add(client)
        self.session.flush()
        return client

    def list(self) -> list[ServiceClient]:
        return list(self.session.scalars(select(ServiceClient).order_by(ServiceClient.created_at)))
