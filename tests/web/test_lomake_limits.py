"""The official's HOKS form given what the database cannot hold (issue 11 item 2): a control
character, a number beyond the integer columns, a date or time out of range, a text longer than
its column, a body over the size limit. Each is shown at its field in the user's language (or as
the 413 page), nothing is stored, and no answer is a 500 — on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from ehoks.limits import TEXT_MAX
from tests.web.test_virkailija_lomake import (
    NEW,
    PERIOD,
    _fill_a_unit,
    client,
    csrf,
    error_at,
    hoks_count,
    learner,
    post,
    registries,
    with_values,
    writer,
)

# The fixtures of the form's own tests, used here by name.
__all__ = ["client", "csrf", "learner", "registries", "writer"]

TJK = f"{PERIOD}.tyopaikalla-jarjestettava-koulutus"
CONTROL = "Tekstissä on ohjausmerkki, jota ei voi tallentaa. Kirjoita teksti uudelleen."
TOO_LONG = "Teksti on liian pitkä. Lyhennä sitä."
NUMBER = "Luku on liian suuri tai liian pieni."
DATE = "Anna päivämäärä vuosien 1900 ja 2199 väliltä."


@pytest.mark.parametrize(
    ("field", "typed", "shown"),
    [
        (f"{TJK}.tyopaikan-nimi", "Esimerkki\x00 Oy", CONTROL),
        (f"{TJK}.vastuullinen-tyopaikka-ohjaaja.nimi", "Olli\x1bOhjaaja", CONTROL),
        (f"{TJK}.tyopaikan-nimi", "n" * (TEXT_MAX + 1), TOO_LONG),
        (f"{TJK}.vastuullinen-tyopaikka-ohjaaja.sahkoposti", "s" * 321, TOO_LONG),
        (f"{PERIOD}.osa-aikaisuustieto", "2147483648", NUMBER),
        (f"{PERIOD}.osa-aikaisuustieto", "9" * 5000, "Anna kokonaisluku."),
        (f"{PERIOD}.alku", "0001-01-01", DATE),
        (f"{PERIOD}.loppu", "9999-12-31", DATE),
        ("hyvaksytty", "0001-01-01T00:30", DATE),
        ("hyvaksytty", "2200-01-01T03:00", DATE),  # 01:00 UTC
    ],
)
def test_what_the_database_cannot_hold_is_shown_at_its_field(
    client, csrf, learner, db, field, typed, shown
):
    oppija, oo = learner
    fields = with_values(_fill_a_unit(client, csrf, oppija, oo), {field: typed})
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 400, response.text[:500]
    assert error_at(response.text, field) == shown
    assert hoks_count(db) == 0


def test_the_same_form_without_those_values_is_saved(client, csrf, learner, db):
    """The cases above differ from a valid form only in the one field."""
    oppija, oo = learner
    fields = with_values(
        _fill_a_unit(client, csrf, oppija, oo),
        {f"{TJK}.tyopaikan-nimi": "Esimerkki\tOy", "hyvaksytty": "2024-08-15T12:30"},
    )
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 303, response.text[:500]
    assert hoks_count(db) == 1


def test_a_form_over_the_body_limit_gets_the_413_page(client, csrf, learner, db):
    oppija, oo = learner
    fields = with_values(
        _fill_a_unit(client, csrf, oppija, oo), {f"{TJK}.tyopaikan-nimi": "n" * (5 * 1024 * 1024)}
    )
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert hoks_count(db) == 0


@pytest.mark.parametrize("hoks_id", [2**31, 2**63, 10**30])
def test_an_edit_address_with_an_id_beyond_the_column_is_400(client, csrf, learner, hoks_id):
    oppija, _ = learner
    response = client.get(f"/ehoks-virkailija-ui/hoks/{oppija}/{hoks_id}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
