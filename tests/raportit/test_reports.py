"""Each report's rows on a small world: scope (an organisation and those below it), filters,
sorting, paging, the export's rows (the pages' rows, in the same order), the access refusal and
the audit events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from ehoks.access.errors import NotPermitted
from ehoks.db import make_session_factory
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.raportit import service
from ehoks.raportit.schemas import ReportQuery
from ehoks.raportit.service import UnknownOrganisation
from tests.factories import OPH
from tests.raportit.world import TODAY, create_hoks, official, role, superuser


@pytest.fixture
def provider(world):
    """An official with CRUD on koulutustoimija 1 (oppilaitokset 1 and 2 are below it)."""
    return official(role("CRUD", world.koulutustoimija_1))


@pytest.fixture
def kt1(world):
    return world.koulutustoimija_1


@pytest.fixture
def run(db, deps, trail, provider):
    """One page of a report as ``actor`` (default: the provider's official)."""

    def _run(query, actor=None, **page):
        trail.actor = actor or provider
        with make_session_factory(db)() as session:
            return service.report_page(
                session,
                trail.actor,
                _traced(deps, trail),
                query,
                today=TODAY,
                **page,
            )

    return _run


def hoks_ids(result):
    return [row.hoks_id for row in result.rows]


# Missing or ended study rights


def test_missing_and_ended_study_rights_of_the_provider_and_its_institutions(run, reports, kt1):
    result = run(ReportQuery("puuttuvat-opiskeluoikeudet", kt1))
    assert hoks_ids(result) == [reports.puuttuva, reports.paattynyt]  # newest first
    missing, ended = result.rows
    assert missing.puuttuu
    assert missing.oppija_oid == reports.oppijat["puuttuva"]
    assert missing.oppija_nimi == "Testi raportti-puuttuva Oppija"
    assert missing.tutkinto_nimi["fi"] == "Sähkö- ja automaatioalan perustutkinto"
    assert not ended.puuttuu
    assert ended.paattymispaiva == date(2024, 6, 30)
    assert result.total == 2
    assert (result.first, result.last) == (1, 2)


@pytest.mark.parametrize(
    ("tila", "expected"), [("puuttuu", "puuttuva"), ("paattynyt", "paattynyt")]
)
def test_missing_or_ended_alone(run, reports, kt1, tila, expected):
    result = run(ReportQuery("puuttuvat-opiskeluoikeudet", kt1, tila=tila))
    assert hoks_ids(result) == [getattr(reports, expected)]


def test_an_institution_sees_only_its_own(run, reports, world):
    result = run(ReportQuery("puuttuvat-opiskeluoikeudet", world.oppilaitos_1))
    assert hoks_ids(result) == [reports.paattynyt]
    reader = official(role("READ", world.oppilaitos_3))
    other = run(ReportQuery("puuttuvat-opiskeluoikeudet", world.oppilaitos_3), actor=reader)
    assert other.total == 0
    assert other.rows == []


def test_sorted_by_state_missing_first(run, reports, kt1):
    query = ReportQuery("puuttuvat-opiskeluoikeudet", kt1, jarjestys="tila", laskeva=False)
    assert hoks_ids(run(query)) == [reports.puuttuva, reports.paattynyt]
    query = ReportQuery("puuttuvat-opiskeluoikeudet", kt1, jarjestys="tila", laskeva=True)
    assert hoks_ids(run(query)) == [reports.paattynyt, reports.puuttuva]


# Workplace periods without part-time data


def test_periods_without_part_time_data(run, reports, kt1):
    query = ReportQuery("tyopaikkajaksot", kt1, jarjestys="loppu", laskeva=False)
    result = run(query)
    assert [(r.hoks_id, r.loppu) for r in result.rows] == [
        (reports.jaksot, date(2022, 12, 16)),
        (reports.puuttuva, date(2023, 3, 31)),
        (reports.jaksot, date(2023, 6, 15)),
    ]
    first, _, apprenticeship = result.rows
    assert first.tyopaikan_nimi == "Esimerkki Oy"
    assert first.ohjaaja_nimi == "Olli Ohjaaja"
    assert first.ohjaaja_sahkoposti == "olli@example.org"
    assert first.osa_tyyppi == "hato"
    assert first.oppisopimuksen_perusta_koodi_uri is None
    assert apprenticeship.hankkimistapa_koodi_uri == "osaamisenhankkimistapa_oppisopimus"
    assert apprenticeship.oppisopimuksen_perusta_koodi_uri == "oppisopimuksenperusta_01"
    descending = run(ReportQuery("tyopaikkajaksot", kt1, jarjestys="loppu", laskeva=True))
    assert [r.jakso_id for r in descending.rows] == [r.jakso_id for r in reversed(result.rows)]


def test_periods_by_the_end_date_range(run, reports, kt1):
    query = ReportQuery("tyopaikkajaksot", kt1, alku=date(2023, 1, 1), loppu=date(2023, 4, 30))
    assert hoks_ids(run(query)) == [reports.puuttuva]
    since = run(ReportQuery("tyopaikkajaksot", kt1, alku=date(2023, 6, 15)))
    assert [r.loppu for r in since.rows] == [date(2023, 6, 15)]


def test_pages_of_periods_never_overlap(run, reports, kt1):
    query = ReportQuery("tyopaikkajaksot", kt1, jarjestys="tyopaikka")
    pages = [run(query, koko=2, sivu=number) for number in (1, 2)]
    assert [len(p.rows) for p in pages] == [2, 1]
    assert [p.sivuja for p in pages] == [2, 2]
    assert pages[1].first == 3
    assert pages[1].last == 3
    ids = [r.jakso_id for p in pages for r in p.rows]
    assert sorted(ids) == sorted(r.jakso_id for r in run(query).rows)
    assert len(set(ids)) == 3
    # Sorted by the workplace's name ("=Kaava Oy…" before "Esimerkki Oy").
    assert pages[0].rows[0].tyopaikan_nimi.startswith("=Kaava")
    past_the_end = run(query, koko=2, sivu=9)
    assert past_the_end.sivu == 2
    assert past_the_end.rows == pages[1].rows


# HOKSes without workplace periods


def test_without_periods(run, reports, kt1):
    assert hoks_ids(run(ReportQuery("ilman-tyopaikkajaksoa", kt1))) == [reports.paattynyt]


def test_without_periods_for_the_whole_country(run, reports):
    result = run(ReportQuery("ilman-tyopaikkajaksoa", OPH), actor=superuser())
    assert hoks_ids(result) == [reports.muu, reports.paattynyt]


@pytest.mark.parametrize(
    ("rajaus", "alku", "loppu", "found"),
    [
        ("hyvaksytty", date(2023, 9, 1), None, True),
        ("hyvaksytty", None, date(2023, 8, 31), False),
        ("opiskeluoikeus", date(2022, 8, 1), date(2022, 8, 1), True),
        ("opiskeluoikeus", date(2022, 8, 2), None, False),
    ],
)
def test_without_periods_by_date(run, reports, kt1, rajaus, alku, loppu, found):
    query = ReportQuery("ilman-tyopaikkajaksoa", kt1, rajaus=rajaus, alku=alku, loppu=loppu)
    assert hoks_ids(run(query)) == ([reports.paattynyt] if found else [])


# The summary


def test_summary_per_institution_and_qualification(run, reports, kt1, world):
    result = run(ReportQuery("yhteenveto", kt1))
    counts = [
        (r.oppilaitos_oid, r.tutkinto, r.hoksit, r.voimassa, r.paattyneet, r.puuttuvat)
        for r in result.rows
    ]
    tutkinto = "Sähkö- ja automaatioalan perustutkinto"
    assert counts == [
        (world.oppilaitos_1, tutkinto, 3, 2, 1, 0),
        (world.oppilaitos_2, tutkinto, 1, 0, 0, 1),
    ]
    assert [r.jaksolliset for r in result.rows] == [2, 1]
    assert result.yhteensa.hoksit == 4
    assert result.yhteensa.jaksolliset == 3
    by_count = run(ReportQuery("yhteenveto", kt1, jarjestys="hoksit", laskeva=False))
    assert [r.oppilaitos_oid for r in by_count.rows] == [world.oppilaitos_2, world.oppilaitos_1]


def test_summary_by_date_of_first_approval(run, reports, kt1):
    result = run(ReportQuery("yhteenveto", kt1, alku=date(2023, 1, 1), loppu=date(2023, 12, 31)))
    assert [(r.hoksit, r.paattyneet) for r in result.rows] == [(1, 1)]


# The export


def test_the_export_streams_the_pages_rows_in_their_order(
    run, db, deps, trail, provider, reports, kt1
):
    query = ReportQuery("tyopaikkajaksot", kt1, jarjestys="ohjaaja", laskeva=True)
    paged = [r for number in (1, 2, 3) for r in run(query, koko=1, sivu=number).rows]
    trail.actor = provider
    with make_session_factory(db)() as session:
        export = service.start_export(session, trail.actor, _traced(deps, trail), query)
        batches = list(service.export_rows(session, export, batch_size=2))
    assert export.rows == 3
    assert [len(b) for b in batches] == [2, 1]
    assert [r for b in batches for r in b] == paged


def test_the_summary_exports_every_group(db, deps, trail, provider, reports, kt1):
    query = ReportQuery("yhteenveto", kt1)
    trail.actor = provider
    with make_session_factory(db)() as session:
        export = service.start_export(session, trail.actor, _traced(deps, trail), query)
        rows = [r for b in service.export_rows(session, export) for r in b]
    assert export.rows == len(rows) == 2


# Access and audit


@pytest.mark.parametrize("grant", ["CRUD_ol3", "HOKS_DELETE_kt1"])
def test_an_organisation_without_read_is_refused_and_the_attempt_recorded(
    run, reports, world, trail, grant
):
    name, where = grant.rsplit("_", 1)
    organisation = {"ol3": world.oppilaitos_3, "kt1": world.koulutustoimija_1}[where]
    actor = official(role(name, organisation))
    with pytest.raises(NotPermitted):
        run(ReportQuery("puuttuvat-opiskeluoikeudet", world.koulutustoimija_1), actor=actor)
    (attempt,) = trail.pending
    assert attempt.operation == "report"
    assert "total" not in attempt.details
    assert attempt.details["organisaatio-oid"] == world.koulutustoimija_1


def test_an_unknown_organisation_is_not_found(run, reports, world):
    with pytest.raises(UnknownOrganisation):
        run(ReportQuery("yhteenveto", "1.2.246.562.10.99999999999"), actor=superuser())


def test_a_page_is_audited_with_the_report_filters_and_hoks_ids(run, reports, trail, kt1):
    run(ReportQuery("puuttuvat-opiskeluoikeudet", kt1, tila="puuttuu"))
    (event,) = trail.pending
    assert event.operation == "report"
    assert event.outcome == "succeeded"
    assert event.actor_kind == "virkailija"
    assert event.legal_basis == "provider"
    assert event.details["actor_name"] == "Virkailija Raija"
    assert {k: v for k, v in event.details.items() if k != "actor_name"} == {
        "raportti": "puuttuvat-opiskeluoikeudet",
        "organisaatio-oid": kt1,
        "rajaukset": {"tila": "puuttuu"},
        "jarjestys": "hoks laskeva",
        "total": 1,
        "sivu": 1,
        "koko": 25,
        "hoks-ids": [reports.puuttuva],
    }


def test_an_export_is_audited_with_its_row_count(db, deps, trail, provider, reports, kt1):
    query = ReportQuery("tyopaikkajaksot", kt1, alku=date(2023, 1, 1))
    trail.actor = provider
    with make_session_factory(db)() as session:
        service.start_export(session, trail.actor, _traced(deps, trail), query)
    (event,) = trail.pending
    assert event.operation == "export"
    assert event.details["rajaukset"] == {"alku": "2023-01-01", "loppu": None}
    assert event.details["rivit"] == 2
    assert event.details["muoto"] == "csv"


# Ended: Koski's state in force decides; the estimated end date only when the state is unknown


@pytest.fixture
def tilat(db, deps, world, reports):
    """HOKSes (oppilaitos 1) on study rights whose Koski state and estimated end disagree."""

    def create(name, tilat, arvioitu_paattymispaiva):
        return create_hoks(
            db,
            deps,
            world,
            name,
            {"hankittavat-ammat-tutkinnon-osat": []},
            tilat=tilat,
            alkamispaiva="2024-08-01",
            arvioitu_paattymispaiva=arvioitu_paattymispaiva,
        )[1]

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    return {
        # Resigned yesterday, a year before the estimated end.
        "eronnut": create("eronnut", [(yesterday, "eronnut")], "2027-06-30"),
        # Graduated early (half a year before the estimated end).
        "valmistunut": create("valmistunut", [("2026-06-05", "valmistunut")], "2027-06-30"),
        # Invalidated today: terminal as in the current-provider rule.
        "mitatoity": create("mitatoity", [(TODAY.isoformat(), "mitatoity")], "2027-06-30"),
        # Present although the estimate has passed: Koski wins.
        "lasna": create("lasna", None, "2025-06-30"),
        # Considered resigned, then present again: the latest state decides.
        "palannut": create(
            "palannut",
            [("2025-01-01", "katsotaaneronneeksi"), ("2025-02-01", "lasna")],
            "2025-06-30",
        ),
        # Graduates tomorrow (recorded ahead): not ended today.
        "huomenna": create("huomenna", [(tomorrow, "valmistunut")], "2027-06-30"),
        # No jaksot in Koski: the estimate decides.
        "ei-tilaa-ohi": create("ei-tilaa-ohi", [], "2025-06-30"),
        "ei-tilaa-tuleva": create("ei-tilaa-tuleva", [], "2027-06-30"),
    }


def test_ended_by_the_koski_state_in_force_else_by_the_estimated_end(run, reports, kt1, tilat):
    query = ReportQuery("puuttuvat-opiskeluoikeudet", kt1, tila="paattynyt", jarjestys="hoks")
    listed = set(hoks_ids(run(query, koko=100)))
    assert listed == {
        reports.paattynyt,
        tilat["eronnut"],
        tilat["valmistunut"],
        tilat["mitatoity"],
        tilat["ei-tilaa-ohi"],
    }


def test_an_index_row_without_a_state_falls_back_to_the_estimated_end(db, run, reports, kt1, tilat):
    # As migration 0012 leaves a row until the next index refresh.
    with make_session_factory(db).begin() as session:
        session.execute(update(IndexOpiskeluoikeus).values(tila=None, tila_alku=None))
    query = ReportQuery("puuttuvat-opiskeluoikeudet", kt1, tila="paattynyt", jarjestys="hoks")
    listed = set(hoks_ids(run(query, koko=100)))
    assert listed == {reports.paattynyt, tilat["lasna"], tilat["palannut"], tilat["ei-tilaa-ohi"]}


def test_the_summary_counts_ended_study_rights_by_the_same_rule(run, reports, kt1, tilat, world):
    result = run(ReportQuery("yhteenveto", kt1))
    (rivi,) = [r for r in result.rows if r.oppilaitos_oid == world.oppilaitos_1]
    assert (rivi.hoksit, rivi.voimassa, rivi.paattyneet, rivi.puuttuvat) == (11, 6, 5, 0)


def _traced(deps, trail):
    """The context of one request with ``trail``, as the routes build it."""
    return deps.runtime.context(trail.actor, trail)
