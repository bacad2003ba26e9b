"""Cross-field and context rules of the HOKS model (reference 4.2–4.4, 3.9), each with the Finnish
message the original reports.

Object rules run after an object's own fields have validated, in the order the entity lists
them, and the first failing one is reported at the object's position (as the original's nested
``s/constrained`` did). Field rules run after the field's type check and report at the field.

Rules that need the study right read it from the :class:`RuleContext` passed as pydantic
validation context. ``koski`` is false where the original ran outside its "current study right"
wrapper (the Vipunen projection): there every study-right rule passes, rule 1 included. Inside the
wrapper a missing study right (None) passes every rule except rule 1, which then treats the learner
as part of the feedback target group.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationInfo

from ehoks.kernel.clock import today_in_finland
from ehoks.kernel.ids import new_uuid

if TYPE_CHECKING:
    # Only annotations need it; importing the registries package is not free.
    from ehoks.registries.koski.schemas import Opiskeluoikeus

TYOPAIKKAJAKSO_TYYPIT = frozenset(
    {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}
)
OPPISOPIMUS = "osaamisenhankkimistapa_oppisopimus"
TUKIOPETUS = "ammatillinenkoulutusoppimisentuentyyppi_01"
MUU_TUKI = frozenset(
    {"ammatillinenkoulutusoppimisentuentyyppi_02", "ammatillinenkoulutusoppimisentuentyyppi_03"}
)
SAAVUTTAMINEN_AIKAISINTAAN = date(2018, 1, 1)  # exclusive
OSA_AIKAISUUS_ALKAEN = date(2023, 6, 30)  # rule 1 applies to periods ending after this
Y_TUNNUS_ALKAEN = date(2021, 8, 25)  # rule 3 applies to periods ending after this
PERUSTA_ALKAEN = date(2021, 7, 1)  # rule 4 applies to periods ending on or after this


@dataclass
class RuleContext:
    opiskeluoikeus: Opiskeluoikeus | None = None
    today: date | None = None
    virkailija: bool = False
    koski: bool = True

    @property
    def tuva(self) -> bool:
        return self.koski and self.opiskeluoikeus is not None and self.opiskeluoikeus.is_tuva

    @property
    def effective_today(self) -> date:
        return self.today or today_in_finland()


CONTEXT_KEY = "ehoks"
_NO_CONTEXT = RuleContext(koski=False)


def context_of(info: ValidationInfo) -> RuleContext:
    context = info.context
    if isinstance(context, dict):
        found = context.get(CONTEXT_KEY)
        if isinstance(found, RuleContext):
            return found
    return _NO_CONTEXT


@dataclass(frozen=True)
class Rule:
    name: str
    message: str
    doc: str  # English, for the generated documentation
    check: Callable[[Any, RuleContext], bool]


# --- field rules ---------------------------------------------------------------------------------


def _opiskeluoikeus_tyyppi(_: Any, ctx: RuleContext) -> bool:
    oo = ctx.opiskeluoikeus
    return not ctx.koski or oo is None or oo.is_allowed_tyyppi


def _not_tuva(_: Any, ctx: RuleContext) -> bool:
    return not ctx.tuva


def _saavuttamisen_pvm(value: date, ctx: RuleContext) -> bool:
    return SAAVUTTAMINEN_AIKAISINTAAN < value < ctx.effective_today + timedelta(days=15)


def _non_negative(value: float, _: RuleContext) -> bool:
    return value >= 0


def _not_overlapping(jaksot: list[Any], _: RuleContext) -> bool:
    ordered = sorted(jaksot, key=lambda j: j.alku)
    return all(
        current.loppu is not None and current.loppu < following.alku
        for current, following in itertools.pairwise(ordered)
    )


FIELD_RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "opiskeluoikeus-tyyppi",
            'Opiskeluoikeuden tyypin on oltava joko "Ammatillinen koulutus" tai '
            '"Tutkintokoulutukseen valmentava koulutus (TUVA)".',
            "The study right's Koski type must be ammatillinenkoulutus or tuva.",
            _opiskeluoikeus_tyyppi,
        ),
        Rule(
            "tuva-opiskeluoikeus",
            "Ota tuva-opiskeluoikeus-oid pois, koska se on sallittu vain TUVA-opiskeluoikeuden "
            "kanssa rinnakkaiselle opiskeluoikeudelle, ei TUVA-opiskeluoikeudelle.",
            "Not allowed when the HOKS's own study right is TUVA.",
            _not_tuva,
        ),
        Rule(
            "osaamisen-saavuttamisen-pvm",
            "Osaaminen voidaan merkitä saavutetuksi enintään kaksi viikkoa tulevaisuuteen ja "
            "vähintään vuodelle 2018.",
            "Strictly after 2018-01-01 and strictly before today + 15 days.",
            _saavuttamisen_pvm,
        ),
        Rule(
            "opetus-ja-ohjaus-maara",
            "Opetuksen ja ohjauksen määrä ei saa olla negatiivinen.",
            "Must be ≥ 0.",
            _non_negative,
        ),
        Rule(
            "koulutuksen-osan-laajuus",
            "Muuta koulutuksen osan laajuus positiiviseksi.",
            "Must be ≥ 0.",
            _non_negative,
        ),
        Rule(
            "keskeytymisajanjaksot",
            "Keskeytymisajanjaksot eivät saa olla päällekkäin.",
            "Sorted by alku, every period but the last must end strictly before the next starts "
            "(so only the last may be open-ended). Our message; the original gave none.",
            _not_overlapping,
        ),
    )
}


# --- object rules --------------------------------------------------------------------------------


def _is_tyopaikkajakso(oht: Any) -> bool:
    return oht.osaamisen_hankkimistapa_koodi_uri in TYOPAIKKAJAKSO_TYYPIT


def _osa_aikaisuustieto(oht: Any, ctx: RuleContext) -> bool:
    if not ctx.koski or not _is_tyopaikkajakso(oht) or oht.loppu <= OSA_AIKAISUUS_ALKAEN:
        return True
    if ctx.opiskeluoikeus is not None and not ctx.opiskeluoikeus.in_kohderyhma:
        return True
    value = oht.osa_aikaisuustieto
    return value is not None and 1 <= value <= 100


def _yksiloiva_tunniste(oht: Any, ctx: RuleContext) -> bool:
    if not _is_tyopaikkajakso(oht) or oht.yksiloiva_tunniste is not None:
        return True
    if ctx.virkailija:
        # The official's UI cannot know a source-system id; the original invents one.
        oht.yksiloiva_tunniste = new_uuid()
        return True
    return False


def _y_tunnus(oht: Any, _: RuleContext) -> bool:
    tjk = oht.tyopaikalla_jarjestettava_koulutus
    return (
        not _is_tyopaikkajakso(oht)
        or oht.loppu <= Y_TUNNUS_ALKAEN
        or tjk is None
        or tjk.tyopaikan_y_tunnus is not None
    )


def _oppisopimuksen_perusta(oht: Any, _: RuleContext) -> bool:
    return (
        oht.osaamisen_hankkimistapa_koodi_uri != OPPISOPIMUS
        or oht.loppu < PERUSTA_ALKAEN
        or oht.oppisopimuksen_perusta_koodi_uri is not None
    )


def _paivamaarat(oht: Any, _: RuleContext) -> bool:
    return bool(oht.loppu >= oht.alku)


def _oo_dates_apply(ctx: RuleContext) -> Opiskeluoikeus | None:
    oo = ctx.opiskeluoikeus
    if not ctx.koski or oo is None or oo.katsotaan_eronneeksi:
        return None
    return oo


def _alku_opiskeluoikeus(oht: Any, ctx: RuleContext) -> bool:
    oo = _oo_dates_apply(ctx)
    return oo is None or oo.alkamispaiva is None or oht.alku >= oo.alkamispaiva


def _loppu_opiskeluoikeus(oht: Any, ctx: RuleContext) -> bool:
    oo = _oo_dates_apply(ctx)
    return (
        oo is None
        or oo.arvioitu_paattymispaiva is None
        or (oht.loppu <= oo.arvioitu_paattymispaiva)
    )


def plus_years(day: date, years: int) -> date:
    """Java's ``LocalDate.plusYears``: 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _enintaan_5_vuotta(oht: Any, _: RuleContext) -> bool:
    return bool(oht.loppu <= plus_years(oht.alku, 5))


