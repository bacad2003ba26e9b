"""Use cases on whole HOKS documents: read, replace (PUT), patch, the Vipunen feed,
soft delete, undo and hard delete, and the prepare phase of a write on a stored HOKS. Services
never commit: the entrypoint runs their apply phase in the context's frame (``ctx.write``)."""

from __future__ import annotations

import copy
import itertools
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor
from ehoks.access.policy import (
    require_statistics_feed,
)
from ehoks.audit.diff import changes as document_changes
from ehoks.audit.diff import soft_delete_changes, undo_delete_changes
from ehoks.context import UseCase
from ehoks.errors import RegistryUnavailable, ValidationFailed
from ehoks.hoks.errors import (
    BodyIdMismatch,
    HoksNotFound,
    HoksNotFoundForOpiskeluoikeus,
    HoksVersionNotFound,
    OpiskeluoikeusNotActive,
    OpiskeluoikeusOidChange,
    OppijaOidChange,
)
from ehoks.hoks.identity import assign_module_ids
from ehoks.hoks.models import Hoks
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.schemas import VipunenProjectionError, validate_hoks, vipunen_view
from ehoks.hoks.service.common import (
    check_if_match,
    decide_on,
    fetch_opiskeluoikeus,
    full_view,
    hoks_columns,
    load_for,
    load_with_access,
    organisaatio_path,
    require_object,
    top_level_view,
    writer_basis,
)
from ehoks.kernel.clock import now_utc, today_in_finland
from ehoks.kernel.oids import is_opiskeluoikeus_oid
from ehoks.oppijaindex import service as oppijaindex_service
from ehoks.registries.koski.schemas import Opiskeluoikeus

# PUT keeps these stored values when the body leaves them out; every other top-level key is
# cleared (reference 4.6, defect D6 kept for compatibility).
KEPT_ON_PUT = (
    "puhelinnumero",
    "tuva-opiskeluoikeus-oid",
    "ensikertainen-hyvaksyminen",
    "oppija-oid",
    "opiskeluoikeus-oid",
)


# Operation names in the audit trail, as the original's (reference 7.1).
AUDIT_OPERATIONS = {"replace": "overwrite", "patch": "update"}


@dataclass(frozen=True)
class Written:
    hoks_id: int
    version: int
    replayed: bool = False


def get(session: Session, actor: Actor, hoks_id: int, deps: UseCase) -> tuple[Hoks, dict[str, Any]]:
    hoks, access = load_with_access(session, actor, hoks_id, "read", deps)
    deps.audit("read", hoks, access)
    return hoks, full_view(hoks)


def list_versions(
    session: Session, actor: Actor, hoks_id: int, deps: UseCase
) -> list[dict[str, Any]]:
    """The HOKS's versions, oldest first: who wrote each and when it was current."""
    hoks, access = load_with_access(session, actor, hoks_id, "read", deps)
    deps.audit("read", hoks, access, details={"versiot": True})
    entries = [
        {
            "versio": v.version,
            "voimassa-alkaen": v.valid_from.isoformat(),
            "voimassa-asti": v.valid_to.isoformat(),
            "muutos": v.operation,
            "muuttaja": v.changed_by,
        }
        for v in HoksRepository(session).versions(hoks_id)
    ]
    entries.append(
        {
            "versio": hoks.version,
            "voimassa-alkaen": hoks.updated_at.isoformat(),
            "voimassa-asti": None,
            "muutos": None,
            "muuttaja": hoks.updated_by,
        }
    )
    # A stored version's operation and writer are those of the write that ended it (the next
    # version's); shift both so each version names its own cause and author.
    for earlier, later in reversed(list(itertools.pairwise(entries))):
        later["muutos"] = earlier["muutos"]
        later["muuttaja"] = earlier["muuttaja"]
    entries[0]["muutos"] = "create"
    entries[0]["muuttaja"] = hoks.created_by
    return entries


def get_version(
    session: Session, actor: Actor, hoks_id: int, version: int, deps: UseCase
) -> dict[str, Any]:
    hoks, access = load_with_access(session, actor, hoks_id, "read", deps)
    deps.audit("read", hoks, access, details={"versio": version})
    if version == hoks.version:
        return full_view(hoks)
    stored = HoksRepository(session).version(hoks_id, version)
    if stored is None:
        raise HoksVersionNotFound(version)
    return full_view(hoks, stored.document)


def get_by_opiskeluoikeus(
    session: Session, actor: Actor, opiskeluoikeus_oid: str, deps: UseCase
) -> dict[str, Any]:
    if not is_opiskeluoikeus_oid(opiskeluoikeus_oid):
        raise ValidationFailed(
            {"opiskeluoikeus-oid": "not a valid OpiskeluoikeusOID"},
            value={"opiskeluoikeus-oid": opiskeluoikeus_oid},
            problems=[{"path": "opiskeluoikeus-oid", "message": "not a valid OpiskeluoikeusOID"}],
            where="route-params",
        )
    hoks = HoksRepository(session).get_by_opiskeluoikeus(opiskeluoikeus_oid)
    if hoks is None or hoks.deleted_at is not None:
        raise HoksNotFoundForOpiskeluoikeus()
    deps.audit("read", hoks, decide_on(session, actor, "read", hoks, deps))
    return top_level_view(hoks)


