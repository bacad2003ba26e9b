"""What the HOKS use cases share: loading with access checks, study-right lookup."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor, SystemActor
from ehoks.access.facts import StoredHoks, StudyRightsMemo, authorize
from ehoks.access.policy import Access, Action
from ehoks.context import UseCase
from ehoks.errors import ValidationFailed
from ehoks.hoks.errors import HoksNotFound, HoksVersionConflict, OpiskeluoikeusNotFound
from ehoks.hoks.models import Hoks
from ehoks.hoks.parts import ROOT_COLLECTIONS
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.schemas import read_view
from ehoks.kernel.clock import today_in_finland
from ehoks.registries.koski.schemas import Opiskeluoikeus


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationFailed(
            "expected a JSON object",
            value=body,
            problems=[{"path": "", "message": "expected a JSON object"}],
        )
    return body


def load_for(
    session: Session,
    actor: Actor,
    hoks_id: int,
    action: Action,
    deps: UseCase,
    *,
    for_update: bool = False,
    include_deleted: bool = False,
) -> Hoks:
    """The non-deleted HOKS, if the policy lets the actor do ``action`` to it."""
    return load_with_access(
        session,
        actor,
        hoks_id,
        action,
        deps,
        for_update=for_update,
        include_deleted=include_deleted,
    )[0]


def load_with_access(
    session: Session,
    actor: Actor,
    hoks_id: int,
    action: Action,
    deps: UseCase,
    *,
    for_update: bool = False,
    include_deleted: bool = False,
) -> tuple[Hoks, Access]:
    """The HOKS and the policy's decision on it. Order as the original: a missing HOKS is 404
    before any privilege check (reference 5.1)."""
    hoks = HoksRepository(session).get(
        hoks_id, for_update=for_update, include_deleted=include_deleted
    )
    if hoks is None:
        raise HoksNotFound()
    return hoks, decide_on(session, actor, action, hoks, deps)


def decide_on(
    session: Session,
    actor: Actor,
    action: Action,
    hoks: StoredHoks,
    deps: UseCase,
    *,
    rights: StudyRightsMemo | None = None,
) -> Access:
    deps.audit_target(hoks)
    return authorize(
        session, actor, action, hoks, deps.registries, today=today_in_finland(), rights=rights
    )


def writer_basis(actor: Actor) -> Access:
    """The legal basis recorded for a write: only providers and the service itself write."""
    return Access("system") if isinstance(actor, SystemActor) else Access("provider")


def organisaatio_path(oppilaitos_oid: str | None, deps: UseCase) -> tuple[str, ...] | None:
    if oppilaitos_oid is None:
        return None
    return deps.registries.organisaatio.ancestors_and_self(oppilaitos_oid)


def fetch_opiskeluoikeus(oid: str, deps: UseCase) -> Opiskeluoikeus:
    opiskeluoikeus = deps.registries.koski.get_opiskeluoikeus(oid)
    if opiskeluoikeus is None:
        raise OpiskeluoikeusNotFound(oid)
    return opiskeluoikeus


def check_if_match(if_match: str | None, hoks: Hoks) -> None:
    """Optimistic concurrency (DESIGN D3): ``If-Match`` must name the current version."""
    if if_match is None:
        return
    candidates = [c.strip() for c in if_match.split(",")]
    if "*" in candidates:
        return
    for candidate in candidates:
        tag = candidate[2:] if candidate.startswith("W/") else candidate
        if tag.strip('"') == str(hoks.version):
            return
    raise HoksVersionConflict(if_match, hoks.version)


def etag(version: int) -> str:
    return f'"{version}"'


def hoks_columns(document: dict[str, Any]) -> dict[str, Any]:
    """The query columns of the ``hoks`` row, derived from its document."""

    def _date(key: str) -> date | None:
        value = document.get(key)
        return date.fromisoformat(value) if isinstance(value, str) else None

    return {
        "oppija_oid": document["oppija-oid"],
        "opiskeluoikeus_oid": document["opiskeluoikeus-oid"],
        "tuva_opiskeluoikeus_oid": document.get("tuva-opiskeluoikeus-oid"),
        "ensikertainen_hyvaksyminen": _date("ensikertainen-hyvaksyminen"),
        "osaamisen_saavuttamisen_pvm": _date("osaamisen-saavuttamisen-pvm"),
    }


def full_view(hoks: Hoks, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The GET representation: the stored document plus the server's own fields."""
    view = read_view(document if document is not None else hoks.document)
    return {"id": hoks.id, "eid": hoks.eid, "manuaalisyotto": hoks.manuaalisyotto, **view}


def top_level_view(hoks: Hoks) -> dict[str, Any]:
    view = full_view(hoks)
    for key in ROOT_COLLECTIONS:
        view.pop(key, None)
    return view
