"""Templates of the HOKS data model (reference section 3): for every entity, every field with its
type and its mode per variant. Models, JSON Schemas, views and documentation are all derived from
the templates (in :mod:`entities_common` and :mod:`entities`), the way the original derived its
per-method schemas from templates.

Modes: ``R`` required, ``O`` optional, ``X`` excluded (sending it is a ``disallowed-key``).
A nested entity's ``modes`` string has three letters: read, write (POST = PUT), Vipunen. The HOKS
root has five: read (GET), POST, PUT, PATCH, Vipunen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["R", "O", "X"]
Variant = Literal["read", "vipunen", "post", "put", "patch"]
ROOT = "HOKS"

_NESTED_INDEX = {"read": 0, "post": 1, "put": 1, "patch": 1, "vipunen": 2}
_MODES: dict[str, Mode] = {"R": "R", "O": "O", "X": "X"}
_ROOT_INDEX = {"read": 0, "post": 1, "put": 2, "patch": 3, "vipunen": 4}


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: str  # a primitive name (primitives.PRIMITIVES) or an entity name (ENTITIES)
    modes: str
    description: str
    many: bool = False
    vipunen_type: str | None = None
    rule: str | None = None  # a field rule of rules.FIELD_RULES, applied after the type check
    drop: bool = False  # accepted (D18) but never stored or returned
    always: bool = False  # the read representation always has it ([] or {}), reference 3.10
    ours: bool = False  # our addition, not in the original
    max_length: int | None = None  # a string column's length, tighter than ehoks.limits.TEXT_MAX

    @property
    def attr(self) -> str:
        return self.key.replace("-", "_")

    def type_for(self, variant: Variant) -> str:
        return self.vipunen_type if variant == "vipunen" and self.vipunen_type else self.type


@dataclass(frozen=True)
class EntitySpec:
    name: str
    description: str
    fields: tuple[FieldSpec, ...]
    rules: tuple[str, ...] = ()  # object rules of rules.OBJECT_RULES, checked in this order

    @property
    def is_root(self) -> bool:
        return self.name == ROOT

    def mode(self, field: FieldSpec, variant: Variant) -> Mode:
        index = (_ROOT_INDEX if self.is_root else _NESTED_INDEX)[variant]
        return _MODES[field.modes[index]]

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)


def f(
    key: str,
    type_: str,
    modes: str,
    description: str,
    *,
    vipunen_type: str | None = None,
    rule: str | None = None,
    drop: bool = False,
    always: bool = False,
    max_length: int | None = None,
) -> FieldSpec:
    return FieldSpec(
        key,
        type_,
        modes,
        description,
        False,
        vipunen_type,
        rule,
        drop,
        always,
        max_length=max_length,
    )


def many(
    key: str,
    type_: str,
    modes: str,
    description: str,
    *,
    rule: str | None = None,
    always: bool = False,
) -> FieldSpec:
    return FieldSpec(key, type_, modes, description, True, None, rule, False, always)


def entity(
    name: str, description: str, *fields: FieldSpec, rules: tuple[str, ...] = ()
) -> EntitySpec:
    return EntitySpec(name, description, fields, rules)
