"""The field-level diff of two versions of a HOKS in an official's terms: grouped by the part of
the plan it concerns (a unit, a learning support entry …, named by its name, not its path), each
change "added / removed / changed" with the way down to its field (a learning period named by its
acquisition type, workplace and dates …) and typed values (dates, points in time, codes and
organisations by their names, yes/no, numbers, texts).

The changes themselves are ``audit.diff``'s, the same the audit trail records; this module only
describes them. It holds no interface text: kinds, field keys and actions are identifiers that
the page translates. Names come from the enrichment of both documents (``enrichment.enrich``);
a code that neither names is the code with a notice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from ehoks.audit.diff import MODULE_ID, changes
from ehoks.enrichment import rules
from ehoks.enrichment.batch import kind_of, references
from ehoks.enrichment.schemas import EnrichedHoks, Kieli, Label
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.partkinds import PART_KINDS
from ehoks.hoks.schemas.spec import ROOT, FieldSpec

Action = Literal["added", "removed", "changed"]
ValueKind = Literal["text", "day", "moment", "label", "flag", "number", "list", "parts"]

# The part kind of each entity that is a part (has a module-id).
_PART_KIND_OF_ENTITY = {info.entity: info.kind for info in PART_KINDS.values()}
# What names a part, in order of preference: a code (by its name) …
_NAME_CODES = (
    "tutkinnon-osa-koodi-uri",
    "osa-alue-koodi-uri",
    "koulutuksen-osa-koodi-uri",
    "oppimisen-tuen-tyyppi-koodi-uri",
    "osaamisen-hankkimistapa-koodi-uri",
)
_REGISTRY_OF_KIND: dict[str, rules.Registry] = {
    "organisaatio": rules.ORGANISAATIO,
    "koodi": rules.KOODISTO,
    "tutkinnon-osa": rules.EPERUSTEET,
    "osa-alue": rules.EPERUSTEET,
    "koulutuksen-osa": rules.EPERUSTEET,
}


@dataclass(frozen=True)
class Value:
    kind: ValueKind
    text: str | None = None
    day: date | None = None
    moment: datetime | None = None
    label: Label | None = None
    flag: bool | None = None
    number: Decimal | None = None
    items: tuple[Value, ...] = ()
    """``list``: the values of a list of plain values (tasks, content descriptions …)."""
    fields: tuple[Change, ...] = ()
    """``parts``: what an added or removed object holds, each field a change of its own."""


@dataclass(frozen=True)
class Step:
    """One level on the way from the group's part down to the changed field."""

    key: str
    """The object's or collection's key, e.g. ``osaamisen-hankkimistavat``."""
    kind: str | None = None
    """For a part (an item with an identity): its part kind, e.g. ``osaamisen-hankkimistapa``."""
    position: int | None = None
    """For an item of a list without identities: its place, from 1."""
    name: Label | None = None
    """A part's name by its code: a sub-area's, a learning period's acquisition type …"""
    text: str | None = None
    """A name the document itself gives: a workplace, a demonstration environment."""
    alku: date | None = None
    loppu: date | None = None
    module_id: str | None = None


@dataclass(frozen=True)
class Change:
    action: Action
    steps: tuple[Step, ...]
    field: str | None
    """The changed field's key; ``None`` when the last step, a whole part, came or went."""
    old: Value | None
    new: Value | None


@dataclass(frozen=True)
class Group:
    """The changes to one part at the plan's root (a unit, a TUVA module, a learning support
    entry, a supporting study), or to the HOKS's own fields (``key`` None)."""

    key: str | None
    kind: str | None
    name: Label | None
    text: str | None
    changes: tuple[Change, ...]


def describe(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_enriched: EnrichedHoks,
    new_enriched: EnrichedHoks,
) -> tuple[Group, ...]:
    """The changes from ``old`` to ``new`` (documents of one HOKS), grouped by part in the order
    the diff finds them; the HOKS's own fields first."""
    names = _Names(old, new, old_enriched, new_enriched)
    groups: dict[tuple[Any, ...], list[Change]] = {}
    heads: dict[tuple[Any, ...], Group] = {}
    for entry in _per_part(changes(old, new)):
        path = [int(p) if p.isdigit() else p for p in entry["path"].split(".") if p != ""]
        if not path:
            continue
        change = _change(path, entry, old, new, names)
        head, change, module_id = _split_group(change, path)
        identity = (head.key, module_id or head.name or head.text)
        heads.setdefault(identity, head)
        groups.setdefault(identity, []).append(change)
    ordered = sorted(heads, key=lambda identity: identity[0] is not None)
    return tuple(replace(heads[i], changes=tuple(groups[i])) for i in ordered)


