"""The HOKS presentation model (``ehoks.web.hoksview``): status and progress rules, unit order,
labels in place of codes, the timeline, scoped documents and a demo plan end to end."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from sqlalchemy import Engine

from ehoks.config import Settings
from ehoks.demo.loader import DATA_DIR
from ehoks.enrichment.schemas import (
    ArvioinninKohde,
    ArvioinninKohdealue,
    EnrichedHoks,
    OsaamistasonKriteerit,
)
from ehoks.enrichment.service import enrich
from ehoks.hoks.schemas.views import read_view
from ehoks.hoks.scoped import scoped_view
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.registries import build_registries
from ehoks.registries.koski.schemas import Opiskeluoikeus
from ehoks.registries.local import import_directory
from ehoks.web.hoksview import (
    Criterion,
    HoksView,
    Opinto,
    build,
    is_workplace,
    opinto_from_index,
    opinto_from_koski,
)
from ehoks.web.hoksview.details import criteria
from tests.enrichment import documents as d
from tests.enrichment.world import standard_world

TODAY = date(2025, 3, 1)
KOULUTUSSOPIMUS = "osaamisenhankkimistapa_koulutussopimus"
OPPILAITOS = "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus"


# Documents and enrichments.


def iso(value: date) -> str:
    return value.isoformat()


def period(
    alku: date,
    loppu: date,
    *,
    code: str = KOULUTUSSOPIMUS,
    place: str | None = "Esimerkki Oy",
    module_id: str | None = None,
    interruptions: tuple[tuple[date, date | None], ...] = (),
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "alku": iso(alku),
        "loppu": iso(loppu),
        "osaamisen-hankkimistapa-koodi-uri": code,
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "keskeytymisajanjaksot": [
            {"alku": iso(a), **({"loppu": iso(b)} if b else {})} for a, b in interruptions
        ],
    }
    if place:
        node["tyopaikalla-jarjestettava-koulutus"] = {
            "tyopaikan-nimi": place,
            "vastuullinen-tyopaikka-ohjaaja": {"nimi": "Olli Ohjaaja"},
            "keskeiset-tyotehtavat": ["Asiakaspalvelu"],
        }
    if module_id:
        node["module-id"] = module_id
    return node


def demo(
    alku: date, loppu: date, *, place: str = "Näyttö Oy", module_id: str | None = None
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "alku": iso(alku),
        "loppu": iso(loppu),
        "nayttoymparisto": {"nimi": place},
        "sisallon-kuvaus": ["Asiakaspalvelutilanteet"],
    }
    if module_id:
        node["module-id"] = module_id
    return node


def vocational(
    code: str = d.AMMAT_UNITS[0], *, periods: tuple[Any, ...] = (), demos: tuple[Any, ...] = ()
) -> dict[str, Any]:
    return {
        "tutkinnon-osa-koodi-uri": code,
        "tutkinnon-osa-koodi-versio": 1,
        "osaamisen-hankkimistavat": list(periods),
        "osaamisen-osoittaminen": list(demos),
    }


def local(
    nimi: str, *, laajuus: int | None = None, periods: tuple[Any, ...] = (), demos: tuple = ()
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "nimi": nimi,
        "osaamisen-hankkimistavat": list(periods),
        "osaamisen-osoittaminen": list(demos),
    }
    if laajuus is not None:
        node["laajuus"] = laajuus
    return node


def tuva(alku: date, loppu: date, *, laajuus: int = 4, code: str = d.TUVA_OSAT[0]) -> dict:
    return {
        "koulutuksen-osa-koodi-uri": code,
        "koulutuksen-osa-koodi-versio": 1,
        "alku": iso(alku),
        "loppu": iso(loppu),
        "laajuus": laajuus,
    }


def hoks(**collections: Any) -> dict[str, Any]:
    keys = {
        "ammat": "hankittavat-ammat-tutkinnon-osat",
        "paikalliset": "hankittavat-paikalliset-tutkinnon-osat",
        "tuva": "hankittavat-koulutuksen-osat",
    }
    document = {
        "id": 7,
        "eid": "00000000-0000-4000-8000-000000000007",
        "oppija-oid": "1.2.246.562.24.10000000008",
        "opiskeluoikeus-oid": "1.2.246.562.15.10000000009",
    }
    for name, items in collections.items():
        document[keys.get(name, name)] = items
    return read_view(document)


def bare(document: dict[str, Any], kieli: str = "fi") -> EnrichedHoks:
    """An enrichment that names nothing (as if every registry were silent)."""
    return EnrichedHoks(
        kieli="sv" if kieli == "sv" else "fi",
        document=document,
        parts=(),
        labels=MappingProxyType({}),
        perusteen_osat=MappingProxyType({}),
        notices=(),
        registry_calls=MappingProxyType({}),
    )


def enriched(document: dict[str, Any], kieli: str = "fi") -> EnrichedHoks:
    """The enrichment over the registry world of ``tests/enrichment``."""
    registries, _ = standard_world().registries()
    return enrich(document, registries, kieli=kieli)


def view_of(document: dict[str, Any], *, today: date = TODAY, **kwargs: Any) -> HoksView:
    return build(document, bare(document), today=today, **kwargs)


# Status (reference 3.2, getTila).


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        pytest.param(vocational(), ("planned", "no-dates"), id="nothing-dated"),
        pytest.param(
            vocational(periods=(period(days(-400), days(-300)),)),
            ("scheduled", "no-demonstration"),
            id="period-long-ago-but-no-demonstration-is-never-ready",
        ),
        pytest.param(
            vocational(demos=(demo(days(10), days(12)),)),
            ("scheduled", "demonstration-recent"),
            id="demonstration-ahead",
        ),
        pytest.param(
            vocational(demos=(demo(days(-20), days(-14)),)),
            ("ready", "demonstrations-done"),
            id="ended-exactly-14-days-ago",
        ),
        pytest.param(
            vocational(demos=(demo(days(-20), days(-13)),)),
            ("scheduled", "demonstration-recent"),
            id="ended-13-days-ago",
        ),
        pytest.param(
            vocational(demos=(demo(days(-13), days(-13)),)),
            ("scheduled", "demonstration-recent"),
            id="started-13-days-ago",
        ),
        pytest.param(
            vocational(demos=(demo(days(-100), days(-90)), demo(days(-5), days(-3)))),
            ("scheduled", "demonstration-recent"),
            id="latest-demonstration-decides",
        ),
        pytest.param(
            vocational(
                periods=(period(days(-10), days(30)),),
                demos=(demo(days(-100), days(-90)), demo(days(-30), days(-15))),
            ),
            ("ready", "demonstrations-done"),
            id="periods-do-not-hold-back-ready",
        ),
    ],
)
def test_unit_status(unit: dict[str, Any], expected: tuple[str, str]) -> None:
    built = view_of(hoks(ammat=[unit])).units[0]
    assert (built.status, built.status_reason) == expected


@pytest.mark.parametrize(
    ("loppu", "expected"),
    [
        (days(-1), ("ready", "tuva-ended")),
        (TODAY, ("ready", "tuva-ended")),
        (days(1), ("scheduled", "tuva-not-ended")),
    ],
)
def test_tuva_module_is_ready_from_its_end_date(loppu: date, expected: tuple) -> None:
    built = view_of(hoks(tuva=[tuva(days(-100), loppu)])).units[0]
    assert built.kind == "tuva"
    assert (built.status, built.status_reason) == expected


def test_the_same_unit_moves_from_scheduled_to_ready_as_days_pass() -> None:
    document = hoks(ammat=[vocational(demos=(demo(date(2025, 1, 10), date(2025, 1, 15)),))])
    assert view_of(document, today=date(2025, 1, 28)).units[0].status == "scheduled"
    assert view_of(document, today=date(2025, 1, 29)).units[0].status == "ready"


# Progress.


def test_progress_counts_percentages_and_competence_points() -> None:
    document = hoks(
        ammat=[
            vocational(d.AMMAT_UNITS[0]),  # 25 osp, planned
            vocational(d.AMMAT_UNITS[1], periods=(period(days(1), days(60)),)),  # 15, scheduled
            vocational(d.AMMAT_UNITS[2], demos=(demo(days(-60), days(-50)),)),  # unknown, ready
        ],
        paikalliset=[local("Oma osa", laajuus=5, demos=(demo(days(-60), days(-50)),))],
    )
    progress = build(document, enriched(document), today=TODAY).progress

    assert progress.total == 4
    assert [(p.status, p.count, p.percent) for p in progress.by_status] == [
        ("planned", 1, 25),
        ("scheduled", 1, 25),
        ("ready", 2, 50),
    ]
    assert progress.planned.osp == Decimal(25)
    assert progress.scheduled.osp == Decimal(15)
    assert progress.ready.osp == Decimal(5)
    assert progress.ready.unknown_scope == 1
    assert progress.total_osp == Decimal(45)
    assert [u.title.text for u in progress.ready.units] == [
        "Hautausmaiden viheralueista huolehtiminen",
        "Oma osa",
    ]


def test_progress_percentages_round_half_up() -> None:
    dated = (period(days(1), days(2)),)
    units = [local("Suunniteltu")] + [local(f"Osa {i}", periods=dated) for i in range(7)]
    progress = view_of(hoks(paikalliset=units)).progress
    # 1/8 = 12.5 % and 7/8 = 87.5 %: half up, as the original's Math.round.
    assert (progress.planned.percent, progress.scheduled.percent) == (13, 88)
    assert progress.ready.percent == 0


def test_progress_of_a_tuva_plan_counts_weeks() -> None:
    document = read_view(d.tuva_hoks())
    progress = view_of(document, today=date(2024, 12, 20)).progress
    assert (progress.ready.count, progress.ready.percent) == (3, 100)
    assert progress.total_weeks == Decimal(12)
    assert progress.total_osp == Decimal(0)


def test_an_empty_plan_has_no_progress() -> None:
    progress = view_of(hoks()).progress
    assert progress.total == 0
    assert [p.percent for p in progress.by_status] == [0, 0, 0]


# Unit order and the common units' sub-areas.


@pytest.fixture(scope="module")
def full() -> tuple[dict[str, Any], EnrichedHoks]:
    document = read_view(d.full_hoks())
    return document, enriched(document)


def test_units_in_the_original_order_with_common_units_flattened(full) -> None:
    document, enrichment = full
    view = build(document, enrichment, today=TODAY)

    assert [u.kind for u in view.units] == ["vocational"] * 6 + ["local"] + ["tuva"] * 3 + [
        "common"
    ] * 2
    common = view.units[-2:]
    assert [u.title.text for u in common] == ["Yhteiskunnassa toimiminen", "Työelämässä toimiminen"]
    assert {u.parent_title.text for u in common if u.parent_title} == {
        "Yhteiskunta- ja työelämäosaaminen"
    }
    assert [u.code for u in common] == list(d.YTO_OSA_ALUEET)
    assert (
        common[0].parent_module_id
        == document["hankittavat-yhteiset-tutkinnon-osat"][0]["module-id"]
    )
    assert [len(u.periods) for u in common] == [1, 1]
    assert view.units[6].title.text == "Paikallinen osa"
    assert view.units[6].code is None


def test_prior_competence_order_and_verification(full) -> None:
    document, enrichment = full
    prior = build(document, enrichment, today=TODAY).prior

    assert [p.kind for p in prior] == ["vocational"] * 3 + ["local", "common"]
    assert [p.verification_kind for p in prior[:3]] == ["direct", "assessors", "demonstration"]
    assert [p.verification.text for p in prior[:3] if p.verification] == [
        "Suoraan",
        "Arvioijien kautta",
        "Näyttö",
    ]
    first = prior[0]
    assert first.title.text == "Asiakaspalvelu"
    assert first.scope == Decimal(25)
    assert first.lahetetty_arvioitavaksi == date(2024, 8, 1)
    assert [(a.nimi, a.organisation.text if a.organisation else None) for a in first.assessors] == [
        ("Aino Arvioija", "Bara på svenska")
    ]
    assert first.koulutuksen_jarjestaja
    assert first.koulutuksen_jarjestaja.text == "Toinen opisto"
    assert [x.alku for x in first.demonstrations] == [date(2024, 12, 1)]
    common = prior[4]
    assert common.title.text == "Yhteiskunnassa toimiminen"
    assert common.parent_title
    assert common.parent_title.text == "Yhteiskunta- ja työelämäosaaminen"
    assert common.verification_kind == "demonstration"  # its own, not its unit's (assessors)


def test_a_sub_area_without_its_own_verification_shows_its_units() -> None:
    raw = d.full_hoks()
    del raw["aiemmin-hankitut-yhteiset-tutkinnon-osat"][0]["osa-alueet"][0][
        "valittu-todentamisen-prosessi-koodi-uri"
    ]
    document = read_view(raw)
    common = build(document, enriched(document), today=TODAY).prior[-1]
    assert common.verification_kind == "assessors"
    assert common.verification
    assert common.verification.text == "Arvioijien kautta"


# Labels in place of codes.


def test_codes_and_oids_are_shown_by_their_names(full) -> None:
    document, enrichment = full
    view = build(document, enrichment, today=TODAY)
    unit = view.units[0]

    assert view.urasuunnitelma
    assert view.urasuunnitelma.text == "Jatko-opinnot"
    assert unit.title.text == "Asiakaspalvelu"
    assert unit.title.notice is None
    assert unit.scope == Decimal(25)
    assert unit.koulutuksen_jarjestaja
    assert unit.koulutuksen_jarjestaja.text == "Esimerkkiopisto"

    workplace, apprenticeship = unit.periods
    assert workplace.hankkimistapa
    assert workplace.hankkimistapa.text == "Koulutussopimus"
    assert apprenticeship.hankkimistapa
    assert apprenticeship.hankkimistapa.text == "Oppisopimus"
    assert (workplace.workplace, apprenticeship.workplace) == (True, True)
    assert apprenticeship.oppisopimuksen_perusta is not None
    assert apprenticeship.oppisopimuksen_perusta.text == "Tutkinto"
    assert workplace.oppisopimuksen_perusta is None
    assert [e.environment.text for e in workplace.other_environments if e.environment] == [
        "Simulaattori"
    ]
    assert workplace.other_environments[0].alku == date(2024, 10, 1)
    assert workplace.jarjestajan_edustaja
    assert workplace.jarjestajan_edustaja.nimi == "Eija Edustaja"
    assert workplace.jarjestajan_edustaja.oppilaitos is not None
    assert workplace.jarjestajan_edustaja.oppilaitos.text == "Bara på svenska"
    assert workplace.instructor
    assert workplace.instructor.nimi == "Olli Ohjaaja"
    assert (workplace.workplace_name, workplace.key_tasks) == ("Esimerkki Oy", ("Asiakaspalvelu",))

    shown = unit.demonstrations[0]
    assert shown.jarjestaja
    assert shown.jarjestaja.text == "Näyttöopisto"
    assert [a.text for a in shown.osa_alueet] == ["Kuvataide"]
    assert [(a.nimi, a.organisation.text) for a in shown.education_assessors if a.organisation] == [
        ("Kaisa Kouluttaja", "Näyttöopisto")
    ]
    assert [(a.nimi, a.organisaatio) for a in shown.working_life_assessors] == [
        ("Tiina Työelämä", "Esimerkki Oy")
    ]
    assert shown.environment
    assert shown.environment.nimi == "Esimerkki Oy"
    assert shown.sisallon_kuvaus == ("Asiakaspalvelutilanteet",)

    support = view.oppimisen_tuki[0]
    assert support.tyyppi
    assert support.tyyppi.text == "Tukiopetus"
    assert support.unit_group
    assert support.unit_group.text == "Ammatilliset tutkinnon osat"
    assert view.units[7].title.text == "Opiskelu- ja urasuunnittelutaidot"


def test_labels_follow_the_readers_language() -> None:
    document = read_view(d.full_hoks())
    view = build(document, enriched(document, kieli="sv"), today=TODAY)
    assert view.kieli == "sv"
    assert view.urasuunnitelma
    assert view.urasuunnitelma.text == "Fortsatta studier"
    assert view.units[0].title.text == "Kundservice"
    assert view.units[0].koulutuksen_jarjestaja is not None
    assert view.units[0].koulutuksen_jarjestaja.text == "Exempelinstitutet"
    # Finnish only: the Finnish name, with its language.
    osa = view.units[-1].koulutuksen_jarjestaja
    assert osa is not None
    assert (osa.text, osa.kieli) == ("Toinen opisto", "fi")


def test_requirements_and_criteria_come_from_eperusteet(full) -> None:
    document, enrichment = full
    unit = build(document, enrichment, today=TODAY).units[0]
    assert unit.requirements is not None
    assert unit.requirements.kohde == "Opiskelija osaa"
    assert unit.requirements.vaatimukset == ("palvella asiakkaita", "käyttää kassaa")
    (area,) = unit.criteria
    assert area.title == "Työprosessin hallinta"
    (target,) = area.targets
    assert target.title == "Asiakkaan palveleminen"
    assert target.criteria == (Criterion("1", "tervehtii"), Criterion("5", "palvelee"))
    assert unit.notice is None


def test_pass_fail_criteria_have_no_level_and_are_sorted() -> None:
    area = ArvioinninKohdealue(
        otsikko="Alue",
        kohteet=(
            ArvioinninKohde(
                otsikko="Kohde",
                selite=None,
                osaamistasot=(OsaamistasonKriteerit("", ("toimii turvallisesti", "ajoittaa")),),
            ),
        ),
    )
    (built,) = criteria((area,))
    assert built.targets[0].criteria == (
        Criterion(None, "ajoittaa"),
        Criterion(None, "toimii turvallisesti"),
    )


def test_what_no_registry_names_is_its_code_with_a_notice() -> None:
    document = hoks(ammat=[vocational("tutkinnonosat_999999")])
    document["urasuunnitelma-koodi-uri"] = "urasuunnitelma_0099"
    view = build(document, enriched(document), today=TODAY)

    assert view.urasuunnitelma is not None
    assert view.urasuunnitelma.text == "urasuunnitelma_0099"
    assert view.urasuunnitelma.notice
    assert view.urasuunnitelma.notice.registry == "Koodisto"
    unit = view.units[0]
    assert unit.title.text == "tutkinnonosat_999999"
    assert unit.title.notice is not None
    assert unit.notice is not None
    assert unit.notice.registry == "ePerusteet"
    assert (unit.requirements, unit.criteria, unit.scope) == (None, (), None)
    assert {n.code for n in view.notices} == {"urasuunnitelma_0099", "tutkinnonosat_999999"}


def test_an_enrichment_of_another_document_never_shows_a_wrong_name() -> None:
    document = hoks(ammat=[vocational(periods=(period(days(1), days(2)),))])
    document["urasuunnitelma-koodi-uri"] = d.URASUUNNITELMA
    view = view_of(document)
    assert view.urasuunnitelma
    assert view.urasuunnitelma.text == d.URASUUNNITELMA
    assert view.urasuunnitelma.notice is not None
    assert view.units[0].periods[0].hankkimistapa is not None
    assert view.units[0].periods[0].hankkimistapa.code == KOULUTUSSOPIMUS


def test_workplace_periods_are_told_by_their_code() -> None:
    assert is_workplace("osaamisenhankkimistapa_koulutussopimus")
    assert is_workplace("osaamisenhankkimistapa_oppisopimus")
    assert not is_workplace(OPPILAITOS)
    assert not is_workplace(None)
    document = hoks(ammat=[vocational(periods=(period(days(1), days(9), code=OPPILAITOS),))])
    assert view_of(document).units[0].periods[0].workplace is False


# Basic data, the study right and learning support.


def test_basic_data_are_dates_and_values() -> None:
    document = hoks()
    document.update(
        {
            "ensikertainen-hyvaksyminen": "2024-08-15",
            "osaamisen-saavuttamisen-pvm": "2026-05-31",
            "hyvaksytty": "2024-08-15T09:00:00.000Z",
            # 23.30 UTC on 31 January is 1 February in Finland.
            "paivitetty": "2025-01-31T23:30:00.000Z",
            "osaamisen-hankkimisen-tarve": False,
            "sahkoposti": "opiskelija@example.org",
            "puhelinnumero": "040 123 4567",
            "tuva-opiskeluoikeus-oid": "1.2.246.562.15.10000000010",
        }
    )
    view = view_of(document)
    assert (view.id, view.eid) == (7, "00000000-0000-4000-8000-000000000007")
    assert view.ensikertainen_hyvaksyminen == date(2024, 8, 15)
    assert view.osaamisen_saavuttamisen_pvm == date(2026, 5, 31)
    assert view.hyvaksytty == date(2024, 8, 15)
    assert view.paivitetty == date(2025, 2, 1)
    assert view.osaamisen_hankkimisen_tarve is False
    assert (view.sahkoposti, view.puhelinnumero) == ("opiskelija@example.org", "040 123 4567")
    assert view.tuva_opiskeluoikeus_oid == "1.2.246.562.15.10000000010"
    assert view.is_tuva is False
    assert view_of(hoks()).osaamisen_hankkimisen_tarve is None


def test_study_right_from_the_learner_index() -> None:
    row = IndexOpiskeluoikeus(
        oid="1.2.246.562.15.10000000009",
        oppija_oid="1.2.246.562.24.10000000008",
        oppilaitos_oid="1.2.246.562.10.10000000001",
        tutkinto_nimi={
            "fi": "Liiketoiminnan perustutkinto",
            "sv": "Grundexamen i affärsverksamhet",
        },
        osaamisala_nimi={"fi": "Asiakaspalvelun osaamisala"},
        alkamispaiva=date(2024, 8, 1),
        arvioitu_paattymispaiva=date(2027, 5, 31),
    )
    opinto = opinto_from_index(row, oppilaitos_nimi={"fi": "Esimerkkiopisto"})
    assert (opinto.alku, opinto.loppu, opinto.loppu_arvioitu) == (
        date(2024, 8, 1),
        date(2027, 5, 31),
        True,
    )
    document = hoks(
        **{
            "oppimisen-tuki": [
                {"oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_03"},
                {
                    "oppimisen-tuen-tyyppi-koodi-uri": d.TUKIOPETUS,
                    "alku": "2025-01-07",
                    "tutkinnon-osan-tyyppi-koodi-uri": d.AMMAT_RYHMA,
                },
            ]
        }
    )
    view = build(document, bare(document, "sv"), today=TODAY, opiskeluoikeus=opinto)

    assert view.tutkinto
    assert view.tutkinto.text == "Grundexamen i affärsverksamhet"
    assert view.osaamisala
    assert (view.osaamisala.text, view.osaamisala.kieli) == (
        "Asiakaspalvelun osaamisala",
        "fi",
    )
    assert view.oppilaitos
    assert view.oppilaitos.text == "Esimerkkiopisto"
    # Sorted by the support type's code; dates fall back to the study right's.
    first, second = view.oppimisen_tuki
    assert first.tyyppi
    assert first.tyyppi.code == d.TUKIOPETUS
    assert (first.alku, first.loppu) == (date(2025, 1, 7), date(2027, 5, 31))
    assert (first.alku_from_study_right, first.loppu_from_study_right) == (False, True)
    assert second.unit_group is None
    assert (second.alku, second.loppu) == (date(2024, 8, 1), date(2027, 5, 31))
    # The index knows none of Koski's details.
    assert (opinto.tila, opinto.paattynyt, opinto.osittainen) == (None, None, False)
    assert (opinto.tutkintonimike_nimi, opinto.tila_nimi) == ({}, {})
    assert (opinto.diaarinumero, opinto.laajuus) == (None, None)
    assert not opinto.tila_tarkistamatta
    assert opinto_from_index(row, tila_tarkistamatta=True).tila_tarkistamatta


def test_study_right_from_koski_carries_its_state_title_and_actual_end() -> None:
    opiskeluoikeus = Opiskeluoikeus(
        oid="1.2.246.562.15.10000000009",
        oppija_oid=None,
        tyyppi="ammatillinenkoulutus",
        tila="valmistunut",
        oppilaitos_oid="1.2.246.562.10.10000000001",
        koulutustoimija_oid=None,
        alkamispaiva=date(2022, 8, 1),
        arvioitu_paattymispaiva=date(2025, 6, 30),
        paattymispaiva=date(2025, 5, 31),
        sisaltyy_opiskeluoikeuteen_oid=None,
        sisaltyy_oppilaitos_oid=None,
        suoritustyypit=("ammatillinentutkintoosittainen",),
        tutkinto_nimi={"fi": "Liiketoiminnan perustutkinto"},
        tutkintonimike_nimi={"fi": "Merkonomi", "sv": "Merkonom"},
        diaarinumero="OPH-2609-2017",
        tila_nimi={"fi": "Valmistunut"},
    )

    opinto = opinto_from_koski(opiskeluoikeus, laajuus=Decimal(180))

    assert (opinto.loppu, opinto.loppu_arvioitu) == (date(2025, 5, 31), False)
    assert (opinto.tila, opinto.paattynyt) == ("valmistunut", True)
    assert opinto.tila_nimi == {"fi": "Valmistunut"}
    assert opinto.tutkintonimike_nimi == {"fi": "Merkonomi", "sv": "Merkonom"}
    assert (opinto.osittainen, opinto.diaarinumero) == (True, "OPH-2609-2017")
    assert opinto.laajuus == Decimal(180)
    assert not opinto.tila_tarkistamatta
    in_force = dataclasses.replace(opiskeluoikeus, tila="lasna", paattymispaiva=None)
    assert opinto_from_koski(in_force).paattynyt is False
    assert opinto_from_koski(in_force).loppu_arvioitu


def test_study_skill_studies() -> None:
    document = hoks(
        **{
            "opiskeluvalmiuksia-tukevat-opinnot": [
                {
                    "nimi": "Opiskelutaidot",
                    "kuvaus": "Kurssi",
                    "alku": "2024-09-01",
                    "loppu": "2024-10-01",
                }
            ]
        }
    )
    (study,) = view_of(document).tukevat_opinnot
    assert (study.nimi, study.kuvaus, study.alku, study.loppu) == (
        "Opiskelutaidot",
        "Kurssi",
        date(2024, 9, 1),
        date(2024, 10, 1),
    )


def test_the_study_rights_type_decides_whether_it_is_tuva() -> None:
    document = read_view(d.tuva_hoks())
    assert view_of(document).is_tuva is True
    ammatillinen = Opinto(tyyppi="ammatillinenkoulutus")
    assert view_of(document, opiskeluoikeus=ammatillinen).is_tuva is False
    assert view_of(hoks(), opiskeluoikeus=Opinto(tyyppi="tuva")).is_tuva is True


# The timeline.


def test_timeline_is_sorted_by_start_and_knows_what_comes_next() -> None:
    document = hoks(
        ammat=[
            vocational(
                periods=(
                    period(
                        date(2025, 1, 10),
                        date(2025, 2, 28),
                        place="Firma A",
                        module_id="p1",
                        interruptions=((date(2025, 2, 1), date(2025, 2, 7)),),
                    ),
                ),
                demos=(
                    demo(date(2025, 2, 20), date(2025, 2, 21), place="Näyttö A", module_id="d1"),
                ),
            )
        ],
        paikalliset=[
            local(
                "Paikallinen",
                periods=(
                    period(
                        date(2024, 12, 1),
                        date(2025, 1, 15),
                        code=OPPILAITOS,
                        place=None,
                        module_id="p2",
                    ),
                ),
                demos=(demo(date(2025, 4, 1), date(2025, 4, 2), place="Näyttö B", module_id="d2"),),
            )
        ],
        tuva=[tuva(date(2025, 3, 15), date(2025, 5, 1))],
    )
    today = date(2025, 2, 5)
    timeline = view_of(document, today=today).timeline

    assert [(e.kind, e.start, e.module_id, e.place) for e in timeline.events] == [
        ("period", date(2024, 12, 1), "p2", None),
        ("workplace-period", date(2025, 1, 10), "p1", "Firma A"),
        ("interruption", date(2025, 2, 1), "p1", "Firma A"),
        ("demonstration", date(2025, 2, 20), "d1", "Näyttö A"),
        ("tuva", date(2025, 3, 15), None, None),
        ("demonstration", date(2025, 4, 1), "d2", "Näyttö B"),
    ]
    assert [e.unit_title.text for e in timeline.events][:2] == [
        "Paikallinen",
        d.AMMAT_UNITS[0],  # the bare enrichment names nothing
    ]
    assert [e.when(today) for e in timeline.events] == [
        "past",
        "ongoing",
        "ongoing",
        "upcoming",
        "upcoming",
        "upcoming",
    ]
    assert [e.kind for e in timeline.ongoing()] == ["workplace-period", "interruption"]
    assert [e.kind for e in timeline.past()] == ["period"]
    assert timeline.next is not None
    assert timeline.next.module_id == "d1"
    assert timeline.next.end == date(2025, 2, 21)
    later = timeline.next_up(date(2025, 3, 1))
    assert later is not None
    assert later.kind == "tuva"
    assert timeline.ongoing(date(2025, 3, 1)) == ()
    assert timeline.next_up(date(2025, 6, 1)) is None


def test_an_open_interruption_is_ongoing() -> None:
    document = hoks(
        ammat=[
            vocational(periods=(period(days(-30), days(30), interruptions=((days(-3), None),)),))
        ]
    )
    events = view_of(document).timeline.events
    assert [(e.kind, e.end, e.when(TODAY)) for e in events] == [
        ("workplace-period", days(30), "ongoing"),
        ("interruption", None, "ongoing"),
    ]
    assert view_of(document).units[0].periods[0].interruptions[0].loppu is None


# Scoped documents (a workplace instructor's or an assessor's view).


def test_a_scoped_document_builds_with_only_its_parts() -> None:
    full_document = read_view(d.big_hoks(6))
    instructor_period = full_document["hankittavat-ammat-tutkinnon-osat"][2][
        "osaamisen-hankkimistavat"
    ][0]
    sub_area_demo = full_document["hankittavat-yhteiset-tutkinnon-osat"][0]["osa-alueet"][1][
        "osaamisen-osoittaminen"
    ][0]
    document = scoped_view(
        full_document, frozenset({instructor_period["module-id"], sub_area_demo["module-id"]})
    )
    view = build(document, enriched(document), today=TODAY)

    assert view.eid == full_document["eid"]
    assert [(u.kind, u.title.text) for u in view.units] == [
        ("vocational", "Hautausmaiden viheralueista huolehtiminen"),
        ("common", "Työelämässä toimiminen"),
    ]
    vocational_unit, common = view.units
    assert [p.module_id for p in vocational_unit.periods] == [instructor_period["module-id"]]
    assert vocational_unit.demonstrations == ()
    assert (vocational_unit.status, vocational_unit.status_reason) == (
        "scheduled",
        "no-demonstration",
    )
    assert [x.module_id for x in common.demonstrations] == [sub_area_demo["module-id"]]
    assert common.periods == ()
    assert common.parent_title
    assert common.parent_title.text == "Yhteiskunta- ja työelämäosaaminen"
    assert (view.prior, view.oppimisen_tuki, view.tukevat_opinnot) == ((), (), ())
    assert view.urasuunnitelma is None
    assert view.ensikertainen_hyvaksyminen is None
    assert [e.module_id for e in view.timeline.events] == [
        instructor_period["module-id"],
        sub_area_demo["module-id"],
    ]
    assert view.progress.total == 2


def test_a_document_with_nothing_but_its_ids_builds() -> None:
    view = view_of({"eid": "x", "opiskeluoikeus-oid": "1.2.246.562.15.10000000009"})
    assert (view.units, view.prior, view.timeline.events) == ((), (), ())
    assert view.timeline.next is None


# A demo plan end to end, over the local registries.


@pytest.fixture
def demo_registries(db: Engine, settings: Settings):
    import_directory(db, DATA_DIR)
    return build_registries(settings, db)


def demo_document(name: str) -> dict[str, Any]:
    return read_view(json.loads((DATA_DIR / "hoks" / name).read_text(encoding="utf-8")))


def test_a_demo_plan_end_to_end(demo_registries) -> None:
    document = demo_document("01-aino-virtanen.json")
    study_right = demo_registries.koski.get_opiskeluoikeus(document["opiskeluoikeus-oid"])
    assert study_right is not None
    enrichment = enrich(document, demo_registries, kieli="fi")
    view = build(
        document, enrichment, today=date(2026, 3, 1), opiskeluoikeus=opinto_from_koski(study_right)
    )

    assert enrichment.notices == ()
    assert view.is_tuva is False
    assert view.tutkinto
    assert view.tutkinto.text == "Sosiaali- ja terveysalan perustutkinto"
    assert view.osaamisala
    assert view.osaamisala.text == "Sairaanhoidon ja huolenpidon osaamisala"
    assert view.urasuunnitelma
    assert view.urasuunnitelma.text == "Jatko-opinnot"
    assert (view.ensikertainen_hyvaksyminen, view.hyvaksytty) == (date(2024, 9, 16),) * 2
    assert [(u.kind, u.scope, u.status) for u in view.units] == [
        ("vocational", Decimal(35), "ready"),
        ("vocational", Decimal(25), "ready"),
        ("vocational", Decimal(40), "scheduled"),
        ("common", None, "scheduled"),
        ("common", None, "scheduled"),
    ]
    first = view.units[0]
    assert first.title.text == "Hyvinvointia ja toimintakykyä edistävä hoito ja huolenpito"
    assert first.requirements is not None
    assert first.criteria
    assert first.opetus_ja_ohjaus_maara == Decimal(120)
    assert first.olennainen_seikka is False
    assert all(u.title.notice is None and u.koulutuksen_jarjestaja for u in view.units)
    school, workplace = first.periods
    assert (school.workplace, workplace.workplace) == (False, True)
    assert workplace.workplace_name == "Hoivakoti Kotikallio Oy"
    assert workplace.instructor
    assert workplace.instructor.puhelinnumero == "040 712 3345"
    assert (workplace.osa_aikaisuustieto, len(workplace.key_tasks)) == (100, 3)
    assert [(p.count, p.percent, p.osp) for p in view.progress.by_status] == [
        (0, 0, Decimal(0)),
        (3, 60, Decimal(40)),
        (2, 40, Decimal(60)),
    ]
    (prior,) = view.prior
    assert (prior.title.text, prior.verification_kind) == (
        "Viestintä ja vuorovaikutus vieraalla kielellä",
        "direct",
    )
    upcoming = view.timeline.next
    assert upcoming is not None
    assert (upcoming.kind, upcoming.start, upcoming.place) == (
        "workplace-period",
        date(2026, 8, 17),
        "Järviseudun hyvinvointialue",
    )


def test_a_demo_tuva_plan_end_to_end(demo_registries) -> None:
    document = demo_document("11-isla-lehtonen-tuva.json")
    study_right = demo_registries.koski.get_opiskeluoikeus(document["opiskeluoikeus-oid"])
    assert study_right is not None
    view = build(
        document,
        enrich(document, demo_registries, kieli="fi"),
        today=date(2026, 6, 1),
        opiskeluoikeus=opinto_from_koski(study_right),
    )
    assert view.is_tuva is True
    assert view.tutkinto is None  # Koski has no name for a TUVA study right's "tutkinto"
    assert [(u.kind, u.scope_unit, u.scope) for u in view.units] == [
        ("tuva", "weeks", Decimal(n)) for n in (2, 8, 10, 8, 3)
    ]
    assert view.units[0].title.text == "Opiskelu- ja urasuunnittelutaidot"
    assert [u.status for u in view.units] == [
        "scheduled",
        "ready",
        "scheduled",
        "scheduled",
        "ready",
    ]
    assert view.progress.total_weeks == Decimal(31)
    assert [e.kind for e in view.timeline.events] == ["tuva"] * 5
