"""Creating a HOKS: the prepare phase (registry lookups, the ownership checks, validation)
before the transaction, and the apply phase (idempotency, insert, index, audit) in it; and
``POST /validointi``, the same checks without storing anything."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy.orm import Session

from ehoks.access.actor import Actor
from ehoks.access.policy import require_hoks_privilege, require_validation_privilege
from ehoks.audit.diff import changes as document_changes
from ehoks.context import UseCase
from ehoks.hoks import create_repository
from ehoks.hoks.errors import (
    IdempotencyKeyReused,
    OpiskeluoikeusIncluded,
    OpiskeluoikeusNotActive,
    OpiskeluoikeusNotOppijan,
)
from ehoks.hoks.identity import assign_module_ids
from ehoks.hoks.models import Hoks, IdempotencyKey
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.schemas import validate_hoks
from ehoks.hoks.service.common import (
    fetch_opiskeluoikeus,
    hoks_columns,
    organisaatio_path,
    require_object,
    writer_basis,
)
from ehoks.hoks.service.documents import Written
from ehoks.kernel.ids import new_uuid
from ehoks.kernel.oids import is_opiskeluoikeus_oid
from ehoks.oppijaindex import service as oppijaindex_service
from ehoks.registries.koski.schemas import Opiskeluoikeus


def request_hash(body: Any) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class PreparedCreate:
    """What a create needs from the registries, asked before its transaction, and the body
    validated against it."""

    body: dict[str, Any]
    document: dict[str, Any]
    index_input: oppijaindex_service.IndexInput
    virkailija: bool

    @property
    def opiskeluoikeus(self) -> Opiskeluoikeus:
        return self.index_input.opiskeluoikeus


def prepare_create(
    actor: Actor, body: Any, deps: UseCase, *, virkailija: bool = False
) -> PreparedCreate:
    """The create's prepare phase (reference 4.5, with D16/D17 fixed: authorise first, always
    check that the study right belongs to the learner): every registry lookup and check that
    needs no database, outside any transaction."""
    body = require_object(body)
    opiskeluoikeus = _opiskeluoikeus_of_body(body, deps)
    if opiskeluoikeus is not None:
        require_hoks_privilege(
            actor, "write", organisaatio_path(opiskeluoikeus.oppilaitos_oid, deps)
        )
    document = validate_hoks(
        body,
        method="post",
        virkailija=virkailija,
        opiskeluoikeus=opiskeluoikeus,
        today=deps.clock.today(),
    )
    # Validation guarantees a valid opiskeluoikeus-oid, so the lookup above has happened.
    assert opiskeluoikeus is not None
    index_input = oppijaindex_service.fetch_input(
        deps.registries, opiskeluoikeus, document["oppija-oid"]
    )
    _check_for_create(document, index_input, deps)
    # Here, not in the apply phase: the ids are the document's own from now on, so a second
    # run of the apply phase (``context.registries``) stores the same, and the apply phase
    # needs no copy of the document to start from.
    assign_module_ids(document, None)
    return PreparedCreate(body, document, index_input, virkailija)


def apply_create(
    session: Session,
    actor: Actor,
    prepared: PreparedCreate,
    deps: UseCase,
    *,
    idempotency_key: str | None = None,
    client_id: str | None = None,
) -> Written:
    """The create's apply phase, in the write transaction: with an ``Idempotency-Key`` a
    retried request returns the first result and never creates a second HOKS; else the HOKS,
    its index rows and its audit event."""
    repository = HoksRepository(session)
    fingerprint = request_hash(prepared.body)
    if idempotency_key is not None and client_id is not None:
        repository.lock_idempotency_key(client_id, idempotency_key)
        previous = repository.get_idempotency_key(client_id, idempotency_key)
        ttl = timedelta(hours=deps.settings.idempotency_ttl_hours)
        if previous is not None and previous.created_at < deps.clock.now() - ttl:
            repository.delete_idempotency_key(previous)
            previous = None
        if previous is not None:
            if previous.request_hash != fingerprint:
                raise IdempotencyKeyReused()
            return Written(
                int(previous.response["id"]), int(previous.response["version"]), replayed=True
            )

    document = prepared.document
    now = deps.clock.now()
    opiskeluoikeus = prepared.opiskeluoikeus
    hoks = Hoks(
        eid=new_uuid(),
        oppilaitos_oid=opiskeluoikeus.oppilaitos_oid,
        koulutustoimija_oid=opiskeluoikeus.koulutustoimija_oid,
        manuaalisyotto=prepared.virkailija,
        document=document,
        version=1,
        created_at=now,
        updated_at=now,
        created_by=actor.audit_id,
        updated_by=actor.audit_id,
        **hoks_columns(document),
    )
    if create_repository.applies_to(session):
        # PostgreSQL: the HOKS, its projections and its index rows in one statement.
        repository.add_with_index(
            hoks, oppijaindex_service.index_rows(prepared.index_input, now=now)
        )
    else:
        # SQLite: one writer at a time, and a statement is a library call, not a round trip;
        # the separate statements stay (``hoks.create_repository``).
        repository.add(hoks)
        oppijaindex_service.store(session, prepared.index_input, now=now)
    deps.audit("create", hoks, writer_basis(actor), changes=document_changes(None, document))
    if idempotency_key is not None and client_id is not None:
        repository.add_idempotency_key(
            IdempotencyKey(
                client_id=client_id,
                key=idempotency_key,
                request_hash=fingerprint,
                status_code=200,
                response={"id": hoks.id, "version": hoks.version},
                created_at=now,
            )
        )
    return Written(hoks.id, hoks.version)


def create(
    session: Session,
    actor: Actor,
    body: Any,
    deps: UseCase,
    *,
    virkailija: bool = False,
    idempotency_key: str | None = None,
    client_id: str | None = None,
) -> Written:
    """Both phases on the caller's own session, for callers that load data rather than serve
    requests (the demo loader, test set-ups): their registries are local, no network."""
    prepared = prepare_create(actor, body, deps, virkailija=virkailija)
    return apply_create(
        session, actor, prepared, deps, idempotency_key=idempotency_key, client_id=client_id
    )


def validate_only(actor: Actor, body: Any, deps: UseCase) -> None:
    """``POST /validointi``: the create checks without storing anything."""
    body = require_object(body)
    opiskeluoikeus = _opiskeluoikeus_of_body(body, deps)
    if opiskeluoikeus is not None:
        require_validation_privilege(actor, organisaatio_path(opiskeluoikeus.oppilaitos_oid, deps))
    validate_hoks(body, method="post", opiskeluoikeus=opiskeluoikeus, today=deps.clock.today())


def _opiskeluoikeus_of_body(body: dict[str, Any], deps: UseCase) -> Opiskeluoikeus | None:
    """The study right named in a create body, fetched before validation as the original does
    (an unknown one is a 400 even when the body has other errors). An absent or malformed OID
    is left for validation to report at its field."""
    oid = body.get("opiskeluoikeus-oid")
    if isinstance(oid, str) and is_opiskeluoikeus_oid(oid):
        return fetch_opiskeluoikeus(oid, deps)
    return None


def _check_for_create(
    document: dict[str, Any], index_input: oppijaindex_service.IndexInput, deps: UseCase
) -> None:
    """The study right must be the learner's (D17: always checked, against the learner's study
    rights in Koski, as the original's sure/oids lookup), or the learner's ONR master's."""
    opiskeluoikeus = index_input.opiskeluoikeus
    oid = opiskeluoikeus.oid
    oppija = document["oppija-oid"]
    owned = opiskeluoikeus.oppija_oid == oppija or any(
        own.oid == oid for own in index_input.oppijan_opiskeluoikeudet
    )
    if not owned:
        master = deps.registries.onr.get_master_oid(oppija)
        if master is None or master != opiskeluoikeus.oppija_oid:
            raise OpiskeluoikeusNotOppijan(oid, oppija)
    if opiskeluoikeus.is_included_in_another:
        raise OpiskeluoikeusIncluded(oid)
    if deps.settings.prevent_finished_opiskeluoikeus_updates and not opiskeluoikeus.is_active:
        raise OpiskeluoikeusNotActive(oid, update=False)
