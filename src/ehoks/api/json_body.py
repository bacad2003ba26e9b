"""Reading a JSON request body within the limits (``ehoks.limits``, issue 11).

In order: the media type (415 unless ``application/json`` or ``…+json``), the syntax (400
``request-parsing``, as the original), duplicate keys in an object (400 naming the key: a client
and the service would otherwise disagree on which value counts), then the shape — nesting
depth, list length, string length, control characters, integer range, finite numbers — with a
400 naming the limit and the place (reference 2.4 shape). The body's size is bounded before
this, while it is read (``FastAPI(max_body_size=…)``, 413).

The standard library's parser is used rather than ``orjson`` because only it can see duplicate
keys (``object_pairs_hook``): about 90 µs more for a 14 KB HOKS, against a create's 27 ms.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ehoks.errors import BadRequest, UnsupportedMediaType, ValidationFailed
from ehoks.hoks.schemas.errors import tree_of
from ehoks.limits import (
    JSON_INT_MAX,
    JSON_INT_MIN,
    TEXT_MAX,
    LimitSettings,
    control_character,
    control_message,
    too_long_message,
)

JSON_MEDIA_TYPE = "application/json"
MALFORMED = "Malformed application/json in :muuntaja/decode"

Loc = tuple[str | int, ...]


class RequestParsingError(BadRequest):
    def __init__(self, message: str, original: str) -> None:
        super().__init__(message)
        self.original = original

    def body(self) -> dict[str, Any]:
        return {
            "type": "compojure.api.exception/request-parsing",
            "message": self.detail,
            "original": self.original,
        }


class NotJson(UnsupportedMediaType):
    def __init__(self, given: str | None) -> None:
        shown = "none" if not given else repr(given[:80])
        super().__init__(f"Content-Type must be {JSON_MEDIA_TYPE} (the request's: {shown})")


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    structured = media.startswith("application/") and media.endswith("+json")
    return media == JSON_MEDIA_TYPE or structured


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    # NaN and ±Infinity are not JSON; the standard library accepts them unless told not to.
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)


def parse_json_body(raw: bytes, content_type: str | None, limits: LimitSettings) -> Any:
    """The body as a JSON value, or the 415/400 that says what is wrong with it."""
    if not is_json_media_type(content_type):
        raise NotJson(content_type)
    if not raw:
        raise RequestParsingError(MALFORMED, "empty body")
    try:
        text = raw.decode("utf-8")
        value = _DECODER.decode(text)
    except _DuplicateKey as exc:
        key = exc.key[:80]
        raise RequestParsingError(MALFORMED, f"duplicate key {key!r} in an object") from None
    except UnicodeDecodeError as exc:
        raise RequestParsingError(MALFORMED, f"not UTF-8 at byte {exc.start}") from None
    except RecursionError:
        raise _shape_error(None, (), _depth_message(limits)) from None
    except ValueError as exc:  # JSONDecodeError, a NaN, an integer of over 4,300 digits
        raise RequestParsingError(MALFORMED, str(exc)[:200]) from None
    problem = None if _fits(value, limits, _clean_text(text)) else find_problem(value, limits)
    if problem is not None:
        loc, message = problem
        raise _shape_error(value, loc, message)
    return value


def _depth_message(limits: LimitSettings) -> str:
    return f"nested too deep (at most {limits.max_json_depth} levels)"


def _shape_error(value: Any, loc: Loc, message: str) -> ValidationFailed:
    tree, problems = tree_of(value, [(loc, message)])
    return ValidationFailed(tree, value=value, problems=problems)


def _clean_text(text: str) -> bool:
    """Whether no string in the document can hold a character ``limits.control_character``
    refuses. Such a character reaches a decoded string only written raw (DEL, C1) or escaped
    (``\\uXXXX``, ``\\b``, ``\\f``), and the whitespace between JSON tokens is none of them; so one
    scan of the text answers for every string (an escaped backslash before a ``u``, ``b`` or
    ``f`` only sends the document the long way)."""
    return (
        control_character(text) is None
        and "\\u" not in text
        and "\\b" not in text
        and "\\f" not in text
    )


def _fits(value: Any, limits: LimitSettings, clean_text: bool) -> bool:
    """Whether ``value`` is within every limit: the same checks as ``find_problem``, without
    keeping the place of each value (a create's body has about a thousand), so it costs a
    fraction; the place is found only for a body that breaks a limit."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    max_depth = limits.max_json_depth
    max_items = limits.max_json_items
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth >= max_depth:
                return False
            for key in node:
                if len(key) > TEXT_MAX or (not clean_text and control_character(key)):
                    return False
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            if depth >= max_depth or len(node) > max_items:
                return False
            stack.extend((child, depth + 1) for child in node)
        elif isinstance(node, str):
            if len(node) > TEXT_MAX or (not clean_text and control_character(node)):
                return False
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if not JSON_INT_MIN <= node <= JSON_INT_MAX:
                return False
        elif isinstance(node, float) and not math.isfinite(node):
            return False
    return True


def find_problem(value: Any, limits: LimitSettings) -> tuple[Loc, str] | None:
    """The first place where ``value`` breaks a limit, with the message naming it.

    Iterative, so a deep value cannot exhaust the interpreter's stack here."""
    stack: list[tuple[Any, Loc]] = [(value, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, dict):
            if len(loc) >= limits.max_json_depth:
                return loc, _depth_message(limits)
            for key in node:
                problem = _string_problem(key)
                if problem is not None:
                    return loc, f"a key: {problem}"
            # Pushed in reverse, so the first problem in document order is the one reported.
            stack.extend((node[key], (*loc, key)) for key in reversed(node))
        elif isinstance(node, list):
            if len(loc) >= limits.max_json_depth:
                return loc, _depth_message(limits)
            if len(node) > limits.max_json_items:
                return loc, f"too many items (at most {limits.max_json_items})"
            stack.extend((node[i], (*loc, i)) for i in range(len(node) - 1, -1, -1))
        elif isinstance(node, str):
            problem = _string_problem(node)
            if problem is not None:
                return loc, problem
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if not JSON_INT_MIN <= node <= JSON_INT_MAX:
                return loc, f"out of range (from {JSON_INT_MIN} to {JSON_INT_MAX})"
        elif isinstance(node, float) and not math.isfinite(node):
            return loc, "out of range (not a finite number)"
    return None


def _string_problem(text: str) -> str | None:
    if len(text) > TEXT_MAX:
        return too_long_message(TEXT_MAX)
    character = control_character(text)
    return None if character is None else control_message(character)
