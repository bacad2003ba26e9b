"""Use cases of the students' (oppija) API (reference 5.10, 6.6).

A student acts on their own data only: the path's learner must be the session's (403
otherwise). With valtuudet (acting on someone else's behalf) the session has no learner, so
every per-learner route is refused, as in the original. Each HOKS read still goes through the
access policy (legal basis "own") and the audit trail, like everyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import StudentActor
from ehoks.access.errors import NotOwnHoks
from ehoks.audit.service import reads_of_learner
from ehoks.context import UseCase
from ehoks.errors import NotFound
from ehoks.hoks.errors import HoksNotFound
from ehoks.hoks.models import Hoks
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service.common import decide_on, full_view, load_with_access
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.oppijaindex.repository import OppijaIndexRepository


class NoHoksesFound(NotFound):
    body_key = "message"

    def __init__(self) -> None:
        super().__init__("No HOKSes found")


def session_view(actor: StudentActor) -> list[dict[str, Any]]:
    """The original's one-element list. The session keeps one display name, given here as
    ``common-name``; ``oid`` is absent with valtuudet, as the original drops it."""
    user: dict[str, Any] = {"common-name": actor.name, "usingValtuudet": actor.using_valtuudet}
    if actor.oppija_oid is not None:
        user = {"oid": actor.oppija_oid, **user}
    return [user]


def require_own(actor: StudentActor, oppija_oid: str, deps: UseCase) -> None:
    # The attempt is audited against the learner it was aimed at.
    if deps.trail is not None:
        deps.trail.target = {"hoks_id": None, "oppija_oid": oppija_oid, "part": None}
    if actor.oppija_oid is None or actor.oppija_oid != oppija_oid:
        raise NotOwnHoks()


def own_hokses(
    session: Session, actor: StudentActor, oppija_oid: str, deps: UseCase
) -> list[dict[str, Any]]:
    """Every non-deleted HOKS of the learner in full, whichever provider made it, without the
    numeric ``id`` (the original shows students only the ``eid``)."""
    require_own(actor, oppija_oid, deps)
    views = []
    for hoks in HoksRepository(session).list_by_oppija(oppija_oid):
        access = decide_on(session, actor, "read", hoks, deps)
        deps.audit("read", hoks, access)
        view = full_view(hoks)
        view.pop("id", None)
        views.append(view)
    if not views:
        raise NoHoksesFound()
    return views


@dataclass(frozen=True)
class OwnPlan:
    """One of the student's HOKSes as their pages show it: the document in full (``id``
    included, for the pages' own bookkeeping; the pages never show it) and the study right from
    the learner index (``None`` when the index does not know it)."""

    hoks_id: int
    eid: str
    document: dict[str, Any]
    opiskeluoikeus: IndexOpiskeluoikeus | None


def own_plans(session: Session, actor: StudentActor, deps: UseCase) -> list[OwnPlan]:
    """Every non-deleted HOKS of the logged-in student, from every provider, each an audited
    read through the access policy like ``own_hokses``; an empty list when there is none (the
    pages show that as an empty state, not as an error)."""
    oppija_oid = actor.oppija_oid
    if oppija_oid is None:  # valtuudet: nobody's plan is "own" (reference 6.6)
        raise NotOwnHoks()
    require_own(actor, oppija_oid, deps)
    hokses = HoksRepository(session).list_by_oppija(oppija_oid)
    return [_own_plan(session, actor, hoks, deps) for hoks in hokses]


def own_plan(session: Session, actor: StudentActor, eid: str, deps: UseCase) -> OwnPlan:
    """The student's HOKS with this ``eid``: 404 when there is none, 403 (audited as a denied
    attempt) when it is someone else's."""
    hoks_id = HoksRepository(session).id_by_eid(eid)
    if hoks_id is None:
        raise HoksNotFound()
    hoks, access = load_with_access(session, actor, hoks_id, "read", deps)
    deps.audit("read", hoks, access)
    return _plan_of(session, hoks)


def _own_plan(session: Session, actor: StudentActor, hoks: Hoks, deps: UseCase) -> OwnPlan:
    access = decide_on(session, actor, "read", hoks, deps)
    deps.audit("read", hoks, access)
    return _plan_of(session, hoks)


def _plan_of(session: Session, hoks: Hoks) -> OwnPlan:
    return OwnPlan(
        hoks_id=hoks.id,
        eid=hoks.eid,
        document=full_view(hoks),
        opiskeluoikeus=OppijaIndexRepository(session).opiskeluoikeus(hoks.opiskeluoikeus_oid),
    )


@dataclass(frozen=True)
class ReadersPage:
    entries: list[dict[str, Any]]
    # Pass as ``before-seq`` for the next (older) page; None on the last page.
    next_before_seq: int | None


def readers(
    session: Session,
    actor: StudentActor,
    oppija_oid: str,
    deps: UseCase,
    *,
    limit: int = 50,
    before_seq: int | None = None,
) -> ReadersPage:
    """Who else has read the learner's data and when, newest first (DESIGN D7). Looking at
    this list is recorded, but not as a read of a HOKS."""
    require_own(actor, oppija_oid, deps)
    found = reads_of_learner(session, oppija_oid, limit=limit, before_seq=before_seq)
    if deps.trail is not None:
        deps.trail.record(operation="read-audit-log", legal_basis="own", oppija_oid=oppija_oid)
    entries = [
        {
            "seq": entry.seq,
            "aika": entry.occurred_at.isoformat(),
            "lukija-tyyppi": entry.actor_kind,
            "lukija-nimi": entry.actor_name,
            "lukija-rooli": entry.actor_role,
            "peruste": entry.legal_basis,
            "peruste-opiskeluoikeus-oid": entry.basis_ref
            if entry.legal_basis == "current-provider"
            else None,
            "peruste-organisaatio-oid": entry.basis_organisaatio_oid,
            "hoks-id": entry.hoks_id,
            "osa": entry.part,
        }
        for entry in found
    ]
    next_before = found[-1].seq if len(found) == limit else None
    return ReadersPage(entries, next_before)
