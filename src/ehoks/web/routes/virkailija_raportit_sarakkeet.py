"""What each report's CSV export holds: its columns, with the header in the page's language and
every value as a person reads it (names, not codes; dates as the locale writes them), and the
names the pages share with it (states, unit types)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from ehoks.enrichment.schemas import Label
from ehoks.raportit.csv import Cell
from ehoks.raportit.nimet import Nimet
from ehoks.raportit.schemas import HoksRivi, JaksoRivi, Raportti, YhteenvetoRivi
from ehoks.web.i18n import N_, babel_locale, text_in

TILA_PUUTTUU = N_("Puuttuu Koskesta")
TILA_PAATTYNYT = N_("Päättynyt")
# The projection's unit types (``hoks.projections.OSA_TYYPIT``), as the pages name them.
OSA_TYYPIT = {
    "hato": N_("Ammatillinen tutkinnon osa"),
    "hpto": N_("Paikallinen tutkinnon osa"),
    "hyto": N_("Yhteisen tutkinnon osan osa-alue"),
}


@dataclass(frozen=True)
class Muotoilu:
    """How one export writes its values: the page's language, its translations, the names."""

    lang: str
    gettext: Callable[[str], str]
    nimet: Nimet

    def day(self, value: date | None) -> str:
        # The locale's short form (6.12.2026 in Finnish), which spreadsheets read as a date.
        return format_date(value, format="short", locale=babel_locale(self.lang)) if value else ""

    def label(self, value: Label | None) -> str:
        return value.text if value is not None else ""

    def organisaatio(self, oid: str | None) -> str:
        return self.label(self.nimet.organisaatio(oid))

    def koodi(self, koodi_uri: str | None) -> str:
        return self.label(self.nimet.koodi(koodi_uri))


@dataclass(frozen=True)
class Sarake:
    title: str
    value: Callable[[Any, Muotoilu], Cell]


def _tila(row: HoksRivi, m: Muotoilu) -> str:
    return m.gettext(TILA_PUUTTUU if row.puuttuu else TILA_PAATTYNYT)


def _osa(row: JaksoRivi, m: Muotoilu) -> str:
    name = OSA_TYYPIT.get(row.osa_tyyppi)
    return m.gettext(name) if name else row.osa_tyyppi


HOKS = Sarake(N_("eHOKS-tunniste"), lambda r, m: r.hoks_id)
NIMI = Sarake(N_("Opiskelija"), lambda r, m: r.oppija_nimi or "")
OPPIJANUMERO = Sarake(N_("Oppijanumero"), lambda r, m: r.oppija_oid)
OPISKELUOIKEUS = Sarake(N_("Opiskeluoikeuden OID"), lambda r, m: r.opiskeluoikeus_oid)
OPPILAITOS = Sarake(N_("Oppilaitos"), lambda r, m: m.organisaatio(r.oppilaitos_oid))
TUTKINTO = Sarake(N_("Tutkinto"), lambda r, m: text_in(r.tutkinto_nimi, m.lang))

