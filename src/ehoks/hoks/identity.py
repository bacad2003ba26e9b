"""Stable part identities across writes (DESIGN D3).

Every part gets a service-assigned ``module-id``. When a HOKS is replaced, a part of the new
document keeps the identity of the stored part it corresponds to, so share links, consents and
feedback records that point at it survive the replace. Correspondence, in order of precedence:

1. the client sends the part's ``module-id`` back (it must belong to this HOKS and kind);
2. a learning period with the same ``yksiloiva-tunniste`` anywhere in the HOKS;
3. a part of the same kind under the corresponding parent with the same natural key (unit or
   sub-area code, local unit's AMOSAA id or name, demonstration dates and environment, …),
   taken in document order when several share a key.

Anything else is a new part and gets a new UUID.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ehoks.errors import ValidationFailed
from ehoks.hoks.parts import ROOT, PartRef, walk
from ehoks.hoks.schemas.errors import tree_of
from ehoks.kernel.ids import new_uuid

UNKNOWN_MODULE_ID = "Tuntematon module-id: osaa ei ole tässä HOKSissa tai se on eri tyyppinen."
DUPLICATE_MODULE_ID = "Sama module-id on annettu useammalle osalle."


def _get(part: dict[str, Any], *keys: str) -> Any:
    value: Any = part
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


NATURAL_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "hankittava-ammat-tutkinnon-osa": lambda p: p.get("tutkinnon-osa-koodi-uri"),
    "hankittava-yhteinen-tutkinnon-osa": lambda p: p.get("tutkinnon-osa-koodi-uri"),
    "aiemmin-hankittu-ammat-tutkinnon-osa": lambda p: p.get("tutkinnon-osa-koodi-uri"),
    "aiemmin-hankittu-yhteinen-tutkinnon-osa": lambda p: p.get("tutkinnon-osa-koodi-uri"),
    "hankittava-paikallinen-tutkinnon-osa": lambda p: p.get("amosaa-tunniste") or p.get("nimi"),
    "aiemmin-hankittu-paikallinen-tutkinnon-osa": (
        lambda p: p.get("amosaa-tunniste") or p.get("nimi")
    ),
    "hankittavan-yto-osa-alue": lambda p: p.get("osa-alue-koodi-uri"),
    "aiemmin-hankitun-yto-osa-alue": lambda p: p.get("osa-alue-koodi-uri"),
    "osaamisen-hankkimistapa": lambda p: (
        p.get("osaamisen-hankkimistapa-koodi-uri"),
        p.get("alku"),
        p.get("loppu"),
    ),
    "osaamisen-osoittaminen": lambda p: (
        p.get("alku"),
        p.get("loppu"),
        _get(p, "nayttoymparisto", "nimi"),
    ),
    "opiskeluvalmiuksia-tukevat-opinnot": lambda p: (p.get("nimi"), p.get("alku")),
    "oppimisen-tuki": lambda p: (p.get("oppimisen-tuen-tyyppi-koodi-uri"), p.get("alku")),
    "hankittava-koulutuksen-osa": lambda p: p.get("koulutuksen-osa-koodi-uri"),
}


def assign_module_ids(
    new: dict[str, Any],
    old: dict[str, Any] | None,
    *,
    make_id: Callable[[], str] = new_uuid,
) -> None:
    """Give every part of ``new`` a ``module-id`` in place, keeping those of matching old parts.

    Raises ValidationFailed (nothing is changed then) when the client sent a ``module-id`` that is
    not a part of this kind in the stored HOKS, or the same one twice.
    """
    old_refs = list(walk(old)) if old else []
    old_by_id = {ref.module_id: ref for ref in old_refs if ref.module_id}
    new_refs = list(walk(new))
    claimed: set[str] = set()
    failures: list[tuple[tuple[str | int, ...], str]] = []

    for ref in new_refs:
        sent = ref.module_id
        if sent is None:
            continue
        match = old_by_id.get(sent)
        if sent in claimed:
            failures.append((ref.location, DUPLICATE_MODULE_ID))
        elif match is None or match.kind != ref.kind:
            failures.append((ref.location, UNKNOWN_MODULE_ID))
        else:
            claimed.add(sent)
    if failures:
        tree, problems = tree_of(new, failures)
        raise ValidationFailed(tree, value=new, problems=problems)

    tunnisteet: dict[str, list[PartRef]] = {}
    for ref in old_refs:
        tunniste = ref.part.get("yksiloiva-tunniste")
        if ref.kind == "osaamisen-hankkimistapa" and isinstance(tunniste, str):
            tunnisteet.setdefault(tunniste, []).append(ref)

    # id(parent object in new) → module-id of the old parent it corresponds to (ROOT for root).
    parent_identity: dict[int, str] = {id(new): ROOT}
    for ref in new_refs:
        if ref.module_id is None:
            candidate = _match(ref, old_refs, tunnisteet, claimed, parent_identity)
            ref.part["module-id"] = candidate if candidate else make_id()
            if candidate:
                claimed.add(candidate)
        parent_identity[id(ref.part)] = str(ref.part["module-id"])


def _match(
    ref: PartRef,
    old_refs: list[PartRef],
    tunnisteet: dict[str, list[PartRef]],
    claimed: set[str],
    parent_identity: dict[int, str],
) -> str | None:
    tunniste = ref.part.get("yksiloiva-tunniste")
    if ref.kind == "osaamisen-hankkimistapa" and isinstance(tunniste, str):
        for old in tunnisteet.get(tunniste, []):
            if old.module_id and old.module_id not in claimed:
                return old.module_id
        return None
    key_of = NATURAL_KEYS.get(ref.kind)
    if key_of is None:
        return None
    key = key_of(ref.part)
    parent_id = parent_identity.get(id(ref.parent))
    for old in old_refs:
        if old.kind != ref.kind or not old.module_id or old.module_id in claimed:
            continue
        old_parent_id = ROOT if old.parent_kind == ROOT else old.parent.get("module-id")
        if (
            old_parent_id == parent_id
            and old.collection_key == ref.collection_key
            and key_of(old.part) == key
        ):
            return old.module_id
    return None
