"""Checks shared by the readers of registry data files: where in a file a problem is, and the
small shape checks every registry's reader makes."""

from __future__ import annotations

import re
from typing import Any

_OID_RE = re.compile(r"^[0-9]+(\.[0-9]+)+$")


class Problem(Exception):
    """A problem inside one file; ``read_directory`` adds the file name."""


def problem_at(where: str, problem: str) -> Problem:
    return Problem(f"{where}: {problem}" if where else problem)


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def oid(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not _OID_RE.match(value):
        raise problem_at(where, f"'{key}' must be an OID string, got {value!r}")
    return value


def obj(value: Any, where: str, expected: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise problem_at(where, f"expected {expected}, got {type(value).__name__}")
    return value


def integer_id(value: Any, where: str, key: str = "id") -> int:
    """A numeric id as ePerusteet writes it (a JSON number; ``true`` is not one)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise problem_at(where, f"'{key}' must be a non-negative integer, got {value!r}")
    return value


def items(document: Any) -> list[tuple[str, Any]]:
    """A file's records with their location: the document itself, or each item of a list."""
    if isinstance(document, list):
        return [(f"[{index}]", item) for index, item in enumerate(document)]
    return [("", document)]
