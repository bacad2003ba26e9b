"""Builders shared by the schema tests: HOKS documents and study rights written for these tests.

The constants are the reference's verified test vectors (``ehoks-backend.md`` 3.2).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ehoks.errors import ValidationFailed
from ehoks.hoks.schemas import validate_hoks, validate_part
from ehoks.registries.koski.schemas import Opiskeluoikeus

TODAY = date(2025, 1, 15)
OPPIJA_OID = "1.2.246.562.24.12312312319"
OO_OID = "1.2.246.562.15.41024330544"
OO_OID_LEGACY = "1.2.246.562.15.298574987110"
ORG_OID = "1.2.246.562.10.12345678901"
Y_TUNNUS = "1234567-1"
MODULE_ID = "0b6d2f0e-3c4a-4b8e-9f21-6a5d8c7e1f20"

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "ehoks-examples"


def opiskeluoikeus(
    *,
    tyyppi: str = "ammatillinenkoulutus",
    tila: str | None = "lasna",
    alkamispaiva: date | None = date(2023, 8, 1),
    arvioitu_paattymispaiva: date | None = date(2026, 6, 30),
    suoritustyypit: tuple[str, ...] = ("ammatillinentutkinto",),
) -> Opiskeluoikeus:
    return Opiskeluoikeus(
        oid=OO_OID,
        oppija_oid=OPPIJA_OID,
        tyyppi=tyyppi,
        tila=tila,
        oppilaitos_oid=ORG_OID,
        koulutustoimija_oid=None,
        alkamispaiva=alkamispaiva,
        arvioitu_paattymispaiva=arvioitu_paattymispaiva,
        paattymispaiva=None,
        sisaltyy_opiskeluoikeuteen_oid=None,
        sisaltyy_oppilaitos_oid=None,
        suoritustyypit=suoritustyypit,
    )


AMMATILLINEN = opiskeluoikeus()
TUVA = opiskeluoikeus(tyyppi="tuva", suoritustyypit=("tuvakoulutuksensuoritus",))
TELMA = opiskeluoikeus(suoritustyypit=("telma",))


def tyopaikkajakso(**changes: Any) -> dict[str, Any]:
    oht: dict[str, Any] = {
        "alku": "2024-09-02",
        "loppu": "2024-12-20",
        "yksiloiva-tunniste": "jakso-1",
        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "osa-aikaisuustieto": 100,
        "tyopaikalla-jarjestettava-koulutus": {
            "tyopaikan-nimi": "Puutarha Kukkanen Oy",
            "tyopaikan-y-tunnus": Y_TUNNUS,
            "vastuullinen-tyopaikka-ohjaaja": {
                "nimi": "Olli Ohjaaja",
                "sahkoposti": "olli@example.org",
                "puhelinnumero": "+358 (40) 123-4567",
            },
            "keskeiset-tyotehtavat": ["Asiakaspalvelu", "Kasvien hoito"],
        },
    }
    oht.update(changes)
    return oht


def lahiopetus(**changes: Any) -> dict[str, Any]:
    oht: dict[str, Any] = {
        "alku": "2024-08-15",
        "loppu": "2024-08-30",
        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus",
        "osaamisen-hankkimistapa-koodi-versio": 1,
    }
    oht.update(changes)
    return oht


def naytto(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "nayttoymparisto": {"nimi": "Puutarha Kukkanen Oy", "y-tunnus": Y_TUNNUS},
        "sisallon-kuvaus": ["Asiakkaan palveleminen"],
        "alku": "2024-12-01",
        "loppu": "2024-12-05",
    }
    value.update(changes)
    return value


def hato(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
        "tutkinnon-osa-koodi-versio": 1,
        "osaamisen-hankkimistavat": [lahiopetus(), tyopaikkajakso()],
        "osaamisen-osoittaminen": [naytto()],
    }
    value.update(changes)
    return value


def hoks(**changes: Any) -> dict[str, Any]:
    """A valid POST body for a non-TUVA HOKS."""
    value: dict[str, Any] = {
        "oppija-oid": OPPIJA_OID,
        "opiskeluoikeus-oid": OO_OID,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
        "sahkoposti": "opiskelija@example.org",
        "hankittavat-ammat-tutkinnon-osat": [hato()],
    }
    value.update(changes)
    return value


def with_oht(oht: dict[str, Any]) -> dict[str, Any]:
    """A HOKS whose only learning period is ``oht``."""
    return hoks(
        **{"hankittavat-ammat-tutkinnon-osat": [hato(**{"osaamisen-hankkimistavat": [oht]})]}
    )


OHT_PATH = ("hankittavat-ammat-tutkinnon-osat", 0, "osaamisen-hankkimistavat", 0)


def post(data: Any, **options: Any) -> dict[str, Any]:
    options.setdefault("today", TODAY)
    options.setdefault("opiskeluoikeus", AMMATILLINEN)
    return validate_hoks(copy.deepcopy(data), method=options.pop("method", "post"), **options)


def part(kind: Any, data: Any, **options: Any) -> dict[str, Any]:
    options.setdefault("today", TODAY)
    options.setdefault("opiskeluoikeus", AMMATILLINEN)
    return validate_part(kind, copy.deepcopy(data), **options)


def failure(call: Any, *args: Any, **kwargs: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        call(*args, **kwargs)
    return info.value


def at(tree: Any, *path: str | int) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def error_at(data: Any, path: tuple[str | int, ...], **options: Any) -> Any:
    """POST ``data`` expecting failure; the error tree's value at ``path``."""
    return at(failure(post, data, **options).errors, *path)
