"""The cards: units to acquire and units of prior competence, in the original's order
(reference ``ehoks-ui.md`` 3.2): vocational, local, TUVA modules, then the common units'
sub-areas, each sub-area a card of its own; prior competence the same without TUVA."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ehoks.enrichment.schemas import Label, Location, PerusteenOsa
from ehoks.web.hoksview import details, read
from ehoks.web.hoksview.model import (
    PriorKind,
    PriorUnit,
    ScopeUnit,
    Unit,
    UnitKind,
    VerificationKind,
)
from ehoks.web.hoksview.read import Labels, Node
from ehoks.web.hoksview.status import tuva_status, unit_status

AMMAT = "hankittavat-ammat-tutkinnon-osat"
PAIKALLISET = "hankittavat-paikalliset-tutkinnon-osat"
YHTEISET = "hankittavat-yhteiset-tutkinnon-osat"
KOULUTUKSEN_OSAT = "hankittavat-koulutuksen-osat"
AIEMMIN_AMMAT = "aiemmin-hankitut-ammat-tutkinnon-osat"
AIEMMIN_PAIKALLISET = "aiemmin-hankitut-paikalliset-tutkinnon-osat"
AIEMMIN_YHTEISET = "aiemmin-hankitut-yhteiset-tutkinnon-osat"

UNIT_CODE = "tutkinnon-osa-koodi-uri"
OSA_ALUE_CODE = "osa-alue-koodi-uri"
TUVA_CODE = "koulutuksen-osa-koodi-uri"
KJ = "koulutuksen-jarjestaja-oid"
POIKKEAMINEN = "vaatimuksista-tai-tavoitteista-poikkeaminen"

VERIFICATION_KINDS: dict[str, VerificationKind] = {
    # The demo Koodisto's names: "Todentaminen suoraan", "… arvioijien kautta", "… näytön tai
    # muun osaamisen osoittamisen kautta".
    "osaamisentodentamisenprosessi_0001": "direct",
    "osaamisentodentamisenprosessi_0002": "assessors",
    "osaamisentodentamisenprosessi_0003": "demonstration",
}


def local_title(node: Node) -> Label:
    """A local unit is titled by its own name (no registry names it)."""
    nimi = read.text(node, "nimi")
    tunniste = read.text(node, "amosaa-tunniste")
    return Label(code=tunniste or nimi or "", text=nimi or tunniste or "", kieli=None)


# Units to acquire.


def units(labels: Labels, document: Node, today: date) -> tuple[Unit, ...]:
    found: list[Unit] = []
    for i, node in read.nodes(document, AMMAT):
        location: Location = (AMMAT, i)
        osa = labels.osa(location)
        title = labels.title(node, location, UNIT_CODE)
        found.append(_unit(labels, "vocational", node, location, today, title=title, osa=osa))
    for i, node in read.nodes(document, PAIKALLISET):
        location = (PAIKALLISET, i)
        found.append(
            _unit(
                labels,
                "local",
                node,
                location,
                today,
                title=local_title(node),
                osa=None,
                scope=read.number(node, "laajuus"),
            )
        )
    found.extend(tuva_units(labels, document, today))
    for i, parent in read.nodes(document, YHTEISET):
        parent_location = (YHTEISET, i)
        parent_title = labels.title(parent, parent_location, UNIT_CODE)
        for j, node in read.nodes(parent, "osa-alueet"):
            location = (*parent_location, "osa-alueet", j)
            found.append(
                _unit(
                    labels,
                    "common",
                    node,
                    location,
                    today,
                    title=labels.title(node, location, OSA_ALUE_CODE),
                    osa=labels.osa(location),
                    parent=parent,
                    parent_location=parent_location,
                    parent_title=parent_title,
                )
            )
    return tuple(found)


def _unit(
    labels: Labels,
    kind: UnitKind,
    node: Node,
    location: Location,
    today: date,
    *,
    title: Label,
    osa: PerusteenOsa | None,
    scope: Decimal | None = None,
    parent: Node | None = None,
    parent_location: Location | None = None,
    parent_title: Label | None = None,
) -> Unit:
    periods = details.periods(labels, node, location)
    demonstrations = details.demonstrations(labels, node, location)
    status, reason = unit_status(periods, demonstrations, today)
    code_key = OSA_ALUE_CODE if kind == "common" else UNIT_CODE
    return Unit(
        kind=kind,
        module_id=read.text(node, "module-id"),
        code=read.text(node, code_key) if kind != "local" else None,
        title=title,
        scope=scope if scope is not None else (osa.laajuus if osa else None),
        scope_unit="osp",
        status=status,
        status_reason=reason,
        periods=periods,
        demonstrations=demonstrations,
        requirements=osa.vaatimukset if osa else None,
        criteria=details.criteria(osa.arviointi) if osa else (),
        notice=osa.notice if osa else None,
        perusteen_osa=osa,
        koulutuksen_jarjestaja=_kj(labels, node, location, parent, parent_location),
        opetus_ja_ohjaus_maara=read.number(node, "opetus-ja-ohjaus-maara"),
        olennainen_seikka=read.boolean(node, "olennainen-seikka"),
        deviation=read.text(node, POIKKEAMINEN),
        tavoitteet_ja_sisallot=read.text(node, "tavoitteet-ja-sisallot"),
        amosaa_tunniste=read.text(node, "amosaa-tunniste"),
        perusteen_diaarinumero=read.text(node, "tutkinnon-osan-perusteen-diaarinro"),
        parent_title=parent_title,
        parent_module_id=read.text(parent, "module-id") if parent is not None else None,
        alku=None,
        loppu=None,
    )


def tuva_units(labels: Labels, document: Node, today: date) -> list[Unit]:
    found = []
    for i, node in read.nodes(document, KOULUTUKSEN_OSAT):
        location = (KOULUTUKSEN_OSAT, i)
        osa = labels.osa(location)
        loppu = read.day(node, "loppu")
        status, reason = tuva_status(loppu, today)
        scope_unit: ScopeUnit = "weeks"
        found.append(
            Unit(
                kind="tuva",
                module_id=read.text(node, "module-id"),
                code=read.text(node, TUVA_CODE),
                title=labels.title(node, location, TUVA_CODE),
                scope=read.number(node, "laajuus"),
                scope_unit=scope_unit,
                status=status,
                status_reason=reason,
                periods=(),
                demonstrations=(),
                requirements=None,
                criteria=(),
                notice=osa.notice if osa else None,
                perusteen_osa=osa,
                koulutuksen_jarjestaja=None,
                opetus_ja_ohjaus_maara=None,
                olennainen_seikka=None,
                deviation=None,
                tavoitteet_ja_sisallot=None,
                amosaa_tunniste=None,
                perusteen_diaarinumero=None,
                parent_title=None,
                parent_module_id=None,
                alku=read.day(node, "alku"),
                loppu=loppu,
            )
        )
    return found


def _kj(
    labels: Labels,
    node: Node,
    location: Location,
    parent: Node | None,
    parent_location: Location | None,
) -> Label | None:
    """The unit's provider; a sub-area without one shows its common unit's."""
    own = labels.organisation(node, location, KJ)
    if own is None and parent is not None and parent_location is not None:
        return labels.organisation(parent, parent_location, KJ)
    return own


# Prior competence.


def prior_units(labels: Labels, document: Node) -> tuple[PriorUnit, ...]:
    found: list[PriorUnit] = []
    for i, node in read.nodes(document, AIEMMIN_AMMAT):
        location: Location = (AIEMMIN_AMMAT, i)
        found.append(
            _prior(
                labels,
                "vocational",
                node,
                location,
                title=labels.title(node, location, UNIT_CODE),
                osa=labels.osa(location),
            )
        )
    for i, node in read.nodes(document, AIEMMIN_PAIKALLISET):
        location = (AIEMMIN_PAIKALLISET, i)
        found.append(
            _prior(
                labels,
                "local",
                node,
                location,
                title=local_title(node),
                osa=None,
                scope=read.number(node, "laajuus"),
            )
        )
    for i, parent in read.nodes(document, AIEMMIN_YHTEISET):
        parent_location = (AIEMMIN_YHTEISET, i)
        parent_title = labels.title(parent, parent_location, UNIT_CODE)
        for j, node in read.nodes(parent, "osa-alueet"):
            location = (*parent_location, "osa-alueet", j)
            found.append(
                _prior(
                    labels,
                    "common",
                    node,
                    location,
                    title=labels.title(node, location, OSA_ALUE_CODE),
                    osa=labels.osa(location),
                    parent=parent,
                    parent_location=parent_location,
                    parent_title=parent_title,
                )
            )
    return tuple(found)


def _prior(
    labels: Labels,
    kind: PriorKind,
    node: Node,
    location: Location,
    *,
    title: Label,
    osa: PerusteenOsa | None,
    scope: Decimal | None = None,
    parent: Node | None = None,
    parent_location: Location | None = None,
    parent_title: Label | None = None,
) -> PriorUnit:
    # A sub-area verified as part of its common unit carries the verification on the unit.
    source, source_location = node, location
    if (
        parent is not None
        and parent_location is not None
        and read.text(node, "valittu-todentamisen-prosessi-koodi-uri") is None
    ):
        source, source_location = parent, parent_location
    process = read.text(source, "valittu-todentamisen-prosessi-koodi-uri")
    assessment = read.child(source, "tarkentavat-tiedot-osaamisen-arvioija") or {}
    assessment_location = (*source_location, "tarkentavat-tiedot-osaamisen-arvioija")
    demonstrations = details.demonstrations(labels, node, location, "tarkentavat-tiedot-naytto")
    if not demonstrations and parent is not None and parent_location is not None:
        demonstrations = details.demonstrations(
            labels, parent, parent_location, "tarkentavat-tiedot-naytto"
        )
    code_key = OSA_ALUE_CODE if kind == "common" else UNIT_CODE
    return PriorUnit(
        kind=kind,
        module_id=read.text(node, "module-id"),
        code=read.text(node, code_key) if kind != "local" else None,
        title=title,
        scope=scope if scope is not None else (osa.laajuus if osa else None),
        notice=osa.notice if osa else None,
        perusteen_osa=osa,
        verification=labels.code(
            source, source_location, "valittu-todentamisen-prosessi-koodi-uri"
        ),
        verification_kind=VERIFICATION_KINDS.get(process or ""),
        lahetetty_arvioitavaksi=read.day(assessment, "lahetetty-arvioitavaksi"),
        assessors=details.education_assessors(
            labels, assessment, assessment_location, "aiemmin-hankitun-osaamisen-arvioijat"
        ),
        demonstrations=demonstrations,
        koulutuksen_jarjestaja=_kj(labels, node, location, parent, parent_location),
        olennainen_seikka=read.boolean(node, "olennainen-seikka"),
        deviation=read.text(node, POIKKEAMINEN),
        tavoitteet_ja_sisallot=read.text(node, "tavoitteet-ja-sisallot"),
        amosaa_tunniste=read.text(node, "amosaa-tunniste"),
        perusteen_diaarinumero=read.text(node, "tutkinnon-osan-perusteen-diaarinro"),
        parent_title=parent_title,
        parent_module_id=read.text(parent, "module-id") if parent is not None else None,
    )
