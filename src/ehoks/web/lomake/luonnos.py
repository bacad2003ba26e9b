"""The form's values between requests (a *draft*), and its conversions: a stored HOKS into a
draft, the posted form into a draft, a draft into the API document, and adding or removing a
repeated part.

A draft mirrors the document: objects are dicts, repeated parts lists of dicts, and every value
is the text the official typed (a date as ``YYYY-MM-DD``, a yes/no as ``"true"``/``"false"``,
lines of a list as one text). Nothing typed is ever lost on the way: a value that is not what the
model expects is sent as it was typed, so that the API's own validation reports it at its field
(``ValidationFailed.problems``) and the form shows it again.

Form inputs are named by their path in the document, the way the API names problems
(``hankittavat-ammat-tutkinnon-osat[0].osaamisen-hankkimistavat[1].alku``), so a problem finds
its field by name.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from ehoks.hoks.schemas.spec import ROOT
from ehoks.kernel.clock import HELSINKI
from ehoks.web.lomake.kentat import IDENTITY, Kentta, Variant, fields

Draft = dict[str, Any]
Segment = str | int

MAX_ITEMS = 200  # per list: more is no HOKS but a malformed or hostile form
_SEGMENT = re.compile(r"([a-z][a-z0-9-]*)|\[(\d{1,4})\]")
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_LOCAL_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)")
VERSION_SEPARATOR = "@"


# Paths.


def parse_path(path: str) -> list[Segment] | None:
    """``a[0].b`` → ``["a", 0, "b"]``; None when it is not such a path."""
    segments: list[Segment] = []
    position = 0
    for match in _SEGMENT.finditer(path):
        gap = path[position : match.start()]
        if gap not in ("", ".") or (gap == "." and not segments):
            return None
        if match.group(1) is not None:
            if segments and gap != ".":
                return None
            segments.append(match.group(1))
        else:
            if gap:
                return None
            segments.append(int(match.group(2)))
        position = match.end()
    if not segments or position != len(path) or not isinstance(segments[0], str):
        return None
    return segments


def format_path(segments: list[Segment] | tuple[Segment, ...]) -> str:
    out = ""
    for segment in segments:
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += f".{segment}" if out else segment
    return out


# Drafts.


def empty(variant: Variant = "post", *, entity: str = ROOT) -> Draft:
    return from_document({}, variant, entity=entity)


def from_document(
    document: dict[str, Any], variant: Variant = "post", *, entity: str = ROOT
) -> Draft:
    """A stored document (or part) as the form shows it."""
    draft: Draft = {}
    for kentta in fields(entity, variant):
        value = document.get(kentta.key)
        if kentta.kind == "object":
            inner = value if isinstance(value, dict) else {}
            draft[kentta.key] = from_document(inner, entity=kentta.child_entity)
        elif kentta.kind == "list":
            items = value if isinstance(value, list) else []
            draft[kentta.key] = [
                from_document(item, entity=kentta.child_entity)
                for item in items
                if isinstance(item, dict)
            ]
        else:
            draft[kentta.key] = _text_of(kentta, value)
            if kentta.versio is not None:
                versio = document.get(kentta.versio)
                draft[kentta.versio] = (
                    f"{value}{VERSION_SEPARATOR}{versio}" if value and versio is not None else ""
                )
    return draft


def _text_of(kentta: Kentta, value: Any) -> str:
    if value is None:
        return ""
    if kentta.kind == "lines":
        return "\n".join(str(line) for line in value) if isinstance(value, list) else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if kentta.kind == "datetime" and isinstance(value, str):
        return _local_moment(value)
    return str(value)


def _local_moment(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(HELSINKI)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def from_form(items: list[tuple[str, str]], variant: Variant = "post") -> Draft:
    """The posted form as a draft: inputs named by their paths, unknown names ignored."""
    tree: dict[str, Any] = {}
    for name, value in items:
        segments = parse_path(name)
        if segments is not None:
            _put(tree, ROOT, variant, segments, value)
    return _complete(tree, ROOT, variant)


def _put(
    node: dict[str, Any], entity_name: str, variant: Variant, path: list[Segment], value: str
) -> None:
    key = path[0]
    if not isinstance(key, str):
        return
    kentta = next((k for k in fields(entity_name, variant) if key in (k.key, k.versio)), None)
    if kentta is None:
        return
    rest = path[1:]
    if kentta.kind == "object" and rest:
        _put(node.setdefault(key, {}), kentta.child_entity, variant, rest, value)
    elif kentta.kind == "list" and len(rest) >= 2 and isinstance(rest[0], int):
        if rest[0] < MAX_ITEMS:
            item = node.setdefault(key, {}).setdefault(rest[0], {})
            _put(item, kentta.child_entity, variant, rest[1:], value)
    elif not rest and kentta.kind not in ("object", "list"):
        node[key] = value


def _complete(node: dict[str, Any], entity_name: str, variant: Variant) -> Draft:
    """The parsed values with every field present: missing values empty, list items in the order
    of their indexes."""
    draft: Draft = {}
    for kentta in fields(entity_name, variant):
        value = node.get(kentta.key)
        if kentta.kind == "object":
            draft[kentta.key] = _complete(value or {}, kentta.child_entity, variant)
        elif kentta.kind == "list":
            indexed = value if isinstance(value, dict) else {}
            draft[kentta.key] = [
                _complete(indexed[i], kentta.child_entity, variant) for i in sorted(indexed)
            ]
        else:
            draft[kentta.key] = value if isinstance(value, str) else ""
            if kentta.versio is not None:
                versio = node.get(kentta.versio)
                draft[kentta.versio] = versio if isinstance(versio, str) else ""
    return draft


def form_items(draft: Draft, prefix: str = "") -> list[tuple[str, str]]:
    """The draft as the inputs a browser posts (what the rendered form holds)."""
    items: list[tuple[str, str]] = []
    for key, value in draft.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            items += form_items(value, name)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                items += form_items(item, f"{name}[{index}]")
        else:
            items.append((name, str(value)))
    return items


# Adding and removing repeated parts.


def locate(draft: Draft, path: list[Segment], variant: Variant) -> tuple[Any, Kentta | None]:
    """The draft's value at ``path`` and the field holding it (for a list item: the list's)."""
    node: Any = draft
    entity_name = ROOT
    kentta: Kentta | None = None
    for segment in path:
        if isinstance(segment, int):
            if kentta is None or kentta.kind != "list" or not isinstance(node, list):
                return None, None
            if not 0 <= segment < len(node):
                return None, None
            node = node[segment]
            continue
        if not isinstance(node, dict):
            return None, None
        kentta = next((k for k in fields(entity_name, variant) if k.key == segment), None)
        if kentta is None:
            return None, None
        node = node.get(segment)
        if kentta.kind in ("object", "list"):
            entity_name = kentta.child_entity
        variant = "post"  # nested entities have one write mode
    return node, kentta


def add_item(draft: Draft, list_path: str, variant: Variant) -> str | None:
    """Append an empty part to the list at ``list_path``; its path, or None when there is no
    such list."""
    segments = parse_path(list_path)
    if segments is None or not isinstance(segments[-1], str):
        return None
    items, kentta = locate(draft, segments, variant)
    if kentta is None or kentta.kind != "list" or not isinstance(items, list):
        return None
    if len(items) >= MAX_ITEMS:
        return None
    items.append(empty(entity=kentta.child_entity))
    return f"{list_path}[{len(items) - 1}]"


def remove_item(draft: Draft, item_path: str, variant: Variant) -> str | None:
    """Remove the part at ``item_path``; the path of its list, or None when there is none."""
    segments = parse_path(item_path)
    if segments is None or not isinstance(segments[-1], int):
        return None
    items, kentta = locate(draft, segments[:-1], variant)
    if kentta is None or kentta.kind != "list" or not isinstance(items, list):
        return None
    index = segments[-1]
    if not 0 <= index < len(items):
        return None
    del items[index]
    return format_path(segments[:-1])


def module_ids(value: Any) -> set[str]:
    """Every part identity in a document or draft."""
    found: set[str] = set()
    if isinstance(value, dict):
        identity = value.get(IDENTITY)
        if isinstance(identity, str) and identity:
            found.add(identity)
        for child in value.values():
            found |= module_ids(child)
    elif isinstance(value, list):
        for child in value:
            found |= module_ids(child)
    return found


def forget_module_ids(value: Any, keep: set[str]) -> None:
    """Blank the identities not in ``keep``: parts that another writer removed meanwhile are
    saved again as new parts instead of being refused as unknown."""
    if isinstance(value, dict):
        if value.get(IDENTITY) and value[IDENTITY] not in keep:
            value[IDENTITY] = ""
        for child in value.values():
            forget_module_ids(child, keep)
    elif isinstance(value, list):
        for child in value:
            forget_module_ids(child, keep)


# The document.


def to_document(
    draft: Draft,
    variant: Variant = "post",
    *,
    entity: str = ROOT,
    latest_versio: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The API document of a draft. Empty values, objects and lists are left out (the original
    form did the same), and values are converted to the model's types where they parse; a
    value that does not is sent as typed, for validation to name. ``latest_versio`` gives a
    chosen code's version (the latest in Koodisto) when the code was changed."""
    versions = latest_versio or {}
    document: dict[str, Any] = {}
    for kentta in fields(entity, variant):
        raw = draft.get(kentta.key)
        if kentta.kind == "object":
            inner = raw if isinstance(raw, dict) else {}
            converted = to_document(inner, entity=kentta.child_entity, latest_versio=versions)
            if converted:
                document[kentta.key] = converted
        elif kentta.kind == "list":
            items = raw if isinstance(raw, list) else []
            if items:
                document[kentta.key] = [
                    to_document(item, entity=kentta.child_entity, latest_versio=versions)
                    for item in items
                ]
        else:
            text = raw.strip() if isinstance(raw, str) else ""
            if not text:
                continue
            document[kentta.key] = _value_of(kentta, text)
            if kentta.versio is not None:
                document[kentta.versio] = _versio(text, draft.get(kentta.versio), versions)
    return document