def prepare_write(
    deps: UseCase, hoks_id: int | None, body: Any = None, *, study_right: bool = True
) -> None:
    """The prepare phase of a write on a stored HOKS (PUT, PATCH, parts, deletes): ask the
    registries now, outside any transaction, what the apply phase will ask — the study
    right, the oppilaitos's organisation path, and ONR when the body changes the learner.
    Nothing is decided here: the apply phase checks everything in its order on the locked
    row, reading these answers; were the row to point elsewhere by then, what it still
    needs is asked outside its transaction and the apply phase runs again (``context``)."""
    if hoks_id is None:
        return
    with deps.read() as session:
        hoks = HoksRepository(session).write_keys(hoks_id)
    if hoks is None:
        return
    with suppress(RegistryUnavailable):  # remembered; the apply phase answers 503 in order
        organisaatio_path(hoks.oppilaitos_oid, deps)
        if study_right:  # writes about the HOKS, not of it (shares, assessors) need only this
            deps.registries.koski.get_opiskeluoikeus(hoks.opiskeluoikeus_oid)
        oppija = body.get("oppija-oid") if isinstance(body, dict) else None
        if isinstance(oppija, str) and oppija != hoks.oppija_oid:
            deps.registries.onr.get_master_oid(hoks.oppija_oid)
            deps.registries.onr.get_henkilo(oppija)


def replace(
    session: Session,
    actor: Actor,
    hoks_id: int,
    body: Any,
    deps: UseCase,
    *,
    if_match: str | None = None,
    virkailija: bool = False,
) -> Written:
    """PUT: replace the whole document. Parts that correspond to stored ones keep their
    ``module-id`` (DESIGN D3; the original gave every part a new one, D5)."""
    hoks, opiskeluoikeus, document = _validated_update(
        session, actor, hoks_id, body, deps, "put", if_match=if_match, virkailija=virkailija
    )
    for key in KEPT_ON_PUT:
        if key not in document and key in hoks.document:
            document[key] = hoks.document[key]
    assign_module_ids(document, hoks.document)
    store_document(session, actor, hoks, document, opiskeluoikeus, deps, operation="replace")
    return Written(hoks.id, hoks.version)


def patch(
    session: Session,
    actor: Actor,
    hoks_id: int,
    body: Any,
    deps: UseCase,
    *,
    if_match: str | None = None,
    virkailija: bool = False,
) -> Written:
    """PATCH: change only the given top-level fields (collections cannot be sent)."""
    hoks, opiskeluoikeus, changes = _validated_update(
        session, actor, hoks_id, body, deps, "patch", if_match=if_match, virkailija=virkailija
    )
    document = {**copy.deepcopy(hoks.document), **changes}
    store_document(session, actor, hoks, document, opiskeluoikeus, deps, operation="patch")
    return Written(hoks.id, hoks.version)


def _validated_update(
    session: Session,
    actor: Actor,
    hoks_id: int,
    body: Any,
    deps: UseCase,
    method: Literal["put", "patch"],
    *,
    if_match: str | None,
    virkailija: bool,
) -> tuple[Hoks, Opiskeluoikeus, dict[str, Any]]:
    """The update pipeline of reference 4.6 up to the write: the locked HOKS, its study right
    and the validated body (without its ``id``)."""
    body = require_object(body)
    hoks = load_for(session, actor, hoks_id, "update", deps, for_update=True)
    _check_body_id(hoks_id, body)
    check_if_match(if_match, hoks)
    opiskeluoikeus = fetch_opiskeluoikeus(hoks.opiskeluoikeus_oid, deps)
    validated = validate_hoks(
        body,
        method=method,
        virkailija=virkailija,
        opiskeluoikeus=opiskeluoikeus,
        today=today_in_finland(),
    )
    validated.pop("id", None)
    _check_for_update(hoks, validated, opiskeluoikeus, deps)
    return hoks, opiskeluoikeus, validated


def store_document(
    session: Session,
    actor: Actor,
    hoks: Hoks,
    document: dict[str, Any],
    opiskeluoikeus: Opiskeluoikeus,
    deps: UseCase,
    *,
    operation: str,
    part: str | None = None,
) -> None:
    """Store a new version of the HOKS: document, query columns, projections, history and the
    learner index, in the caller's transaction."""
    columns = hoks_columns(document)
    columns["oppilaitos_oid"] = opiskeluoikeus.oppilaitos_oid
    columns["koulutustoimija_oid"] = opiskeluoikeus.koulutustoimija_oid
    # A changed learner (allowed only to the ONR master) is added to the index with its name.
    henkilo = (
        deps.registries.onr.get_henkilo(columns["oppija_oid"])
        if columns["oppija_oid"] != hoks.oppija_oid
        else None
    )
    now = now_utc()
    previous = hoks.document
    HoksRepository(session).replace_document(
        hoks,
        document,
        operation=operation,
        changed_by=_actor_id(actor),
        now=now,
        columns=columns,
    )
    oppijaindex_service.store(
        session,
        oppijaindex_service.IndexInput(opiskeluoikeus, columns["oppija_oid"], henkilo),
        now=now,
    )
    deps.audit(
        AUDIT_OPERATIONS.get(operation, operation),
        hoks,
        writer_basis(actor),
        part=part,
        changes=document_changes(previous, document),
    )


