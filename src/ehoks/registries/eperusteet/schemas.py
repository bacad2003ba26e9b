"""What eHOKS shows of ePerusteet: qualifications (perusteet), their units (tutkinnon osat)
with requirements and assessment criteria, and TUVA training parts (koulutuksen osat).

Derived from the external API's documents (reference integrations 3.5): the search
``GET …/api/external/perusteet`` (``{"data": [peruste, …]}``), the whole peruste
``GET …/api/external/peruste/{id}`` (``tutkinnonOsat``, ``suoritustavat``) and its part
``…/peruste/{id}/koulutuksenOsat``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Teksti = dict[str, str]
"""A localised text: ``{"fi": …, "sv": …, "en": …}`` with only the languages present."""

LANGUAGES = ("fi", "sv", "en")

# The grade text of an assessment level, by (_arviointiAsteikko, _osaamistaso) ids (reference
# 3.5): scale 1 is pass/fail, scales 2 and 3 are graded 1-3-5 (T1, H2, K3 / T1, H3, K5).
OSAAMISTASO_ARVOSANA = {
    ("1", "1"): "",
    ("2", "2"): "1",
    ("2", "3"): "3",
    ("2", "4"): "5",
    ("3", "5"): "1",
    ("3", "7"): "3",
    ("3", "9"): "5",
}

# Where a unit belongs to several ways of completing the qualification, the reformed (2018)
# structure is the current one.
SUORITUSTAVAT = ("reformi", "ops", "naytto")


@dataclass(frozen=True)
class OsaamistasonKriteeri:
    osaamistaso: str
    """The grade the criteria give (``"1"``, ``"3"``, ``"5"``; ``""`` on a pass/fail scale)."""
    kriteerit: tuple[Teksti, ...]


@dataclass(frozen=True)
class ArvioinninKohde:
    otsikko: Teksti
    selite: Teksti
    osaamistasot: tuple[OsaamistasonKriteeri, ...]


@dataclass(frozen=True)
class ArvioinninKohdealue:
    otsikko: Teksti
    kohteet: tuple[ArvioinninKohde, ...]


@dataclass(frozen=True)
class VaatimusKohdealue:
    kuvaus: Teksti
    vaatimukset: tuple[Teksti, ...]


@dataclass(frozen=True)
class Ammattitaitovaatimukset:
    """Requirements in the structured form of the 2019 and later perusteet."""

    kohde: Teksti
    vaatimukset: tuple[Teksti, ...]
    kohdealueet: tuple[VaatimusKohdealue, ...]


@dataclass(frozen=True)
class OsaAlue:
    """A sub-area of a common unit (yhteinen tutkinnon osa), e.g.
    ``ammatillisenoppiaineet_vvai``."""

    id: int | None
    koodi_uri: str | None
    nimi: Teksti


@dataclass(frozen=True)
class TutkinnonOsa:
    """One qualification unit as one peruste describes it."""

    id: int
    koodi_uri: str
    nimi: Teksti
    laajuus: Decimal | None = None
    """Scope in competence points (osaamispiste) in this peruste, when the peruste gives one."""
    peruste_id: int | None = None
    diaarinumero: str | None = None
    ammattitaitovaatimukset_teksti: Teksti = field(default_factory=dict)
    """Requirements as one HTML text (perusteet before 2019)."""
    ammattitaitovaatimukset: Ammattitaitovaatimukset | None = None
    arviointi: tuple[ArvioinninKohdealue, ...] = ()
    osa_alueet: tuple[OsaAlue, ...] = ()


@dataclass(frozen=True)
class Osaamisala:
    koodi_uri: str | None
    koodiarvo: str | None
    nimi: Teksti


@dataclass(frozen=True)
class Peruste:
    """A qualification's requirements document (tutkinnon peruste)."""

    id: int
    diaarinumero: str | None
    nimi: Teksti
    osaamisalat: tuple[Osaamisala, ...] = ()
    tutkintonimikkeet: tuple[Teksti, ...] = ()
    voimassaolo_alkaa: date | None = None
    voimassaolo_loppuu: date | None = None


@dataclass(frozen=True)
class KoulutuksenOsa:
    """A part of TUVA training (koulutuksen osa), e.g. ``koulutuksenosattuva_104``."""

    id: int
    koodi_uri: str
    nimi: Teksti
    viite_id: int | None = None
    laajuus_minimi: Decimal | None = None
    laajuus_maksimi: Decimal | None = None


