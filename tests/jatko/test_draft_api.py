"""``GET /hoks/{id}/jatkoluonnos``: the draft for each kind of unit, a changed qualification and
a TUVA plan continued on a vocational study right — each accepted by ``POST /hoks`` as it is
once ``ensikertainen-hyvaksyminen`` is set —, the refusals, and that nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.hoks.models import Hoks
from ehoks.jatko.models import HoksJatko
from tests.conftest import API
from tests.factories import OPH, hoks_body
from tests.jatko.scenario import (
    LOCAL_UNIT,
    continuing_learner,
    earlier_plan,
    import_demo_registries,
    tuva_plan,
)

NAYTTO = "osaamisentodentamisenprosessi_0003"


@pytest.fixture
def registries(db, tmp_path):
    import_demo_registries(db, tmp_path / "demo-registries")


@pytest.fixture
def learner(world, registries):
    return continuing_learner(world)


@pytest.fixture
def provider(clients, world):
    """A student information system with CRUD on the provider of both schools."""
    return clients.headers(world.koulutustoimija_1)


@pytest.fixture
def earlier(client, provider, learner):
    response = client.post(
        f"{API}/hoks", json=earlier_plan(learner.oppija, learner.aiempi_oo), headers=provider
    )
    assert response.status_code == 200, response.text
    return response.json()["meta"]["id"]


def draft(client, headers, hoks_id: int, oo: str) -> Any:
    return client.get(
        f"{API}/hoks/{hoks_id}/jatkoluonnos", params={"opiskeluoikeus-oid": oo}, headers=headers
    )


def accepted(client, headers, body: dict[str, Any], **params: Any) -> int:
    """POST the draft as it is, with only the first approval date set."""
    response = client.post(
        f"{API}/hoks",
        json={**body, "ensikertainen-hyvaksyminen": "2025-08-20"},
        headers=headers,
        params=params,
    )
    assert response.status_code == 200, response.text
    return int(response.json()["meta"]["id"])


def hoks_count(db) -> int:
    with make_session_factory(db)() as session:
        return int(session.scalar(select(func.count()).select_from(Hoks)) or 0)


def by_source(meta: dict[str, Any], lahde: str) -> list[dict[str, Any]]:
    return [entry for entry in meta["siirretyt"] if entry["lahde"] == lahde]


def test_the_same_qualification_carries_every_kind_of_unit(
    client, provider, world, learner, earlier, db
):
    before = hoks_count(db)
    response = draft(client, provider, earlier, learner.sama_oo)
    assert response.status_code == 200, response.text
    body, meta = response.json()["data"], response.json()["meta"]
    assert hoks_count(db) == before  # nothing stored
    assert meta["jatkaa-hoksia"] == earlier
    assert meta["tutkinto-vaihtui"] is False
    assert body["oppija-oid"] == learner.oppija
    assert body["opiskeluoikeus-oid"] == learner.sama_oo
    assert "ensikertainen-hyvaksyminen" not in body
    assert body["urasuunnitelma-koodi-uri"] == "urasuunnitelma_0001"

    prior = {u["tutkinnon-osa-koodi-uri"]: u for u in body["aiemmin-hankitut-ammat-tutkinnon-osat"]}
    # The earlier prior competence as it is.
    assert prior["tutkinnonosat_106163"]["valittu-todentamisen-prosessi-koodi-uri"] == (
        "osaamisentodentamisenprosessi_0001"
    )
    # Completed in Koski: recognised through a demonstration, the earlier demonstrations as
    # details, the earlier provider as provider.
    done = prior["tutkinnonosat_106161"]
    assert done["valittu-todentamisen-prosessi-koodi-uri"] == NAYTTO
    assert done["koulutuksen-jarjestaja-oid"] == world.koulutustoimija_1
    [naytto] = done["tarkentavat-tiedot-naytto"]
    assert naytto["nayttoymparisto"]["nimi"] == "Sähkö Oy"
    assert naytto["tyoelama-osaamisen-arvioijat"][0]["nimi"] == "Tiina Työelämä"
    assert "module-id" not in naytto
    [entry] = by_source(meta, "hankittavat-ammat-tutkinnon-osat[0]")
    assert entry["tapa"] == "suoritettu-koskessa"
    assert entry["koski-arviointipaiva"] == "2025-05-20"
    # Passed in Koski, never in the plan: prior competence from Koski.
    assert prior["tutkinnonosat_106165"]["valittu-todentamisen-prosessi-koodi-uri"] == NAYTTO
    assert any(
        e["lahde"] == "koski" and e["tutkinnon-osa-koodi-uri"] == "tutkinnonosat_106165"
        for e in meta["siirretyt"]
    )

    # In progress: kept to acquire, without the earlier planning.
    [kept] = body["hankittavat-ammat-tutkinnon-osat"]
    assert kept == {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_106162",
        "tutkinnon-osa-koodi-versio": 1,
        "vaatimuksista-tai-tavoitteista-poikkeaminen": "Mukautettu",
    }
    [entry] = by_source(meta, "hankittavat-ammat-tutkinnon-osat[1]")
    assert entry["tapa"] == "hankittavana"
    assert entry["suunnitellaan-uudelleen"] == ["osaamisen-hankkimistavat"]

    # The common unit: the sub-area passed in Koski is prior competence, the other remains.
    [yto_prior] = body["aiemmin-hankitut-yhteiset-tutkinnon-osat"]
    assert yto_prior["tutkinnon-osa-koodi-uri"] == "tutkinnonosat_106727"
    [vvai] = yto_prior["osa-alueet"]
    assert vvai["osa-alue-koodi-uri"] == "ammatillisenoppiaineet_vvai"
    assert vvai["valittu-todentamisen-prosessi-koodi-uri"] == NAYTTO
    assert vvai["tarkentavat-tiedot-naytto"][0]["alku"] == "2025-03-10"
    [yto] = body["hankittavat-yhteiset-tutkinnon-osat"]
    assert yto["osa-alueet"] == [
        {"osa-alue-koodi-uri": "ammatillisenoppiaineet_vvtk", "osa-alue-koodi-versio": 1}
    ]

    # The local unit in progress: kept to acquire without its learning period.
    [local] = body["hankittavat-paikalliset-tutkinnon-osat"]
    assert local == {
        "nimi": LOCAL_UNIT,
        "laajuus": 5,
        "tavoitteet-ja-sisallot": "Turvallinen työskentely",
    }

    assert len(body["opiskeluvalmiuksia-tukevat-opinnot"]) == 1
    assert len(body["oppimisen-tuki"]) == 1
    assert body["osaamisen-hankkimisen-tarve"] is True
    assert meta["pois"] == []
    # Every carried item says where it came from.
    carried = sum(len(v) for k, v in body.items() if isinstance(v, list))
    assert len([e for e in meta["siirretyt"] if "[" in e["kohde"]]) == carried

    new_id = accepted(client, provider, body)
    assert new_id != earlier


def test_a_changed_qualification_leaves_out_units_eperusteet_does_not_place(
    client, provider, learner, earlier
):
    response = draft(client, provider, earlier, learner.uusi_tutkinto_oo)
    assert response.status_code == 200, response.text
    body, meta = response.json()["data"], response.json()["meta"]
    assert meta["tutkinto-vaihtui"] is True
    assert meta["tutkinto"]["perusteen-diaarinumero"] == "OPH-2511-2017"
    left_out = {(e["lahde"], e.get("tutkinnon-osa-koodi-uri")): e for e in meta["pois"]}
    # Neither the electrical units (passed, in progress, prior) nor the one only in Koski.
    assert set(left_out) == {
        ("aiemmin-hankitut-ammat-tutkinnon-osat[0]", "tutkinnonosat_106163"),
        ("hankittavat-ammat-tutkinnon-osat[0]", "tutkinnonosat_106161"),
        ("hankittavat-ammat-tutkinnon-osat[1]", "tutkinnonosat_106162"),
        ("koski", "tutkinnonosat_106165"),
    }
    assert all(e["syy"] == "ei-uudessa-tutkinnossa" and e["selite"] for e in meta["pois"])
    assert "aiemmin-hankitut-ammat-tutkinnon-osat" not in body
    assert "hankittavat-ammat-tutkinnon-osat" not in body
    # The common unit belongs to both qualifications; the local unit to none in ePerusteet.
    assert body["hankittavat-yhteiset-tutkinnon-osat"][0]["tutkinnon-osa-koodi-uri"] == (
        "tutkinnonosat_106727"
    )
    assert body["hankittavat-paikalliset-tutkinnon-osat"][0]["nimi"] == LOCAL_UNIT
    accepted(client, provider, body)


def test_a_tuva_plan_continued_on_a_vocational_study_right(client, provider, learner):
    created = client.post(
        f"{API}/hoks", json=tuva_plan(learner.oppija, learner.tuva_oo), headers=provider
    )
    assert created.status_code == 200, created.text
    tuva_id = created.json()["meta"]["id"]
    response = draft(client, provider, tuva_id, learner.sama_oo)
    assert response.status_code == 200, response.text
    body, meta = response.json()["data"], response.json()["meta"]
    # What a vocational plan can hold: the goal and the learning support.
    assert body["urasuunnitelma-koodi-uri"] == "urasuunnitelma_0001"
    assert body["oppimisen-tuki"] == [
        {"oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_03"}
    ]
    assert "hankittavat-koulutuksen-osat" not in body
    assert body["osaamisen-hankkimisen-tarve"] is False
    [left] = meta["pois"]
    assert left["lahde"] == "hankittavat-koulutuksen-osat[0]"
    assert left["koulutuksen-osa-koodi-uri"] == "koulutuksenosattuva_101"
    assert left["syy"] == "ei-ammatillisessa-hoksissa"
    sources = {e["lahde"] for e in meta["siirretyt"]}
    assert sources == {"urasuunnitelma-koodi-uri", "oppimisen-tuki[0]"}
    accepted(client, provider, body)


def test_the_continuation_is_recorded_when_the_client_says_so(
    client, provider, learner, earlier, db
):
    body = draft(client, provider, earlier, learner.sama_oo).json()["data"]
    new_id = accepted(client, provider, body, **{"jatkaa-hoksia": earlier})
    with make_session_factory(db)() as session:
        link = session.get(HoksJatko, new_id)
        assert link is not None
        assert link.aiempi_hoks_id == earlier
        events = session.scalars(
            select(AuditEvent.operation).where(AuditEvent.hoks_id == new_id)
        ).all()
    assert "continue" in events
    # The compatible wire document is unchanged: no trace of the link in it.
    data = client.get(f"{API}/hoks/{new_id}", headers=provider).json()["data"]
    assert "jatkaa-hoksia" not in data


def test_a_link_to_a_plan_the_caller_may_not_read_creates_nothing(
    client, clients, world, learner, earlier, db
):
    # A provider where the learner has no study right (so no right on the earlier plan),
    # creating a plan for a learner of its own and claiming it continues the earlier one.
    other = clients.headers(world.koulutustoimija_3)
    stranger, stranger_oo = world.add_oppija("c-oppija", oppilaitos=world.oppilaitos_4)
    body = {
        "oppija-oid": stranger,
        "opiskeluoikeus-oid": stranger_oo,
        "ensikertainen-hyvaksyminen": "2025-08-20",
        "osaamisen-hankkimisen-tarve": True,
    }
    before = hoks_count(db)
    response = client.post(
        f"{API}/hoks", json=body, headers=other, params={"jatkaa-hoksia": earlier}
    )
    assert response.status_code == 401
    assert hoks_count(db) == before
    unknown = client.post(f"{API}/hoks", json=body, headers=other, params={"jatkaa-hoksia": 999999})
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"jatkaa-hoksia": "no HOKS with this id"}
    assert hoks_count(db) == before


def test_a_link_to_another_learners_plan_is_refused(client, provider, world, learner, earlier, db):
    stranger, stranger_oo = world.add_oppija("vieras")
    response = client.post(
        f"{API}/hoks",
        json=hoks_body(stranger, stranger_oo),
        headers=provider,
        params={"jatkaa-hoksia": earlier},
    )
    assert response.status_code == 400
    assert "jatkaa-hoksia" in response.json()["errors"]
    with make_session_factory(db)() as session:
        assert session.scalar(select(func.count()).select_from(HoksJatko)) == 0


def test_refusals(client, clients, provider, world, learner, earlier, db):
    before = hoks_count(db)
    # Unknown HOKS.
    assert draft(client, provider, 999999, learner.sama_oo).status_code == 404
    # Missing or malformed study right.
    missing = client.get(f"{API}/hoks/{earlier}/jatkoluonnos", headers=provider)
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"opiskeluoikeus-oid": "missing-required-key"}
    malformed = draft(client, provider, earlier, "1.2.3")
    assert malformed.status_code == 400
    assert "opiskeluoikeus-oid" in malformed.json()["errors"]
    # The plan's own study right.
    assert draft(client, provider, earlier, learner.aiempi_oo).status_code == 400
    # A study right Koski does not know.
    unknown = draft(client, provider, earlier, opiskeluoikeus_oid("not-in-koski"))
    assert unknown.status_code == 400
    assert "not found in Koski" in unknown.json()["error"]
    # Another learner's study right.
    _, stranger_oo = world.add_oppija("toinen")
    not_theirs = draft(client, provider, earlier, stranger_oo)
    assert not_theirs.status_code == 400
    assert "No opiskeluoikeus" in not_theirs.json()["error"]
    # No right to read the earlier plan: a provider where the learner has no study right.
    outsider = clients.headers(world.koulutustoimija_3)
    assert draft(client, outsider, earlier, learner.muu_oo).status_code == 401
    # The provider where the learner studies now reads it (§ 109 a ¶1) but, with only the
    # read privilege, may not write on its study right.
    b_reader = clients.headers(world.koulutustoimija_2, "READ")
    assert draft(client, b_reader, earlier, learner.muu_oo).status_code == 401
    # May read the plan, may not write on the new study right.
    reader = clients.headers(world.koulutustoimija_1, "READ")
    assert draft(client, reader, earlier, learner.sama_oo).status_code == 401
    school_1 = clients.headers(world.oppilaitos_1)
    assert draft(client, school_1, earlier, learner.sama_oo).status_code == 401  # other school
    # A study right that already has a HOKS.
    body = draft(client, provider, earlier, learner.sama_oo).json()["data"]
    accepted(client, provider, body)
    again = draft(client, provider, earlier, learner.sama_oo)
    assert again.status_code == 400
    assert again.json()["error"] == "HOKS with the same opiskeluoikeus-oid already exists"
    assert hoks_count(db) == before + 1
    # An OPH-wide client may do both.
    assert draft(client, clients.headers(OPH), earlier, learner.uusi_tutkinto_oo).status_code == 200


def test_a_refused_draft_is_audited_as_denied(client, clients, world, learner, earlier, db):
    reader = clients.headers(world.koulutustoimija_1, "READ")
    assert draft(client, reader, earlier, learner.sama_oo).status_code == 401
    with make_session_factory(db)() as session:
        outcomes = session.scalars(
            select(AuditEvent.outcome).where(AuditEvent.hoks_id == earlier)
        ).all()
    assert "denied" in outcomes


def test_the_provider_where_the_learner_studies_now_drafts_from_another_providers_plan(
    client, clients, provider, world, learner, earlier, db
):
    """B (koulutustoimija 2, where the learner has a study right in force) reads A's plan
    under § 109 a ¶1: its system gets the draft for B's study right and creates the plan that
    continues A's; C (no study right of the learner) gets neither."""
    b = clients.headers(world.koulutustoimija_2)
    response = draft(client, b, earlier, learner.muu_oo)
    assert response.status_code == 200, response.text
    body, meta = response.json()["data"], response.json()["meta"]
    assert body["opiskeluoikeus-oid"] == learner.muu_oo
    assert meta["jatkaa-hoksia"] == earlier
    assert meta["tutkinto-vaihtui"] is False
    recognised = {
        u["tutkinnon-osa-koodi-uri"]: u for u in body["aiemmin-hankitut-ammat-tutkinnon-osat"]
    }
    # Completed in Koski on A's study right: A is the provider that recognised it.
    assert recognised["tutkinnonosat_106161"]["koulutuksen-jarjestaja-oid"] == (
        world.koulutustoimija_1
    )
    assert recognised["tutkinnonosat_106161"]["valittu-todentamisen-prosessi-koodi-uri"] == NAYTTO
    # The read that grounded the draft is audited on the current-provider basis.
    with make_session_factory(db)() as session:
        event = session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.hoks_id == earlier,
                AuditEvent.operation == "read",
                AuditEvent.actor_kind == "palvelukayttaja",
            )
            .order_by(AuditEvent.seq.desc())
        ).first()
    assert event is not None
    assert (event.legal_basis, event.basis_ref) == ("current-provider", learner.muu_oo)
    assert event.details["jatkoluonnos"] == learner.muu_oo

    new_id = accepted(client, b, body, **{"jatkaa-hoksia": earlier})
    with make_session_factory(db)() as session:
        link = session.get(HoksJatko, new_id)
        new = session.get(Hoks, new_id)
        assert link is not None
        assert link.aiempi_hoks_id == earlier
        assert new is not None
        assert new.oppilaitos_oid == world.oppilaitos_3
    # B's plan is B's to write; A's stays read-only for B.
    assert client.get(f"{API}/hoks/{new_id}", headers=b).status_code == 200
    patch = {"id": earlier, "urasuunnitelma-koodi-uri": "urasuunnitelma_0002"}
    assert client.patch(f"{API}/hoks/{earlier}", json=patch, headers=b).status_code == 401

    # C: neither plan, no draft, no continuation.
    c = clients.headers(world.koulutustoimija_3)
    assert client.get(f"{API}/hoks/{earlier}", headers=c).status_code == 401
    assert client.get(f"{API}/hoks/{new_id}", headers=c).status_code == 401
    assert draft(client, c, earlier, learner.muu_oo).status_code == 401