def _value_of(kentta: Kentta, text: str) -> Any:
    if kentta.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    converter = _CONVERTERS.get(kentta.type)
    return converter(text) if converter else text


def _versio(uri: str, kept: Any, latest: dict[str, int]) -> int:
    """The version stored with this same code, else the code's latest, else 1."""
    if isinstance(kept, str) and VERSION_SEPARATOR in kept:
        kept_uri, _, number = kept.rpartition(VERSION_SEPARATOR)
        if kept_uri == uri and number.isdigit():
            return int(number)
    return latest.get(uri, 1)


def _int(text: str) -> Any:
    cleaned = text.replace(" ", "").replace("\xa0", "")
    return _whole(cleaned, text) if re.fullmatch(r"-?\d+", cleaned) else text


def _whole(digits: str, text: str) -> Any:
    # Python refuses to parse more than 4,300 digits; such a number is sent as typed and the
    # API's validation reports it, like any value that is not what the model expects.
    try:
        return int(digits)
    except ValueError:
        return text


def _number(text: str) -> Any:
    cleaned = text.replace(" ", "").replace("\xa0", "").replace(",", ".")
    if re.fullmatch(r"-?\d+", cleaned):
        return _whole(cleaned, text)
    if re.fullmatch(r"-?\d*\.\d+", cleaned):
        return float(cleaned)
    return text


def _bool(text: str) -> Any:
    return {"true": True, "false": False}.get(text, text)


def parse_day(text: str) -> date | None:
    """An ISO date (what a date field sends) or one typed the Finnish way (6.12.2026)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _FINNISH_DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day(text: str) -> Any:
    day = parse_day(text)
    return day.isoformat() if day is not None else text


def _moment(text: str) -> Any:
    """A local date-time field's value (Finnish time) as the model's UTC instant."""
    match = _LOCAL_MOMENT.fullmatch(text)
    if match is None:
        return text
    try:
        local = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}")
    except ValueError:
        return text
    try:
        utc = local.replace(tzinfo=HELSINKI).astimezone(UTC)
    except OverflowError:  # no UTC time near year 1: sent as typed, the API refuses its range
        return text
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


_CONVERTERS = {
    "Int": _int,
    "Num": _number,
    "Bool": _bool,
    "LocalDate": _day,
    "Inst": _moment,
}
