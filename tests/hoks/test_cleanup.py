"""The contact-data clean-up (reference 5.2): the service rules at their boundaries, the two
herätepalvelu routes and the ``ehoks jobs contact-cleanup`` command.

Dates are fixed: ``TODAY`` and ``NOW`` are passed in, and every HOKS's ``updated_at`` is set
explicitly, so the outcome never depends on the day the suite runs. The route and CLI tests run
on the real clock and use dates years in the past.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ehoks.access.actor import SystemActor
from ehoks.audit.models import AuditEvent
from ehoks.cli import app as cli_app
from ehoks.context import build_runtime, usecase
from ehoks.db import make_session_factory, transaction
from ehoks.errors import RegistryUnavailable
from ehoks.hoks import cleanup
from ehoks.hoks import service as hoks_service
from ehoks.hoks.cleanup import months_before
from ehoks.hoks.models import Hoks, HoksTyopaikkajakso, HoksVersion
from ehoks.hoks.parts import walk
from ehoks.registries import build_registries
from tests.conftest import API
from tests.factories import OPH, hoks_body, tyopaikkajakso

SYSTEM = SystemActor("test")
TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
CUTOFF = date(2026, 3, 15)  # three calendar months before TODAY
OLD = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)  # "last written" well before the cutoff


# Helpers


@pytest.fixture
def deps(db, settings, world):
    return build_runtime(settings, db).context()


class FailingKoski:
    """Koski answering as the local registry does, except that it is unreachable for the
    given study rights (as the HTTP client reports an outage)."""

    def __init__(self, real, failing):
        self.real = real
        self.failing = set(failing)

    def get_opiskeluoikeus(self, oid):
        if oid in self.failing or "*" in self.failing:
            raise RegistryUnavailable("Koski", "test outage")
        return self.real.get_opiskeluoikeus(oid)

    def get_oppijan_opiskeluoikeudet(self, oppija_oid):
        return self.real.get_oppijan_opiskeluoikeudet(oppija_oid)

    def get_opiskeluoikeus_document(self, oid):
        return self.real.get_opiskeluoikeus_document(oid)


def _failing(deps, *oids):
    registries = deps.runtime.registries
    failing = dataclasses.replace(registries, koski=FailingKoski(registries.koski, oids))
    return dataclasses.replace(deps.runtime, registries=failing).context(deps.actor, deps.trail)


def _jakso(tunniste, loppu, *, puhelin=True):
    period = tyopaikkajakso(tunniste, alku="2024-09-01", loppu=loppu)
    if puhelin:
        period["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"][
            "puhelinnumero"
        ] = "040 123 4567"
    return period


def _create(db, deps, world, seed, *, drop=(), **overrides):
    oppija, oo = world.add_oppija(seed)
    body = hoks_body(oppija, oo, **overrides)
    for key in drop:
        body.pop(key)
    with transaction(make_session_factory(db)) as session:
        return hoks_service.create(session, SYSTEM, body, deps).hoks_id


def _last_written(db, hoks_id, when):
    """Make the HOKS and its every version look written at ``when`` (test set-up only)."""
    with transaction(make_session_factory(db)) as session:
        hoks = session.get(Hoks, hoks_id)
        hoks.created_at = hoks.updated_at = when
        for version in session.scalars(select(HoksVersion).where(HoksVersion.hoks_id == hoks_id)):
            version.valid_from = version.valid_to = when


def _end_study_right(world, hoks_oo, paattymispaiva):
    """The study right ended in Koski after the HOKS was made."""
    for learner in world.oppijat.values():
        for opiskeluoikeus in learner["opiskeluoikeudet"]:
            if opiskeluoikeus["oid"] == hoks_oo:
                opiskeluoikeus["päättymispäivä"] = paattymispaiva
                opiskeluoikeus["tila"]["opiskeluoikeusjaksot"].append(
                    {"alku": paattymispaiva, "tila": {"koodiarvo": "valmistunut"}}
                )
    world.changed()


def _hoks(db, hoks_id):
    with make_session_factory(db).begin() as session:
        return session.get(Hoks, hoks_id)


def _history(db, hoks_id):
    with make_session_factory(db).begin() as session:
        return session.scalars(
            select(HoksVersion).where(HoksVersion.hoks_id == hoks_id).order_by(HoksVersion.version)
        ).all()


def _projection(db, hoks_id):
    with make_session_factory(db).begin() as session:
        rows = session.scalars(
            select(HoksTyopaikkajakso).where(HoksTyopaikkajakso.hoks_id == hoks_id)
        ).all()
        return {r.yksiloiva_tunniste: r for r in rows}


def _periods(document):
    """Every learning period of the document by its yksiloiva-tunniste."""
    found = {}
    for ref in walk(document):
        if ref.kind == "osaamisen-hankkimistapa":
            found[ref.part["yksiloiva-tunniste"]] = ref.part
    return found


def _ohjaaja(period):
    return period["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"]


def _audit_events(db, hoks_id):
    with make_session_factory(db).begin() as session:
        return session.scalars(
            select(AuditEvent).where(AuditEvent.hoks_id == hoks_id).order_by(AuditEvent.seq)
        ).all()


def _assert_no_contact_data_audited(db):
    with make_session_factory(db).begin() as session:
        events = session.scalars(select(AuditEvent)).all()
    assert events
    text = json.dumps([[e.changes, e.details] for e in events])
    assert "@example.org" not in text
    assert "040 123" not in text


def _fresh(deps):
    # A context per run, as each request or batch has: a context remembers registry answers,
    # and the tests change the registries between runs.
    return deps.runtime.context(deps.actor, deps.trail)


def _run_instructors(db, deps, **kwargs):
    return cleanup.clear_instructor_contacts(_fresh(deps), today=TODAY, **kwargs)


def _run_students(db, deps, **kwargs):
    return cleanup.run_student_cleanup(_fresh(deps), today=TODAY, now=NOW, **kwargs)


# months_before


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 6, 15), 3, date(2026, 3, 15)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
        (date(2026, 1, 31), 3, date(2025, 10, 31)),
        (date(2026, 2, 10), 14, date(2024, 12, 10)),
    ],
)
def test_months_before_counts_calendar_months_and_clamps_the_day(day, months, expected):
    assert months_before(day, months) == expected


def test_months_before_keeps_the_time_of_a_datetime():
    assert months_before(datetime(2026, 8, 31, 7, 30, tzinfo=UTC), 3) == datetime(
        2026, 5, 31, 7, 30, tzinfo=UTC
    )


# Workplace instructors


@pytest.fixture
def instructor_hoks(db, deps, world):
    """One HOKS with periods under a vocational unit, a local unit and a common unit's sub-area,
    ending on both sides of the cutoff."""
    unit = hoks_body("x", "y")["hankittavat-ammat-tutkinnon-osat"][0]
    unit["osaamisen-hankkimistavat"] = [
        _jakso("hato-old", "2026-03-14"),
        _jakso("hato-boundary", CUTOFF.isoformat()),
    ]
    return _create(
        db,
        deps,
        world,
        "instructor",
        **{
            "hankittavat-ammat-tutkinnon-osat": [unit],
            "hankittavat-paikalliset-tutkinnon-osat": [
                {
                    "nimi": "Orientaatio alaan",
                    "osaamisen-hankkimistavat": [_jakso("hpto", "2025-12-01")],
                }
            ],
            "hankittavat-yhteiset-tutkinnon-osat": [
                {
                    "tutkinnon-osa-koodi-uri": "tutkinnonosat_101053",
                    "tutkinnon-osa-koodi-versio": 1,
                    "osa-alueet": [
                        {
                            "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvai",
                            "osa-alue-koodi-versio": 1,
                            "osaamisen-hankkimistavat": [
                                _jakso("hyto", "2026-01-10", puhelin=False)
                            ],
                        }
                    ],
                }
            ],
        },
    )


def test_instructor_contacts_go_from_periods_ended_over_three_months_ago(db, deps, instructor_hoks):
    with transaction(make_session_factory(db)) as session:  # an earlier version to erase from
        hoks_service.patch(session, SYSTEM, instructor_hoks, {"id": instructor_hoks}, deps)
    before = _hoks(db, instructor_hoks)
    module_ids = {t: p["module-id"] for t, p in _periods(before.document).items()}

    cleared = _run_instructors(db, deps)

    # Oldest first; the period ending exactly three months ago keeps its contacts.
    assert cleared == [module_ids["hpto"], module_ids["hyto"], module_ids["hato-old"]]
    after = _hoks(db, instructor_hoks)
    periods = _periods(after.document)
    for tunniste in ("hato-old", "hpto", "hyto"):
        assert _ohjaaja(periods[tunniste]) == {"nimi": "Olli Ohjaaja"}
    assert _ohjaaja(periods["hato-boundary"]) == {
        "nimi": "Olli Ohjaaja",
        "sahkoposti": "olli@example.org",
        "puhelinnumero": "040 123 4567",
    }
    # Nothing else changed: restoring the cleared fields gives the old document back.
    restored = copy.deepcopy(after.document)
    for tunniste in ("hato-old", "hpto", "hyto"):
        _ohjaaja(_periods(restored)[tunniste]).update(_ohjaaja(_periods(before.document)[tunniste]))
    assert restored == before.document
    assert after.version == before.version + 1
    assert after.updated_by == "system:contact-cleanup"
    history = _history(db, instructor_hoks)
    assert [(h.version, h.operation, h.changed_by) for h in history] == [
        (1, "patch", "system:test"),
        (2, "instructor-contact-cleanup", "system:contact-cleanup"),
    ]
    # The cleared contacts are gone from the earlier versions too, and nothing else.
    assert [h.document for h in history] == [after.document, after.document]
    projection = _projection(db, instructor_hoks)
    for tunniste in ("hato-old", "hpto", "hyto"):
        assert projection[tunniste].ohjaaja_sahkoposti is None
        assert projection[tunniste].ohjaaja_puhelinnumero is None
        assert projection[tunniste].ohjaaja_nimi == "Olli Ohjaaja"
    assert projection["hato-boundary"].ohjaaja_sahkoposti == "olli@example.org"

    # Done once: a second run finds nothing and writes nothing.
    assert _run_instructors(db, deps) == []
    assert _hoks(db, instructor_hoks).version == after.version


def test_instructor_clean_up_takes_at_most_limit_periods_a_run(db, deps, world):
    ids = [
        _create(
            db,
            deps,
            world,
            f"limit-{n}",
            **{
                "hankittavat-ammat-tutkinnon-osat": [
                    {
                        **hoks_body("x", "y")["hankittavat-ammat-tutkinnon-osat"][0],
                        "osaamisen-hankkimistavat": [_jakso(f"j{n}", f"2025-0{n + 1}-01")],
                    }
                ]
            },
        )
        for n in range(3)
    ]
    assert len(_run_instructors(db, deps, limit=2)) == 2
    # The two that ended first went first.
    assert [_hoks(db, i).version for i in ids] == [2, 2, 1]
    assert len(_run_instructors(db, deps, limit=2)) == 1
    assert _run_instructors(db, deps, limit=2) == []


def test_instructor_contacts_go_even_when_koski_does_not_answer(db, deps, world):
    hoks_id = _create(db, deps, world, "koski-down")
    before = _hoks(db, hoks_id)

    cleared = _run_instructors(db, _failing(deps, "*"))

    assert len(cleared) == 1
    after = _hoks(db, hoks_id)
    assert _ohjaaja(_periods(after.document)["jakso-1"]) == {"nimi": "Olli Ohjaaja"}
    assert after.version == before.version + 1
    assert after.oppilaitos_oid == before.oppilaitos_oid
    assert [h.operation for h in _history(db, hoks_id)] == ["instructor-contact-cleanup"]
    assert _projection(db, hoks_id)["jakso-1"].ohjaaja_sahkoposti is None


def test_instructor_contacts_go_from_soft_deleted_hokses_too(db, deps, world):
    hoks_id = _create(db, deps, world, "deleted")
    with transaction(make_session_factory(db)) as session:
        hoks_service.soft_delete(session, SYSTEM, hoks_id, deps)

    assert len(_run_instructors(db, deps)) == 1

    after = _hoks(db, hoks_id)
    assert after.deleted_at is not None
    assert _ohjaaja(_periods(after.document)["jakso-1"]) == {"nimi": "Olli Ohjaaja"}


# Students


@pytest.fixture
def students(db, deps, world):
    """HOKSes named by the rule they test; every one holds the student's contact data and was
    last written before the cutoff unless its name says otherwise."""
    done = {"osaamisen-saavuttamisen-pvm": "2026-03-01"}
    recent_period = {
        **hoks_body("x", "y")["hankittavat-ammat-tutkinnon-osat"][0],
        "osaamisen-hankkimistavat": [_jakso("recent", CUTOFF.isoformat())],
    }
    specs = {
        # cleared: finished by date; study right ended on 1 March
        "cleared-dated": ({**done, "puhelinnumero": "040 765 4321"}, (), "2026-03-01"),
        # cleared: no date, every period long over; phone only; ended the day before cutoff
        "cleared-undated": ({"puhelinnumero": "040 765 4321"}, ("sahkoposti",), "2026-03-14"),
        # touched: the study right ended exactly three months ago
        "koski-boundary": (done, (), CUTOFF.isoformat()),
        # touched: the study right is still open
        "koski-open": (done, (), None),
        # untouched: written exactly three months ago
        "recent-update": (done, (), "2026-01-01"),
        # untouched: reached the goal exactly three months ago
        "recent-goal": ({"osaamisen-saavuttamisen-pvm": CUTOFF.isoformat()}, (), "2026-01-01"),
        # untouched: no date, and a period ended exactly three months ago
        "recent-period": (
            {"hankittavat-ammat-tutkinnon-osat": [recent_period]},
            (),
            "2026-01-01",
        ),
        # untouched: nothing to clear
        "no-contacts": (done, ("sahkoposti",), "2026-01-01"),
        # untouched: soft-deleted
        "deleted": (done, (), "2026-01-01"),
    }
    ids = {}
    for name, (overrides, drop, paattymispaiva) in specs.items():
        ids[name] = _create(db, deps, world, name, drop=drop, **overrides)
        if paattymispaiva:
            _end_study_right(world, _hoks(db, ids[name]).opiskeluoikeus_oid, paattymispaiva)
    with transaction(make_session_factory(db)) as session:
        hoks_service.soft_delete(session, SYSTEM, ids["deleted"], deps)
        # An earlier version, for the erasure from history.
        hoks_service.patch(
            session, SYSTEM, ids["cleared-dated"], {"id": ids["cleared-dated"]}, deps
        )
    for name, hoks_id in ids.items():
        _last_written(db, hoks_id, months_before(NOW, 3) if name == "recent-update" else OLD)
    return ids


def test_student_contacts_go_only_when_every_rule_holds(db, deps, students):
    before = {name: _hoks(db, hoks_id) for name, hoks_id in students.items()}

    result = _run_students(db, deps)

    assert result.cleared == [students["cleared-dated"], students["cleared-undated"]]
    assert result.touched == [students["koski-boundary"], students["koski-open"]]
    assert result.koski_failed == []
    for name in ("cleared-dated", "cleared-undated"):
        after = _hoks(db, students[name])
        assert "sahkoposti" not in after.document
        assert "puhelinnumero" not in after.document
        expected = {
            k: v
            for k, v in before[name].document.items()
            if k not in ("sahkoposti", "puhelinnumero")
        }
        assert after.document == expected
        assert after.version == before[name].version + 1
        assert after.updated_at > OLD
        history = _history(db, students[name])
        assert (history[-1].operation, history[-1].changed_by) == (
            "contact-cleanup",
            "system:contact-cleanup",
        )
        # Erased from every earlier version as well.
        assert len(history) == (2 if name == "cleared-dated" else 1)
        assert [h.document for h in history] == [expected] * len(history)
    for name in ("koski-boundary", "koski-open"):
        after = _hoks(db, students[name])
        assert after.document == before[name].document
        assert after.document["sahkoposti"] == "opiskelija@example.org"
        assert after.updated_at > OLD
        assert after.version == before[name].version + 1
    for name in ("recent-update", "recent-goal", "recent-period", "no-contacts", "deleted"):
        after = _hoks(db, students[name])
        assert after.version == before[name].version, name
        assert after.updated_at == before[name].updated_at, name
        assert after.document == before[name].document, name

    # Cleared and touched ones are out of the candidates now: a second run does nothing.
    again = _run_students(db, deps)
    assert (again.cleared, again.touched, again.selected) == ([], [], 0)


def test_the_route_function_returns_the_cleared_ids(db, deps, students):
    cleared = cleanup.clear_student_contacts(_fresh(deps), today=TODAY, now=NOW)
    assert cleared == [students["cleared-dated"], students["cleared-undated"]]


def _clearable(db, deps, world, seed):
    hoks_id = _create(db, deps, world, seed, **{"osaamisen-saavuttamisen-pvm": "2026-03-01"})
    _end_study_right(world, _hoks(db, hoks_id).opiskeluoikeus_oid, "2026-02-01")
    _last_written(db, hoks_id, OLD)
    return hoks_id


def test_student_clean_up_takes_at_most_limit_hokses_a_run(db, deps, world):
    ids = [_clearable(db, deps, world, f"s-limit-{n}") for n in range(3)]
    assert _run_students(db, deps, limit=2).cleared == ids[:2]
    assert _run_students(db, deps, limit=2).cleared == ids[2:]
    assert _run_students(db, deps, limit=2).selected == 0


def test_hokses_with_recent_periods_never_block_a_batch(db, deps, world, monkeypatch):
    monkeypatch.setattr(cleanup, "_PAGE", 1)
    blocker = _create(
        db,
        deps,
        world,
        "blocker",
        **{
            "hankittavat-ammat-tutkinnon-osat": [
                {
                    **hoks_body("x", "y")["hankittavat-ammat-tutkinnon-osat"][0],
                    "osaamisen-hankkimistavat": [_jakso("recent", "2026-05-01")],
                }
            ]
        },
    )
    _last_written(db, blocker, OLD)
    clearable = _clearable(db, deps, world, "behind-blocker")
    assert blocker < clearable

    assert _run_students(db, deps, limit=1).cleared == [clearable]


def test_a_failing_koski_clears_nothing_it_could_not_check(db, deps, world):
    failing = _clearable(db, deps, world, "koski-fails")
    working = _clearable(db, deps, world, "koski-works")
    before = _hoks(db, failing)

    result = _run_students(db, _failing(deps, before.opiskeluoikeus_oid))

    assert result.koski_failed == [failing]
    assert result.cleared == [working]
    after = _hoks(db, failing)
    assert after.document == before.document
    assert after.version == before.version
    assert after.updated_at == before.updated_at
    assert _history(db, failing) == []
    # The job passes the failed ones back so that later batches move past them.
    assert _run_students(db, deps, exclude=[failing]).selected == 0
    assert _run_students(db, deps).cleared == [failing]


def test_a_hoks_written_while_koski_is_asked_is_left_for_the_next_run(db, deps, world):
    if db.dialect.name != "postgresql":
        pytest.skip("SQLite writers are serialised: no write can come in between")
    hoks_id = _clearable(db, deps, world, "concurrent")

    class WriteMeanwhile(FailingKoski):
        def get_opiskeluoikeus(self, oid):
            with transaction(make_session_factory(db)) as other:
                hoks_service.patch(other, SYSTEM, hoks_id, {"id": hoks_id, "versio": 2}, deps)
            return self.real.get_opiskeluoikeus(oid)

    registries = deps.runtime.registries
    meanwhile = dataclasses.replace(registries, koski=WriteMeanwhile(registries.koski, ()))
    runtime = dataclasses.replace(deps.runtime, registries=meanwhile)
    result = _run_students(db, runtime.context(deps.actor, deps.trail))

    assert (result.selected, result.cleared, result.touched) == (1, [], [])
    after = _hoks(db, hoks_id)
    assert after.document["sahkoposti"] == "opiskelija@example.org"
    assert [h.operation for h in _history(db, hoks_id)] == ["patch"]


def test_clearing_the_instructor_does_not_count_as_writing_the_hoks(db, deps, world):
    """As in the original, where the instructor clean-up left ``updated_at`` alone."""
    hoks_id = _clearable(db, deps, world, "instructor-first")
    assert len(_run_instructors(db, deps)) == 1
    assert _hoks(db, hoks_id).updated_at > months_before(NOW, 3)

    assert _run_students(db, deps).cleared == [hoks_id]


def test_a_real_write_after_the_instructor_clean_up_still_counts(db, deps, world):
    hoks_id = _clearable(db, deps, world, "written-after")
    assert len(_run_instructors(db, deps)) == 1
    with transaction(make_session_factory(db)) as session:
        hoks_service.patch(session, SYSTEM, hoks_id, {"id": hoks_id, "versio": 2}, deps)

    assert _run_students(db, deps).selected == 0


# Routes


def _student_route_hoks(db, deps, world, seed):
    """A HOKS whose student contacts the route clears on any day after 2025."""
    hoks_id = _create(db, deps, world, seed, **{"osaamisen-saavuttamisen-pvm": "2025-01-15"})
    _end_study_right(world, _hoks(db, hoks_id).opiskeluoikeus_oid, "2025-01-31")
    _last_written(db, hoks_id, datetime(2025, 2, 1, tzinfo=UTC))
    return hoks_id


def test_the_routes_answer_in_the_original_shape(client, clients, db, deps, world):
    hoks_id = _student_route_hoks(db, deps, world, "route")
    module_id = _periods(_hoks(db, hoks_id).document)["jakso-1"]["module-id"]
    headers = clients.headers(OPH)

    response = client.delete(f"{API}/heratepalvelu/tyopaikkaohjaajan-yhteystiedot", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"meta": {}, "data": {"hankkimistapa-ids": [module_id]}}

    response = client.delete(f"{API}/heratepalvelu/opiskelijan-yhteystiedot", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"meta": {}, "data": {"hoks-ids": [hoks_id]}}
    document = _hoks(db, hoks_id).document
    assert "sahkoposti" not in document
    assert _ohjaaja(_periods(document)["jakso-1"]) == {"nimi": "Olli Ohjaaja"}

    empty = client.delete(f"{API}/heratepalvelu/opiskelijan-yhteystiedot", headers=headers)
    assert empty.json() == {"meta": {}, "data": {"hoks-ids": []}}

    # Audited (DESIGN D7): where data was erased, never the erased values.
    events = _audit_events(db, hoks_id)
    assert [(e.operation, e.actor_kind, e.outcome) for e in events] == [
        ("instructor-contact-cleanup", "palvelukayttaja", "succeeded"),
        ("contact-cleanup", "palvelukayttaja", "succeeded"),
    ]
    assert events[0].changes == [
        {
            "path": "hankittavat-ammat-tutkinnon-osat.0.osaamisen-hankkimistavat.0."
            "tyopaikalla-jarjestettava-koulutus.vastuullinen-tyopaikka-ohjaaja.sahkoposti"
        }
    ]
    assert events[1].changes == [{"path": "sahkoposti"}]
    assert events[1].details["erased-from-versions"] == [1, 2]
    _assert_no_contact_data_audited(db)


@pytest.mark.parametrize("route", ["tyopaikkaohjaajan-yhteystiedot", "opiskelijan-yhteystiedot"])
def test_the_routes_need_the_delete_privilege_on_the_oph_root(
    client, clients, db, deps, world, route
):
    hoks_id = _student_route_hoks(db, deps, world, "denied")
    before = _hoks(db, hoks_id)
    for headers in (
        clients.headers(world.oppilaitos_1),  # CRUD on the HOKS's own institution
        clients.headers(world.koulutustoimija_1),  # CRUD on its provider
        clients.headers(OPH, "READ"),  # on the OPH root, but without delete
    ):
        response = client.delete(f"{API}/heratepalvelu/{route}", headers=headers)
        assert response.status_code == 401, response.text
    assert (
        client.delete(f"{API}/heratepalvelu/{route}", headers={"Caller-Id": "tests"}).status_code
        == 401
    )
    after = _hoks(db, hoks_id)
    assert (after.version, after.document) == (before.version, before.document)


# The command


runner = CliRunner()


@pytest.fixture
def env(database_url, db, monkeypatch):
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    return db


def test_the_command_has_help():
    result = runner.invoke(cli_app, ["jobs", "contact-cleanup", "--help"])
    assert result.exit_code == 0, result.output
    assert "--until-done" in result.output


def test_the_command_runs_one_batch_or_until_done(env, deps, world):
    ids = [_student_route_hoks(env, deps, world, f"cli-{n}") for n in range(3)]

    result = runner.invoke(cli_app, ["jobs", "contact-cleanup", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "cleared on 2 period(s)" in result.output
    assert "cleared on 2 HOKS(es)" in result.output

    result = runner.invoke(cli_app, ["jobs", "contact-cleanup", "--limit", "1", "--until-done"])
    assert result.exit_code == 0, result.output
    assert "cleared on 1 period(s)" in result.output
    assert "cleared on 1 HOKS(es)" in result.output
    for hoks_id in ids:
        document = _hoks(env, hoks_id).document
        assert "sahkoposti" not in document
        assert _ohjaaja(_periods(document)["jakso-1"]) == {"nimi": "Olli Ohjaaja"}
        assert [(e.operation, e.actor_id) for e in _audit_events(env, hoks_id)] == [
            ("instructor-contact-cleanup", "system:contact-cleanup"),
            ("contact-cleanup", "system:contact-cleanup"),
        ]
    _assert_no_contact_data_audited(env)


def test_the_command_reports_hokses_koski_could_not_answer_for(env, deps, world, monkeypatch):
    ids = [_student_route_hoks(env, deps, world, f"cli-down-{n}") for n in range(2)]
    failing_oid = _hoks(env, ids[0]).opiskeluoikeus_oid

    def registries(settings, engine):
        real = build_registries(settings, engine)
        return dataclasses.replace(real, koski=FailingKoski(real.koski, {failing_oid}))

    # The CLI's runtime builds its registries (``ehoks.context.build_runtime``).
    monkeypatch.setattr(usecase, "build_registries", registries)
    result = runner.invoke(cli_app, ["jobs", "contact-cleanup", "--limit", "1", "--until-done"])

    assert result.exit_code == 1, result.output
    assert f"Koski did not answer for 1 HOKS(es), left unchanged: {ids[0]}" in result.output
    assert "sahkoposti" in _hoks(env, ids[0]).document
    assert "sahkoposti" not in _hoks(env, ids[1]).document
