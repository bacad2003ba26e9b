"""Turning pydantic's flat error list into the eHOKS error tree (reference 2.4).

The tree mirrors the input: an object becomes an object holding only its failing keys, a list
becomes a list of the same length with ``null`` for valid items, and a failure sits where the
failing value (or the missing key) is. ``problems`` lists the same failures flat, for people.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ehoks.limits import MAX_PROBLEMS, too_long_message

MISSING = "missing-required-key"
DISALLOWED = "disallowed-key"
NOT_AN_OBJECT = "expected a JSON object"

_MESSAGES = {
    "missing": MISSING,
    "extra_forbidden": DISALLOWED,
    "int_type": "expected an integer",
    "string_type": "expected a string",
    "bool_type": "expected a boolean",
    "list_type": "expected a list",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "dict_type": "expected an object",
    "string_too_short": "must not be empty",
}


def message_of(error: ErrorDetails) -> str:
    ctx = error.get("ctx") or {}
    kind = error["type"]
    # Limits name their bound in our words (ehoks.limits), the same as the custom validators.
    if kind == "string_too_long" and "max_length" in ctx:
        return too_long_message(int(ctx["max_length"]))
    if kind == "less_than_equal" and "le" in ctx:
        return f"out of range (at most {ctx['le']})"
    if kind == "greater_than_equal" and "ge" in ctx:
        return f"out of range (at least {ctx['ge']})"
    if kind == "too_long" and "max_length" in ctx:
        # A length after a validator (spec.FieldSpec.max_length) is counted as a "Value".
        if ctx.get("field_type") == "List":
            return f"too many items (at most {ctx['max_length']})"
        return too_long_message(int(ctx["max_length"]))
    return _MESSAGES.get(kind, error["msg"])


def format_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _put(node: Any, value: Any, loc: tuple[str | int, ...], message: str) -> Any:
    if not loc:
        return message if node is None else node
    key, rest = loc[0], loc[1:]
    if isinstance(key, int) and isinstance(value, list):
        if not isinstance(node, list):
            node = [None] * len(value)
        node[key] = _put(node[key], value[key], rest, message)
        return node
    if not isinstance(node, dict):
        node = {}
    child = value.get(key) if isinstance(value, dict) else None
    node[key] = _put(node.get(key), child, rest, message)
    return node


def error_tree(exc: ValidationError, value: Any) -> tuple[Any, list[dict[str, str]]]:
    """The error tree and the flat problem list for ``exc`` raised while validating ``value``."""
    failures = []
    # The first MAX_PROBLEMS only: a large malformed body must not make a larger answer.
    errors = exc.errors(include_url=False, include_context=True, include_input=False)
    for error in errors[:MAX_PROBLEMS]:
        loc = tuple(error["loc"])
        message = NOT_AN_OBJECT if not loc and error["type"] == "model_type" else message_of(error)
        failures.append((loc, message))
    return tree_of(value, failures)


def tree_of(
    value: Any, failures: list[tuple[tuple[str | int, ...], str]]
) -> tuple[Any, list[dict[str, str]]]:
    """An errors structure mirroring ``value`` (reference 2.4) with each message at its
    location, and the same failures as a flat list of paths and messages."""
    tree: Any = None
    problems: list[dict[str, str]] = []
    for loc, message in failures:
        tree = _put(tree, value, loc, message)
        problems.append({"path": format_path(loc), "message": message})
    return tree, problems
