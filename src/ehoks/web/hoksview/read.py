"""Reading values out of a HOKS document (the read representation) and its enrichment: tolerant
of absent or malformed values (a scoped document has only some parts), so a view never fails on
data a write already accepted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ehoks.enrichment import rules
from ehoks.enrichment.schemas import EnrichedHoks, Label, Location, PerusteenOsa
from ehoks.kernel.clock import HELSINKI

Node = Mapping[str, Any]


def text(node: Node, key: str) -> str | None:
    value = node.get(key)
    return value if isinstance(value, str) and value.strip() else None


def texts(node: Node, key: str) -> tuple[str, ...]:
    return tuple(v for v in items_of(node, key) if isinstance(v, str) and v.strip())


def boolean(node: Node, key: str) -> bool | None:
    value = node.get(key)
    return value if isinstance(value, bool) else None


def integer(node: Node, key: str) -> int | None:
    value = node.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def number(node: Node, key: str) -> Decimal | None:
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def day(node: Node, key: str) -> date | None:
    """A ``LocalDate`` field (``2024-08-15``) as a date."""
    value = node.get(key)
    if isinstance(value, datetime):
        return value.astimezone(HELSINKI).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def instant_day(node: Node, key: str) -> date | None:
    """An ``Inst`` field (``2024-09-16T10:24:00.000Z``) as its date in Finland."""
    value = node.get(key)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return day(node, key)
        if parsed.tzinfo is None:
            return parsed.date()
        return parsed.astimezone(HELSINKI).date()
    return day(node, key)


def child(node: Node, key: str) -> Node | None:
    value = node.get(key)
    return value if isinstance(value, Mapping) else None


def items_of(node: Node, key: str) -> Sequence[Any]:
    value = node.get(key)
    return value if isinstance(value, list | tuple) else ()


def nodes(node: Node, key: str) -> list[tuple[int, Node]]:
    """The objects of a collection with their indexes (anything else in it skipped)."""
    return [(i, item) for i, item in enumerate(items_of(node, key)) if isinstance(item, Mapping)]


class Labels:
    """Labels and ePerusteet descriptions by location, from the enrichment of the document."""

    def __init__(self, enriched: EnrichedHoks) -> None:
        self.enriched = enriched
        self.kieli = enriched.kieli

    def code(self, node: Node, location: Location, key: str) -> Label | None:
        """The label of the Koodisto code at ``node[key]`` (``location`` is the node's)."""
        return self._label(node, location, key, rules.KOODISTO)

    def organisation(self, node: Node, location: Location, key: str) -> Label | None:
        return self._label(node, location, key, rules.ORGANISAATIO)

    def _label(
        self, node: Node | None, location: Location, key: str, registry: rules.Registry
    ) -> Label | None:
        value = node.get(key) if node is not None else None
        if not isinstance(value, str) or not value:
            return None
        found = self.enriched.labels.get((*location, key))
        if found is not None and found.code == value:
            return found
        # The enrichment is of another document (or older): the code, with why.
        return rules.unnamed(value, registry, "not-found", self.kieli)

    def osa(self, location: Location) -> PerusteenOsa | None:
        return self.enriched.perusteen_osat.get(location)

    def title(self, node: Node, location: Location, key: str) -> Label:
        """The title of a unit, sub-area or TUVA module: ePerusteet's (with Koodisto's and the
        code as the enrichment's fallbacks)."""
        osa = self.osa(location)
        value = text(node, key) or ""
        if osa is not None and osa.koodi_uri == value:
            return osa.nimi
        return rules.unnamed(value, rules.EPERUSTEET, "not-found", self.kieli)

    def named(self, code: str | None, names: Mapping[str, str]) -> Label | None:
        """A name given in several languages (a study right's), read in the reader's language."""
        return rules.named(code or "", (names,), self.kieli) if names else None