def _oppimisen_tuki(tuki: Any, _: RuleContext) -> bool:
    fields = (tuki.alku, tuki.loppu, tuki.tutkinnon_osan_tyyppi_koodi_uri)
    tyyppi = tuki.oppimisen_tuen_tyyppi_koodi_uri
    if tyyppi == TUKIOPETUS:
        return all(x is not None for x in fields)
    return tyyppi in MUU_TUKI and all(x is None for x in fields)


def _only_tuva(_: Any, ctx: RuleContext) -> bool:
    oo = ctx.opiskeluoikeus
    return not ctx.koski or oo is None or oo.is_tuva


OBJECT_RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "oht-osa-aikaisuustieto",
            "Lisää osa-aikaisuustieto, joka on välillä 1-100.",
            "Rule 1: a workplace period ending after 2023-06-30 needs osa-aikaisuustieto 1–100, "
            "unless the study right is outside the feedback target group (TELMA). A missing "
            "study right counts as in the group; skipped in the Vipunen projection.",
            _osa_aikaisuustieto,
        ),
        Rule(
            "oht-yksiloiva-tunniste",
            "Lisää työpaikkajaksoon yksilöivä tunniste.",
            "Rule 2: a workplace period needs yksiloiva-tunniste. The official's (virkailija) "
            "variants instead fill a missing one with a random UUID.",
            _yksiloiva_tunniste,
        ),
        Rule(
            "oht-y-tunnus",
            "Lisää työpaikkajaksoon työpaikan Y-tunnus.",
            "Rule 3: a workplace period ending after 2021-08-25 that has "
            "tyopaikalla-jarjestettava-koulutus needs tyopaikan-y-tunnus.",
            _y_tunnus,
        ),
        Rule(
            "oht-oppisopimuksen-perusta",
            "Lisää jaksoon oppisopimuksen perustan koodi-uri.",
            "Rule 4: an oppisopimus ending on or after 2021-07-01 needs "
            "oppisopimuksen-perusta-koodi-uri.",
            _oppisopimuksen_perusta,
        ),
        Rule(
            "oht-paivamaarat",
            "Korjaa alku- ja loppupäivämäärä oikein päin.",
            "Rule 5: loppu ≥ alku.",
            _paivamaarat,
        ),
        Rule(
            "oht-alku-opiskeluoikeus",
            "Korjaa alkupäivä aikaisintaan opiskeluoikeuden alkamispäiväksi.",
            "Rule 6: alku ≥ the study right's alkamispäivä; skipped without that date or when "
            "the study right is 'katsotaan eronneeksi'.",
            _alku_opiskeluoikeus,
        ),
        Rule(
            "oht-loppu-opiskeluoikeus",
            "Korjaa loppupäivä viimeistään opiskeluoikeuden arvioiduksi päättymispäiväksi.",
            "Rule 7: loppu ≤ the study right's arvioituPäättymispäivä; skipped without that "
            "date or when the study right is 'katsotaan eronneeksi'.",
            _loppu_opiskeluoikeus,
        ),
        Rule(
            "oht-enintaan-5-vuotta",
            "Korjaa jakso enintään 5 vuoden pituiseksi.",
            "Rule 8: loppu ≤ alku + 5 years.",
            _enintaan_5_vuotta,
        ),
        Rule(
            "ei-tuva-tutkinnon-osa",
            "Ota tutkinnonosa pois, koska opiskeluoikeus on TUVA.",
            "Units are not allowed when the study right is TUVA.",
            _not_tuva,
        ),
        Rule(
            "ei-tuva-tukevat-opinnot",
            "Ota tukevat opinnot pois, koska opiskeluoikeus on TUVA.",
            "Not allowed when the study right is TUVA.",
            _not_tuva,
        ),
        Rule(
            "vain-tuva-koulutuksen-osa",
            "Ota koulutuksenosa pois, koska opiskeluoikeus ei ole TUVA.",
            "Only allowed when the study right is TUVA.",
            _only_tuva,
        ),
        Rule(
            "oppimisen-tuki",
            "Määritä alku- ja loppupvm sekä tutkinnonosan tyyppi jos ja vain jos kyseessä on "
            "tukiopetus.",
            "Type _01 (tukiopetus) needs alku, loppu and tutkinnon-osan-tyyppi-koodi-uri; types "
            "_02 and _03 must have none of them; any other type fails.",
            _oppimisen_tuki,
        ),
    )
}