def teksti(value: Any) -> Teksti:
    """The languages of a localised text; ePerusteet's ``_id``/``_tunniste`` keys dropped."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if k in LANGUAGES and isinstance(v, str) and v}


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _epoch_date(value: Any) -> date | None:
    # ePerusteet writes dates as epoch milliseconds.
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC).date()
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def koodi_uri_of(document: dict[str, Any]) -> str | None:
    """The code of a unit or sub-area: ``koodiUri``, or the older documents' ``koodi.uri``."""
    uri = document.get("koodiUri")
    if isinstance(uri, str) and uri:
        return uri
    koodi = document.get("koodi")
    if isinstance(koodi, dict) and isinstance(koodi.get("uri"), str):
        return str(koodi["uri"])
    return None


def osaamistason_kriteerit(asteikko: Any, kriteerit: Any) -> tuple[OsaamistasonKriteeri, ...]:
    """Levels of one assessment target: a level without criteria is dropped and a missing grade
    is read from the scale (reference 3.5, "Arviointi adjustment")."""
    levels = []
    for entry in _list(kriteerit):
        if not isinstance(entry, dict):
            continue
        texts = tuple(t for t in (teksti(k) for k in _list(entry.get("kriteerit"))) if t)
        if not texts:
            continue
        given = entry.get("osaamistaso")
        if isinstance(given, str):
            osaamistaso = given
        else:
            key = (str(asteikko), str(entry.get("_osaamistaso")))
            osaamistaso = OSAAMISTASO_ARVOSANA.get(key, "")
        levels.append(OsaamistasonKriteeri(osaamistaso=osaamistaso, kriteerit=texts))
    return tuple(levels)


def arviointi_from_document(arviointi: Any) -> tuple[ArvioinninKohdealue, ...]:
    if not isinstance(arviointi, dict):
        return ()
    alueet = []
    for alue in _list(arviointi.get("arvioinninKohdealueet")):
        if not isinstance(alue, dict):
            continue
        kohteet = tuple(
            ArvioinninKohde(
                otsikko=teksti(kohde.get("otsikko")),
                selite=teksti(kohde.get("selite")),
                osaamistasot=osaamistason_kriteerit(
                    kohde.get("_arviointiAsteikko"), kohde.get("osaamistasonKriteerit")
                ),
            )
            for kohde in _list(alue.get("arvioinninKohteet"))
            if isinstance(kohde, dict)
        )
        alueet.append(ArvioinninKohdealue(otsikko=teksti(alue.get("otsikko")), kohteet=kohteet))
    return tuple(alueet)


def _vaatimukset(values: Any) -> tuple[Teksti, ...]:
    # A requirement is free text or a code from the ``ammattitaitovaatimukset`` list.
    found = []
    for value in _list(values):
        if not isinstance(value, dict):
            continue
        text = teksti(value.get("vaatimus")) or teksti((value.get("koodi") or {}).get("nimi"))
        if text:
            found.append(text)
    return tuple(found)


def ammattitaitovaatimukset_from_document(value: Any) -> Ammattitaitovaatimukset | None:
    if not isinstance(value, dict):
        return None
    return Ammattitaitovaatimukset(
        kohde=teksti(value.get("kohde")),
        vaatimukset=_vaatimukset(value.get("vaatimukset")),
        kohdealueet=tuple(
            VaatimusKohdealue(
                kuvaus=teksti(alue.get("kuvaus")), vaatimukset=_vaatimukset(alue.get("vaatimukset"))
            )
            for alue in _list(value.get("kohdealueet"))
            if isinstance(alue, dict)
        ),
    )


def laajuudet(peruste: dict[str, Any]) -> dict[str, Decimal]:
    """Scope of each unit by the unit's id, from the peruste's ``suoritustavat``."""
    found: dict[str, Decimal] = {}
    tavat = [t for t in _list(peruste.get("suoritustavat")) if isinstance(t, dict)]
    order = {name: i for i, name in enumerate(SUORITUSTAVAT)}
    tavat.sort(key=lambda t: order.get(str(t.get("suoritustapakoodi")), len(order)))
    for tapa in tavat:
        for viite in _list(tapa.get("tutkinnonOsaViitteet")):
            if not isinstance(viite, dict):
                continue
            osa = str(viite.get("_tutkinnonOsa"))
            laajuus = _decimal(viite.get("laajuus"))
            if laajuus is not None and osa not in found:
                found[osa] = laajuus
    return found


