"""Primitive formats (reference 3.2): check digits with the reference's verified vectors, code-URI
patterns, dates, strict JSON types and trimming."""

from __future__ import annotations

import pytest

from ehoks.hoks.schemas.primitives import y_tunnus_ok
from ehoks.kernel.oids import ibm_1_3_7_check_digit, luhn_check_digit, oid_check_digit_ok
from tests.hoks.test_schemas_fixtures import (
    MODULE_ID,
    OO_OID_LEGACY,
    error_at,
    hato,
    hoks,
    naytto,
    part,
    post,
    tyopaikkajakso,
    with_oht,
)

HATO0 = ("hankittavat-ammat-tutkinnon-osat", 0)
TJK = (*HATO0, "osaamisen-hankkimistavat", 0, "tyopaikalla-jarjestettava-koulutus")


@pytest.mark.parametrize(
    "oid",
    [
        "1.2.246.562.15.41024330544",
        "1.2.246.562.15.298574987110",
        "1.2.246.562.24.54450598189",
        "1.2.246.562.24.12312312319",
        "1.2.246.562.98.54450598187",
    ],
)
def test_reference_vectors_have_valid_check_digits(oid):
    assert oid_check_digit_ok(oid)


def test_check_digit_algorithms():
    assert luhn_check_digit("4102433054") == 4
    assert luhn_check_digit("2985749871") == 0  # written as the legacy "10"
    assert ibm_1_3_7_check_digit("5445059818") == 9
    assert ibm_1_3_7_check_digit("1231231231") == 9
    assert not oid_check_digit_ok("1.2.246.562.15.41014330544")


@pytest.mark.parametrize("oid", ["1.2.246.562.15.41024330544", OO_OID_LEGACY])
def test_opiskeluoikeus_oid_accepted(oid):
    assert post(hoks(**{"opiskeluoikeus-oid": oid}))["opiskeluoikeus-oid"] == oid


@pytest.mark.parametrize(
    ("oid", "message"),
    [
        ("1.2.246.562.15.41014330544", "not a valid OpiskeluoikeusOID (check digit)"),
        ("1.2.246.562.15.09873698279", "not a valid OpiskeluoikeusOID (format)"),
        ("1.2.246.562.24.54450598189", "not a valid OpiskeluoikeusOID (format)"),
        (" 1.2.246.562.15.41024330544", "not a valid OpiskeluoikeusOID (format)"),  # not trimmed
        ("1.2.246.562.15.٤1024330544", "not a valid OpiskeluoikeusOID (format)"),  # ASCII only
        (41024330544, "expected a string"),
    ],
)
def test_opiskeluoikeus_oid_rejected(oid, message):
    assert error_at(hoks(**{"opiskeluoikeus-oid": oid}), ("opiskeluoikeus-oid",)) == message


def test_tuva_opiskeluoikeus_oid_has_no_length_limit():
    # D12: the original's column could not hold a 27-character OID.
    assert len(OO_OID_LEGACY) == 27
    assert post(hoks(**{"tuva-opiskeluoikeus-oid": OO_OID_LEGACY}))["tuva-opiskeluoikeus-oid"]


@pytest.mark.parametrize(
    "oid",
    ["1.2.246.562.24.54450598189", "1.2.246.562.24.12312312319", "1.2.246.562.98.54450598187"],
)
def test_oppija_oid_accepted(oid):
    assert post(hoks(**{"oppija-oid": oid}))["oppija-oid"] == oid


@pytest.mark.parametrize(
    ("oid", "message"),
    [
        ("1.2.246.562.24.54450598188", "not a valid OppijaOID (check digit)"),
        # node 98 uses Luhn, so the IBM 1-3-7 digit of the same payload is wrong there
        ("1.2.246.562.98.54450598189", "not a valid OppijaOID (check digit)"),
        ("1.2.246.562.15.41024330544", "not a valid OppijaOID (format)"),
        ("1.2.246.562.398.54450598187", "not a valid OppijaOID (format)"),
    ],
)
def test_oppija_oid_rejected(oid, message):
    assert error_at(hoks(**{"oppija-oid": oid}), ("oppija-oid",)) == message


