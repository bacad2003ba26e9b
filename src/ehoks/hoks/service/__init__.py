"""HOKS use cases. Routes and the CLI call these: a write's prepare phase first, then its apply
phase in the context's transaction frame (``ctx.write``); they never commit."""

from ehoks.hoks.service.common import etag
from ehoks.hoks.service.creation import (
    PreparedCreate,
    apply_create,
    create,
    prepare_create,
    validate_only,
)
from ehoks.hoks.service.documents import (
    Written,
    get,
    get_by_opiskeluoikeus,
    get_version,
    hard_delete,
    list_versions,
    paged,
    patch,
    prepare_write,
    replace,
    soft_delete,
    undo_soft_delete,
)
from ehoks.hoks.service.piecewise import PartView, add_part, delete_part, get_part, replace_part

__all__ = [
    "PartView",
    "PreparedCreate",
    "Written",
    "add_part",
    "apply_create",
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
    "prepare_create",
    "prepare_write",
    "replace",
    "replace_part",
    "soft_delete",
    "undo_soft_delete",
    "validate_only",
]
