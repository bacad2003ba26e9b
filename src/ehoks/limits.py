"""Every input limit of the service in one place (issue 11, ``docs/security.md`` section 11).

Two kinds live here:

* ``LimitSettings``: what an operator may tune (``EHOKS_LIMITS__*``): the request body size,
  JSON nesting depth and list length, and the largest page a paged route serves. They bound the
  work and storage one request can cause.
* The constants below: what the database can hold (integer columns, the string columns of the
  projection tables, dates both databases and Python store alike) and the data model's own
  limits (free text, code URIs). They are facts of the schema, not tunables: raising one above
  its column would turn a clear 400 back into a database error.

Nothing here imports the rest of the package, so settings, the data model and the surfaces can
all read it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field

# --- what the databases can hold -----------------------------------------------------------------

DB_INT_MIN = -(2**31)
DB_INT_MAX = 2**31 - 1
"""PostgreSQL ``integer``: HOKS ids, versions, assessor ids and every integer of the data model.
SQLite would take up to 2**63 − 1, but one bound for both databases keeps them answering alike."""

DB_BIGINT_MAX = 2**63 - 1
"""PostgreSQL ``bigint`` and SQLite's integer: the audit chain's sequence numbers."""

JSON_INT_MIN = -(2**63)
JSON_INT_MAX = 2**63 - 1
"""Any integer anywhere in a JSON body (the JSON columns and ``orjson`` hold 64 bits)."""

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
"""Dates and instants of a HOKS or a request: no plan starts before 1900 or ends after 2199,
and inside this range every UTC conversion is defined (an instant at ``0001-01-01`` with a
positive offset has no UTC value in Python)."""

INSTANT_MIN = datetime(DATE_MIN.year, 1, 1, tzinfo=UTC)
INSTANT_MAX = datetime(DATE_MAX.year, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)

# --- the data model's string limits --------------------------------------------------------------

TEXT_MAX = 10_000
"""Free text of the data model (a name, a description, a deviation from the requirements) and
any string or key in a JSON body: the longest text in the reference HOKSes is 132 characters."""

KOODI_URI_MAX = 128
"""Koodisto code URIs (``hoks_tyopaikkajakso.hankkimistapa_koodi_uri`` is ``varchar(128)``;
the longest real code URI is under 60 characters)."""

YKSILOIVA_TUNNISTE_MAX = 256
"""``hoks_tyopaikkajakso.yksiloiva_tunniste`` (``varchar(256)``, as the original's column)."""

SAHKOPOSTI_MAX = 320
"""E-mail addresses (``hoks_tyopaikkajakso.ohjaaja_sahkoposti``, RFC 5321's 64 + 1 + 255)."""

MAX_PROBLEMS = 100
"""A 400 lists at most this many problems (and its error tree holds only those), so that a
large malformed body cannot make an answer larger than itself."""

EXCERPT_CHARS = 200
"""A 400 echoes at most this many characters of the input it refused."""

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 controls except tab, line feed and carriage return (a textarea sends CR LF), DEL, C1
controls, and lone UTF-16 surrogates (which PostgreSQL cannot store as UTF-8)."""


class LimitSettings(BaseModel):
    """The limits an operator may tune (``EHOKS_LIMITS__MAX_BODY_BYTES`` etc.)."""

    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    """Largest request body, counted while it is read (and refused up front when its
    ``Content-Length`` says more): 413. The largest reference HOKS is 32,744 bytes pretty-printed
    (23 KB compact), so 4 MiB leaves room for a plan a hundred times larger."""

    max_json_depth: int = Field(default=32, ge=4)
    """Deepest nesting of objects and lists in a JSON body; a HOKS nests 10 deep."""

    max_json_items: int = Field(default=1000, ge=10)
    """Most items in one JSON list; the longest list in the reference HOKSes has 12."""

    max_page_size: int = Field(default=1000, ge=1)
    """Largest page of a paged API route (``/hoks/paged`` ``amount``, the officials' search
    ``item-count``)."""


def control_character(value: str) -> str | None:
    """The first character of ``value`` that no text may hold, as ``U+XXXX``, or None."""
    found = _CONTROL.search(value)
    return None if found is None else f"U+{ord(found.group()):04X}"


def in_date_range(value: date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


def in_instant_range(value: datetime) -> bool:
    """Whether ``value`` (aware; a naive one is taken as UTC) converts to UTC inside the range."""
    try:
        utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        return False
    return INSTANT_MIN <= utc <= INSTANT_MAX


def converts_to_utc(value: datetime) -> bool:
    """Whether ``value`` has a UTC time Python can hold (years 1–9999 after the conversion)."""
    try:
        if value.tzinfo is not None:
            value.astimezone(UTC)
    except OverflowError:
        return False
    return True


UTC_RANGE_MESSAGE = "out of range (its UTC time falls outside the years 1–9999)"
DATE_RANGE_MESSAGE = f"out of range (from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()})"


def too_long_message(limit: int) -> str:
    return f"too long (at most {limit} characters)"


def control_message(character: str) -> str:
    return f"contains a control character ({character})"


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> Any:
    """``value`` itself when its JSON form is short, else the start of that form as a string
    ending in ``…``. Never renders more than ``limit`` characters, however deep or large the
    value (the rendering stops as soon as the budget is spent)."""
    parts: list[str] = []
    budget = [limit + 1]
    # A short value with an integer JSON writers cannot hold (beyond 64 bits) is shown as its
    # text: echoing the value itself would make the error response fail to serialise.
    writable = [True]

    def emit(text: str) -> bool:
        parts.append(text[: budget[0]])
        budget[0] -= len(text)
        return budget[0] > 0

    def render(node: Any) -> bool:
        if isinstance(node, dict):
            if not emit("{"):
                return False
            for index, (key, item) in enumerate(node.items()):
                if not emit(("," if index else "") + _quoted(str(key)) + ":") or not render(item):
                    return False
            return emit("}")
        if isinstance(node, list):
            if not emit("["):
                return False
            for index, item in enumerate(node):
                if (index and not emit(",")) or not render(item):
                    return False
            return emit("]")
        if isinstance(node, str):
            return emit(_quoted(node))
        if isinstance(node, int) and not JSON_INT_MIN <= node <= JSON_INT_MAX:
            writable[0] = False
        return emit(_scalar(node))

    if render(value):
        return value if writable[0] else "".join(parts)
    return "".join(parts)[:limit] + "…"


def excerpt_text(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` itself, or its first ``limit`` characters and ``…``."""
    return text if len(text) <= limit else text[:limit] + "…"


def _quoted(text: str) -> str:
    # Only the start of a long string can be shown: escape no more than that.
    head = text[: EXCERPT_CHARS + 1]
    return '"' + head.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        # A huge integer's decimal form is costly and long; its size says enough.
        return str(value) if -(10**30) < value < 10**30 else "<a very large integer>"
    return repr(value)