def paged(
    session: Session,
    actor: Actor,
    *,
    from_id: int = 0,
    amount: int = 500,
    updated_after: datetime | None = None,
) -> dict[str, Any]:
    """The anonymised Vipunen feed (reference 5.1, 3.11), soft-deleted HOKSes included; only
    for a caller with the right to it (D14 fixed). ``amount`` is bounded by the route."""
    require_statistics_feed(actor)
    if updated_after is not None and updated_after.tzinfo is None:
        # The original also accepts a time without a zone (reference 2.1); we read it as UTC.
        updated_after = updated_after.replace(tzinfo=UTC)
    records = HoksRepository(session).page(
        from_id=from_id, amount=amount, updated_after=updated_after
    )
    result: list[dict[str, Any]] = []
    failed: list[int] = []
    today = today_in_finland()
    for hoks in records:
        document = hoks.document
        if hoks.deleted_at is not None:
            # The original soft-deletes the parts together with the HOKS, so they read as empty.
            document = {k: v for k, v in document.items() if not isinstance(v, list)}
        try:
            result.append(
                vipunen_view(
                    {
                        "id": hoks.id,
                        "eid": hoks.eid,
                        "manuaalisyotto": hoks.manuaalisyotto,
                        **document,
                    },
                    poistettu=hoks.deleted_at,
                    today=today,
                )
            )
        except VipunenProjectionError:
            failed.append(hoks.id)
    last_id = records[-1].id if records else from_id
    return {"last-id": last_id, "failed-ids": sorted(failed), "result": result}


def soft_delete(session: Session, actor: Actor, hoks_id: int, deps: UseCase) -> Hoks:
    """Hide the HOKS from every read but the Vipunen feed; its study right stays reserved."""
    hoks, access = load_with_access(session, actor, hoks_id, "hoks_delete", deps, for_update=True)
    now = now_utc()
    HoksRepository(session).set_deleted(hoks, now, changed_by=_actor_id(actor), now=now)
    deps.audit("delete", hoks, access, changes=soft_delete_changes())
    return hoks


def undo_soft_delete(session: Session, actor: Actor, hoks_id: int, deps: UseCase) -> Hoks:
    repository = HoksRepository(session)
    hoks = repository.get(hoks_id, for_update=True, include_deleted=True)
    if hoks is None or hoks.deleted_at is None:
        raise HoksNotFound()
    access = decide_on(session, actor, "undo_delete", hoks, deps)
    repository.set_deleted(hoks, None, changed_by=_actor_id(actor), now=now_utc())
    deps.audit("undo-delete", hoks, access, changes=undo_delete_changes())
    return hoks


def hard_delete(session: Session, actor: Actor, hoks_id: int, deps: UseCase) -> None:
    """Remove the HOKS, its history and projections for good (D8 fixed: nothing blocks it and
    nothing is left behind)."""
    repository = HoksRepository(session)
    hoks = repository.get(hoks_id, for_update=True, include_deleted=True)
    if hoks is None:
        raise HoksNotFound()
    access = decide_on(session, actor, "hard_delete", hoks, deps)
    deps.audit("hard-delete", hoks, access)
    repository.hard_delete(hoks)


def _check_for_update(
    hoks: Hoks, changes: dict[str, Any], opiskeluoikeus: Opiskeluoikeus, deps: UseCase
) -> None:
    if deps.settings.prevent_finished_opiskeluoikeus_updates and not opiskeluoikeus.is_active:
        raise OpiskeluoikeusNotActive(opiskeluoikeus.oid, update=True)
    new_oo = changes.get("opiskeluoikeus-oid")
    if new_oo is not None and new_oo != hoks.opiskeluoikeus_oid:
        raise OpiskeluoikeusOidChange(hoks.opiskeluoikeus_oid, new_oo)
    new_oppija = changes.get("oppija-oid")
    if (
        new_oppija is not None
        and new_oppija != hoks.oppija_oid
        and deps.registries.onr.get_master_oid(hoks.oppija_oid) != new_oppija
    ):
        raise OppijaOidChange(hoks.oppija_oid, new_oppija)


def _check_body_id(hoks_id: int, body: dict[str, Any]) -> None:
    body_id = body.get("id")
    if isinstance(body_id, int) and not isinstance(body_id, bool) and body_id != hoks_id:
        raise BodyIdMismatch(hoks_id, body_id)


def _actor_id(actor: Actor) -> str:
    return actor.audit_id
