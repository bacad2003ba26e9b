"""Scoped HOKS views: only the parts an actor is entitled to (law 531/2017 § 109 a).

A workplace instructor, an assessor or a share recipient gets a document that holds only their
parts, each under its unit (the unit's own fields, none of its other parts), and the root's
identifying fields — not the whole document with holes, so nothing outside the scope can leak
through a field the filter did not know about.
"""

from __future__ import annotations

from typing import Any

from ehoks.hoks.parts import CHILDREN, ROOT, walk

ROOT_FIELDS = ("id", "eid", "oppija-oid", "opiskeluoikeus-oid")


def scoped_view(view: dict[str, Any], parts: frozenset[str]) -> dict[str, Any]:
    """The read view cut down to the parts whose ``module-id`` is in ``parts`` (with their
    descendants) and the units above them."""
    scoped = {key: view[key] for key in ROOT_FIELDS if key in view}
    for key, kind in CHILDREN[ROOT]:
        kept = _kept(view.get(key), kind, parts)
        if kept:
            scoped[key] = kept
    return scoped


def _kept(items: Any, kind: str, parts: frozenset[str]) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        return []
    kept = []
    for item in items:
        if isinstance(item, dict) and (filtered := _filter(item, kind, parts)) is not None:
            kept.append(filtered)
    return kept


def _filter(node: dict[str, Any], kind: str, parts: frozenset[str]) -> dict[str, Any] | None:
    if node.get("module-id") in parts:
        return node
    collections = CHILDREN.get(kind, ())
    children = {}
    for key, child_kind in collections:
        kept = _kept(node.get(key), child_kind, parts)
        if kept:
            children[key] = kept
    if not children:
        return None
    child_keys = {key for key, _ in collections}
    own = {key: value for key, value in node.items() if key not in child_keys}
    return {**own, **children}


def module_ids(document: dict[str, Any]) -> set[str]:
    """Every module-id in the document (to check that a share names a real part)."""
    return {ref.module_id for ref in walk(document) if ref.module_id}
