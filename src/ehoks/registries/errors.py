"""Errors of the registries package. ``RegistryUnavailable`` lives in ``ehoks.errors`` (every
surface renders it); it is re-exported here so registry code imports its errors from one place."""

from __future__ import annotations

from pathlib import Path

from ehoks.errors import BadRequest, RegistryUnavailable

__all__ = ["RegistryDataError", "RegistryExportError", "RegistryImportError", "RegistryUnavailable"]


class RegistryDataError(BadRequest):
    """A registry data file or directory that cannot be used, named with the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class RegistryImportError(RegistryDataError):
    """A registry data file could not be imported; nothing from the import was stored."""


class RegistryExportError(RegistryDataError):
    """The registry could not be exported to the directory given."""
