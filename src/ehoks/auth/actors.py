"""Actors to and from the JSON kept in a server-side session."""

from __future__ import annotations

from typing import Any

from ehoks.access.actor import (
    Actor,
    EmailActor,
    OfficialActor,
    OrganisationGrant,
    StudentActor,
)
from ehoks.access.errors import NoSession


def actor_to_json(actor: Actor) -> dict[str, Any]:
    if isinstance(actor, OfficialActor):
        return {
            "kind": actor.kind,
            "oid": actor.oid,
            "name": actor.name,
            "grants": [grant.to_json() for grant in actor.grants],
        }
    if isinstance(actor, StudentActor):
        return {
            "kind": actor.kind,
            "oppija_oid": actor.oppija_oid,
            "name": actor.name,
            "using_valtuudet": actor.using_valtuudet,
            "acting_oid": actor.acting_oid,
        }
    if isinstance(actor, EmailActor):
        return {"kind": actor.kind, "sahkoposti": actor.sahkoposti}
    raise TypeError(f"{type(actor).__name__} has no browser session")


def actor_from_json(data: dict[str, Any]) -> OfficialActor | StudentActor | EmailActor:
    kind = data.get("kind")
    if kind == "virkailija":
        grants = tuple(OrganisationGrant.from_json(g) for g in data["grants"])
        return OfficialActor(data["oid"], data["name"], grants)
    if kind == "oppija":
        return StudentActor(
            data["oppija_oid"], data["name"], data["using_valtuudet"], data["acting_oid"]
        )
    if kind == "sahkoposti":
        return EmailActor(data["sahkoposti"])
    raise NoSession()


def session_subject(actor: Actor) -> str:
    """Whom "log out everywhere" ends the sessions of."""
    if isinstance(actor, OfficialActor):
        return actor.oid
    if isinstance(actor, StudentActor):
        return actor.oppija_oid or actor.acting_oid or actor.name
    if isinstance(actor, EmailActor):
        return actor.sahkoposti
    raise TypeError(f"{type(actor).__name__} has no browser session")
