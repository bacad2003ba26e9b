"""The one place that decides access (DESIGN D6). Pure: callers pass in what the decision needs.

A service client's role on an organisation covers that organisation and everything below it in
the organisation hierarchy (reference 6.3). The HOKS's organisation is the oppilaitos of its study
right. HTTP method → privilege as reference 6.2: GET read, POST write, PUT/PATCH update,
DELETE delete.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ehoks.access.actor import OPH_ORGANISAATIO_OID, Actor, SystemActor
from ehoks.access.errors import NoAccess

Privilege = Literal["read", "write", "update", "delete"]


def privileges_on(actor: Actor, organisaatio_path: Iterable[str] | None) -> frozenset[str]:
    """Privileges the actor holds on an organisation given its ancestors-and-self path.

    An unknown organisation (path None) yields no privileges.
    """
    if isinstance(actor, SystemActor):
        return frozenset({"read", "write", "update", "delete"})
    if organisaatio_path is None:
        return frozenset()
    if actor.organisaatio_oid in set(organisaatio_path):
        return actor.privileges
    return frozenset()


def require_hoks_privilege(
    actor: Actor, privilege: Privilege, organisaatio_path: Iterable[str] | None
) -> None:
    if privilege not in privileges_on(actor, organisaatio_path):
        raise NoAccess()


def require_oph_privilege(actor: Actor, privilege: Privilege) -> None:
    """The privilege held directly on the OPH root (no inheritance), as the original checks."""
    if isinstance(actor, SystemActor):
        return
    if actor.organisaatio_oid != OPH_ORGANISAATIO_OID or privilege not in actor.privileges:
        raise NoAccess()
