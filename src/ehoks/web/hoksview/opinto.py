"""The study right's details for the model, from what the caller has: the learner index row or
Koski's answer."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from ehoks.web.hoksview.plan import Opinto

if TYPE_CHECKING:
    from ehoks.oppijaindex.models import IndexOpiskeluoikeus
    from ehoks.registries.koski.schemas import Opiskeluoikeus


def opinto_from_index(
    row: IndexOpiskeluoikeus,
    *,
    oppilaitos_nimi: Mapping[str, str] | None = None,
    tila_tarkistamatta: bool = False,
) -> Opinto:
    """From ``OppijaIndexRepository.opiskeluoikeus(oid)``. The index keeps the school's OID
    only, so its name (``{"fi": …}``, e.g. from the Organisaatio port) comes from the caller;
    it has no state, type, tutkintonimike, partial-qualification flag, diary number or scope,
    and its end date is the estimated one. ``tila_tarkistamatta``: the caller asked Koski and
    fell back to this row."""
    return Opinto(
        oid=row.oid,
        tutkinto_nimi=dict(row.tutkinto_nimi or {}),
        osaamisala_nimi=dict(row.osaamisala_nimi or {}),
        oppilaitos_nimi=dict(oppilaitos_nimi or {}),
        oppilaitos_oid=row.oppilaitos_oid,
        alku=row.alkamispaiva,
        loppu=row.arvioitu_paattymispaiva,
        loppu_arvioitu=row.arvioitu_paattymispaiva is not None,
        tila_tarkistamatta=tila_tarkistamatta,
    )


def opinto_from_koski(
    opiskeluoikeus: Opiskeluoikeus,
    *,
    oppilaitos_nimi: Mapping[str, str] | None = None,
    laajuus: Decimal | None = None,
) -> Opinto:
    """From the Koski port's ``get_opiskeluoikeus``: the actual end date when the study right
    has ended, else the estimated one. ``laajuus`` is the qualification's total scope, when
    the caller has it from ePerusteet."""
    loppu = opiskeluoikeus.paattymispaiva or opiskeluoikeus.arvioitu_paattymispaiva
    return Opinto(
        oid=opiskeluoikeus.oid,
        tutkinto_nimi=dict(opiskeluoikeus.tutkinto_nimi),
        osaamisala_nimi=dict(opiskeluoikeus.osaamisala_nimi),
        oppilaitos_nimi=dict(oppilaitos_nimi or {}),
        oppilaitos_oid=opiskeluoikeus.oppilaitos_oid,
        alku=opiskeluoikeus.alkamispaiva,
        loppu=loppu,
        loppu_arvioitu=opiskeluoikeus.paattymispaiva is None and loppu is not None,
        tila=opiskeluoikeus.tila,
        tyyppi=opiskeluoikeus.tyyppi,
        tila_nimi=dict(opiskeluoikeus.tila_nimi),
        tutkintonimike_nimi=dict(opiskeluoikeus.tutkintonimike_nimi),
        osittainen=opiskeluoikeus.osittainen,
        diaarinumero=opiskeluoikeus.diaarinumero,
        laajuus=laajuus,
    )
