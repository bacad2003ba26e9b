"""``build``: one HOKS document and its enrichment into the presentation model."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ehoks.enrichment.schemas import EnrichedHoks
from ehoks.web.hoksview import read
from ehoks.web.hoksview.plan import HoksView, Opinto, Support, SupportingStudy
from ehoks.web.hoksview.read import Labels, Node
from ehoks.web.hoksview.status import progress
from ehoks.web.hoksview.timeline import timeline
from ehoks.web.hoksview.units import KOULUTUKSEN_OSAT, prior_units, units

OPPIMISEN_TUKI = "oppimisen-tuki"
TUKEVAT_OPINNOT = "opiskeluvalmiuksia-tukevat-opinnot"


def build(
    document: Mapping[str, Any],
    enriched: EnrichedHoks,
    *,
    today: date,
    opiskeluoikeus: Opinto | None = None,
) -> HoksView:
    """The model of ``document`` (a HOKS's read representation, whole or scoped) as a reader of
    ``enriched.kieli`` sees it on ``today``. ``enriched`` must be the enrichment of this same
    document (``ehoks.enrichment.service.enrich``): labels are found by their place in it.
    ``opiskeluoikeus`` is the study right, when the caller has it (``opinto_from_index``)."""
    labels = Labels(enriched)
    acquired = units(labels, document, today)
    opinto = opiskeluoikeus
    return HoksView(
        kieli=enriched.kieli,
        today=today,
        id=read.integer(document, "id"),
        eid=read.text(document, "eid"),
        oppija_oid=read.text(document, "oppija-oid"),
        opiskeluoikeus_oid=read.text(document, "opiskeluoikeus-oid"),
        tuva_opiskeluoikeus_oid=read.text(document, "tuva-opiskeluoikeus-oid"),
        is_tuva=_is_tuva(document, opinto),
        manuaalisyotto=read.boolean(document, "manuaalisyotto") is True,
        versio=read.integer(document, "versio"),
        ensikertainen_hyvaksyminen=read.day(document, "ensikertainen-hyvaksyminen"),
        hyvaksytty=read.instant_day(document, "hyvaksytty"),
        paivitetty=read.instant_day(document, "paivitetty"),
        osaamisen_saavuttamisen_pvm=read.day(document, "osaamisen-saavuttamisen-pvm"),
        osaamisen_hankkimisen_tarve=read.boolean(document, "osaamisen-hankkimisen-tarve"),
        urasuunnitelma=labels.code(document, (), "urasuunnitelma-koodi-uri"),
        sahkoposti=read.text(document, "sahkoposti"),
        puhelinnumero=read.text(document, "puhelinnumero"),
        opinto=opinto,
        tutkinto=labels.named(opinto.oid, opinto.tutkinto_nimi) if opinto else None,
        osaamisala=labels.named(opinto.oid, opinto.osaamisala_nimi) if opinto else None,
        oppilaitos=(
            labels.named(opinto.oppilaitos_oid, opinto.oppilaitos_nimi) if opinto else None
        ),
        prior=prior_units(labels, document),
        units=acquired,
        progress=progress(acquired),
        oppimisen_tuki=_oppimisen_tuki(labels, document, opinto),
        tukevat_opinnot=tuple(
            SupportingStudy(
                module_id=read.text(node, "module-id"),
                nimi=read.text(node, "nimi"),
                kuvaus=read.text(node, "kuvaus"),
                alku=read.day(node, "alku"),
                loppu=read.day(node, "loppu"),
            )
            for _, node in read.nodes(document, TUKEVAT_OPINNOT)
        ),
        timeline=timeline(acquired, today),
        notices=enriched.notices,
    )


def _is_tuva(document: Node, opinto: Opinto | None) -> bool:
    """Koski's type when the caller knows it; otherwise a HOKS with TUVA modules is one."""
    if opinto is not None and opinto.tyyppi is not None:
        return opinto.tyyppi == "tuva"
    return bool(read.nodes(document, KOULUTUKSEN_OSAT))


def _oppimisen_tuki(labels: Labels, document: Node, opinto: Opinto | None) -> tuple[Support, ...]:
    """Reference 4.4: sorted by the support type's code; dates fall back to the study right's."""
    entries = []
    for i, node in read.nodes(document, OPPIMISEN_TUKI):
        location = (OPPIMISEN_TUKI, i)
        alku = read.day(node, "alku")
        loppu = read.day(node, "loppu")
        fallback_alku = opinto.alku if opinto else None
        fallback_loppu = opinto.loppu if opinto else None
        entries.append(
            Support(
                module_id=read.text(node, "module-id"),
                tyyppi=labels.code(node, location, "oppimisen-tuen-tyyppi-koodi-uri"),
                unit_group=labels.code(node, location, "tutkinnon-osan-tyyppi-koodi-uri"),
                alku=alku or fallback_alku,
                loppu=loppu or fallback_loppu,
                alku_from_study_right=alku is None and fallback_alku is not None,
                loppu_from_study_right=loppu is None and fallback_loppu is not None,
            )
        )
    return tuple(sorted(entries, key=lambda s: s.tyyppi.code if s.tyyppi else ""))
