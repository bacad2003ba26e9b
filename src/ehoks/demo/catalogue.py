"""The qualifications a synthetic population studies: read from the demo's own ePerusteet and
Koodisto files (``data/eperusteet``, ``data/koodisto``), so every unit, sub-area, TUVA part and
code a generated HOKS names is one the generated registry directory describes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ehoks.registries.eperusteet.schemas import koodi_uri_of, laajuudet, teksti

# ePerusteet's koulutustyyppi -> Koski's koulutustyyppi code.
KOSKI_KOULUTUSTYYPPI = {"koulutustyyppi_1": "1", "koulutustyyppi_11": "11"}
TUVA_KOULUTUSTYYPPI = "koulutustyyppi_40"


@dataclass(frozen=True)
class Koodi:
    koodiarvo: str
    nimi: dict[str, str]


@dataclass(frozen=True)
class Yksikko:
    """A unit of a qualification as a plan uses it."""

    koodi_uri: str
    laajuus: int
    vaatimukset: tuple[str, ...]
    """The requirements in Finnish, used as a workplace's key tasks."""
    osa_alueet: tuple[str, ...]
    """The sub-areas' code URIs of a common unit; empty for a vocational unit."""


@dataclass(frozen=True)
class Tutkinto:
    diaarinumero: str
    koulutus: Koodi
    koulutustyyppi: str
    """Koski's koulutustyyppi: ``1`` for a vocational upper secondary qualification, ``11``
    for a further one, ``""`` for TUVA."""
    osaamisalat: tuple[Koodi, ...]
    tutkintonimikkeet: tuple[Koodi, ...]
    ammatilliset: tuple[Yksikko, ...]
    yhteiset: tuple[Yksikko, ...]
    koulutuksen_osat: tuple[tuple[str, int, int], ...] = ()
    """TUVA parts: (code URI, minimum, maximum scope in weeks)."""


@dataclass(frozen=True)
class Catalogue:
    tutkinnot: tuple[Tutkinto, ...]
    tuva: Tutkinto
    koodit: dict[str, tuple[str, ...]]
    """Code URIs by code list."""
    files: tuple[Path, ...]
    """The ``koodisto`` and ``eperusteet`` files, to copy into a generated directory."""


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _koodi(value: Any, arvo_key: str) -> Koodi:
    return Koodi(koodiarvo=str(value[arvo_key]), nimi=teksti(value.get("nimi")))


def _yksikko(osa: dict[str, Any], scopes: dict[str, Any]) -> Yksikko:
    vaatimukset = (osa.get("ammattitaitovaatimukset2019") or {}).get("vaatimukset") or []
    return Yksikko(
        koodi_uri=koodi_uri_of(osa) or "",
        laajuus=int(scopes.get(str(osa["id"]), 0)),
        vaatimukset=tuple(v["vaatimus"]["fi"] for v in vaatimukset if v.get("vaatimus")),
        osa_alueet=tuple(koodi_uri_of(alue) or "" for alue in osa.get("osaAlueet") or []),
    )


def _tutkinto(peruste: dict[str, Any]) -> Tutkinto:
    scopes = laajuudet(peruste)
    units = [_yksikko(osa, scopes) for osa in peruste.get("tutkinnonOsat") or []]
    return Tutkinto(
        diaarinumero=peruste["diaarinumero"],
        koulutus=_koodi(peruste["koulutukset"][0], "koulutuskoodiArvo"),
        koulutustyyppi=KOSKI_KOULUTUSTYYPPI.get(peruste["koulutustyyppi"], ""),
        osaamisalat=tuple(_koodi(a, "arvo") for a in peruste.get("osaamisalat") or []),
        tutkintonimikkeet=tuple(
            _koodi(n, "tutkintonimikeArvo") for n in peruste.get("tutkintonimikkeet") or []
        ),
        ammatilliset=tuple(u for u in units if not u.osa_alueet),
        yhteiset=tuple(u for u in units if u.osa_alueet),
        koulutuksen_osat=tuple(
            (osa["nimiKoodi"]["uri"], int(osa["laajuusMinimi"]), int(osa["laajuusMaksimi"]))
            for osa in peruste.get("koulutuksenOsat") or []
            if osa.get("nimiKoodi")
        ),
    )


def read_catalogue(data_dir: Path) -> Catalogue:
    koodisto_files = sorted((data_dir / "koodisto").glob("*.json"))
    eperusteet_files = sorted((data_dir / "eperusteet").glob("*.json"))
    koodit: dict[str, tuple[str, ...]] = {}
    for path in koodisto_files:
        elements = _read(path)
        koodit[path.stem] = tuple(element["koodiUri"] for element in elements)
    tutkinnot: list[Tutkinto] = []
    tuva: Tutkinto | None = None
    for path in eperusteet_files:
        peruste = _read(path)
        if peruste.get("koulutustyyppi") == TUVA_KOULUTUSTYYPPI:
            tuva = _tutkinto(peruste)
        elif peruste.get("koulutustyyppi") in KOSKI_KOULUTUSTYYPPI:
            tutkinnot.append(_tutkinto(peruste))
    if tuva is None or not tutkinnot:
        raise ValueError(f"{data_dir}: the demo perusteet are missing")
    return Catalogue(
        tutkinnot=tuple(tutkinnot),
        tuva=tuva,
        koodit=koodit,
        files=(*koodisto_files, *eperusteet_files),
    )
