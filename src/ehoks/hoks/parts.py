"""Where parts live inside a HOKS document, and walking them.

A part is any object in the document that has a service-assigned ``module-id`` (DESIGN D3).
``CHILDREN`` is the document's shape as far as parts are concerned — which collection of which
parent holds which kind of part — derived from the data model's part kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ehoks.hoks.schemas.partkinds import PART_KINDS as PART_KINDS_INFO

ROOT = "hoks"


def _children() -> dict[str, tuple[tuple[str, str], ...]]:
    """parent kind → ((collection key, child kind), …), from the data model's part kinds."""
    children: dict[str, list[tuple[str, str]]] = {}
    for info in PART_KINDS_INFO.values():
        for parent in info.parent_kinds or (None,):
            key = info.collection_key_in(parent)
            children.setdefault(parent or ROOT, []).append((key, info.kind))
    return {parent: tuple(kids) for parent, kids in children.items()}


CHILDREN = _children()

PART_KINDS: frozenset[str] = frozenset(kind for kids in CHILDREN.values() for _, kind in kids)
ROOT_COLLECTIONS: dict[str, str] = dict(CHILDREN[ROOT])

TYOPAIKKAJAKSO_TYYPIT = frozenset(
    {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}
)


@dataclass(frozen=True)
class PartRef:
    """One part found in a document: its kind, the object itself and where it sits."""

    kind: str
    part: dict[str, Any]
    parent: dict[str, Any]
    parent_kind: str
    collection_key: str
    index: int
    ancestors: tuple[dict[str, Any], ...]  # root first, immediate parent last
    ancestor_kinds: tuple[str, ...]
    location: tuple[str | int, ...]  # keys and indexes from the root to this part

    @property
    def module_id(self) -> str | None:
        value = self.part.get("module-id")
        return value if isinstance(value, str) else None

    @property
    def path(self) -> str:
        return f"{self.collection_key}[{self.index}]"


def child_collections(kind: str) -> tuple[tuple[str, str], ...]:
    return CHILDREN.get(kind, ())


def walk(document: dict[str, Any]) -> Iterator[PartRef]:
    """Every part in the document, parents before their children, in document order."""
    yield from _walk(document, ROOT, (document,), (ROOT,), ())


def _walk(
    node: dict[str, Any],
    kind: str,
    ancestors: tuple[dict[str, Any], ...],
    ancestor_kinds: tuple[str, ...],
    location: tuple[str | int, ...],
) -> Iterator[PartRef]:
    for key, child_kind in CHILDREN.get(kind, ()):
        items = node.get(key)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = (*location, key, index)
            yield PartRef(child_kind, item, node, kind, key, index, ancestors, ancestor_kinds, here)
            yield from _walk(
                item, child_kind, (*ancestors, item), (*ancestor_kinds, child_kind), here
            )


def find(document: dict[str, Any], module_id: str) -> PartRef | None:
    for ref in walk(document):
        if ref.module_id == module_id:
            return ref
    return None


def is_tyopaikkajakso(oht: dict[str, Any]) -> bool:
    return oht.get("osaamisen-hankkimistapa-koodi-uri") in TYOPAIKKAJAKSO_TYYPIT
