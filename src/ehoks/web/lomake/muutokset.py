"""What changed between two versions of a HOKS, field by field, for an official whose save was
refused because someone else saved first. The changes come from the audit trail's own diff
(``ehoks.audit.diff``: parts matched by their ``module-id``); here each is tied to the form's
field, so the page can name it in words and show its values as the form does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ehoks.audit.diff import changes
from ehoks.hoks.schemas.spec import ROOT
from ehoks.web.lomake.kentat import Kentta, Variant, fields
from ehoks.web.lomake.luonnos import Segment

# The server's own fields of a read view; they are no part of what an official edits.
SERVER_FIELDS = ("id", "eid", "manuaalisyotto")


@dataclass(frozen=True)
class Askel:
    """One step of a change's place: a field of ``entity``, and the item of a list field."""

    entity: str
    key: str
    index: int | None = None


@dataclass(frozen=True)
class Muutos:
    """A changed field (``kentta``), or a whole part added or removed (``kentta`` None)."""

    steps: tuple[Askel, ...]
    kind: Literal["changed", "added", "removed"]
    kentta: Kentta | None
    old: Any = None
    new: Any = None


def _segments(path: str) -> list[Segment]:
    return [int(step) if step.isdigit() else step for step in path.split(".") if step != ""]


def _value(document: dict[str, Any] | None, segments: list[Segment]) -> Any:
    value: Any = document
    for segment in segments:
        if isinstance(segment, int):
            value = value[segment] if isinstance(value, list) and segment < len(value) else None
        else:
            value = value.get(segment) if isinstance(value, dict) else None
    return value


def place_of(segments: list[Segment], variant: Variant) -> tuple[list[Askel], Kentta | None, int]:
    """The steps to the deepest form element of ``segments``, its field (None when it is a list
    item) and how many segments that took."""
    steps: list[Askel] = []
    entity_name = ROOT
    used = 0
    last: Kentta | None = None
    while used < len(segments):
        segment = segments[used]
        if isinstance(segment, int):
            if last is None or last.kind != "list" or not steps:
                break
            steps[-1] = Askel(steps[-1].entity, steps[-1].key, segment)
            entity_name, last = last.child_entity, None
            used += 1
            continue
        kentta = next(
            (
                k
                for k in fields(entity_name, variant if entity_name == ROOT else "post")
                if segment in (k.key, k.versio)
            ),
            None,
        )
        if kentta is None:
            break
        steps.append(Askel(entity_name, kentta.key))
        used += 1
        last = kentta
        if kentta.kind == "object":
            entity_name = kentta.child_entity
        elif kentta.kind != "list":
            break
    return steps, last, used


def _whole_list(place: tuple[Askel, ...], old: Any, new: Any) -> list[Muutos]:
    *parent, last = place
    kind: Literal["added", "removed"] = "removed" if old else "added"
    items = old if old else new
    if not isinstance(items, list) or (old and new):
        return []
    return [
        Muutos((*parent, Askel(last.entity, last.key, index)), kind, None)
        for index in range(len(items))
    ]


def between(
    old: dict[str, Any] | None, new: dict[str, Any], variant: Variant = "put"
) -> list[Muutos]:
    """The changes from ``old`` to ``new`` (read views of two versions) in document order."""
    before = {k: v for k, v in (old or {}).items() if k not in SERVER_FIELDS}
    after = {k: v for k, v in new.items() if k not in SERVER_FIELDS}
    found: list[Muutos] = []
    seen: set[tuple[Askel, ...]] = set()
    for entry in changes(before, after):
        segments = _segments(str(entry["path"]))
        steps, kentta, used = place_of(segments, variant)
        if not steps:
            continue
        place = tuple(steps)
        if place in seen:
            continue
        seen.add(place)
        if kentta is None:
            added = "newValue" in entry and "oldValue" not in entry
            found.append(Muutos(place, "added" if added else "removed", None))
            continue
        at = [*segments[: used - 1], kentta.key]
        if kentta.kind == "list":
            # A whole list appeared or went: each of its items was added or removed.
            found += _whole_list(place, _value(before, at), _value(after, at))
            continue
        old_value, new_value = _value(before, at), _value(after, at)
        if kentta.kind == "object":
            change: Literal["changed", "added", "removed"] = (
                "added" if old_value is None else "removed" if new_value is None else "changed"
            )
            found.append(Muutos(place, change, kentta))
        else:
            found.append(Muutos(place, "changed", kentta, old_value, new_value))
    return found
