"""The read representation (reference 3.10) and the Vipunen projection (3.11)."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest

from ehoks.hoks.schemas import VipunenProjectionError, read_view, vipunen_view
from tests.hoks.test_schemas_fixtures import (
    MODULE_ID,
    ORG_OID,
    TODAY,
    hato,
    hoks,
    naytto,
    post,
    tyopaikkajakso,
    with_oht,
)

EID = "5d1f0b52-1b0e-4a4f-8a51-1c1d3c0b9e77"


def stored(body=None, **extra):
    """A document as the service would store it: validated, with id, eid and module-ids."""
    document = post(body or hoks())
    document |= {"id": 12, "eid": EID, "manuaalisyotto": False, **extra}
    for unit in document["hankittavat-ammat-tutkinnon-osat"]:
        unit["module-id"] = MODULE_ID
        for oht in unit["osaamisen-hankkimistavat"]:
            oht["module-id"] = MODULE_ID
    return document


def test_read_view_fills_lists_and_drops_nulls_and_nested_ids():
    document = {
        "id": 3,
        "eid": EID,
        "sahkoposti": None,
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "id": 9,
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
                "tutkinnon-osa-koodi-versio": 1,
                "osaamisen-hankkimistavat": [
                    {"id": 4, "alku": "2024-01-01", "ajanjakson-tarkenne": None}
                ],
            }
        ],
        "aiemmin-hankitut-yhteiset-tutkinnon-osat": [
            {"osa-alueet": [{"tarkentavat-tiedot-naytto": None}]}
        ],
    }
    before = copy.deepcopy(document)
    view = read_view(document)
    assert document == before
    assert view["id"] == 3
    assert "sahkoposti" not in view
    assert view["oppimisen-tuki"] == []
    assert view["hankittavat-koulutuksen-osat"] == []
    unit = view["hankittavat-ammat-tutkinnon-osat"][0]
    assert "id" not in unit
    assert unit["osaamisen-osoittaminen"] == []
    assert unit["osaamisen-hankkimistavat"] == [
        {"alku": "2024-01-01", "keskeytymisajanjaksot": [], "muut-oppimisymparistot": []}
    ]
    osa_alue = view["aiemmin-hankitut-yhteiset-tutkinnon-osat"][0]["osa-alueet"][0]
    assert osa_alue == {
        "tarkentavat-tiedot-naytto": [],
        "tarkentavat-tiedot-osaamisen-arvioija": {"aiemmin-hankitun-osaamisen-arvioijat": []},
    }
    assert read_view(view) == view


def test_read_view_is_idempotent_on_a_normalised_document():
    document = stored()
    assert read_view(document) == document


def test_vipunen_redacts_personal_data():
    demo = naytto(
        **{
            "koulutuksen-jarjestaja-osaamisen-arvioijat": [
                {"nimi": "Arvo", "organisaatio": {"oppilaitos-oid": ORG_OID}}
            ],
            "tyoelama-osaamisen-arvioijat": [{"nimi": "Tyyne", "organisaatio": {"nimi": "Oy"}}],
        }
    )
    oht = tyopaikkajakso(
        **{
            "jarjestajan-edustaja": {"nimi": "Jaana", "oppilaitos-oid": ORG_OID},
            "hankkijan-edustaja": {"nimi": "Hanna", "oppilaitos-oid": ORG_OID},
        }
    )
    body = hoks(
        puhelinnumero="040 1",
        **{
            "hankittavat-ammat-tutkinnon-osat": [
                hato(**{"osaamisen-hankkimistavat": [oht], "osaamisen-osoittaminen": [demo]})
            ]
        },
    )
    view = vipunen_view(stored(body), poistettu=None, today=TODAY)
    assert "sahkoposti" not in view
    assert "puhelinnumero" not in view
    assert "poistettu" not in view
    assert view["id"] == 12
    assert view["eid"] == EID
    assert view["manuaalisyotto"] is False
    unit = view["hankittavat-ammat-tutkinnon-osat"][0]
    assert unit["module-id"] == MODULE_ID
    period = unit["osaamisen-hankkimistavat"][0]
    assert "jarjestajan-edustaja" not in period
    assert "hankkijan-edustaja" not in period
    assert period["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"] is True
    demo_out = unit["osaamisen-osoittaminen"][0]
    assert demo_out["koulutuksen-jarjestaja-osaamisen-arvioijat"][0]["nimi"] == "<REDACTED>"
    assert demo_out["tyoelama-osaamisen-arvioijat"][0]["nimi"] == "<REDACTED>"
    for secret in (
        "Arvo",
        "Tyyne",
        "Jaana",
        "Hanna",
        "Olli",
        "olli@example.org",
        "040 1",
        "opiskelija@",
    ):
        assert secret not in str(view)


def test_vipunen_adds_poistettu():
    when = datetime(2025, 1, 2, 12, 30, tzinfo=UTC)
    view = vipunen_view(stored(), poistettu=when, today=TODAY)
    assert view["poistettu"] == "2025-01-02T12:30:00.000Z"


def test_vipunen_skips_study_right_rules():
    oht = tyopaikkajakso()
    del oht["osa-aikaisuustieto"]  # rule 1
    osa = {
        "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_101",
        "koulutuksen-osa-koodi-versio": 1,
        "alku": "2024-09-01",
        "loppu": "2024-12-20",
        "laajuus": 3,
    }
    document = stored(post(with_oht(tyopaikkajakso()))) | {"hankittavat-koulutuksen-osat": [osa]}
    document["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"] = [oht]
    assert vipunen_view(document, poistettu=None, today=TODAY)["hankittavat-koulutuksen-osat"] == [
        osa
    ]


def test_vipunen_fails_without_yksiloiva_tunniste():
    document = stored()
    del document["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][1][
        "yksiloiva-tunniste"
    ]
    with pytest.raises(VipunenProjectionError) as info:
        vipunen_view(document, poistettu=None, today=TODAY)
    assert info.value.problems == [
        {
            "path": "hankittavat-ammat-tutkinnon-osat[0].osaamisen-hankkimistavat[1]",
            "message": "Lisää työpaikkajaksoon yksilöivä tunniste.",
        }
    ]
    assert isinstance(info.value, ValueError)


def test_vipunen_fails_when_saavuttamisen_pvm_has_left_the_window():
    document = stored(**{"osaamisen-saavuttamisen-pvm": "2025-01-20"})
    assert vipunen_view(document, poistettu=None, today=TODAY)
    with pytest.raises(VipunenProjectionError, match="osaamisen-saavuttamisen-pvm"):
        vipunen_view(document, poistettu=None, today=date(2024, 12, 1))


@pytest.mark.parametrize("key", ["eid", "id", "ensikertainen-hyvaksyminen"])
def test_vipunen_fails_without_required_keys(key):
    document = stored()
    del document[key]
    with pytest.raises(VipunenProjectionError, match="missing-required-key"):
        vipunen_view(document, poistettu=None, today=TODAY)