@pytest.mark.parametrize(
    "oid",
    [
        "1.2.246.562.10.00000000001",
        "1.2.246.562.10.12345678901",
        "1.2.246.562.10.123456789010",
        "1.2.246.562.199.12345678909",
        "1.2.246.562.10.2013102416241359289612",
    ],
)
def test_organisaatio_oid_has_no_check_digit(oid):
    assert post(
        hoks(**{"hankittavat-ammat-tutkinnon-osat": [hato(**{"koulutuksen-jarjestaja-oid": oid})]})
    )


@pytest.mark.parametrize(
    "oid",
    [
        "1.2.246.562.10.0000000001",
        "1.2.246.562.15.12345678901",
        "1.2.246.562.10.2015102416241359289612",
    ],
)
def test_organisaatio_oid_rejected(oid):
    data = hoks(
        **{"hankittavat-ammat-tutkinnon-osat": [hato(**{"koulutuksen-jarjestaja-oid": oid})]}
    )
    assert (
        error_at(data, (*HATO0, "koulutuksen-jarjestaja-oid"))
        == "not a valid OrganisaatioOID (format)"
    )


@pytest.mark.parametrize("value", ["1234567-1", "2345678-0", "0149669-3", "0116480-8"])
def test_y_tunnus_accepted(value):
    assert y_tunnus_ok(value)
    assert post(
        with_oht(
            tyopaikkajakso(
                **{
                    "tyopaikalla-jarjestettava-koulutus": {
                        **tyopaikkajakso()["tyopaikalla-jarjestettava-koulutus"],
                        "tyopaikan-y-tunnus": value,
                    }
                }
            )
        )
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1234567-2", "not a valid Y-tunnus (check digit)"),
        ("1234567", "not a valid Y-tunnus (format NNNNNNN-N)"),
        (" 1234567-1", "not a valid Y-tunnus (format NNNNNNN-N)"),
        # weighted sum 23 leaves remainder 1, for which no check digit exists
        ("1000008-0", "not a valid Y-tunnus (check digit)"),
    ],
)
def test_y_tunnus_rejected(value, message):
    tjk = {**tyopaikkajakso()["tyopaikalla-jarjestettava-koulutus"], "tyopaikan-y-tunnus": value}
    data = with_oht(tyopaikkajakso(**{"tyopaikalla-jarjestettava-koulutus": tjk}))
    assert error_at(data, (*TJK, "tyopaikan-y-tunnus")) == message


def test_y_tunnus_remainder_one_is_invalid():
    assert all(not y_tunnus_ok(f"1000008-{d}") for d in range(10))


KOODI_URIT = [
    (
        "hankittava-ammat-tutkinnon-osa",
        "tutkinnon-osa-koodi-uri",
        "tutkinnonosat_1",
        "tutkinnonosat_x",
    ),
    (
        "osaamisen-hankkimistapa",
        "osaamisen-hankkimistapa-koodi-uri",
        "osaamisenhankkimistapa_muu",
        "osaamisenhankkimistapa_",
    ),
    (
        "osaamisen-hankkimistapa",
        "oppisopimuksen-perusta-koodi-uri",
        "oppisopimuksenperusta_01",
        "oppisopimusperusta_01",
    ),
    (
        "hankittavan-yto-osa-alue",
        "osa-alue-koodi-uri",
        "ammatillisenoppiaineet_kl",
        "ammatillisenoppiaineet_",
    ),
    (
        "aiemmin-hankittu-paikallinen-tutkinnon-osa",
        "valittu-todentamisen-prosessi-koodi-uri",
        "osaamisentodentamisenprosessi_0003",
        "osaamisentodentamisenprosessi_x",
    ),
    (
        "hankittava-koulutuksen-osa",
        "koulutuksen-osa-koodi-uri",
        "koulutuksenosattuva_104",
        "koulutuksenosattuva_1040",
    ),
    (
        "oppimisen-tuki",
        "oppimisen-tuen-tyyppi-koodi-uri",
        "ammatillinenkoulutusoppimisentuentyyppi_02",
        "ammatillinenkoulutusoppimisentuentyyppi_2",
    ),
]

