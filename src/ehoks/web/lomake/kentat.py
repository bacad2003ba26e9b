"""The form's fields, derived from the HOKS data model (``ehoks.hoks.schemas``): every field of
every entity in write mode becomes a form field, so a field added to the model appears on the
form without a change here. Only presentation is decided here — which control shows a value —
from the field's type; which fields exist and which are required comes from the templates of
``hoks/schemas/entities*.py``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.primitives import KOODI_URIT
from ehoks.hoks.schemas.spec import ROOT, EntitySpec, FieldSpec

Variant = Literal["post", "put"]
"""The create form is the POST body, the edit form the PUT body (reference 7.7)."""

Kind = Literal[
    "text",
    "textarea",
    "lines",
    "tel",
    "integer",
    "number",
    "date",
    "datetime",
    "bool",
    "koodi",
    "object",
    "list",
    "hidden",
    "fixed",
]

IDENTITY = "module-id"
# Free texts that are usually longer than a line.
LONG_TEXTS = frozenset(
    {"kuvaus", "tavoitteet-ja-sisallot", "vaatimuksista-tai-tavoitteista-poikkeaminen"}
)
# Shown but not changed on the edit form: the study right cannot change after creation and the
# learner only to the ONR master (reference 4.6), which the service does, not an official.
FIXED_ON_EDIT = frozenset({"oppija-oid", "opiskeluoikeus-oid"})
# Kept as they are: the source system's own document number means nothing to an official, but
# a PUT without it would clear it.
PASS_THROUGH = frozenset({"versio"})
# A demonstration's sub-areas are plain code references whose format the model leaves open;
# they name common-unit sub-areas (reference 3.6).
KOODISTO_BY_FIELD = {("KoodistoKoodi", "koodi-uri"): "ammatillisenoppiaineet"}

_KIND_OF_TYPE: dict[str, Kind] = {
    "Puhelinnumero": "tel",
    "Int": "integer",
    "Num": "number",
    "Bool": "bool",
    "LocalDate": "date",
    "Inst": "datetime",
    "UUID": "hidden",
}


@dataclass(frozen=True)
class Kentta:
    """One field of the form: the model's key and type, and the control that shows it."""

    key: str
    type: str  # the model's type name: a primitive or an entity
    kind: Kind
    required: bool
    entity: str  # the entity the field belongs to
    koodisto: str | None = None  # code fields: the Koodisto code list
    versio: str | None = None  # code fields: the key of the code's version, set with the code

    @property
    def child_entity(self) -> str:
        """The entity of an object or list field."""
        return self.type


def koodisto_of(type_name: str) -> str | None:
    """The code list of a code-URI type: the URI's prefix (``urasuunnitelma_0001`` →
    ``urasuunnitelma``), read from the type's own pattern."""
    koodi = KOODI_URIT.get(type_name)
    if koodi is None:
        return None
    return koodi.pattern.lstrip("^").split("_", 1)[0]


@functools.cache
def fields(entity_name: str = ROOT, variant: Variant = "post") -> tuple[Kentta, ...]:
    """The form fields of ``entity_name`` in the order of the model. Nested entities have one
    write mode; the root differs between create and edit."""
    entity = ENTITIES[entity_name]
    keys = {f.key for f in entity.fields}
    found = []
    for spec in entity.fields:
        mode = entity.mode(spec, variant if entity.is_root else "post")
        if mode == "X" or spec.drop or (entity.is_root and spec.key == "id"):
            continue
        if _is_code_version(spec.key, keys):
            continue  # set together with its code
        found.append(_field(entity, spec, mode == "R", variant, keys))
    return tuple(found)


def _is_code_version(key: str, keys: set[str]) -> bool:
    return key.endswith("koodi-versio") and key.replace("koodi-versio", "koodi-uri") in keys


def _field(
    entity: EntitySpec, spec: FieldSpec, required: bool, variant: Variant, keys: set[str]
) -> Kentta:
    def make(kind: Kind, **extra: str | None) -> Kentta:
        return Kentta(spec.key, spec.type, kind, required, entity.name, **extra)

    if entity.is_root and variant == "put" and spec.key in FIXED_ON_EDIT:
        return make("fixed")
    if entity.is_root and spec.key in PASS_THROUGH:
        return make("hidden")
    if spec.type in ENTITIES:
        return make("list" if spec.many else "object")
    koodisto = koodisto_of(spec.type) or KOODISTO_BY_FIELD.get((entity.name, spec.key))
    if koodisto is not None:
        versio = spec.key.replace("koodi-uri", "koodi-versio")
        return make("koodi", koodisto=koodisto, versio=versio if versio in keys else None)
    if spec.many:
        return make("lines")
    if spec.type in ("Str", "NonEmptyStr"):
        return make("textarea" if spec.key in LONG_TEXTS else "text")
    return make(_KIND_OF_TYPE.get(spec.type, "text"))


def field_of(entity_name: str, key: str, variant: Variant = "post") -> Kentta | None:
    """The form field of ``key`` in ``entity_name``; a code's version key gives its code."""
    for kentta in fields(entity_name, variant):
        if kentta.key == key or kentta.versio == key:
            return kentta
    return None


def koodistot(variant: Variant = "post") -> tuple[str, ...]:
    """Every code list the form offers, in the order met."""
    found: dict[str, None] = {}

    def walk(entity_name: str) -> None:
        for kentta in fields(entity_name, variant):
            if kentta.koodisto:
                found.setdefault(kentta.koodisto)
            elif kentta.kind in ("object", "list"):
                walk(kentta.child_entity)

    walk(ROOT)
    return tuple(found)


def all_keys() -> set[tuple[str, str]]:
    """(entity, key) of every field either form shows, for checking that each has a label."""
    found: set[tuple[str, str]] = set()
    pending: list[tuple[str, Variant]] = [(ROOT, "post"), (ROOT, "put")]
    while pending:
        entity_name, variant = pending.pop()
        for kentta in fields(entity_name, variant):
            if (entity_name, kentta.key) in found and entity_name != ROOT:
                continue
            found.add((entity_name, kentta.key))
            if kentta.kind in ("object", "list"):
                pending.append((kentta.child_entity, "post"))
    return found
