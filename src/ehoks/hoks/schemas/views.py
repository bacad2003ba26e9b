"""The read representation (reference 3.10) and the anonymised Vipunen projection (3.11)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from ehoks.hoks.schemas import rules
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.errors import error_tree
from ehoks.hoks.schemas.generate import root_model
from ehoks.hoks.schemas.primitives import format_instant
from ehoks.hoks.schemas.spec import ROOT

REDACTED = "<REDACTED>"
_ARVIOIJAT = ("KoulutuksenJarjestajaArvioija", "TyoelamaOsaamisenArvioija")


class VipunenProjectionError(ValueError):
    """The stored document does not pass the Vipunen schema; the feed lists its id in
    ``failed-ids`` instead."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        summary = "; ".join(f"{p['path'] or '(root)'}: {p['message']}" for p in problems[:5])
        super().__init__(f"HOKS does not pass the Vipunen schema: {summary}")
        self.problems = problems


# (key, child entity, is a list) for every field holding entities
_Children = tuple[tuple[str, str, bool], ...]
# (key, default factory) for every field the read representation always shows
_Defaults = tuple[tuple[str, Callable[[], Any]], ...]


@functools.cache
def _children(entity_name: str) -> _Children:
    return tuple(
        (field.key, field.type, field.many)
        for field in ENTITIES[entity_name].fields
        if field.type in ENTITIES
    )


@functools.cache
def _defaults(entity_name: str) -> _Defaults:
    return tuple(
        (field.key, list if field.many else dict)
        for field in ENTITIES[entity_name].fields
        if field.always
    )


Visit = Callable[[str, dict[str, Any]], dict[str, Any]]


def transform(entity_name: str, obj: dict[str, Any], visit: Visit) -> dict[str, Any]:
    """A copy of ``obj`` with ``visit`` applied to every object, parents before children.
    Values of unexpected shape are copied as they are."""
    out = visit(entity_name, dict(obj))
    for key, child, many in _children(entity_name):
        value = out.get(key)
        if many and isinstance(value, list):
            out[key] = [
                transform(child, item, visit) if isinstance(item, dict) else item for item in value
            ]
        elif not many and isinstance(value, dict):
            out[key] = transform(child, value, visit)
    return out


def _read_visit(entity_name: str, obj: dict[str, Any]) -> dict[str, Any]:
    for key in [k for k, v in obj.items() if v is None]:
        del obj[key]
    if entity_name != ROOT:
        obj.pop("id", None)
    for key, factory in _defaults(entity_name):
        if key not in obj:
            obj[key] = factory()
    return obj


def with_defaults(entity_name: str, obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with the read representation's always-present lists and objects filled in,
    ``None`` values and nested numeric ids dropped."""
    return transform(entity_name, obj, _read_visit)


def read_view(document: dict[str, Any]) -> dict[str, Any]:
    """The GET shape of a stored HOKS: every always-present array (and the verification-details
    object of previously acquired units) present, no ``null`` values, no nested numeric ids.
    Idempotent."""
    return with_defaults(ROOT, document)


# The keys the GET representation puts before the document's own (``common.full_view``).
SERVER_FIELDS = frozenset({"id", "eid", "manuaalisyotto"})


def is_read_shaped(document: dict[str, Any]) -> bool:
    """Whether ``document`` is already its own read view, with none of the server's own
    fields: then the stored JSON text is the read representation's document as it is, and a
    read can send it without parsing it (``hoks.service.reading``). Documents validated for
    POST and PUT nearly always are; a PATCH that sets a value to null is not until the next
    full write."""
    return SERVER_FIELDS.isdisjoint(document) and read_view(document) == document


def _redact_visit(entity_name: str, obj: dict[str, Any]) -> dict[str, Any]:
    if entity_name == ROOT:
        obj.pop("sahkoposti", None)
        obj.pop("puhelinnumero", None)
    elif entity_name == "OsaamisenHankkimistapa":
        obj.pop("jarjestajan-edustaja", None)
        obj.pop("hankkijan-edustaja", None)
    elif entity_name == "TyopaikallaJarjestettavaKoulutus":
        if "vastuullinen-tyopaikka-ohjaaja" in obj:
            obj["vastuullinen-tyopaikka-ohjaaja"] = True
    elif entity_name in _ARVIOIJAT and "nimi" in obj:
        # As the original: a name is replaced, an absent one stays absent (and fails).
        obj["nimi"] = REDACTED
    return obj


def vipunen_view(
    document: dict[str, Any], *, poistettu: datetime | None, today: date | None = None
) -> dict[str, Any]:
    """The anonymised projection of a stored HOKS for the Vipunen feed.

    ``document`` is the stored HOKS in its read shape, including ``id`` and ``eid`` (both
    required by the Vipunen schema) and the parts' ``module-id``s.

    Personal data is redacted first (learner contacts, the provider's representatives, the
    workplace instructor, assessors' names), then the result must pass the Vipunen schema, in
    which no study-right rule applies. Raises :class:`VipunenProjectionError` otherwise.
    """
    redacted = transform(ROOT, read_view(document), _redact_visit)
    redacted.pop("poistettu", None)
    if poistettu is not None:
        redacted["poistettu"] = format_instant(poistettu)
    ctx = rules.RuleContext(today=today, koski=False)
    try:
        model = root_model("vipunen").model_validate(redacted, context={rules.CONTEXT_KEY: ctx})
    except ValidationError as exc:
        _, problems = error_tree(exc, redacted)
        raise VipunenProjectionError(problems) from None
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)
