"""Cross-field and study-right rules (reference 4.2–4.4, 3.9): the exact Finnish message at the
exact position, and the accepting side of each rule."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from ehoks.hoks.schemas.rules import plus_years
from ehoks.kernel.clock import today_in_finland
from tests.hoks.test_schemas_fixtures import (
    AMMATILLINEN,
    OHT_PATH,
    TELMA,
    TODAY,
    TUVA,
    error_at,
    failure,
    hato,
    hoks,
    lahiopetus,
    opiskeluoikeus,
    part,
    post,
    tyopaikkajakso,
    with_oht,
)

OSA_AIKAISUUS = "Lisää osa-aikaisuustieto, joka on välillä 1-100."
TUNNISTE = "Lisää työpaikkajaksoon yksilöivä tunniste."
Y_TUNNUS = "Lisää työpaikkajaksoon työpaikan Y-tunnus."
PERUSTA = "Lisää jaksoon oppisopimuksen perustan koodi-uri."
JARJESTYS = "Korjaa alku- ja loppupäivämäärä oikein päin."
OO_ALKU = "Korjaa alkupäivä aikaisintaan opiskeluoikeuden alkamispäiväksi."
OO_LOPPU = "Korjaa loppupäivä viimeistään opiskeluoikeuden arvioiduksi päättymispäiväksi."
VIISI_VUOTTA = "Korjaa jakso enintään 5 vuoden pituiseksi."
PAALLEKKAIN = "Keskeytymisajanjaksot eivät saa olla päällekkäin."
SAAVUTTAMINEN = (
    "Osaaminen voidaan merkitä saavutetuksi enintään kaksi viikkoa tulevaisuuteen ja "
    "vähintään vuodelle 2018."
)
OO_TYYPPI = (
    'Opiskeluoikeuden tyypin on oltava joko "Ammatillinen koulutus" tai '
    '"Tutkintokoulutukseen valmentava koulutus (TUVA)".'
)
TUVA_OO_OID = (
    "Ota tuva-opiskeluoikeus-oid pois, koska se on sallittu vain TUVA-opiskeluoikeuden kanssa "
    "rinnakkaiselle opiskeluoikeudelle, ei TUVA-opiskeluoikeudelle."
)
EI_TUVA_OSA = "Ota tutkinnonosa pois, koska opiskeluoikeus on TUVA."
EI_TUVA_TUKEVAT = "Ota tukevat opinnot pois, koska opiskeluoikeus on TUVA."
VAIN_TUVA = "Ota koulutuksenosa pois, koska opiskeluoikeus ei ole TUVA."
OPPIMISEN_TUKI = (
    "Määritä alku- ja loppupvm sekä tutkinnonosan tyyppi jos ja vain jos kyseessä on tukiopetus."
)
OPPISOPIMUS = "osaamisenhankkimistapa_oppisopimus"


def oht_error(oht, **options):
    return error_at(with_oht(oht), OHT_PATH, **options)


def oht_ok(oht, **options):
    result = post(with_oht(oht), **options)
    return result["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]


# --- rule 1 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 0, 101])
def test_rule_1_workplace_period_needs_osa_aikaisuustieto(value):
    oht = tyopaikkajakso(**{"osa-aikaisuustieto": value})
    if value is None:
        del oht["osa-aikaisuustieto"]
    assert oht_error(oht) == OSA_AIKAISUUS


@pytest.mark.parametrize("value", [1, 100])
def test_rule_1_bounds_are_inclusive(value):
    assert oht_ok(tyopaikkajakso(**{"osa-aikaisuustieto": value}))["osa-aikaisuustieto"] == value


def test_rule_1_missing_study_right_counts_as_in_the_target_group():
    oht = tyopaikkajakso()
    del oht["osa-aikaisuustieto"]
    assert oht_error(oht, opiskeluoikeus=None) == OSA_AIKAISUUS


@pytest.mark.parametrize(
    ("changes", "options"),
    [
        ({"loppu": "2023-06-30", "alku": "2023-06-01"}, {"opiskeluoikeus": None}),
        ({}, {"opiskeluoikeus": TELMA}),
        ({"osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_muu"}, {}),
    ],
)
def test_rule_1_does_not_apply(changes, options):
    oht = tyopaikkajakso(**changes)
    del oht["osa-aikaisuustieto"]
    assert "osa-aikaisuustieto" not in oht_ok(oht, **options)


# --- rule 2 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("tyyppi", ["koulutussopimus", "oppisopimus"])
def test_rule_2_workplace_period_needs_yksiloiva_tunniste(tyyppi):
    oht = tyopaikkajakso(
        **{
            "osaamisen-hankkimistapa-koodi-uri": f"osaamisenhankkimistapa_{tyyppi}",
            "oppisopimuksen-perusta-koodi-uri": "oppisopimuksenperusta_01",
        }
    )
    del oht["yksiloiva-tunniste"]
    assert oht_error(oht) == TUNNISTE
    for method in ("put",):
        assert error_at(with_oht(oht) | {"id": 1}, OHT_PATH, method=method) == TUNNISTE


def test_rule_2_does_not_apply_to_other_periods():
    assert "yksiloiva-tunniste" not in oht_ok(lahiopetus())


def test_rule_2_virkailija_fills_a_missing_tunniste_with_a_uuid():
    oht = tyopaikkajakso()
    del oht["yksiloiva-tunniste"]
    for method in ("post", "put"):
        body = with_oht(oht) | ({"id": 1} if method == "put" else {})
        result = post(body, virkailija=True, method=method)
        filled = result["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
        assert uuid.UUID(filled["yksiloiva-tunniste"]).version == 4


def test_rule_2_virkailija_keeps_a_given_tunniste_and_leaves_other_periods_alone():
    result = post(hoks(), virkailija=True)
    periods = result["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"]
    assert "yksiloiva-tunniste" not in periods[0]
    assert periods[1]["yksiloiva-tunniste"] == "jakso-1"


# --- rules 3 and 4 -------------------------------------------------------------------------------


def test_rule_3_workplace_needs_y_tunnus():
    oht = tyopaikkajakso()
    del oht["tyopaikalla-jarjestettava-koulutus"]["tyopaikan-y-tunnus"]
    assert oht_error(oht) == Y_TUNNUS


def test_rule_3_does_not_apply_before_2021_08_26_or_without_workplace_details():
    early = tyopaikkajakso(alku="2021-08-01", loppu="2021-08-25")
    del early["tyopaikalla-jarjestettava-koulutus"]["tyopaikan-y-tunnus"]
    assert oht_ok(early, opiskeluoikeus=None)
    without = tyopaikkajakso()
    del without["tyopaikalla-jarjestettava-koulutus"]
    assert oht_ok(without)


def test_rule_4_oppisopimus_needs_perusta():
    assert (
        oht_error(tyopaikkajakso(**{"osaamisen-hankkimistapa-koodi-uri": OPPISOPIMUS})) == PERUSTA
    )
    ok = tyopaikkajakso(
        **{
            "osaamisen-hankkimistapa-koodi-uri": OPPISOPIMUS,
            "oppisopimuksen-perusta-koodi-uri": "oppisopimuksenperusta_01",
            "oppisopimuksen-perusta-koodi-versio": 1,
        }
    )
    assert oht_ok(ok)["oppisopimuksen-perusta-koodi-uri"] == "oppisopimuksenperusta_01"


def test_rule_4_does_not_apply_to_periods_ending_before_2021_07_01():
    early = tyopaikkajakso(
        **{
            "osaamisen-hankkimistapa-koodi-uri": OPPISOPIMUS,
            "alku": "2021-01-04",
            "loppu": "2021-06-30",
        }
    )
    assert oht_ok(early, opiskeluoikeus=None)
    boundary = tyopaikkajakso(
        **{
            "osaamisen-hankkimistapa-koodi-uri": OPPISOPIMUS,
            "alku": "2021-01-04",
            "loppu": "2021-07-01",
        }
    )
    assert oht_error(boundary, opiskeluoikeus=None) == PERUSTA


# --- rules 5 to 8 --------------------------------------------------------------------------------


def test_rule_5_dates_in_order():
    assert oht_error(lahiopetus(alku="2024-09-02", loppu="2024-09-01")) == JARJESTYS
    assert oht_ok(lahiopetus(alku="2024-09-02", loppu="2024-09-02"))


def test_rule_6_starts_no_earlier_than_the_study_right():
    assert oht_error(lahiopetus(alku="2023-07-31")) == OO_ALKU
    assert oht_ok(lahiopetus(alku="2023-08-01"))


@pytest.mark.parametrize(
    "oo",
    [
        None,
        opiskeluoikeus(alkamispaiva=None, arvioitu_paattymispaiva=None),
        opiskeluoikeus(tila="eronnut"),
        opiskeluoikeus(tila="katsotaaneronneeksi"),
    ],
)
def test_rules_6_and_7_skipped(oo):
    assert oht_ok(lahiopetus(alku="2022-01-01", loppu="2026-12-31"), opiskeluoikeus=oo)


@pytest.mark.parametrize("tila", [None, "valmistunut", "valiaikaisestikeskeytynyt"])
def test_rules_6_and_7_apply_unless_katsotaan_eronneeksi(tila):
    oo = opiskeluoikeus(tila=tila)
    assert oht_error(lahiopetus(alku="2020-01-01"), opiskeluoikeus=oo) == OO_ALKU
    assert oht_error(lahiopetus(loppu="2026-07-01"), opiskeluoikeus=oo) == OO_LOPPU


def test_rule_7_ends_no_later_than_the_estimated_end():
    assert oht_ok(lahiopetus(loppu="2026-06-30"))
    assert oht_error(lahiopetus(loppu="2026-07-01")) == OO_LOPPU


def test_rule_8_at_most_five_years():
    assert oht_ok(lahiopetus(alku="2020-01-01", loppu="2025-01-01"), opiskeluoikeus=None)
    assert oht_error(lahiopetus(alku="2020-01-01", loppu="2025-01-02"), opiskeluoikeus=None) == (
        VIISI_VUOTTA
    )
    assert oht_error(lahiopetus(alku="2024-02-29", loppu="2029-03-01"), opiskeluoikeus=None) == (
        VIISI_VUOTTA
    )


def test_plus_years_follows_java():
    assert plus_years(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert plus_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_first_failing_rule_is_reported():
    oht = tyopaikkajakso(alku="2024-12-21")  # rule 5 fails too
    del oht["osa-aikaisuustieto"]
    assert oht_error(oht) == OSA_AIKAISUUS


def test_rules_apply_to_periods_in_every_unit_kind():
    bad = lahiopetus(alku="2024-09-02", loppu="2024-09-01")
    data = hoks(
        **{
            "hankittavat-ammat-tutkinnon-osat": [],
            "hankittavat-paikalliset-tutkinnon-osat": [{"osaamisen-hankkimistavat": [bad]}],
            "hankittavat-yhteiset-tutkinnon-osat": [
                {
                    "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
                    "tutkinnon-osa-koodi-versio": 1,
                    "osa-alueet": [
                        {
                            "osa-alue-koodi-uri": "ammatillisenoppiaineet_kl",
                            "osa-alue-koodi-versio": 1,
                            "osaamisen-hankkimistavat": [lahiopetus(), bad],
                        }
                    ],
                }
            ],
        }
    )
    errors = failure(post, data).errors
    assert errors["hankittavat-paikalliset-tutkinnon-osat"] == [
        {"osaamisen-hankkimistavat": [JARJESTYS]}
    ]
    assert errors["hankittavat-yhteiset-tutkinnon-osat"] == [
        {"osa-alueet": [{"osaamisen-hankkimistavat": [None, JARJESTYS]}]}
    ]


# --- rule 9 --------------------------------------------------------------------------------------


def _keskeytykset(*jaksot):
    return tyopaikkajakso(
        keskeytymisajanjaksot=[
            {"alku": alku, **({"loppu": loppu} if loppu else {})} for alku, loppu in jaksot
        ]
    )


@pytest.mark.parametrize(
    "jaksot",
    [
        [("2024-10-01", "2024-10-05"), ("2024-10-05", None)],
        [("2024-10-01", None), ("2024-10-10", "2024-10-12")],
        [("2024-10-10", "2024-10-12"), ("2024-10-01", "2024-10-10")],
    ],
)
def test_rule_9_interruptions_must_not_overlap(jaksot):
    path = (*OHT_PATH, "keskeytymisajanjaksot")
    assert error_at(with_oht(_keskeytykset(*jaksot)), path) == PAALLEKKAIN


def test_rule_9_accepts_separate_periods_in_any_order_open_ended_last():
    jaksot = [("2024-10-10", None), ("2024-10-01", "2024-10-04"), ("2024-10-05", "2024-10-09")]
    result = oht_ok(_keskeytykset(*jaksot))
    assert [j["alku"] for j in result["keskeytymisajanjaksot"]] == [
        "2024-10-10",
        "2024-10-01",
        "2024-10-05",
    ]


# --- other field rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2018-01-01", False),
        ("2018-01-02", True),
        ((TODAY + timedelta(days=14)).isoformat(), True),
        ((TODAY + timedelta(days=15)).isoformat(), False),
    ],
)
def test_osaamisen_saavuttamisen_pvm_window(value, ok):
    data = hoks(**{"osaamisen-saavuttamisen-pvm": value})
    if ok:
        assert post(data)["osaamisen-saavuttamisen-pvm"] == value
    else:
        assert error_at(data, ("osaamisen-saavuttamisen-pvm",)) == SAAVUTTAMINEN


def test_osaamisen_saavuttamisen_pvm_window_defaults_to_today_in_finland():
    late = (today_in_finland() + timedelta(days=20)).isoformat()
    assert (
        error_at(
            hoks(**{"osaamisen-saavuttamisen-pvm": late}),
            ("osaamisen-saavuttamisen-pvm",),
            today=None,
        )
        == SAAVUTTAMINEN
    )


@pytest.mark.parametrize(
    "kind", ["hankittava-ammat-tutkinnon-osa", "hankittava-paikallinen-tutkinnon-osa"]
)
def test_opetus_ja_ohjaus_maara_not_negative(kind):
    data = {"opetus-ja-ohjaus-maara": -0.5}
    if kind == "hankittava-ammat-tutkinnon-osa":
        data |= {"tutkinnon-osa-koodi-uri": "tutkinnonosat_1", "tutkinnon-osa-koodi-versio": 1}
    errors = failure(part, kind, data).errors
    assert errors == {
        "opetus-ja-ohjaus-maara": "Opetuksen ja ohjauksen määrä ei saa olla negatiivinen."
    }
    assert part(kind, data | {"opetus-ja-ohjaus-maara": 0})["opetus-ja-ohjaus-maara"] == 0


def test_koulutuksen_osan_laajuus_not_negative():
    osa = {
        "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_101",
        "koulutuksen-osa-koodi-versio": 1,
        "alku": "2024-09-01",
        "loppu": "2024-12-20",
        "laajuus": -1,
    }
    errors = failure(part, "hankittava-koulutuksen-osa", osa, opiskeluoikeus=TUVA).errors
    assert errors == {"laajuus": "Muuta koulutuksen osan laajuus positiiviseksi."}
    assert part("hankittava-koulutuksen-osa", osa | {"laajuus": 2.5}, opiskeluoikeus=TUVA)


@pytest.mark.parametrize(
    ("tuki", "ok"),
    [
        ({"tyyppi": "01", "alku": 1, "loppu": 1, "osa": 1}, True),
        ({"tyyppi": "01", "alku": 1, "osa": 1}, False),
        ({"tyyppi": "01"}, False),
        ({"tyyppi": "02"}, True),
        ({"tyyppi": "03"}, True),
        ({"tyyppi": "02", "alku": 1}, False),
        ({"tyyppi": "03", "osa": 1}, False),
        ({"tyyppi": "04"}, False),
    ],
)
def test_oppimisen_tuki(tuki, ok):
    tyyppi = f"ammatillinenkoulutusoppimisentuentyyppi_{tuki['tyyppi']}"
    value = {"oppimisen-tuen-tyyppi-koodi-uri": tyyppi}
    if "alku" in tuki:
        value["alku"] = "2024-09-01"
    if "loppu" in tuki:
        value["loppu"] = "2024-12-20"
    if "osa" in tuki:
        value["tutkinnon-osan-tyyppi-koodi-uri"] = "ammatillisentutkinnonosanryhma_1"
    data = hoks(**{"oppimisen-tuki": [value]})
    if ok:
        assert post(data)["oppimisen-tuki"] == [value]
    else:
        assert failure(post, data).errors == {"oppimisen-tuki": [OPPIMISEN_TUKI]}


# --- study right type and TUVA -------------------------------------------------------------------


def test_study_right_type_must_be_ammatillinen_or_tuva():
    perusopetus = opiskeluoikeus(tyyppi="perusopetus")
    assert failure(post, hoks(), opiskeluoikeus=perusopetus).errors == {
        "opiskeluoikeus-oid": OO_TYYPPI
    }
    tuva_hoks = hoks(**{"hankittavat-ammat-tutkinnon-osat": []})
    assert post(tuva_hoks, opiskeluoikeus=TUVA)


def test_study_right_type_is_checked_only_where_the_oid_is_sent():
    perusopetus = opiskeluoikeus(tyyppi="perusopetus")
    assert post({"id": 3, "versio": 2}, method="patch", opiskeluoikeus=perusopetus) == {
        "id": 3,
        "versio": 2,
    }


MINIMAL_UNITS = {
    "aiemmin-hankitut-ammat-tutkinnon-osat": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
        "tutkinnon-osa-koodi-versio": 1,
    },
    "aiemmin-hankitut-paikalliset-tutkinnon-osat": {
        "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0001",
        "valittu-todentamisen-prosessi-koodi-versio": 1,
    },
    "aiemmin-hankitut-yhteiset-tutkinnon-osat": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_2",
        "tutkinnon-osa-koodi-versio": 1,
        "osa-alueet": [],
    },
    "hankittavat-ammat-tutkinnon-osat": hato(),
    "hankittavat-paikalliset-tutkinnon-osat": {"nimi": "Paikallinen"},
    "hankittavat-yhteiset-tutkinnon-osat": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_3",
        "tutkinnon-osa-koodi-versio": 1,
        "osa-alueet": [],
    },
}
OTO = {
    "nimi": "Opiskelutaidot",
    "kuvaus": "Tiedonhaku",
    "alku": "2024-09-01",
    "loppu": "2024-10-01",
}
KOULUTUKSEN_OSA = {
    "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_102",
    "koulutuksen-osa-koodi-versio": 1,
    "alku": "2024-09-01",
    "loppu": "2024-12-20",
    "laajuus": 4,
}


@pytest.mark.parametrize("key", sorted(MINIMAL_UNITS))
def test_units_are_not_allowed_on_tuva(key):
    data = hoks(**{"hankittavat-ammat-tutkinnon-osat": [], key: [MINIMAL_UNITS[key]] * 2})
    assert failure(post, data, opiskeluoikeus=TUVA).errors == {key: [EI_TUVA_OSA, EI_TUVA_OSA]}
    assert post(data, opiskeluoikeus=AMMATILLINEN)[key]
    assert post(data, opiskeluoikeus=None)[key]


def test_tuva_hoks_with_empty_unit_lists_and_training_parts():
    data = hoks(
        **{key: [] for key in MINIMAL_UNITS} | {"hankittavat-koulutuksen-osat": [KOULUTUKSEN_OSA]}
    )
    data["opiskeluvalmiuksia-tukevat-opinnot"] = []
    result = post(data, opiskeluoikeus=TUVA)
    assert result["hankittavat-koulutuksen-osat"] == [KOULUTUKSEN_OSA]


def test_supporting_studies_are_not_allowed_on_tuva():
    data = hoks(
        **{"hankittavat-ammat-tutkinnon-osat": [], "opiskeluvalmiuksia-tukevat-opinnot": [OTO]}
    )
    assert failure(post, data, opiskeluoikeus=TUVA).errors == {
        "opiskeluvalmiuksia-tukevat-opinnot": [EI_TUVA_TUKEVAT]
    }
    assert post(data)["opiskeluvalmiuksia-tukevat-opinnot"] == [OTO]


def test_training_parts_only_on_tuva():
    data = hoks(**{"hankittavat-koulutuksen-osat": [KOULUTUKSEN_OSA]})
    assert failure(post, data).errors == {"hankittavat-koulutuksen-osat": [VAIN_TUVA]}
    assert post(data, opiskeluoikeus=None)["hankittavat-koulutuksen-osat"] == [KOULUTUKSEN_OSA]


def test_tuva_opiskeluoikeus_oid_not_on_a_tuva_hoks():
    data = hoks(
        **{
            "hankittavat-ammat-tutkinnon-osat": [],
            "tuva-opiskeluoikeus-oid": "1.2.246.562.15.41024330544",
        }
    )
    assert failure(post, data, opiskeluoikeus=TUVA).errors == {
        "tuva-opiskeluoikeus-oid": TUVA_OO_OID
    }
    assert post(data)["tuva-opiskeluoikeus-oid"] == "1.2.246.562.15.41024330544"


def test_tuva_rules_in_single_parts():
    assert (
        failure(part, "hankittava-ammat-tutkinnon-osa", hato(), opiskeluoikeus=TUVA).errors
        == EI_TUVA_OSA
    )
    assert failure(part, "opiskeluvalmiuksia-tukevat-opinnot", OTO, opiskeluoikeus=TUVA).errors == (
        EI_TUVA_TUKEVAT
    )
    assert failure(part, "hankittava-koulutuksen-osa", KOULUTUKSEN_OSA).errors == VAIN_TUVA
    # sub-areas carry no TUVA rule of their own
    osa_alue = {"osa-alue-koodi-uri": "ammatillisenoppiaineet_kl", "osa-alue-koodi-versio": 1}
    assert part("hankittavan-yto-osa-alue", osa_alue, opiskeluoikeus=TUVA)