SARAKKEET: dict[Raportti, tuple[Sarake, ...]] = {
    "puuttuvat-opiskeluoikeudet": (
        HOKS,
        NIMI,
        OPPIJANUMERO,
        OPISKELUOIKEUS,
        OPPILAITOS,
        TUTKINTO,
        Sarake(N_("Tila"), _tila),
        Sarake(
            N_("Arvioitu päättymispäivä"), lambda r, m: "" if r.puuttuu else m.day(r.paattymispaiva)
        ),
    ),
    "tyopaikkajaksot": (
        HOKS,
        OPISKELUOIKEUS,
        OPPIJANUMERO,
        NIMI,
        OPPILAITOS,
        Sarake(N_("Työpaikka"), lambda r, m: r.tyopaikan_nimi or ""),
        Sarake(N_("Työpaikan Y-tunnus"), lambda r, m: r.tyopaikan_y_tunnus or ""),
        Sarake(N_("Työpaikkaohjaaja"), lambda r, m: r.ohjaaja_nimi or ""),
        Sarake(N_("Työpaikkaohjaajan sähköposti"), lambda r, m: r.ohjaaja_sahkoposti or ""),
        Sarake(N_("Työpaikkaohjaajan puhelinnumero"), lambda r, m: r.ohjaaja_puhelinnumero or ""),
        Sarake(N_("Alku"), lambda r, m: m.day(r.alku)),
        Sarake(N_("Loppu"), lambda r, m: m.day(r.loppu)),
        Sarake(N_("Tutkinnon osan tyyppi"), _osa),
        Sarake(N_("Osaamisen hankkimistapa"), lambda r, m: m.koodi(r.hankkimistapa_koodi_uri)),
        Sarake(
            N_("Oppisopimuksen perusta"),
            lambda r, m: m.koodi(r.oppisopimuksen_perusta_koodi_uri),
        ),
    ),
    "ilman-tyopaikkajaksoa": (
        HOKS,
        NIMI,
        OPPIJANUMERO,
        OPISKELUOIKEUS,
        OPPILAITOS,
        TUTKINTO,
        Sarake(N_("Ensimmäinen hyväksyminen"), lambda r, m: m.day(r.ensikertainen_hyvaksyminen)),
        Sarake(N_("Opiskeluoikeuden alkamispäivä"), lambda r, m: m.day(r.alkamispaiva)),
    ),
    "yhteenveto": (
        OPPILAITOS,
        Sarake(N_("Tutkinto"), lambda r, m: r.tutkinto),
        Sarake(N_("HOKSit"), lambda r, m: r.hoksit),
        Sarake(N_("Voimassa"), lambda r, m: r.voimassa),
        Sarake(N_("Päättyneet"), lambda r, m: r.paattyneet),
        Sarake(N_("Puuttuu Koskesta"), lambda r, m: r.puuttuvat),
        Sarake(N_("Työpaikkajaksollisia"), lambda r, m: r.jaksolliset),
    ),
}


# The sort columns of each report (``raportit.schemas.SORTS``) as the sort field names them.
JARJESTYKSET: dict[Raportti, dict[str, str]] = {
    "puuttuvat-opiskeluoikeudet": {
        "hoks": N_("eHOKS-tunniste"),
        "nimi": N_("Opiskelija"),
        "tutkinto": N_("Tutkinto"),
        "tila": N_("Tila"),
        "paattyminen": N_("Arvioitu päättymispäivä"),
    },
    "tyopaikkajaksot": {
        "hoks": N_("eHOKS-tunniste"),
        "tyopaikka": N_("Työpaikka"),
        "ohjaaja": N_("Työpaikkaohjaaja"),
        "alku": N_("Alku"),
        "loppu": N_("Loppu"),
    },
    "ilman-tyopaikkajaksoa": {
        "hoks": N_("eHOKS-tunniste"),
        "nimi": N_("Opiskelija"),
        "tutkinto": N_("Tutkinto"),
        "hyvaksytty": N_("Ensimmäinen hyväksyminen"),
        "alkaminen": N_("Opiskeluoikeuden alkamispäivä"),
    },
    "yhteenveto": {
        "oppilaitos": N_("Oppilaitos"),
        "tutkinto": N_("Tutkinto"),
        "hoksit": N_("HOKSit"),
        "voimassa": N_("Voimassa"),
        "paattyneet": N_("Päättyneet"),
        "puuttuvat": N_("Puuttuu Koskesta"),
        "jaksolliset": N_("Työpaikkajaksollisia"),
    },
}


def header(raportti: Raportti, m: Muotoilu) -> list[str]:
    return [m.gettext(sarake.title) for sarake in SARAKKEET[raportti]]


def cells(
    raportti: Raportti, rows: list[HoksRivi] | list[JaksoRivi] | list[YhteenvetoRivi], m: Muotoilu
) -> list[list[Cell]]:
    sarakkeet = SARAKKEET[raportti]
    return [[sarake.value(row, m) for sarake in sarakkeet] for row in rows]
