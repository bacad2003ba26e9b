"""Who is calling. Every kind of user of DESIGN section 1 is a frozen dataclass, so the policy
module (``access.policy``) can decide on it and the audit trail can name it.

Officials and CAS service users carry organisation grants built from their eHOKS role strings
(reference 6.2); token clients hold one role on one organisation. Students are identified by
their oppija OID. Workplace instructors, assessors and the people a student shares with have no
national account: they are a verified e-mail address, and what that address may see follows from
the data (named instructor, named assessor, valid share or consent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

OPH_ORGANISAATIO_OID = "1.2.246.562.10.00000000001"

ROLE_PRIVILEGES: dict[str, frozenset[str]] = {
    "CRUD": frozenset({"read", "write", "update", "delete"}),
    "READ": frozenset({"read"}),
    "HOKS_DELETE": frozenset({"hoks_delete"}),
    "OPHPAAKAYTTAJA": frozenset({"read", "write", "update", "delete"}),
    # The anonymised Vipunen feed of every HOKS (national statistics), and nothing else.
    "VIPUNEN": frozenset({"statistics"}),
}
SUPERUSER_ROLE = "OPHPAAKAYTTAJA"
# Roles a token client can be given (super user and delete come through CAS/OIDC role strings).
# VIPUNEN is given only on the OPH root (``access.service.create_client``).
CLIENT_ROLES = ("CRUD", "READ", "VIPUNEN")

_ROLE_STRING = re.compile(r"^ROLE_APP_EHOKS_([A-Z_]+)_(1\.2\.246\.562\.10\.\d+)$")


@dataclass(frozen=True)
class OrganisationGrant:
    """Privileges on one organisation; they cover every organisation below it too."""

    organisaatio_oid: str
    privileges: frozenset[str]
    superuser: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "oid": self.organisaatio_oid,
            "privileges": sorted(self.privileges),
            "superuser": self.superuser,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrganisationGrant:
        return cls(data["oid"], frozenset(data["privileges"]), bool(data.get("superuser")))


def grants_from_roles(roles: Iterable[str]) -> tuple[OrganisationGrant, ...]:
    """``ROLE_APP_EHOKS_<NAME>_<organisation oid>`` strings → grants (reference 6.2).

    Unknown names give an empty grant, as in the original; strings of other applications are
    ignored. Several roles on one organisation are merged.
    """
    merged: dict[str, tuple[set[str], bool]] = {}
    for role in roles:
        match = _ROLE_STRING.match(role)
        if match is None:
            continue
        name, oid = match.groups()
        privileges, superuser = merged.setdefault(oid, (set(), False))
        privileges |= ROLE_PRIVILEGES.get(name, frozenset())
        merged[oid] = (privileges, superuser or name == SUPERUSER_ROLE)
    return tuple(
        OrganisationGrant(oid, frozenset(privileges), superuser)
        for oid, (privileges, superuser) in sorted(merged.items())
    )


@dataclass(frozen=True)
class ServiceClientActor:
    """A student information system (palvelukäyttäjä) holding one role on one organisation."""

    client_id: str
    name: str
    organisaatio_oid: str
    role: str
    kind: str = field(default="palvelukayttaja", init=False)

    @property
    def privileges(self) -> frozenset[str]:
        return ROLE_PRIVILEGES.get(self.role, frozenset())

    @property
    def grants(self) -> tuple[OrganisationGrant, ...]:
        return (OrganisationGrant(self.organisaatio_oid, self.privileges),)

    @property
    def audit_id(self) -> str:
        return f"client:{self.client_id}"

    @property
    def audit_role(self) -> str | None:
        return self.role


@dataclass(frozen=True)
class CasServiceActor:
    """A service user authenticated by a CAS service ticket (``ticket`` header), as existing
    eHOKS clients do; its rights are the eHOKS role strings CAS returned."""

    username: str
    oid: str
    grants: tuple[OrganisationGrant, ...]
    kind: str = field(default="palvelukayttaja", init=False)

    @property
    def audit_id(self) -> str:
        return self.oid or f"cas:{self.username}"

    @property
    def audit_role(self) -> str | None:
        return "cas"


@dataclass(frozen=True)
class OfficialActor:
    """Provider staff or an OPH administrator (virkailija), logged in through OIDC or CAS."""

    oid: str
    name: str
    grants: tuple[OrganisationGrant, ...]
    kind: str = field(default="virkailija", init=False)

    @property
    def superuser(self) -> bool:
        return any(grant.superuser for grant in self.grants)

    @property
    def audit_id(self) -> str:
        return self.oid

    @property
    def audit_role(self) -> str | None:
        return "oph-super-user" if self.superuser else "virkailija"


@dataclass(frozen=True)
class StudentActor:
    """A student logged in with strong e-identification (CAS-oppija / OIDC).

    With valtuudet (acting on someone else's behalf) ``oppija_oid`` is None, as in the original
    (reference 6.6): the person acting is known, but no student's data is theirs to read.
    """

    oppija_oid: str | None
    name: str
    using_valtuudet: bool = False
    acting_oid: str | None = None
    kind: str = field(default="oppija", init=False)

    @property
    def audit_id(self) -> str:
        return self.oppija_oid or self.acting_oid or "oppija:unknown"

    @property
    def audit_role(self) -> str | None:
        return "valtuudet" if self.using_valtuudet else "oppija"


@dataclass(frozen=True)
class EmailActor:
    """A person who proved control of an e-mail address by a link and a one-time code:
    a workplace instructor, a working-life assessor or the recipient of a share or consent."""

    sahkoposti: str
    kind: str = field(default="sahkoposti", init=False)

    @property
    def audit_id(self) -> str:
        return f"email:{self.sahkoposti}"

    @property
    def audit_role(self) -> str | None:
        return None


@dataclass(frozen=True)
class SystemActor:
    """The service itself (CLI commands, demo loading, jobs)."""

    name: str = "system"
    kind: str = field(default="jarjestelma", init=False)

    @property
    def audit_id(self) -> str:
        return f"system:{self.name}"

    @property
    def audit_role(self) -> str | None:
        return None


OrganisationActor = ServiceClientActor | CasServiceActor | OfficialActor
Actor = OrganisationActor | StudentActor | EmailActor | SystemActor


def normalise_email(address: str) -> str:
    """Addresses are compared case-insensitively and without surrounding space."""
    return address.strip().lower()