def _per_part(entries: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A root collection that came or went as a whole (absent on one side) as one entry per
    part, so that each part gets its own group like any other added or removed part."""
    for entry in entries:
        key = entry["path"]
        if "." in key or _type(ROOT, key) not in _PART_KIND_OF_ENTITY:
            yield entry
            continue
        for side in ("oldValue", "newValue"):
            items = entry.get(side)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    yield {"path": f"{key}.{index}", side: item}


# Walking a path of the diff through both documents.


def _change(
    path: list[str | int],
    entry: Mapping[str, Any],
    old_doc: Mapping[str, Any],
    new_doc: Mapping[str, Any],
    names: _Names,
) -> Change:
    removal = "newValue" not in entry
    action: Action = (
        "changed" if "oldValue" in entry and not removal else "removed" if removal else "added"
    )
    steps: list[Step] = []
    old_node: Any = old_doc
    new_node: Any = new_doc
    entity = ROOT
    index = 0
    while True:
        key = path[index]
        assert isinstance(key, str), path
        type_name = _type(entity, key)
        following = path[index + 1] if index + 1 < len(path) else None
        item_last = isinstance(following, int) and index + 2 == len(path)
        if following is None or (item_last and type_name not in ENTITIES):
            # The field itself, or an item of a list of plain values (the list is the field).
            return Change(
                action,
                tuple(steps),
                key,
                names.value(entry.get("oldValue"), entity, key, type_name, "removed"),
                names.value(entry.get("newValue"), entity, key, type_name, "added"),
            )
        old_value = old_node.get(key) if isinstance(old_node, Mapping) else None
        new_value = new_node.get(key) if isinstance(new_node, Mapping) else None
        if isinstance(following, int):
            old_item, new_item = _pair(old_value, new_value, following, item_last and removal)
            item = new_item if new_item is not None else old_item
            steps.append(names.item_step(key, following, item, type_name))
            if item_last:  # a whole part came or went
                side: Action = "removed" if removal else "added"
                raw = entry.get("oldValue" if removal else "newValue")
                value = names.value(raw, entity, key, type_name, side, single=True)
                return _side(side, tuple(steps), None, value)
            old_node, new_node, entity = old_item, new_item, type_name
            index += 2
        else:
            steps.append(Step(key))
            old_node, new_node, entity = old_value, new_value, type_name
            index += 1


def _pair(old_list: Any, new_list: Any, index: int, old_indexed: bool) -> tuple[Any, Any]:
    """The items of both lists that the diff compared at ``index``: in lists matched by
    ``module-id`` the index is the new list's (the old list's for a removed item); otherwise
    both lists' (as ``audit.diff``)."""
    olds = old_list if isinstance(old_list, list) else []
    news = new_list if isinstance(new_list, list) else []
    old_ids, new_ids = _module_ids(olds), _module_ids(news)
    if old_ids is None or new_ids is None:
        return _at(olds, index), _at(news, index)
    if old_indexed:
        return _at(olds, index), None
    new_item = _at(news, index)
    module_id = new_item.get(MODULE_ID) if isinstance(new_item, Mapping) else None
    old_item = next(
        (o for o in olds if isinstance(o, Mapping) and module_id and o.get(MODULE_ID) == module_id),
        None,
    )
    return old_item, new_item


def _module_ids(items: list[Any]) -> list[str | None] | None:
    """As ``audit.diff``: each item's module-id, or None when the list is not matched by id."""
    ids = [
        str(item[MODULE_ID]) if isinstance(item, Mapping) and item.get(MODULE_ID) else None
        for item in items
    ]
    present = [i for i in ids if i is not None]
    if not present or len(set(present)) != len(present):
        return None
    return ids


def _at(items: list[Any], index: int) -> Any:
    return items[index] if 0 <= index < len(items) else None


def _split_group(change: Change, path: list[str | int]) -> tuple[Group, Change, str | None]:
    """The group of a change (the root part its first step names, or the HOKS itself), the
    change without that step, and the part's module-id."""
    first = change.steps[0] if change.steps else None
    if first is not None and first.kind is not None and len(path) >= 2:
        head = Group(first.key, first.kind, first.name, first.text, ())
        return head, replace(change, steps=change.steps[1:]), first.module_id
    return Group(None, None, None, None, ()), change, None


# Names and values.


