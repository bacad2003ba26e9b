"""The words of a form started from an earlier plan: each carried item's note (where it came
from and how), the notice above the form and the items left out with their reasons. Built in
the page's language from the record the form carries (``web.lomake.jatko``); no router here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ehoks.jatko import terms as mapping
from ehoks.web import i18n
from ehoks.web.i18n import N_
from ehoks.web.lomake.jatko import Alkupera, Jatko, dumps
from ehoks.web.lomake.luonnos import Draft
from ehoks.web.routes.virkailija_lomake_nakyma import Sanat

AS_IT_IS = N_("Aiemmasta suunnitelmasta (HOKS %(hoks)s: %(where)s), sellaisenaan.")
COMPLETED = N_(
    "Aiemmasta suunnitelmasta (HOKS %(hoks)s: %(where)s). Suoritettu Koskessa %(day)s, joten "
    "se on siirretty aiemmaksi osaamiseksi, joka tunnustetaan näytön perusteella."
)
FROM_KOSKI = N_(
    "Koskesta: suoritettu aiemmassa opiskeluoikeudessa %(day)s, vaikka aiempi suunnitelma ei "
    "sitä maininnut. Tunnustetaan aiemmaksi osaamiseksi näytön perusteella."
)
TO_PLAN_AGAIN = N_(
    "Aiemmasta suunnitelmasta (HOKS %(hoks)s: %(where)s), hankittavaksi. Aiemmat ajankohdat, "
    "osaamisen hankkimistavat, näytöt ja arvioijat jätettiin pois: suunnittele ne uudelleen."
)
DAY_UNKNOWN = N_("päivä ei tiedossa")
REASONS = {
    mapping.NOT_IN_QUALIFICATION: N_(
        "ePerusteet ei sijoita tätä tutkinnon osaa uuden opiskeluoikeuden tutkintoon."
    ),
    mapping.PERUSTE_UNKNOWN: N_(
        "Uuden opiskeluoikeuden tutkinnon perustetta ei löydy ePerusteista, joten tutkinnon osan "
        "kuulumista tutkintoon ei voitu todeta."
    ),
    mapping.NOT_ON_VOCATIONAL: N_(
        "Ammatillisen koulutuksen HOKSissa ei ole tutkintokoulutukseen valmentavan koulutuksen "
        "osia."
    ),
    mapping.NOT_ON_TUVA: N_(
        "Tutkintokoulutukseen valmentavan koulutuksen HOKSissa ei ole tutkinnon osia eikä "
        "opiskeluvalmiuksia tukevia opintoja."
    ),
    mapping.NEEDS_NEW_DATES: N_(
        "Koulutuksen osalle suunnitellaan uudet alku- ja loppupäivät, joten sitä ei siirretty."
    ),
}
FROM_KOSKI_PLACE = N_("Koski, aiempi opiskeluoikeus")


def origin_note(jatko: Jatko, sanat: Sanat) -> Callable[[str, Draft | None], str | None]:
    """The note of a form item: ``(collection or root field, the item or None)`` → its words,
    or ``None`` when the item was not carried (added or changed on the form)."""

    def note(kohde: str, item: Draft | None) -> str | None:
        osa = jatko.note_of(kohde, item)
        return _words(osa, jatko.hoks_id, sanat) if osa is not None else None

    return note


def _words(osa: Alkupera, hoks_id: int, sanat: Sanat) -> str:
    day = i18n.format_day(osa.paiva, sanat.lang) if osa.paiva else sanat(DAY_UNKNOWN)
    if osa.tapa == mapping.COMPLETED and osa.lahde == mapping.KOSKI:
        return sanat(FROM_KOSKI, day=day)
    where = sanat.where(osa.lahde, "post") if osa.lahde != mapping.KOSKI else ""
    if osa.tapa == mapping.COMPLETED:
        return sanat(COMPLETED, hoks=hoks_id, where=where, day=day)
    if osa.tapa == mapping.TO_PLAN_AGAIN:
        return sanat(TO_PLAN_AGAIN, hoks=hoks_id, where=where)
    return sanat(AS_IT_IS, hoks=hoks_id, where=where)


def notice(
    jatko: Jatko, sanat: Sanat, name_of: Callable[[str], str], earlier_url: str
) -> dict[str, Any]:
    """What the template shows above the form: the earlier plan, what was left out and why,
    and the record to carry in the hidden field."""
    left_out = []
    for pois in jatko.pois:
        where = (
            sanat(FROM_KOSKI_PLACE)
            if pois.lahde == mapping.KOSKI
            else sanat.where(pois.lahde, "post")
        )
        reason = REASONS.get(pois.syy)
        left_out.append(
            {
                "where": where,
                "name": name_of(pois.nimi) if pois.nimi else "",
                "reason": sanat(reason) if reason else pois.syy,
            }
        )
    return {
        "hoks_id": jatko.hoks_id,
        "url": earlier_url,
        "left_out": left_out,
        "record": dumps(jatko),
    }
