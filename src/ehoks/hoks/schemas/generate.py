"""Pydantic models generated from the templates of :mod:`spec`, one per entity and variant.

Nested entities have three variants (read, write, vipunen): POST and PUT validate nested objects
identically, and PATCH excludes every collection at the root. Models are built on first use and
cached, so importing the package costs nothing.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, create_model
from pydantic import model_validator as _model_validator
from pydantic_core import PydanticCustomError

from ehoks.hoks.schemas import rules
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.primitives import PRIMITIVES
from ehoks.hoks.schemas.spec import ROOT, EntitySpec, FieldSpec, Variant

ModelVariant = Literal["read", "write", "vipunen", "post", "put", "patch"]

ROOT_MODEL_NAMES: dict[Variant, str] = {
    "read": "HOKS",
    "vipunen": "HOKSVipunen",
    "post": "HOKSLuonti",
    "put": "HOKSKorvaus",
    "patch": "HOKSPaivitys",
}
_NESTED_SUFFIX = {"read": "", "write": "Kirjoitus", "vipunen": "Vipunen"}

_CONFIG = ConfigDict(
    extra="forbid",
    validate_by_alias=True,
    validate_by_name=False,
    serialize_by_alias=True,
)


def nested_variant(variant: Variant) -> Literal["read", "write", "vipunen"]:
    if variant in ("read", "vipunen"):
        return variant
    return "write"


def _spec_variant(variant: ModelVariant) -> Variant:
    return "post" if variant == "write" else variant


def _drop_default(schema: dict[str, Any]) -> None:
    # An optional key is omitted, never null; a "default": null in the schema would suggest
    # otherwise.
    schema.pop("default", None)


def _field_rule(name: str) -> AfterValidator:
    rule = rules.FIELD_RULES[name]

    def check(value: Any, info: ValidationInfo) -> Any:
        if not rule.check(value, rules.context_of(info)):
            raise PydanticCustomError("rule", rule.message)
        return value

    return AfterValidator(check)


def _object_rules(entity: EntitySpec) -> Any:
    checks = tuple(rules.OBJECT_RULES[name] for name in entity.rules)

    def check(model: Any, info: ValidationInfo) -> Any:
        ctx = rules.context_of(info)
        for rule in checks:
            if not rule.check(model, ctx):
                raise PydanticCustomError("rule", rule.message)
        return model

    return _model_validator(mode="after")(check)


def _python_type(field: FieldSpec, variant: Variant) -> Any:
    type_name = field.type_for(variant)
    if type_name in ENTITIES:
        base: Any = model_for(type_name, nested_variant(variant))
    else:
        base = PRIMITIVES[type_name].type
    if field.max_length is not None:
        # After the type's own metadata, so that it wins over the generic TEXT_MAX.
        base = Annotated[base, MaxLen(field.max_length)]
    python_type: Any = list[base] if field.many else base
    if field.rule:
        python_type = Annotated[python_type, _field_rule(field.rule)]
    return python_type


def model_for(entity_name: str, variant: ModelVariant) -> type[BaseModel]:
    """The model of ``entity_name`` in ``variant``: read, vipunen, post, put or patch for the
    root; read, write or vipunen for nested entities (post, put and patch mean write there)."""
    if ENTITIES[entity_name].is_root:
        if variant == "write":
            raise ValueError("the HOKS root has post, put and patch variants, not 'write'")
        return _build(entity_name, variant)
    return _build(entity_name, nested_variant(_spec_variant(variant)))


@functools.cache
def _build(entity_name: str, variant: ModelVariant) -> type[BaseModel]:
    entity = ENTITIES[entity_name]
    if entity.is_root:
        name = ROOT_MODEL_NAMES[_spec_variant(variant)]
    else:
        name = entity_name + _NESTED_SUFFIX[variant]
    spec_variant = _spec_variant(variant)
    fields: dict[str, Any] = {}
    for field in entity.fields:
        mode = entity.mode(field, spec_variant)
        if mode == "X":
            continue
        info = Field(
            default=... if mode == "R" else None,
            alias=field.key,
            title=field.key,
            description=field.description,
            exclude=field.drop,
            json_schema_extra=None if mode == "R" else _drop_default,
        )
        fields[field.attr] = (_python_type(field, spec_variant), info)
    validators = {"_rules": _object_rules(entity)} if entity.rules else None
    model: type[BaseModel] = create_model(
        name,
        __config__=_CONFIG,
        __doc__=entity.description,
        __module__=__name__,
        __validators__=validators,
        **fields,
    )
    return model


def root_model(variant: Variant) -> type[BaseModel]:
    return model_for(ROOT, variant)


def write_model(entity_name: str) -> type[BaseModel]:
    return model_for(entity_name, "write")
