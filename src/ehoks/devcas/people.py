"""The demo people the development CAS offers, taken from the development login's choices
(``ehoks.auth.service.dev_choices``) and described as CAS would: officials with their eHOKS
role strings, students with CAS-oppija's attributes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ehoks.access.actor import (
    SUPERUSER_ROLE,
    OfficialActor,
    OrganisationGrant,
    StudentActor,
)
from ehoks.auth.service import dev_choices
from ehoks.registries import Registries

CAS = "cas"
CAS_OPPIJA = "cas-oppija"


@dataclass(frozen=True)
class Person:
    key: str
    """The development login's key (``virkailija:luku``, ``oppija:<oid>``): the form's value."""
    name: str
    oid: str
    username: str
    attributes: dict[str, list[str]]


def role_strings(grant: OrganisationGrant) -> list[str]:
    """``ROLE_APP_EHOKS_<NAME>_<oid>`` strings that ``grants_from_roles`` turns back into
    ``grant`` (the development login builds its officials' grants from such strings)."""
    names = []
    if grant.superuser:
        names.append(SUPERUSER_ROLE)
    elif "write" in grant.privileges:
        names.append("CRUD")
    elif "read" in grant.privileges:
        names.append("READ")
    if "hoks_delete" in grant.privileges:
        names.append("HOKS_DELETE")
    return [f"ROLE_APP_EHOKS_{name}_{grant.organisaatio_oid}" for name in names]


def people(session: Session, registries: Registries, realm: str) -> list[Person]:
    """Officials for ``cas``, students for ``cas-oppija``, in the development login's order."""
    found = []
    for choice in dev_choices(session, registries):
        actor = choice.actor
        if realm == CAS and isinstance(actor, OfficialActor):
            roles = [role for grant in actor.grants for role in role_strings(grant)]
            # CAS's user is a login name; our client shows it as the official's name, so the
            # demo official's name is used to keep the session page readable.
            attributes = {
                "kayttajaTyyppi": ["VIRKAILIJA"],
                "oidHenkilo": [actor.oid],
                "roles": roles,
            }
            found.append(Person(choice.key, actor.name, actor.oid, actor.name, attributes))
        elif realm == CAS_OPPIJA and isinstance(actor, StudentActor) and actor.oppija_oid:
            oid = actor.oppija_oid
            attributes = _oppija(oid, actor.name, registries)
            found.append(Person(choice.key, actor.name, oid, oid, attributes))
    return found


def _oppija(oid: str, name: str, registries: Registries) -> dict[str, list[str]]:
    """suomi.fi identification's attributes, without a hetu (the demo people have none)."""
    henkilo = registries.onr.get_henkilo(oid)
    first, _, last = name.rpartition(" ")
    etunimet = henkilo.etunimet if henkilo is not None else first
    sukunimi = henkilo.sukunimi if henkilo is not None else last
    return {
        "personOid": [oid],
        "firstName": [etunimet],
        "sn": [sukunimi],
        "displayName": [name],
    }