BASE_PARTS = {
    "hankittava-ammat-tutkinnon-osa": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
        "tutkinnon-osa-koodi-versio": 1,
    },
    "osaamisen-hankkimistapa": {
        "alku": "2024-01-01",
        "loppu": "2024-02-01",
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_muu",
    },
    "hankittavan-yto-osa-alue": {
        "osa-alue-koodi-uri": "ammatillisenoppiaineet_kl",
        "osa-alue-koodi-versio": 1,
    },
    "aiemmin-hankittu-paikallinen-tutkinnon-osa": {
        "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0001",
        "valittu-todentamisen-prosessi-koodi-versio": 1,
    },
    "hankittava-koulutuksen-osa": {
        "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_101",
        "koulutuksen-osa-koodi-versio": 1,
        "alku": "2024-01-01",
        "loppu": "2024-02-01",
        "laajuus": 4,
    },
    "oppimisen-tuki": {
        "oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_02"
    },
}


@pytest.mark.parametrize(("kind", "key", "good", "bad"), KOODI_URIT)
def test_koodi_uri_patterns(kind, key, good, bad):
    from ehoks.errors import ValidationFailed

    base = BASE_PARTS[kind]
    assert part(kind, {**base, key: good}, opiskeluoikeus=None)[key] == good
    with pytest.raises(ValidationFailed) as info:
        part(kind, {**base, key: bad}, opiskeluoikeus=None)
    assert info.value.errors[key].startswith("not a valid ")
    assert info.value.errors[key].endswith("$)")


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("urasuunnitelma_0001", True),
        ("urasuunnitelma_001", False),
        ("urasuunnitelma_00011", False),
        ("xurasuunnitelma_0001", False),
    ],
)
def test_urasuunnitelma_koodi_uri(uri, ok):
    data = hoks(**{"urasuunnitelma-koodi-uri": uri})
    if ok:
        assert post(data)["urasuunnitelma-koodi-uri"] == uri
    else:
        assert error_at(data, ("urasuunnitelma-koodi-uri",)) == (
            r"not a valid UrasuunnitelmaKoodiUri (pattern ^urasuunnitelma_\d{4}$)"
        )


def test_oppimisymparisto_and_tutkinnon_osan_ryhma_patterns():
    muu = {
        "oppimisymparisto-koodi-uri": "oppimisymparistot_001",
        "oppimisymparisto-koodi-versio": 1,
        "alku": "2024-09-02",
        "loppu": "2024-09-03",
    }
    data = with_oht(tyopaikkajakso(**{"muut-oppimisymparistot": [muu]}))
    path = (
        *HATO0,
        "osaamisen-hankkimistavat",
        0,
        "muut-oppimisymparistot",
        0,
        "oppimisymparisto-koodi-uri",
    )
    assert error_at(data, path).startswith("not a valid OppimisymparistoKoodiUri")
    tuki = {
        "oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_01",
        "alku": "2024-01-01",
        "loppu": "2024-02-01",
        "tutkinnon-osan-tyyppi-koodi-uri": "ammatillisentutkinnonosanryhma_3",
    }
    assert error_at(
        hoks(**{"oppimisen-tuki": [tuki]}), ("oppimisen-tuki", 0, "tutkinnon-osan-tyyppi-koodi-uri")
    )


@pytest.mark.parametrize(
    "value", ["2024-02-30", "2024-2-01", "20240201", "2024-02-01T00:00:00", 20240201]
)
def test_local_date_rejected(value):
    data = hoks(**{"ensikertainen-hyvaksyminen": value})
    assert (
        error_at(data, ("ensikertainen-hyvaksyminen",)) == "not a valid date (expected YYYY-MM-DD)"
    )


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("2019-01-02T10:20:30.000Z", "2019-01-02T10:20:30.000Z"),
        ("2019-01-02T10:20:30Z", "2019-01-02T10:20:30.000Z"),
        ("2019-01-02T12:20:30.123+02:00", "2019-01-02T10:20:30.123Z"),
        ("2021-01-20T12:55:02", "2021-01-20T12:55:02.000Z"),
    ],
)
def test_instant_accepts_iso_8601_and_returns_utc(value, normalised):
    assert post(hoks(hyvaksytty=value))["hyvaksytty"] == normalised


