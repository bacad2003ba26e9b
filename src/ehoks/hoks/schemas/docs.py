"""Renders ``docs/data-model.md`` from the templates and rules, so the documentation cannot drift
from the code. Regenerate with::

    .venv/bin/python -m ehoks.hoks.schemas.docs > docs/data-model.md
"""

from __future__ import annotations

import sys

from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.generate import ROOT_MODEL_NAMES
from ehoks.hoks.schemas.partkinds import PART_KINDS
from ehoks.hoks.schemas.primitives import KOODI_URIT, PRIMITIVES
from ehoks.hoks.schemas.rules import FIELD_RULES, OBJECT_RULES
from ehoks.hoks.schemas.spec import EntitySpec, FieldSpec, Variant
from ehoks.limits import DATE_MAX, DATE_MIN, DB_INT_MAX, DB_INT_MIN, KOODI_URI_MAX, TEXT_MAX

REGENERATE = ".venv/bin/python -m ehoks.hoks.schemas.docs > docs/data-model.md"

_ROOT_COLUMNS: tuple[tuple[str, Variant], ...] = (
    ("GET", "read"),
    ("POST", "post"),
    ("PUT", "put"),
    ("PATCH", "patch"),
    ("Vipunen", "vipunen"),
)
_NESTED_COLUMNS: tuple[tuple[str, Variant], ...] = (
    ("Read", "read"),
    ("Write", "post"),
    ("Vipunen", "vipunen"),
)


def _anchor(name: str) -> str:
    return f"[{name}](#{name.lower()})"


def _type(name: str) -> str:
    if name in ENTITIES:
        return _anchor(name)
    if name in KOODI_URIT:
        return f"code URI `{KOODI_URIT[name].pattern}`"
    return PRIMITIVES[name].doc


def _field_type(field: FieldSpec) -> str:
    text = _type(field.type)
    if field.many:
        text = f"list of {text}"
    if field.max_length is not None:
        text += f", at most {field.max_length} chars"
    if field.vipunen_type:
        text += f"; Vipunen: {_type(field.vipunen_type)}"
    return text


def _description(field: FieldSpec) -> str:
    text = field.description
    if field.rule:
        text += f". Rule: “{FIELD_RULES[field.rule].message}”"
    if field.ours:
        text += ". *Our addition.*"
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _entity_section(entity: EntitySpec) -> list[str]:
    columns = _ROOT_COLUMNS if entity.is_root else _NESTED_COLUMNS
    header = ["Field", "Type", *(c for c, _ in columns), "Description"]
    out = [f"### {entity.name}", "", entity.description + ".", ""]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for field in entity.fields:
        modes = [entity.mode(field, variant) for _, variant in columns]
        row = [f"`{field.key}`", _field_type(field), *modes, _description(field)]
        out.append("| " + " | ".join(_cell(x) for x in row) + " |")
    out.append("")
    if entity.rules:
        out.append("Object rules, checked in this order; the first failing one is reported at the")
        out.append("object's position:")
        out.append("")
        for name in entity.rules:
            rule = OBJECT_RULES[name]
            out.append(f"* “{rule.message}” — {rule.doc}")
        out.append("")
    return out


def _always_present() -> list[str]:
    out = []
    for entity in ENTITIES.values():
        keys = [f"`{x.key}`" for x in entity.fields if x.always]
        if keys:
            out.append(f"* {entity.name}: {', '.join(keys)}")
    return out


_INTRO = f"""# HOKS data model

<!-- Generated from src/ehoks/hoks/schemas; do not edit. Regenerate with:
     {REGENERATE} -->

The HOKS document and its parts as the service API accepts and returns them (reference
`ehoks-backend.md` section 3). Keys are the eHOKS kebab-case wire names.

* **Modes**: R required, O optional, X excluded. Every object is closed: an excluded or unknown
  key is an error (`disallowed-key`), a missing required key is `missing-required-key`.
* **Types are strict**: `"1"` is not an integer, `1` is not a string, and `null` is never
  accepted where a type is given. An optional key is omitted, not sent as `null`.
* **Plain strings are trimmed** of leading and trailing whitespace before validation.
  Values checked against a pattern (OIDs, code URIs, Y-tunnus) are not trimmed.
* **Nested objects** have one write mode: POST and PUT validate them identically, and PATCH
  excludes every collection at the root. The official's (virkailija) variants differ only in
  the work-period rule 2 (see OsaamisenHankkimistapa).
* **Limits** (`src/ehoks/limits.py`, `docs/security.md` section 10): a string holds at most
  {TEXT_MAX:,} characters (less where a field says so) and no control character other than tab,
  line feed and carriage return; an integer or number lies between {DB_INT_MIN} and
  {DB_INT_MAX}; a date or date-time lies in the years {DATE_MIN.year}–{DATE_MAX.year}; a code URI
  holds at most {KOODI_URI_MAX} characters.
* **Errors** mirror the input: an object holds only its failing keys, a list keeps its length
  with `null` for valid items, a failed rule carries its Finnish message at the failing
  object or field. A flat `problems` list repeats each failure with its path.

## Variants

| Variant | Schema | Used for |
|---|---|---|
| read | `{ROOT_MODEL_NAMES["read"]}` | GET of one HOKS |
| post | `{ROOT_MODEL_NAMES["post"]}` | creating a HOKS |
| put | `{ROOT_MODEL_NAMES["put"]}` | replacing a HOKS |
| patch | `{ROOT_MODEL_NAMES["patch"]}` | changing top-level fields of a HOKS |
| vipunen | `{ROOT_MODEL_NAMES["vipunen"]}` | the anonymised statistics feed |

Parts written one at a time are validated in write mode: {", ".join(f"`{k}`" for k in PART_KINDS)}.
"""

