"""Who is calling. Officials, students and workplace actors arrive in a later issue; every kind
is a frozen dataclass so the policy module can match on it."""

from __future__ import annotations

from dataclasses import dataclass

OPH_ORGANISAATIO_OID = "1.2.246.562.10.00000000001"

ROLE_PRIVILEGES: dict[str, frozenset[str]] = {
    "CRUD": frozenset({"read", "write", "update", "delete"}),
    "READ": frozenset({"read"}),
}


@dataclass(frozen=True)
class ServiceClientActor:
    """A student information system (palvelukäyttäjä) holding one role on one organisation."""

    client_id: str
    name: str
    organisaatio_oid: str
    role: str

    @property
    def privileges(self) -> frozenset[str]:
        return ROLE_PRIVILEGES.get(self.role, frozenset())

    @property
    def audit_id(self) -> str:
        return f"client:{self.client_id}"


@dataclass(frozen=True)
class SystemActor:
    """The service itself (CLI commands, demo loading, jobs)."""

    name: str = "system"

    @property
    def audit_id(self) -> str:
        return f"system:{self.name}"


Actor = ServiceClientActor | SystemActor