def tutkinnon_osa_from_document(
    document: dict[str, Any],
    *,
    laajuus: Decimal | None = None,
    peruste_id: int | None = None,
    diaarinumero: str | None = None,
) -> TutkinnonOsa:
    return TutkinnonOsa(
        id=_int(document.get("id")) or 0,
        koodi_uri=koodi_uri_of(document) or "",
        nimi=teksti(document.get("nimi")),
        laajuus=laajuus,
        peruste_id=peruste_id,
        diaarinumero=diaarinumero,
        ammattitaitovaatimukset_teksti=teksti(document.get("ammattitaitovaatimukset")),
        ammattitaitovaatimukset=ammattitaitovaatimukset_from_document(
            document.get("ammattitaitovaatimukset2019")
        ),
        arviointi=arviointi_from_document(document.get("arviointi")),
        osa_alueet=tuple(
            OsaAlue(
                id=_int(alue.get("id")), koodi_uri=koodi_uri_of(alue), nimi=teksti(alue.get("nimi"))
            )
            for alue in _list(document.get("osaAlueet"))
            if isinstance(alue, dict)
        ),
    )


def tutkinnon_osat_from_peruste(peruste: dict[str, Any], koodi_uri: str) -> list[TutkinnonOsa]:
    """The peruste's units whose ``koodiUri`` is ``koodi_uri`` (reference 3.5)."""
    scopes = laajuudet(peruste)
    peruste_id = _int(peruste.get("id"))
    diaarinumero = peruste.get("diaarinumero")
    return [
        tutkinnon_osa_from_document(
            osa,
            laajuus=scopes.get(str(osa.get("id"))),
            peruste_id=peruste_id,
            diaarinumero=diaarinumero if isinstance(diaarinumero, str) else None,
        )
        for osa in _list(peruste.get("tutkinnonOsat"))
        if isinstance(osa, dict) and koodi_uri_of(osa) == koodi_uri
    ]


def peruste_from_document(document: dict[str, Any]) -> Peruste:
    diaarinumero = document.get("diaarinumero")
    return Peruste(
        id=_int(document.get("id")) or 0,
        diaarinumero=diaarinumero if isinstance(diaarinumero, str) else None,
        nimi=teksti(document.get("nimi")),
        osaamisalat=tuple(
            Osaamisala(
                koodi_uri=ala.get("uri") if isinstance(ala.get("uri"), str) else None,
                koodiarvo=ala.get("arvo") if isinstance(ala.get("arvo"), str) else None,
                nimi=teksti(ala.get("nimi")),
            )
            for ala in _list(document.get("osaamisalat"))
            if isinstance(ala, dict)
        ),
        tutkintonimikkeet=tuple(
            teksti(nimike.get("nimi"))
            for nimike in _list(document.get("tutkintonimikkeet"))
            if isinstance(nimike, dict)
        ),
        voimassaolo_alkaa=_epoch_date(document.get("voimassaoloAlkaa")),
        voimassaolo_loppuu=_epoch_date(document.get("voimassaoloLoppuu")),
    )


def koulutuksen_osa_from_osat(osat: Any, koodi_uri: str) -> KoulutuksenOsa | None:
    """The TUVA part named ``koodi_uri`` among a peruste's ``koulutuksenOsat``; its name is the
    code's name, as the original shows it."""
    for osa in _list(osat):
        if not isinstance(osa, dict):
            continue
        nimi_koodi = osa.get("nimiKoodi")
        if not isinstance(nimi_koodi, dict) or nimi_koodi.get("uri") != koodi_uri:
            continue
        return KoulutuksenOsa(
            id=_int(osa.get("id")) or 0,
            koodi_uri=koodi_uri,
            nimi=teksti(nimi_koodi.get("nimi")) or teksti(osa.get("nimi")),
            viite_id=_int(osa.get("viiteId")),
            laajuus_minimi=_decimal(osa.get("laajuusMinimi")),
            laajuus_maksimi=_decimal(osa.get("laajuusMaksimi")),
        )
    return None
