"""Refusals of a continuation draft or link, each a clear 4xx naming what is wrong."""

from __future__ import annotations

from ehoks.errors import BadRequest, ValidationFailed
from ehoks.hoks.schemas.rules import FIELD_RULES

JATKAA = "jatkaa-hoksia"


class SameOpiskeluoikeus(BadRequest):
    def __init__(self, oid: str) -> None:
        super().__init__(
            f"The HOKS already belongs to opiskeluoikeus `{oid}`: give the learner's new "
            "study right in `opiskeluoikeus-oid`"
        )


class OpiskeluoikeusTyyppiNotAllowed(BadRequest):
    """The create rule's own message (reference 4.5), said before a draft is made for it."""

    def __init__(self) -> None:
        super().__init__(FIELD_RULES["opiskeluoikeus-tyyppi"].message)


def invalid_parameter(name: str, message: str, value: object) -> ValidationFailed:
    """A query parameter's problem in the API's 400 shape."""
    return ValidationFailed(
        {name: message},
        value={name: value},
        problems=[{"path": name, "message": message}],
        where="query-params",
    )


def earlier_not_found(hoks_id: int) -> ValidationFailed:
    return invalid_parameter(JATKAA, "no HOKS with this id", hoks_id)


def not_same_learner(hoks_id: int) -> ValidationFailed:
    return invalid_parameter(
        JATKAA, "the earlier HOKS is another learner's (ONR master included)", hoks_id
    )
