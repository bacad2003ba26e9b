"""Piecewise writing: add, replace and remove one part of a HOKS, addressed by its
``module-id``, without resending the whole HOKS.

Each write loads the stored document, changes the one part, validates the whole resulting
document with the same rules as a PUT and stores it as a new version, all in one transaction
under the HOKS's row lock, so two writers never lose each other's changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor
from ehoks.context import UseCase
from ehoks.errors import ValidationFailed
from ehoks.hoks import parts
from ehoks.hoks.errors import PartNotFound
from ehoks.hoks.identity import assign_module_ids
from ehoks.hoks.models import Hoks
from ehoks.hoks.schemas import PartKind, read_view, validate_hoks, validate_part
from ehoks.hoks.service.common import (
    check_if_match,
    fetch_opiskeluoikeus,
    load_for,
    load_with_access,
)
from ehoks.hoks.service.documents import Written, store_document
from ehoks.kernel.clock import today_in_finland
from ehoks.registries.koski.schemas import Opiskeluoikeus


@dataclass(frozen=True)
class PartView:
    hoks: Hoks
    kind: str
    parent_module_id: str | None
    collection_key: str
    part: dict[str, Any]


def get_part(
    session: Session, actor: Actor, hoks_id: int, module_id: str, deps: UseCase
) -> PartView:
    hoks, access = load_with_access(session, actor, hoks_id, "read", deps)
    view = _view(hoks, _find(read_view(hoks.document), module_id))
    deps.audit("read", hoks, access, part=module_id)
    return view


def add_part(
    session: Session,
    actor: Actor,
    hoks_id: int,
    parent_module_id: str | None,
    collection_key: str,
    body: Any,
    deps: UseCase,
    *,
    if_match: str | None = None,
) -> tuple[Written, str]:
    """Append a new part to a collection of the HOKS root or of another part."""
    hoks, document = _locked_copy(session, actor, hoks_id, deps, if_match)
    if parent_module_id is None:
        parent, parent_kind = document, parts.ROOT
    else:
        ref = _find(document, parent_module_id)
        parent, parent_kind = ref.part, ref.kind
    kind = dict(parts.child_collections(parent_kind)).get(collection_key)
    if kind is None:
        raise PartNotFound(f"{parent_module_id or 'hoks'}/{collection_key}")
    opiskeluoikeus = fetch_opiskeluoikeus(hoks.opiskeluoikeus_oid, deps)
    part = validate_part(
        cast(PartKind, kind), body, opiskeluoikeus=opiskeluoikeus, today=today_in_finland()
    )
    parent.setdefault(collection_key, []).append(part)
    stored = _revalidate_and_store(session, actor, hoks, document, opiskeluoikeus, deps)
    stored_parent = stored if parent_module_id is None else _find(stored, parent_module_id).part
    return Written(hoks.id, hoks.version), str(stored_parent[collection_key][-1]["module-id"])


def replace_part(
    session: Session,
    actor: Actor,
    hoks_id: int,
    module_id: str,
    body: Any,
    deps: UseCase,
    *,
    if_match: str | None = None,
) -> Written:
    """Replace one part (with its sub-parts as given in the body); it keeps its module-id."""
    hoks, document = _locked_copy(session, actor, hoks_id, deps, if_match)
    ref = _find(document, module_id)
    opiskeluoikeus = fetch_opiskeluoikeus(hoks.opiskeluoikeus_oid, deps)
    part = validate_part(
        cast(PartKind, ref.kind), body, opiskeluoikeus=opiskeluoikeus, today=today_in_finland()
    )
    sent = part.get("module-id")
    if sent is not None and sent != module_id:
        message = "module-id must equal the module-id in the path"
        raise ValidationFailed(
            {"module-id": message},
            value=body,
            problems=[{"path": "module-id", "message": message}],
        )
    part["module-id"] = module_id
    ref.parent[ref.collection_key][ref.index] = part
    _revalidate_and_store(session, actor, hoks, document, opiskeluoikeus, deps, part=module_id)
    return Written(hoks.id, hoks.version)


def delete_part(
    session: Session,
    actor: Actor,
    hoks_id: int,
    module_id: str,
    deps: UseCase,
    *,
    if_match: str | None = None,
) -> Written:
    """Remove one part and everything under it."""
    hoks, document = _locked_copy(session, actor, hoks_id, deps, if_match)
    ref = _find(document, module_id)
    del ref.parent[ref.collection_key][ref.index]
    opiskeluoikeus = fetch_opiskeluoikeus(hoks.opiskeluoikeus_oid, deps)
    _revalidate_and_store(session, actor, hoks, document, opiskeluoikeus, deps, part=module_id)
    return Written(hoks.id, hoks.version)


def _locked_copy(
    session: Session, actor: Actor, hoks_id: int, deps: UseCase, if_match: str | None
) -> tuple[Hoks, dict[str, Any]]:
    """The HOKS under its row lock, checked for the update privilege and ``If-Match``, and a
    copy of its document to change."""
    hoks = load_for(session, actor, hoks_id, "update", deps, for_update=True)
    check_if_match(if_match, hoks)
    return hoks, copy.deepcopy(hoks.document)


def _find(document: dict[str, Any], module_id: str) -> parts.PartRef:
    ref = parts.find(document, module_id)
    if ref is None:
        raise PartNotFound(module_id)
    return ref


def _revalidate_and_store(
    session: Session,
    actor: Actor,
    hoks: Hoks,
    document: dict[str, Any],
    opiskeluoikeus: Opiskeluoikeus,
    deps: UseCase,
    *,
    part: str | None = None,
) -> dict[str, Any]:
    # The whole resulting document must pass the same rules as a create, so no sequence of
    # piecewise writes can produce a HOKS that a whole-document write would refuse.
    validated = validate_hoks(
        document, method="post", opiskeluoikeus=opiskeluoikeus, today=today_in_finland()
    )
    assign_module_ids(validated, hoks.document)
    store_document(
        session, actor, hoks, validated, opiskeluoikeus, deps, operation="part", part=part
    )
    return validated


def _view(hoks: Hoks, ref: parts.PartRef) -> PartView:
    parent_id = ref.parent.get("module-id") if ref.parent_kind != parts.ROOT else None
    return PartView(
        hoks=hoks,
        kind=ref.kind,
        parent_module_id=parent_id if isinstance(parent_id, str) else None,
        collection_key=ref.collection_key,
        part=ref.part,
    )
