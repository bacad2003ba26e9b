"""The HOKS data model: validation and normalisation of HOKS documents and their parts, the read
and Vipunen views, and JSON Schemas / OpenAPI models of every variant.

Everything is derived from the templates in :mod:`ehoks.hoks.schemas.spec`;
``docs/data-model.md`` is generated from them by :mod:`ehoks.hoks.schemas.docs`.
"""

from __future__ import annotations

import copy
import functools
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ValidationError

from ehoks.errors import ValidationFailed
from ehoks.hoks.schemas import rules
from ehoks.hoks.schemas.errors import NOT_AN_OBJECT, error_tree
from ehoks.hoks.schemas.generate import ROOT_MODEL_NAMES, model_for, root_model, write_model
from ehoks.hoks.schemas.partkinds import PART_KINDS, PartInfo, PartKind
from ehoks.hoks.schemas.spec import ROOT
from ehoks.hoks.schemas.views import (
    VipunenProjectionError,
    is_read_shaped,
    read_view,
    vipunen_view,
    with_defaults,
)

if TYPE_CHECKING:
    from ehoks.registries.koski.schemas import Opiskeluoikeus

__all__ = [
    "PART_KINDS",
    "Method",
    "PartInfo",
    "PartKind",
    "VipunenProjectionError",
    "is_read_shaped",
    "json_schemas",
    "openapi_models",
    "read_view",
    "validate_hoks",
    "validate_part",
    "vipunen_view",
]

Method = Literal["post", "put", "patch"]


def _validate(model: type[BaseModel], data: Any, ctx: rules.RuleContext) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed(
            NOT_AN_OBJECT, value=data, problems=[{"path": "", "message": NOT_AN_OBJECT}]
        )
    try:
        validated = model.model_validate(data, context={rules.CONTEXT_KEY: ctx})
    except ValidationError as exc:
        tree, problems = error_tree(exc, data)
        raise ValidationFailed(tree, value=data, problems=problems) from None
    return validated.model_dump(mode="json", by_alias=True, exclude_unset=True)


def validate_hoks(
    data: Any,
    *,
    method: Method,
    virkailija: bool = False,
    opiskeluoikeus: Opiskeluoikeus | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Validate a HOKS request body and return it normalised, or raise ``ValidationFailed``.

    ``opiskeluoikeus`` is the study right the rules see (for POST the one named in the body, for
    PUT and PATCH the stored HOKS's); None passes every study-right rule except OHT rule 1.
    ``virkailija`` selects the official's variants: no yksiloiva-tunniste rule, a missing one
    on a workplace period is filled with a random UUID. ``today`` defaults to today in Finland.

    The result has kebab-case keys, dates and times as strings, plain strings trimmed, no nested
    numeric ids. For POST and PUT every always-present list of the read representation is there
    (``[]`` when not sent); for PATCH only the keys sent.
    """
    ctx = rules.RuleContext(opiskeluoikeus=opiskeluoikeus, today=today, virkailija=virkailija)
    result = _validate(root_model(method), data, ctx)
    return result if method == "patch" else with_defaults(ROOT, result)


def validate_part(
    kind: PartKind,
    data: Any,
    *,
    virkailija: bool = False,
    opiskeluoikeus: Opiskeluoikeus | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Validate one part alone in write mode, with the same rules and normalisation as inside a
    whole HOKS; the error tree is rooted at the part."""
    entity = PART_KINDS[kind].entity
    ctx = rules.RuleContext(opiskeluoikeus=opiskeluoikeus, today=today, virkailija=virkailija)
    return with_defaults(entity, _validate(write_model(entity), data, ctx))


@functools.cache
def openapi_models() -> dict[str, type[BaseModel]]:
    """Pydantic classes of every variant, keyed like :func:`json_schemas`, for the OpenAPI
    document. Validation itself goes through :func:`validate_hoks` and :func:`validate_part`."""
    models: dict[str, type[BaseModel]] = {
        name: root_model(variant) for variant, name in ROOT_MODEL_NAMES.items()
    }
    for kind, info in PART_KINDS.items():
        models[kind] = model_for(info.entity, "write")
    return models


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of each variant: "HOKS" (read), "HOKSVipunen", "HOKSLuonti" (post),
    "HOKSKorvaus" (put), "HOKSPaivitys" (patch), and one per part kind (write mode)."""
    return copy.deepcopy(_json_schemas())


@functools.cache
def _json_schemas() -> dict[str, dict[str, Any]]:
    return {
        name: model.model_json_schema(by_alias=True) for name, model in openapi_models().items()
    }