_VALUES = """## What validation returns

* kebab-case keys; dates as `YYYY-MM-DD`; date-times as UTC `YYYY-MM-DDTHH:MM:SS.sssZ`;
* plain strings trimmed; absent keys absent (never `null`);
* nested numeric `id`s dropped; `module-id`s kept when sent;
* for POST and PUT, every list the read representation always shows is present (`[]` when not
  sent), as is the `tarkentavat-tiedot-osaamisen-arvioija` object of previously acquired units;
  for PATCH only the keys sent; for PUT and PATCH the root `id` is kept.

## Read representation

Null values are omitted and nested objects never show a numeric `id`. These keys are always
present, as `[]` (lists) or `{}` (the verification-details object, which then holds
`aiemmin-hankitun-osaamisen-arvioijat: []`):
"""

_VIPUNEN = """## Vipunen projection

Personal data is removed before the document is checked against the Vipunen schema:
`sahkoposti` and `puhelinnumero` of the learner, `jarjestajan-edustaja` and `hankkijan-edustaja`
of each learning period are removed; `vastuullinen-tyopaikka-ohjaaja` becomes `true`; every
assessor's `nimi` becomes `"<REDACTED>"`. `poistettu` is added for a soft-deleted HOKS. No rule
that needs the study right applies (OHT rule 1 included); a document that fails the schema
otherwise (e.g. a workplace period without `yksiloiva-tunniste`, an
`osaamisen-saavuttamisen-pvm` now outside its window) is left out of the feed.
"""

_DIFFERENCES = """## Deliberate differences from the original

* **`module-id` on writes.** Every part kind that has a `module-id` (units, sub-areas, learning
  periods, demonstrations) accepts it on write as an optional UUID, so a client can send a part
  back and keep its identity; the service checks that it belongs to the HOKS. The original
  excluded it on writes.
* **Three more part kinds have a `module-id`**: OpiskeluvalmiuksiaTukevatOpinnot, OppimisenTuki
  and HankittavaKoulutuksenOsa (read: required; write: optional).
* **D4**: AiemminHankittuAmmatillinenTutkinnonOsa accepts
  `vaatimuksista-tai-tavoitteista-poikkeaminen` and keeps it (the original accepted it and then
  failed with 500).
* **D18**: nested numeric `id`s that the original accepted on write (assessors, people,
  NaytonJarjestaja, TyopaikallaJarjestettavaKoulutus, OpiskeluvalmiuksiaTukevatOpinnot,
  HankittavaKoulutuksenOsa) are still accepted, then dropped; they never become database ids.
  Nested ids are never returned, in any view.
* **D12**: `tuva-opiskeluoikeus-oid` has no length limit (the original's column was too short
  for a valid OID).
* **Rule 9** (interruption periods must not overlap) has a message of its own; the original gave
  a bare predicate failure.
* **Virkailija fill-in**: a missing `yksiloiva-tunniste` is filled with a random UUID on
  workplace periods only; the original filled it on every learning period.
* **Error strings** for wrong types are short English sentences instead of Clojure predicates;
  the tree structure and the Finnish rule messages are the original's.
"""


def render_data_model_markdown() -> str:
    out = [_INTRO, "## Primitive formats", "", "| Type | Format |", "|---|---|"]
    for primitive in PRIMITIVES.values():
        out.append(f"| {primitive.name} | {_cell(_type(primitive.name))} |")
    out += ["", "## Entities", ""]
    for entity in ENTITIES.values():
        out += _entity_section(entity)
    out += ["## Field rules", "", "| Rule | Message | Condition |", "|---|---|---|"]
    for rule in FIELD_RULES.values():
        out.append(f"| `{rule.name}` | {_cell(rule.message)} | {_cell(rule.doc)} |")
    out += ["", _VALUES, *_always_present(), "", _VIPUNEN, _DIFFERENCES]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_data_model_markdown())