@pytest.mark.parametrize("value", ["2019-01-02", "yesterday", "2019-01-02T25:00:00Z", 1546424430])
def test_instant_rejected(value):
    assert error_at(hoks(paivitetty=value), ("paivitetty",)) == "not a valid ISO-8601 date-time"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("versio", "1", "expected an integer"),
        ("versio", 1.0, "expected an integer"),
        ("versio", True, "expected an integer"),
        ("versio", None, "expected an integer"),
        ("osaamisen-hankkimisen-tarve", "true", "expected a boolean"),
        ("osaamisen-hankkimisen-tarve", 1, "expected a boolean"),
        ("sahkoposti", 5, "expected a string"),
        ("sahkoposti", None, "expected a string"),
        ("urasuunnitelma-koodi-uri", None, "expected a string"),
        ("oppimisen-tuki", {}, "expected a list"),
        ("oppimisen-tuki", None, "expected a list"),
    ],
)
def test_scalars_are_strict_and_null_is_never_absent(key, value, message):
    assert error_at(hoks(**{key: value}), (key,)) == message


@pytest.mark.parametrize(("value", "ok"), [(0, True), (12.5, True), (True, False), ("3", False)])
def test_num_is_any_json_number(value, ok):
    data = hoks(**{"hankittavat-ammat-tutkinnon-osat": [hato(**{"opetus-ja-ohjaus-maara": value})]})
    if ok:
        result = post(data)["hankittavat-ammat-tutkinnon-osat"][0]["opetus-ja-ohjaus-maara"]
        assert result == value
        assert type(result) is type(value)  # 0 stays an integer
    else:
        assert error_at(data, (*HATO0, "opetus-ja-ohjaus-maara")) == "expected a number"


def test_plain_strings_are_trimmed_everywhere():
    oht = tyopaikkajakso(**{"yksiloiva-tunniste": "  jakso-1 ", "ajanjakson-tarkenne": "\tilta "})
    oht["tyopaikalla-jarjestettava-koulutus"]["keskeiset-tyotehtavat"] = [" Kassa  "]
    oht["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"]["puhelinnumero"] = (
        " 040 1 "
    )
    result = post(with_oht(oht) | {"sahkoposti": " a@b.fi\n"})
    assert result["sahkoposti"] == "a@b.fi"
    out = result["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
    assert out["yksiloiva-tunniste"] == "jakso-1"
    assert out["ajanjakson-tarkenne"] == "ilta"
    tjk = out["tyopaikalla-jarjestettava-koulutus"]
    assert tjk["keskeiset-tyotehtavat"] == ["Kassa"]
    assert tjk["vastuullinen-tyopaikka-ohjaaja"]["puhelinnumero"] == "040 1"


@pytest.mark.parametrize("value", ["", "   "])
def test_yksiloiva_tunniste_must_not_be_empty(value):
    data = with_oht(tyopaikkajakso(**{"yksiloiva-tunniste": value}))
    path = (*HATO0, "osaamisen-hankkimistavat", 0, "yksiloiva-tunniste")
    assert error_at(data, path) == "must not be empty"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("", True),
        ("+358 (9) 123-45", True),
        ("040 123 x", False),
        ("1" * 256, True),
        ("1" * 257, False),
    ],
)
def test_instructor_phone(value, ok):
    oht = tyopaikkajakso()
    oht["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"]["puhelinnumero"] = (
        value
    )
    if ok:
        assert post(with_oht(oht))
    else:
        path = (*TJK, "vastuullinen-tyopaikka-ohjaaja", "puhelinnumero")
        assert error_at(with_oht(oht), path) == "Puhelinnumero virheellinen."


def test_module_id_must_be_a_uuid_and_is_normalised():
    upper = MODULE_ID.upper()
    result = post(hoks(**{"hankittavat-ammat-tutkinnon-osat": [hato(**{"module-id": upper})]}))
    assert result["hankittavat-ammat-tutkinnon-osat"][0]["module-id"] == MODULE_ID
    data = hoks(**{"hankittavat-ammat-tutkinnon-osat": [hato(**{"module-id": "123"})]})
    assert error_at(data, (*HATO0, "module-id")) == "not a valid UUID"


def test_koodisto_koodi_uri_in_demonstration_is_free_text():
    osa_alue = {"koodi-uri": " mikä tahansa ", "koodi-versio": 1}
    data = hoks(
        **{
            "hankittavat-ammat-tutkinnon-osat": [
                hato(**{"osaamisen-osoittaminen": [naytto(**{"osa-alueet": [osa_alue]})]})
            ]
        }
    )
    out = post(data)["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-osoittaminen"][0]
    assert out["osa-alueet"] == [{"koodi-uri": "mikä tahansa", "koodi-versio": 1}]
