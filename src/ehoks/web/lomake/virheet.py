"""Where on the form each validation problem is shown, and which rule it broke.

The API reports problems by path and message (``ValidationFailed.problems``); the message is the
rule's own text (Finnish for the data model's rules, English for type errors). Here each problem
gets a *rule key* — the rule's name in ``hoks/schemas/rules.py``, or a kind of type error — for
which the page has a message in the user's language, and a place: the field the path names, the
field a rule on a whole learning period is really about (rule 3 is about the Y-tunnus), or the
first required field of an object that is missing altogether.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ehoks.hoks.identity import DUPLICATE_MODULE_ID, UNKNOWN_MODULE_ID
from ehoks.hoks.schemas.errors import DISALLOWED, MISSING, NOT_AN_OBJECT
from ehoks.hoks.schemas.rules import FIELD_RULES, OBJECT_RULES
from ehoks.hoks.schemas.spec import ROOT
from ehoks.web.lomake.kentat import Kentta, Variant, fields
from ehoks.web.lomake.luonnos import Segment, format_path, parse_path

GENERIC = "muu"
_RULE_OF_MESSAGE = {rule.message: name for name, rule in {**FIELD_RULES, **OBJECT_RULES}.items()}
_RULE_OF_MESSAGE |= {
    MISSING: "puuttuu",
    DISALLOWED: "ei-sallittu",
    NOT_AN_OBJECT: GENERIC,
    "expected an integer": "kokonaisluku",
    "expected a number": "luku",
    "expected a finite number": "luku",
    "expected a boolean": "totuusarvo",
    "expected a string": GENERIC,
    "must not be empty": "tyhja",
    "not a valid date (expected YYYY-MM-DD)": "paivamaara",
    "not a valid ISO-8601 date-time": "aika",
    "not a valid UUID": "tunniste",
    "Puhelinnumero virheellinen.": "puhelinnumero",
    UNKNOWN_MODULE_ID: "module-id-tuntematon",
    DUPLICATE_MODULE_ID: "module-id-kahdesti",
}
_RULE_OF_PATTERN = (
    # The limits of ehoks.limits (issue 11): what the database could not hold.
    (re.compile(r"too long \(at most \d+ characters\)"), "liian-pitka"),
    (re.compile(r"contains a control character\b"), "ohjausmerkki"),
    (re.compile(r"out of range \(from \d{4}-\d{2}-\d{2}"), "paivamaara-alue"),
    (re.compile(r"out of range\b"), "luku-alue"),
    (re.compile(r"not a valid OpiskeluoikeusOID\b"), "oid-opiskeluoikeus"),
    (re.compile(r"not a valid OppijaOID\b"), "oid-oppija"),
    (re.compile(r"not a valid OrganisaatioOID\b"), "oid-organisaatio"),
    (re.compile(r"not a valid Y-tunnus\b"), "y-tunnus"),
    (re.compile(r"not a valid \w+KoodiUri\b"), "koodi"),
)
# Rules on a whole object that are about one of its fields: the field to show them at.
RULE_FIELDS = {
    "oht-osa-aikaisuustieto": "osa-aikaisuustieto",
    "oht-yksiloiva-tunniste": "yksiloiva-tunniste",
    "oht-y-tunnus": "tyopaikalla-jarjestettava-koulutus.tyopaikan-y-tunnus",
    "oht-oppisopimuksen-perusta": "oppisopimuksen-perusta-koodi-uri",
    "oht-paivamaarat": "loppu",
    "oht-alku-opiskeluoikeus": "alku",
    "oht-loppu-opiskeluoikeus": "loppu",
    "oht-enintaan-5-vuotta": "loppu",
    "oppimisen-tuki": "oppimisen-tuen-tyyppi-koodi-uri",
}


@dataclass(frozen=True)
class Virhe:
    """A problem placed on the form: shown at ``path`` (an input, or a group of inputs; ``""`` is
    the whole form), with the message of ``rule``."""

    path: str
    rule: str
    entity: str  # the entity of the field or group at ``path``
    key: str | None  # the field's key (None: a list item or the whole form)


def rule_of(message: str) -> str:
    if message in _RULE_OF_MESSAGE:
        return _RULE_OF_MESSAGE[message]
    for pattern, rule in _RULE_OF_PATTERN:
        if pattern.match(message):
            return rule
    return GENERIC


@dataclass
class _Place:
    segments: list[Segment]
    entity: str
    kentta: Kentta | None  # None: the root, or a list item


def _walk(segments: list[Segment], variant: Variant) -> _Place:
    """The deepest form element on ``segments``."""
    place = _Place([], ROOT, None)
    entity_name = ROOT
    current: Kentta | None = None
    for index, segment in enumerate(segments):
        if isinstance(segment, int):
            if current is None or current.kind != "list":
                break
            entity_name = current.child_entity
            place = _Place(segments[: index + 1], entity_name, None)
            current = None
            continue
        found = next(
            (
                k
                for k in fields(entity_name, variant if entity_name == ROOT else "post")
                if segment in (k.key, k.versio)
            ),
            None,
        )
        if found is None:
            break
        place = _Place([*place.segments, found.key], entity_name, found)
        if found.kind not in ("object", "list"):
            break
        current = found
        if found.kind == "object":
            entity_name = found.child_entity
            current = None
    return place


def _first_required(entity_name: str) -> list[str]:
    """The path to the first required input of an entity, through required objects."""
    for kentta in fields(entity_name):
        if not kentta.required:
            continue
        if kentta.kind == "object":
            inner = _first_required(kentta.child_entity)
            if inner:
                return [kentta.key, *inner]
        elif kentta.kind not in ("list", "hidden", "fixed"):
            return [kentta.key]
    return []


def place(path: str, message: str, variant: Variant) -> Virhe:
    rule = rule_of(message)
    segments = parse_path(path) if path else []
    if segments is None:
        return Virhe("", rule, ROOT, None)
    at = _walk(segments, variant)
    kentta = at.kentta
    if kentta is None and rule in RULE_FIELDS and at.segments:
        # A rule on a list item (a learning period, a support measure) about one field.
        target = at.segments + list(RULE_FIELDS[rule].split("."))
        found = _walk(target, variant)
        if found.segments == target and found.kentta is not None:
            return Virhe(format_path(target), rule, found.entity, found.kentta.key)
    if kentta is not None and kentta.kind == "object" and rule == "puuttuu":
        inner = _first_required(kentta.child_entity)
        if inner:
            target = at.segments + list(inner)
            found = _walk(target, variant)
            if found.kentta is not None:
                return Virhe(format_path(target), rule, found.entity, found.kentta.key)
    return Virhe(format_path(at.segments), rule, at.entity, kentta.key if kentta else None)


def place_all(problems: list[dict[str, str]], variant: Variant) -> list[Virhe]:
    """Each problem placed; one per place (the first, as the API lists them in document order)."""
    placed: dict[str, Virhe] = {}
    for problem in problems:
        virhe = place(str(problem.get("path", "")), str(problem.get("message", "")), variant)
        placed.setdefault(virhe.path, virhe)
    return list(placed.values())
