"""Learning periods, demonstrations, assessors and assessment criteria of one unit."""

from __future__ import annotations

from ehoks.enrichment.schemas import ArvioinninKohdealue, Location
from ehoks.web.hoksview import read
from ehoks.web.hoksview.model import (
    CriteriaArea,
    CriteriaTarget,
    Criterion,
    Demonstration,
    DemonstrationEnvironment,
    EducationAssessor,
    Instructor,
    Interruption,
    OtherEnvironment,
    Period,
    Representative,
    WorkingLifeAssessor,
)
from ehoks.web.hoksview.read import Labels, Node

WORKPLACE_MARKERS = ("koulutussopimus", "oppisopimus")


def is_workplace(code: str | None) -> bool:
    """Reference 3.1: a code containing *koulutussopimus* or *oppisopimus* is a workplace
    period; anything else is learning elsewhere."""
    return code is not None and any(marker in code for marker in WORKPLACE_MARKERS)


def periods(labels: Labels, unit: Node, location: Location) -> tuple[Period, ...]:
    key = "osaamisen-hankkimistavat"
    return tuple(period(labels, node, (*location, key, i)) for i, node in read.nodes(unit, key))


def period(labels: Labels, node: Node, location: Location) -> Period:
    workplace = read.child(node, "tyopaikalla-jarjestettava-koulutus") or {}
    return Period(
        module_id=read.text(node, "module-id"),
        hankkimistapa=labels.code(node, location, "osaamisen-hankkimistapa-koodi-uri"),
        workplace=is_workplace(read.text(node, "osaamisen-hankkimistapa-koodi-uri")),
        alku=read.day(node, "alku"),
        loppu=read.day(node, "loppu"),
        ajanjakson_tarkenne=read.text(node, "ajanjakson-tarkenne"),
        osa_aikaisuustieto=read.integer(node, "osa-aikaisuustieto"),
        oppisopimuksen_perusta=labels.code(node, location, "oppisopimuksen-perusta-koodi-uri"),
        interruptions=tuple(
            Interruption(alku=read.day(k, "alku"), loppu=read.day(k, "loppu"))
            for _, k in read.nodes(node, "keskeytymisajanjaksot")
        ),
        workplace_name=read.text(workplace, "tyopaikan-nimi"),
        y_tunnus=read.text(workplace, "tyopaikan-y-tunnus"),
        instructor=_instructor(read.child(workplace, "vastuullinen-tyopaikka-ohjaaja")),
        key_tasks=read.texts(workplace, "keskeiset-tyotehtavat"),
        jarjestajan_edustaja=_representative(labels, node, location, "jarjestajan-edustaja"),
        hankkijan_edustaja=_representative(labels, node, location, "hankkijan-edustaja"),
        other_environments=tuple(
            OtherEnvironment(
                environment=labels.code(
                    env, (*location, "muut-oppimisymparistot", i), "oppimisymparisto-koodi-uri"
                ),
                alku=read.day(env, "alku"),
                loppu=read.day(env, "loppu"),
            )
            for i, env in read.nodes(node, "muut-oppimisymparistot")
        ),
    )


def _instructor(node: read.Node | None) -> Instructor | None:
    if node is None:
        return None
    return Instructor(
        nimi=read.text(node, "nimi"),
        sahkoposti=read.text(node, "sahkoposti"),
        puhelinnumero=read.text(node, "puhelinnumero"),
    )


def _representative(
    labels: Labels, period_node: Node, location: Location, key: str
) -> Representative | None:
    node = read.child(period_node, key)
    if node is None:
        return None
    return Representative(
        nimi=read.text(node, "nimi"),
        rooli=read.text(node, "rooli"),
        oppilaitos=labels.organisation(node, (*location, key), "oppilaitos-oid"),
    )


def demonstrations(
    labels: Labels, unit: Node, location: Location, key: str = "osaamisen-osoittaminen"
) -> tuple[Demonstration, ...]:
    return tuple(
        demonstration(labels, node, (*location, key, i)) for i, node in read.nodes(unit, key)
    )


def demonstration(labels: Labels, node: Node, location: Location) -> Demonstration:
    environment = read.child(node, "nayttoymparisto")
    jarjestaja = read.child(node, "jarjestaja")
    return Demonstration(
        module_id=read.text(node, "module-id"),
        alku=read.day(node, "alku"),
        loppu=read.day(node, "loppu"),
        environment=(
            DemonstrationEnvironment(
                nimi=read.text(environment, "nimi"),
                y_tunnus=read.text(environment, "y-tunnus"),
                kuvaus=read.text(environment, "kuvaus"),
            )
            if environment is not None
            else None
        ),
        jarjestaja=(
            labels.organisation(jarjestaja, (*location, "jarjestaja"), "oppilaitos-oid")
            if jarjestaja is not None
            else None
        ),
        osa_alueet=tuple(
            label
            for i, alue in read.nodes(node, "osa-alueet")
            if (label := labels.code(alue, (*location, "osa-alueet", i), "koodi-uri"))
        ),
        education_assessors=education_assessors(
            labels, node, location, "koulutuksen-jarjestaja-osaamisen-arvioijat"
        ),
        working_life_assessors=tuple(
            WorkingLifeAssessor(
                nimi=read.text(arvioija, "nimi"),
                organisaatio=read.text(read.child(arvioija, "organisaatio") or {}, "nimi"),
                y_tunnus=read.text(read.child(arvioija, "organisaatio") or {}, "y-tunnus"),
            )
            for _, arvioija in read.nodes(node, "tyoelama-osaamisen-arvioijat")
        ),
        sisallon_kuvaus=read.texts(node, "sisallon-kuvaus"),
        deviation=read.text(node, "vaatimuksista-tai-tavoitteista-poikkeaminen"),
        yksilolliset_kriteerit=read.texts(node, "yksilolliset-kriteerit"),
    )


def education_assessors(
    labels: Labels, node: Node, location: Location, key: str
) -> tuple[EducationAssessor, ...]:
    assessors = []
    for i, arvioija in read.nodes(node, key):
        organisaatio = read.child(arvioija, "organisaatio")
        assessors.append(
            EducationAssessor(
                nimi=read.text(arvioija, "nimi"),
                organisation=(
                    labels.organisation(
                        organisaatio, (*location, key, i, "organisaatio"), "oppilaitos-oid"
                    )
                    if organisaatio is not None
                    else None
                ),
            )
        )
    return tuple(assessors)


def criteria(arviointi: tuple[ArvioinninKohdealue, ...]) -> tuple[CriteriaArea, ...]:
    """Reference 3.2: criteria grouped per target area and per target, each with its level
    unless the scale is pass/fail, sorted alphabetically (as "level: criterion")."""
    return tuple(
        CriteriaArea(
            title=alue.otsikko,
            targets=tuple(
                CriteriaTarget(
                    title=kohde.otsikko,
                    selite=kohde.selite,
                    criteria=tuple(
                        sorted(
                            (
                                Criterion(level=taso.osaamistaso or None, text=kriteeri)
                                for taso in kohde.osaamistasot
                                for kriteeri in taso.kriteerit
                            ),
                            key=lambda c: (c.level or "", c.text),
                        )
                    ),
                )
                for kohde in alue.kohteet
            ),
        )
        for alue in arviointi
    )
