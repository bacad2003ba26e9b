"""The addressable part kinds of a HOKS: the objects that carry a ``module-id`` and can be written
one at a time, with where they are listed in their parent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

PartKind = Literal[
    "hankittava-ammat-tutkinnon-osa",
    "hankittava-paikallinen-tutkinnon-osa",
    "hankittava-yhteinen-tutkinnon-osa",
    "aiemmin-hankittu-ammat-tutkinnon-osa",
    "aiemmin-hankittu-paikallinen-tutkinnon-osa",
    "aiemmin-hankittu-yhteinen-tutkinnon-osa",
    "hankittavan-yto-osa-alue",
    "aiemmin-hankitun-yto-osa-alue",
    "osaamisen-hankkimistapa",
    "osaamisen-osoittaminen",
    "opiskeluvalmiuksia-tukevat-opinnot",
    "oppimisen-tuki",
    "hankittava-koulutuksen-osa",
]


@dataclass(frozen=True)
class PartInfo:
    """``collection_key`` is the key of the list holding such parts in their parent.
    ``parent_kinds`` is empty for parts listed at the HOKS root.

    One kind is listed under two keys: a demonstration (``osaamisen-osoittaminen``) of a
    previously acquired unit or sub-area sits in ``tarkentavat-tiedot-naytto``. Use
    :meth:`collection_key_in` when walking from a parent.
    """

    kind: PartKind
    entity: str  # the entity name in spec.ENTITIES
    collection_key: str
    parent_kinds: tuple[PartKind, ...] = ()
    other_collection_keys: tuple[tuple[PartKind, str], ...] = ()

    def collection_key_in(self, parent_kind: PartKind | None) -> str:
        """The key under which this kind is listed in a parent of ``parent_kind`` (None: root)."""
        for parent, key in self.other_collection_keys:
            if parent == parent_kind:
                return key
        return self.collection_key


_HANKITTAVAT: tuple[PartKind, ...] = (
    "hankittava-ammat-tutkinnon-osa",
    "hankittava-paikallinen-tutkinnon-osa",
    "hankittavan-yto-osa-alue",
)
_AIEMMIN: tuple[PartKind, ...] = (
    "aiemmin-hankittu-ammat-tutkinnon-osa",
    "aiemmin-hankittu-paikallinen-tutkinnon-osa",
    "aiemmin-hankittu-yhteinen-tutkinnon-osa",
    "aiemmin-hankitun-yto-osa-alue",
)

PART_KINDS: dict[PartKind, PartInfo] = {
    info.kind: info
    for info in (
        PartInfo(
            "hankittava-ammat-tutkinnon-osa",
            "HankittavaAmmatillinenTutkinnonOsa",
            "hankittavat-ammat-tutkinnon-osat",
        ),
        PartInfo(
            "hankittava-paikallinen-tutkinnon-osa",
            "HankittavaPaikallinenTutkinnonOsa",
            "hankittavat-paikalliset-tutkinnon-osat",
        ),
        PartInfo(
            "hankittava-yhteinen-tutkinnon-osa",
            "HankittavaYhteinenTutkinnonOsa",
            "hankittavat-yhteiset-tutkinnon-osat",
        ),
        PartInfo(
            "aiemmin-hankittu-ammat-tutkinnon-osa",
            "AiemminHankittuAmmatillinenTutkinnonOsa",
            "aiemmin-hankitut-ammat-tutkinnon-osat",
        ),
        PartInfo(
            "aiemmin-hankittu-paikallinen-tutkinnon-osa",
            "AiemminHankittuPaikallinenTutkinnonOsa",
            "aiemmin-hankitut-paikalliset-tutkinnon-osat",
        ),
        PartInfo(
            "aiemmin-hankittu-yhteinen-tutkinnon-osa",
            "AiemminHankittuYhteinenTutkinnonOsa",
            "aiemmin-hankitut-yhteiset-tutkinnon-osat",
        ),
        PartInfo(
            "hankittavan-yto-osa-alue",
            "HankittavanYTOnOsaAlue",
            "osa-alueet",
            ("hankittava-yhteinen-tutkinnon-osa",),
        ),
        PartInfo(
            "aiemmin-hankitun-yto-osa-alue",
            "AiemminHankitunYTOnOsaAlue",
            "osa-alueet",
            ("aiemmin-hankittu-yhteinen-tutkinnon-osa",),
        ),
        PartInfo(
            "osaamisen-hankkimistapa",
            "OsaamisenHankkimistapa",
            "osaamisen-hankkimistavat",
            _HANKITTAVAT,
        ),
        PartInfo(
            "osaamisen-osoittaminen",
            "OsaamisenOsoittaminen",
            "osaamisen-osoittaminen",
            _HANKITTAVAT + _AIEMMIN,
            tuple((parent, "tarkentavat-tiedot-naytto") for parent in _AIEMMIN),
        ),
        PartInfo(
            "opiskeluvalmiuksia-tukevat-opinnot",
            "OpiskeluvalmiuksiaTukevatOpinnot",
            "opiskeluvalmiuksia-tukevat-opinnot",
        ),
        PartInfo("oppimisen-tuki", "OppimisenTuki", "oppimisen-tuki"),
        PartInfo(
            "hankittava-koulutuksen-osa", "HankittavaKoulutuksenOsa", "hankittavat-koulutuksen-osat"
        ),
    )
}

assert set(PART_KINDS) == set(get_args(PartKind))
