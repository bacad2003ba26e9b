"""Consents (suostumus): the student discloses the whole HOKS or chosen parts to a named party
for a stated purpose; the party sees exactly that, each read audited on the consent."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from ehoks.kernel.clock import today_in_finland
from tests.conftest import API
from tests.sharing.conftest import (
    JAKOLINKIT,
    OPPIJA,
    RECIPIENT,
    SUOSTUMUKSET,
    audit_events,
    jako_rows,
)

TODAY = today_in_finland()


def consent_body(plan, **overrides):
    body = {
        "hoks-eid": plan.eid,
        "module-ids": [],
        "vastaanottaja": {
            "nimi": "Rauni Vastaanottaja",
            "sahkoposti": RECIPIENT,
            "organisaatio": "Oppisopimusyritys Oy",
        },
        "tarkoitus": "Oppisopimuspaikan haku",
        "voimassaolo-alku": TODAY.isoformat(),
        "voimassaolo-loppu": (TODAY + timedelta(days=60)).isoformat(),
    }
    body.update(overrides)
    return body


def _give(client, csrf, body):
    response = client.post(SUOSTUMUKSET, json=body, headers=csrf)
    assert response.status_code == 201, response.text
    return response.json()["meta"]["uuid"]


def test_whole_hoks_consent_discloses_everything_for_its_purpose(
    client, plan, as_student, as_email, smtp_server, db
):
    csrf = as_student()
    response = client.post(SUOSTUMUKSET, json=consent_body(plan), headers=csrf)
    assert response.status_code == 201, response.text
    consent_id = response.json()["meta"]["uuid"]
    assert response.headers["location"] == f"{SUOSTUMUKSET}/{consent_id}"
    assert response.json()["data"]["koko-hoks"] is True
    text = smtp_server.plain_text(smtp_server.latest_to(RECIPIENT))
    assert "osia henkilökohtaisesta osaamisen kehittämissuunnitelmastaan" in text
    assert smtp_server.link_to(RECIPIENT).startswith("https://testserver/ehoks/sahkoposti/")

    as_email()
    opened = client.get(f"{SUOSTUMUKSET}/{consent_id}")
    assert opened.status_code == 200, opened.text
    data = opened.json()["data"]
    assert (data["koko-hoks"], data["tarkoitus"]) == (True, "Oppisopimuspaikan haku")
    assert data["hoks"]["sahkoposti"] == "opiskelija@example.org"
    assert (
        data["hoks"]["hankittavat-ammat-tutkinnon-osat"]
        == plan.data["hankittavat-ammat-tutkinnon-osat"]
    )
    [event] = audit_events(db, operation="read", legal_basis="consent")
    assert (event.basis_ref, event.part, event.hoks_id) == (consent_id, None, plan.hoks_id)
    [given] = audit_events(db, operation="consent")
    assert (given.legal_basis, given.basis_ref) == ("own", consent_id)
    assert given.details["vastaanottaja"]["organisaatio"] == "Oppisopimusyritys Oy"

    page = client.get(f"/ehoks/jako/{consent_id}")
    assert page.status_code == 200, page.text
    assert "Suostumuksella jaetut tiedot" in page.text
    assert "Oppisopimuspaikan haku" in page.text
    assert "Perustiedot" in page.text
    assert "opiskelija@example.org" in page.text


def test_parts_consent_discloses_only_the_chosen_parts(client, plan, as_student, as_email):
    csrf = as_student()
    consent_id = _give(
        client, csrf, consent_body(plan, **{"module-ids": [plan.naytto["module-id"]]})
    )
    as_email()
    data = client.get(f"{SUOSTUMUKSET}/{consent_id}").json()["data"]
    assert data["koko-hoks"] is False
    [unit] = data["hoks"]["hankittavat-ammat-tutkinnon-osat"]
    assert [n["module-id"] for n in unit["osaamisen-osoittaminen"]] == [plan.naytto["module-id"]]
    assert "osaamisen-hankkimistavat" not in unit
    text = str(data)
    for absent in ("opiskelija@example.org", "040 1234567", plan.period["module-id"], "Olli"):
        assert absent not in text
    page = client.get(f"/ehoks/jako/{consent_id}")
    assert "Tiina Työelämä" in page.text
    assert "Perustiedot" not in page.text
    assert "Olli Ohjaaja" not in page.text


def test_consent_grants_nothing_once_its_parts_are_gone(client, plan, as_student, as_email):
    consent_id = _give(
        client, as_student(), consent_body(plan, **{"module-ids": [plan.naytto["module-id"]]})
    )
    current = copy.deepcopy(plan.data)
    current.pop("eid")
    current.pop("manuaalisyotto")
    current["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-osoittaminen"] = []
    put = client.put(f"{API}/hoks/{plan.hoks_id}", json=current, headers=plan.headers)
    assert put.status_code == 204, put.text
    as_email()
    gone = client.get(f"{SUOSTUMUKSET}/{consent_id}")
    assert (gone.status_code, gone.json()) == (410, {"message": "Shared module no longer exists"})
    as_student()
    listed = client.get(f"{OPPIJA}/oppija/hoksit/{plan.eid}/jaot").json()["data"]
    assert listed["suostumukset"][0]["puuttuvat-osat"] == [plan.naytto["module-id"]]


def test_listed_and_revoked_by_the_owner_only(
    client, plan, as_student, as_other_student, as_email, db
):
    csrf = as_student()
    consent_id = _give(client, csrf, consent_body(plan))
    listed = client.get(f"{OPPIJA}/oppija/hoksit/{plan.eid}/jaot").json()["data"]
    [item] = listed["suostumukset"]
    assert (item["suostumus-id"], item["tila"], item["koko-hoks"]) == (consent_id, "voimassa", True)
    assert listed["jakolinkit"] == []
    # A consent is not a share link: the share routes do not know it.
    assert client.delete(f"{JAKOLINKIT}/{consent_id}", headers=csrf).status_code == 404

    other = as_other_student()
    assert client.post(SUOSTUMUKSET, json=consent_body(plan), headers=other).status_code == 403
    assert client.delete(f"{SUOSTUMUKSET}/{consent_id}", headers=other).status_code == 403

    csrf = as_student()
    revoked = client.delete(f"{SUOSTUMUKSET}/{consent_id}", headers=csrf)
    assert revoked.status_code == 200
    assert revoked.json()["data"]["tila"] == "peruttu"
    as_email()
    after = client.get(f"{SUOSTUMUKSET}/{consent_id}")
    assert (after.status_code, after.json()) == (410, {"message": "Shared link is revoked"})
    assert [e.operation for e in audit_events(db) if e.basis_ref == consent_id] == [
        "consent",
        "consent-revoke",
    ]
    assert len(jako_rows(db)) == 1


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"tarkoitus": "  "}, "tarkoitus"),
        ({"tarkoitus": None}, "tarkoitus"),
        ({"vastaanottaja": {"nimi": "R", "sahkoposti": RECIPIENT}}, "vastaanottaja.organisaatio"),
        ({"module-ids": ["6f1c2d2e-1111-4222-8333-444455556666"]}, "module-ids[0]"),
        ({"module-ids": ["ei-uuid"]}, "module-ids[0]"),
        ({"voimassaolo-loppu": (TODAY - timedelta(days=1)).isoformat()}, "voimassaolo-loppu"),
        ({"voimassaolo-loppu": (TODAY + timedelta(days=400)).isoformat()}, "voimassaolo-loppu"),
        ({"voimassaolo-alku": (TODAY + timedelta(days=90)).isoformat()}, "voimassaolo-loppu"),
    ],
)
def test_invalid_consent_names_the_field_and_changes_nothing(
    client, plan, as_student, db, smtp_server, change, path
):
    response = client.post(SUOSTUMUKSET, json=consent_body(plan, **change), headers=as_student())
    assert response.status_code == 400, response.text
    assert path in [problem["path"] for problem in response.json()["problems"]]
    assert jako_rows(db) == []
    assert smtp_server.messages == []


def test_share_and_consent_ids_are_not_interchangeable(client, plan, as_student, as_email):
    csrf = as_student()
    consent_id = _give(client, csrf, consent_body(plan))
    as_email()
    assert client.get(f"{JAKOLINKIT}/{consent_id}").status_code == 404