class _Names:
    """Everything a code or OID of either document is called, from both enrichments."""

    def __init__(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        old_enriched: EnrichedHoks,
        new_enriched: EnrichedHoks,
    ) -> None:
        self.kieli: Kieli = new_enriched.kieli
        self.labels: dict[str, Label] = {}
        for document, enriched in ((old, old_enriched), (new, new_enriched)):
            for ref in references(document):
                label = enriched.labels.get(ref.location)
                if label is not None and ref.value not in self.labels:
                    self.labels[ref.value] = label

    def label(self, code: str, ref_kind: str) -> Label:
        found = self.labels.get(code)
        if found is not None:
            return found
        registry = _REGISTRY_OF_KIND.get(ref_kind, rules.KOODISTO)
        return rules.unnamed(code, registry, "not-found", self.kieli)

    def item_step(self, key: str, index: int, item: Any, type_name: str) -> Step:
        kind = _PART_KIND_OF_ENTITY.get(type_name)
        if kind is None or not isinstance(item, Mapping):
            return Step(key, position=index + 1)
        name = None
        for code_key in _NAME_CODES:
            code = item.get(code_key)
            if isinstance(code, str) and code:
                ref_kind = kind_of(type_name, code_key, _type(type_name, code_key)) or "koodi"
                name = self.label(code, ref_kind)
                break
        return Step(
            key,
            kind=kind,
            name=name,
            text=_own_name(item),
            alku=_day(item.get("alku")),
            loppu=_day(item.get("loppu")),
            module_id=item.get(MODULE_ID) if isinstance(item.get(MODULE_ID), str) else None,
        )

    def value(
        self,
        raw: Any,
        entity: str,
        key: str,
        type_name: str,
        side: Action,
        *,
        single: bool = False,
    ) -> Value | None:
        """``raw`` (the diff's value of ``key`` in ``entity``) as a typed value. ``single``: the
        value is one item of the field's list (a whole part)."""
        if raw is None:
            return None
        if type_name in ENTITIES:
            if isinstance(raw, Mapping):
                return Value("parts", fields=tuple(self._fields(raw, type_name, side)))
            if isinstance(raw, list) and not single:
                return Value("parts", fields=tuple(self._items(raw, key, type_name, side)))
        if isinstance(raw, list):
            items = [self.value(v, entity, key, type_name, side, single=True) for v in raw]
            return Value("list", items=tuple(v for v in items if v is not None))
        return self._plain(raw, entity, key, type_name)

    def _plain(self, raw: Any, entity: str, key: str, type_name: str) -> Value:
        ref_kind = kind_of(entity, key, type_name)
        if ref_kind is not None and isinstance(raw, str):
            return Value("label", label=self.label(raw, ref_kind))
        if isinstance(raw, bool):
            return Value("flag", flag=raw)
        if type_name == "LocalDate" and (day := _day(raw)) is not None:
            return Value("day", day=day)
        if type_name == "Inst" and isinstance(raw, str):
            try:
                return Value("moment", moment=datetime.fromisoformat(raw))
            except ValueError:
                pass
        if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
            try:
                return Value("number", number=Decimal(str(raw)))
            except InvalidOperation:
                pass
        return Value("text", text=str(raw))

    def _fields(self, node: Mapping[str, Any], entity: str, side: Action) -> Iterator[Change]:
        """What an added or removed object holds, in the data model's order: each plain field
        a change of its own, each object or list of objects a change holding its own fields.
        Code versions are left out (they only go with their codes)."""
        order = list(_fields_of(entity))
        keys = sorted(node, key=lambda k: order.index(k) if k in order else len(order))
        for key in keys:
            raw = node[key]
            if key == MODULE_ID or key.endswith("koodi-versio") or raw in (None, [], {}):
                continue
            type_name = _type(entity, key)
            if type_name in ENTITIES and isinstance(raw, list):
                yield from self._items(raw, key, type_name, side)
                continue
            value = self.value(raw, entity, key, type_name, side)
            if value is None:
                continue
            if value.kind == "parts":
                yield _side(side, (Step(key),), None, value)
            else:
                yield _side(side, (), key, value)

    def _items(self, raw: list[Any], key: str, type_name: str, side: Action) -> Iterator[Change]:
        for index, item in enumerate(raw):
            if isinstance(item, Mapping):
                step = self.item_step(key, index, item, type_name)
                inner = Value("parts", fields=tuple(self._fields(item, type_name, side)))
                yield _side(side, (step,), None, inner)


def _side(side: Action, steps: tuple[Step, ...], key: str | None, value: Value | None) -> Change:
    """A change that only adds or only removes ``value``."""
    if side == "removed":
        return Change(side, steps, key, value, None)
    return Change(side, steps, key, None, value)


@functools.cache
def _fields_of(entity: str) -> dict[str, FieldSpec]:
    spec = ENTITIES.get(entity)
    return {f.key: f for f in spec.fields} if spec is not None else {}


def _type(entity: str, key: str) -> str:
    """The data model's type of ``key`` in ``entity`` (an unknown key reads as text)."""
    spec = _fields_of(entity).get(key)
    return spec.type_for("read") if spec else "Str"


def _own_name(item: Mapping[str, Any]) -> str | None:
    """The name a part gives itself: a local unit's or study's ``nimi``, a learning period's
    workplace, a demonstration's environment."""
    candidates = [item.get("nimi")]
    for holder, key in (
        ("tyopaikalla-jarjestettava-koulutus", "tyopaikan-nimi"),
        ("nayttoymparisto", "nimi"),
    ):
        inner = item.get(holder)
        if isinstance(inner, Mapping):
            candidates.append(inner.get(key))
    return next((v for v in candidates if isinstance(v, str) and v.strip()), None)


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
