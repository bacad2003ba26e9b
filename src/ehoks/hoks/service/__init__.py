"""HOKS use cases. Routes and the CLI call these; they never commit."""

from ehoks.hoks.service.common import Deps, etag
from ehoks.hoks.service.documents import (
    Written,
    create,
    get,
    get_by_opiskeluoikeus,
    get_version,
    hard_delete,
    list_versions,
    paged,
    patch,
    replace,
    soft_delete,
    undo_soft_delete,
    validate_only,
)
from ehoks.hoks.service.piecewise import PartView, add_part, delete_part, get_part, replace_part

__all__ = [
    "Deps",
    "PartView",
    "Written",
    "add_part",
    "create",
    "delete_part",
    "etag",
    "get",
    "get_by_opiskeluoikeus",
    "get_part",
    "get_version",
    "hard_delete",
    "list_versions",
    "paged",
    "patch",
    "replace",
    "replace_part",
    "soft_delete",
    "undo_soft_delete",
    "validate_only",
]
