"""HOKS domain errors, with the original eHOKS messages where one exists (reference 2.5, 4.5,
4.6) because clients may match on them."""

from __future__ import annotations

from ehoks.errors import (
    BadRequest,
    NotFound,
    PreconditionFailed,
    Unprocessable,
)


class HoksNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("HOKS not found")


class HoksNotFoundForOpiskeluoikeus(NotFound):
    def __init__(self) -> None:
        super().__init__("No HOKS found with given opiskeluoikeus")


class HoksVersionNotFound(NotFound):
    def __init__(self, version: int) -> None:
        super().__init__(f"HOKS version {version} not found")


class SchemaNotFound(NotFound):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"No schema named {name!r}; known: {', '.join(known)}")


class PartNotFound(NotFound):
    def __init__(self, module_id: str) -> None:
        super().__init__(f"HOKS part with module-id {module_id} not found")


class HoksAlreadyExists(BadRequest):
    def __init__(self) -> None:
        super().__init__("HOKS with the same opiskeluoikeus-oid already exists")


class ArchivedHoksExists(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            "Archived HOKS with given opiskeluoikeus oid found. "
            "Contact eHOKS support for more information."
        )


class OpiskeluoikeusNotFound(BadRequest):
    def __init__(self, oid: str) -> None:
        super().__init__(f"Opiskeluoikeus `{oid}` not found in Koski")


class OpiskeluoikeusNotOppijan(BadRequest):
    def __init__(self, opiskeluoikeus_oid: str, oppija_oid: str) -> None:
        super().__init__(f"No opiskeluoikeus {opiskeluoikeus_oid} found for oppija {oppija_oid}")


class OpiskeluoikeusIncluded(BadRequest):
    def __init__(self, oid: str) -> None:
        super().__init__(f"Opiskeluoikeus `{oid}` sisältyy toiseen opiskeluoikeuteen.")


class OpiskeluoikeusNotActive(BadRequest):
    def __init__(self, oid: str, *, update: bool) -> None:
        # The original's update message ends with a period and the create one does not.
        super().__init__(f"Opiskeluoikeus `{oid}` is no longer active{'.' if update else ''}")


class OpiskeluoikeusOidChange(BadRequest):
    def __init__(self, old: str, new: str) -> None:
        super().__init__(
            f"Tried to update `opiskeluoikeus-oid` from `{old}` to `{new}` but updating "
            "`opiskeluoikeus-oid` in HOKS is not allowed!"
        )


class OppijaOidChange(BadRequest):
    def __init__(self, old: str, new: str) -> None:
        super().__init__(
            f"Tried to update `oppija-oid` from `{old}` to `{new}` but updating `oppija-oid` "
            "in HOKS is only allowed with latest master oppija oid!"
        )


class BodyIdMismatch(BadRequest):
    """Fix of defect D1: the original wrote to the HOKS named in the body."""

    def __init__(self, path_id: int, body_id: object) -> None:
        super().__init__(
            f"The body's `id` ({body_id}) must equal the HOKS id in the path ({path_id})"
        )


class HoksVersionConflict(PreconditionFailed):
    def __init__(self, expected: str, current: int) -> None:
        super().__init__(
            f"HOKS has changed: If-Match {expected} does not match the current version "
            f'"{current}". Read the HOKS again and reapply the change.'
        )


class IdempotencyKeyReused(Unprocessable):
    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used with a different request body; "
            "use a new key for a different request"
        )
