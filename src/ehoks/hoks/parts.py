"""Where parts live inside a HOKS document, and walking them.

A part is any object in the document that has a service-assigned ``module-id`` (DESIGN D3). The
table below is the document's shape as far as identity is concerned: which collection of which
parent holds which kind of part.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ROOT = "hoks"

# parent kind → (collection key, child kind)
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    ROOT: (
        ("aiemmin-hankitut-ammat-tutkinnon-osat", "aiemmin-hankittu-ammat-tutkinnon-osa"),
        (
            "aiemmin-hankitut-paikalliset-tutkinnon-osat",
            "aiemmin-hankittu-paikallinen-tutkinnon-osa",
        ),
        ("aiemmin-hankitut-yhteiset-tutkinnon-osat", "aiemmin-hankittu-yhteinen-tutkinnon-osa"),
        ("hankittavat-ammat-tutkinnon-osat", "hankittava-ammat-tutkinnon-osa"),
        ("hankittavat-paikalliset-tutkinnon-osat", "hankittava-paikallinen-tutkinnon-osa"),
        ("hankittavat-yhteiset-tutkinnon-osat", "hankittava-yhteinen-tutkinnon-osa"),
        ("hankittavat-koulutuksen-osat", "hankittava-koulutuksen-osa"),
        ("opiskeluvalmiuksia-tukevat-opinnot", "opiskeluvalmiuksia-tukevat-opinnot"),
        ("oppimisen-tuki", "oppimisen-tuki"),
    ),
    "hankittava-ammat-tutkinnon-osa": (
        ("osaamisen-hankkimistavat", "osaamisen-hankkimistapa"),
        ("osaamisen-osoittaminen", "osaamisen-osoittaminen"),
    ),
    "hankittava-paikallinen-tutkinnon-osa": (
        ("osaamisen-hankkimistavat", "osaamisen-hankkimistapa"),
        ("osaamisen-osoittaminen", "osaamisen-osoittaminen"),
    ),
    "hankittava-yhteinen-tutkinnon-osa": (("osa-alueet", "hankittavan-yto-osa-alue"),),
    "hankittavan-yto-osa-alue": (
        ("osaamisen-hankkimistavat", "osaamisen-hankkimistapa"),
        ("osaamisen-osoittaminen", "osaamisen-osoittaminen"),
    ),
    "aiemmin-hankittu-ammat-tutkinnon-osa": (
        ("tarkentavat-tiedot-naytto", "osaamisen-osoittaminen"),
    ),
    "aiemmin-hankittu-paikallinen-tutkinnon-osa": (
        ("tarkentavat-tiedot-naytto", "osaamisen-osoittaminen"),
    ),
    "aiemmin-hankittu-yhteinen-tutkinnon-osa": (
        ("osa-alueet", "aiemmin-hankitun-yto-osa-alue"),
        ("tarkentavat-tiedot-naytto", "osaamisen-osoittaminen"),
    ),
    "aiemmin-hankitun-yto-osa-alue": (("tarkentavat-tiedot-naytto", "osaamisen-osoittaminen"),),
}

PART_KINDS: frozenset[str] = frozenset(kind for kids in CHILDREN.values() for _, kind in kids)
ROOT_COLLECTIONS: dict[str, str] = dict(CHILDREN[ROOT])

TYOPAIKKAJAKSO_TYYPIT = frozenset(
    {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}
)


@dataclass(frozen=True)
class PartRef:
    """One part found in a document: its kind, the object itself and where it sits."""

    kind: str
    part: dict[str, Any]
    parent: dict[str, Any]
    parent_kind: str
    collection_key: str
    index: int
    ancestors: tuple[dict[str, Any], ...]  # root first, immediate parent last
    ancestor_kinds: tuple[str, ...]
    location: tuple[str | int, ...]  # keys and indexes from the root to this part

    @property
    def module_id(self) -> str | None:
        value = self.part.get("module-id")
        return value if isinstance(value, str) else None

    @property
    def path(self) -> str:
        return f"{self.collection_key}[{self.index}]"


def child_collections(kind: str) -> tuple[tuple[str, str], ...]:
    return CHILDREN.get(kind, ())


def walk(document: dict[str, Any]) -> Iterator[PartRef]:
    """Every part in the document, parents before their children, in document order."""
    yield from _walk(document, ROOT, (document,), (ROOT,), ())


def _walk(
    node: dict[str, Any],
    kind: str,
    ancestors: tuple[dict[str, Any], ...],
    ancestor_kinds: tuple[str, ...],
    location: tuple[str | int, ...],
) -> Iterator[PartRef]:
    for key, child_kind in CHILDREN.get(kind, ()):
        items = node.get(key)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = (*location, key, index)
            yield PartRef(child_kind, item, node, kind, key, index, ancestors, ancestor_kinds, here)
            yield from _walk(
                item, child_kind, (*ancestors, item), (*ancestor_kinds, child_kind), here
            )


def find(document: dict[str, Any], module_id: str) -> PartRef | None:
    for ref in walk(document):
        if ref.module_id == module_id:
            return ref
    return None


def is_tyopaikkajakso(oht: dict[str, Any]) -> bool:
    return oht.get("osaamisen-hankkimistapa-koodi-uri") in TYOPAIKKAJAKSO_TYYPIT
