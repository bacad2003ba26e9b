"""Per-method variants, normalisation of the result, the error tree shape, single parts, and the
generated JSON Schemas and OpenAPI models."""

import json

import pytest
from fastapi import Body, FastAPI

from ehoks.hoks.schemas import PART_KINDS, json_schemas, openapi_models
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.generate import model_for
from ehoks.hoks.schemas.spec import ROOT
from tests.hoks.test_schemas_fixtures import (
    MODULE_ID,
    ORG_OID,
    failure,
    hato,
    hoks,
    naytto,
    part,
    post,
    tyopaikkajakso,
    with_oht,
)

COLLECTIONS = [f.key for f in ENTITIES[ROOT].fields if f.many]


def test_model_covers_the_reference():
    assert len(ENTITIES) == 27  # the 25 entity types plus two small organisation objects
    # the reference counts about 191; we add module-id to three part kinds
    assert sum(len(e.fields) for e in ENTITIES.values()) == 194
    assert len(ENTITIES[ROOT].fields) == 26
    assert len(COLLECTIONS) == 9


# The columns of the templates' mode letters (spec.py): the root has read, POST, PUT, PATCH and
# Vipunen; a nested entity has read, write and Vipunen (its POST, PUT and PATCH are one model).
ROOT_COLUMNS = {"read": 0, "post": 1, "put": 2, "patch": 3, "vipunen": 4}
NESTED_COLUMNS = {"read": 0, "write": 1, "vipunen": 2}
MODEL_CASES = [(ROOT, variant) for variant in ROOT_COLUMNS] + [
    (name, variant) for name in sorted(ENTITIES) if name != ROOT for variant in NESTED_COLUMNS
]


@pytest.mark.parametrize(("name", "variant"), MODEL_CASES)
def test_models_follow_the_templates(name, variant):
    entity = ENTITIES[name]
    columns = ROOT_COLUMNS if entity.is_root else NESTED_COLUMNS
    assert all(len(field.modes) == len(columns) for field in entity.fields)
    expected = {
        field.key: field.modes[columns[variant]]
        for field in entity.fields
        if field.modes[columns[variant]] != "X"
    }
    model = model_for(name, variant)
    modes = {info.alias: "R" if info.is_required() else "O" for info in model.model_fields.values()}
    assert modes == expected


@pytest.mark.parametrize("name", sorted(set(ENTITIES) - {ROOT}))
def test_nested_entities_have_one_write_model(name):
    write = model_for(name, "write")
    assert [model_for(name, method) for method in ("post", "put", "patch")] == [write] * 3
    assert write is not model_for(name, "read")


def test_post_required_keys():
    errors = failure(post, {}).errors
    assert errors == dict.fromkeys(
        (
            "oppija-oid",
            "opiskeluoikeus-oid",
            "ensikertainen-hyvaksyminen",
            "osaamisen-hankkimisen-tarve",
        ),
        "missing-required-key",
    )


@pytest.mark.parametrize(
    "key", ["id", "eid", "manuaalisyotto", "poistettu", "module-id", "tunniste"]
)
def test_post_excluded_and_unknown_keys(key):
    assert failure(post, hoks(**{key: 1})).errors == {key: "disallowed-key"}


def test_put_requires_id_and_keeps_it():
    body = hoks()
    assert failure(post, body, method="put").errors == {"id": "missing-required-key"}
    result = post(body | {"id": 7}, method="put")
    assert result["id"] == 7
    minimal = {
        "id": 7,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": False,
    }
    assert set(post(minimal, method="put")) == {*minimal, *COLLECTIONS}
    assert failure(post, {"id": 7}, method="put").errors == {
        "ensikertainen-hyvaksyminen": "missing-required-key",
        "osaamisen-hankkimisen-tarve": "missing-required-key",
    }


def test_patch_needs_only_id_returns_only_what_was_sent_and_excludes_collections():
    assert post({"id": 7}, method="patch") == {"id": 7}
    assert post({"id": 7, "sahkoposti": " x@y.fi "}, method="patch") == {
        "id": 7,
        "sahkoposti": "x@y.fi",
    }
    assert failure(post, {"versio": 1}, method="patch").errors == {"id": "missing-required-key"}
    errors = failure(post, {"id": 7, **{key: [] for key in COLLECTIONS}}, method="patch").errors
    assert errors == dict.fromkeys(COLLECTIONS, "disallowed-key")


def test_virkailija_variants_have_the_same_modes():
    assert failure(post, {}, virkailija=True).errors == failure(post, {}).errors
    assert failure(post, hoks(id=1), virkailija=True).errors == {"id": "disallowed-key"}


def test_post_result_has_every_always_present_list():
    result = post(
        hoks(
            **{
                "hankittavat-ammat-tutkinnon-osat": [
                    hato(
                        **{
                            "osaamisen-hankkimistavat": [tyopaikkajakso()],
                            "osaamisen-osoittaminen": [naytto()],
                        }
                    )
                ]
            }
        )
    )
    assert all(
        result[key] == [] for key in COLLECTIONS if key != "hankittavat-ammat-tutkinnon-osat"
    )
    unit = result["hankittavat-ammat-tutkinnon-osat"][0]
    oht = unit["osaamisen-hankkimistavat"][0]
    assert oht["keskeytymisajanjaksot"] == []
    assert oht["muut-oppimisymparistot"] == []
    demo = unit["osaamisen-osoittaminen"][0]
    for key in (
        "koulutuksen-jarjestaja-osaamisen-arvioijat",
        "tyoelama-osaamisen-arvioijat",
        "osa-alueet",
        "yksilolliset-kriteerit",
    ):
        assert demo[key] == []
    assert "opetus-ja-ohjaus-maara" not in unit
    assert "module-id" not in unit


def test_previously_acquired_units_always_get_verification_details():
    unit = {"tutkinnon-osa-koodi-uri": "tutkinnonosat_1", "tutkinnon-osa-koodi-versio": 1}
    yto = {
        **unit,
        "osa-alueet": [
            {
                "osa-alue-koodi-uri": "ammatillisenoppiaineet_kl",
                "osa-alue-koodi-versio": 1,
                "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0001",
                "valittu-todentamisen-prosessi-koodi-versio": 1,
            }
        ],
    }
    result = post(
        hoks(
            **{
                "aiemmin-hankitut-ammat-tutkinnon-osat": [unit],
                "aiemmin-hankitut-yhteiset-tutkinnon-osat": [yto],
            }
        )
    )
    empty = {"aiemmin-hankitun-osaamisen-arvioijat": []}
    ahato = result["aiemmin-hankitut-ammat-tutkinnon-osat"][0]
    assert ahato["tarkentavat-tiedot-osaamisen-arvioija"] == empty
    assert ahato["tarkentavat-tiedot-naytto"] == []
    ahyto = result["aiemmin-hankitut-yhteiset-tutkinnon-osat"][0]
    assert ahyto["tarkentavat-tiedot-osaamisen-arvioija"] == empty
    assert ahyto["osa-alueet"][0]["tarkentavat-tiedot-osaamisen-arvioija"] == empty


def test_d4_ahato_keeps_vaatimuksista_poikkeaminen():
    unit = {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
        "tutkinnon-osa-koodi-versio": 1,
        "vaatimuksista-tai-tavoitteista-poikkeaminen": " Ei kaikkia vaatimuksia ",
    }
    result = part("aiemmin-hankittu-ammat-tutkinnon-osa", unit)
    assert result["vaatimuksista-tai-tavoitteista-poikkeaminen"] == "Ei kaikkia vaatimuksia"


def test_d18_nested_ids_accepted_and_dropped():
    oht = tyopaikkajakso(
        **{"jarjestajan-edustaja": {"id": 4, "nimi": "Jaana", "oppilaitos-oid": ORG_OID}}
    )
    tjk = oht["tyopaikalla-jarjestettava-koulutus"]
    tjk["id"] = 1
    tjk["vastuullinen-tyopaikka-ohjaaja"]["id"] = 2
    arvioija = {"id": 5, "nimi": "Arvo", "organisaatio": {"oppilaitos-oid": ORG_OID}}
    demo = naytto(
        **{
            "jarjestaja": {"id": 6, "oppilaitos-oid": ORG_OID},
            "koulutuksen-jarjestaja-osaamisen-arvioijat": [arvioija],
            "tyoelama-osaamisen-arvioijat": [
                {"id": 7, "nimi": "Tyyne", "organisaatio": {"nimi": "Oy"}}
            ],
        }
    )
    oto = {
        "id": 8,
        "nimi": "Opiskelutaidot",
        "kuvaus": "x",
        "alku": "2024-09-01",
        "loppu": "2024-10-01",
    }
    body = hoks(
        **{
            "hankittavat-ammat-tutkinnon-osat": [
                hato(**{"osaamisen-hankkimistavat": [oht], "osaamisen-osoittaminen": [demo]})
            ],
            "opiskeluvalmiuksia-tukevat-opinnot": [oto],
        }
    )
    text = json.dumps(post(body))
    assert '"id"' not in text
    assert '"Jaana"' in text
    assert '"Tyyne"' in text


@pytest.mark.parametrize(
    ("path", "item"),
    [
        ("hankittavat-ammat-tutkinnon-osat", hato()),
        ("hankittavat-ammat-tutkinnon-osat/0/osaamisen-hankkimistavat", tyopaikkajakso()),
        ("hankittavat-ammat-tutkinnon-osat/0/osaamisen-osoittaminen", naytto()),
    ],
)
def test_ids_excluded_on_write_where_the_original_excluded_them(path, item):
    body = hoks()
    target = body
    for step in path.split("/"):
        target = target[int(step)] if step.isdigit() else target[step]
    target.append({**item, "id": 3})
    errors = failure(post, body).errors
    for step in path.split("/"):
        errors = errors[int(step)] if step.isdigit() else errors[step]
    assert errors[-1] == {"id": "disallowed-key"}


@pytest.mark.parametrize("kind", sorted(PART_KINDS))
def test_module_id_accepted_on_write_and_kept(kind):
    data = MINIMAL_PARTS[kind] | {"module-id": MODULE_ID}
    assert part(kind, data, opiskeluoikeus=None)["module-id"] == MODULE_ID


MINIMAL_PARTS = {
    "hankittava-ammat-tutkinnon-osa": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
        "tutkinnon-osa-koodi-versio": 1,
    },
    "hankittava-paikallinen-tutkinnon-osa": {},
    "hankittava-yhteinen-tutkinnon-osa": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
        "tutkinnon-osa-koodi-versio": 1,
        "osa-alueet": [],
    },
    "aiemmin-hankittu-ammat-tutkinnon-osa": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
        "tutkinnon-osa-koodi-versio": 1,
    },
    "aiemmin-hankittu-paikallinen-tutkinnon-osa": {
        "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_1",
        "valittu-todentamisen-prosessi-koodi-versio": 1,
    },
    "aiemmin-hankittu-yhteinen-tutkinnon-osa": {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
        "tutkinnon-osa-koodi-versio": 1,
        "osa-alueet": [],
    },
    "hankittavan-yto-osa-alue": {
        "osa-alue-koodi-uri": "ammatillisenoppiaineet_kl",
        "osa-alue-koodi-versio": 1,
    },
    "aiemmin-hankitun-yto-osa-alue": {
        "osa-alue-koodi-uri": "ammatillisenoppiaineet_kl",
        "osa-alue-koodi-versio": 1,
        "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_1",
        "valittu-todentamisen-prosessi-koodi-versio": 1,
    },
    "osaamisen-hankkimistapa": tyopaikkajakso(),
    "osaamisen-osoittaminen": naytto(),
    "opiskeluvalmiuksia-tukevat-opinnot": {
        "nimi": "n",
        "kuvaus": "k",
        "alku": "2024-01-01",
        "loppu": "2024-01-02",
    },
    "oppimisen-tuki": {
        "oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_03"
    },
    "hankittava-koulutuksen-osa": {
        "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_101",
        "koulutuksen-osa-koodi-versio": 1,
        "alku": "2024-01-01",
        "loppu": "2024-01-02",
        "laajuus": 1,
    },
}


def test_part_kinds_describe_the_document():
    assert set(MINIMAL_PARTS) == set(PART_KINDS)
    for kind, info in PART_KINDS.items():
        assert info.kind == kind
        parents = [PART_KINDS[p].entity for p in info.parent_kinds] or [ROOT]
        for parent_kind, parent in zip(info.parent_kinds or (None,), parents, strict=True):
            field = ENTITIES[parent].field(info.collection_key_in(parent_kind))
            assert field.many
            assert field.type == info.entity
        assert any(f.key == "module-id" for f in ENTITIES[info.entity].fields)
    osoittaminen = PART_KINDS["osaamisen-osoittaminen"]
    assert (
        osoittaminen.collection_key_in("hankittava-ammat-tutkinnon-osa") == "osaamisen-osoittaminen"
    )
    assert (
        osoittaminen.collection_key_in("aiemmin-hankitun-yto-osa-alue")
        == "tarkentavat-tiedot-naytto"
    )


def test_validate_part_normalises_like_a_whole_document():
    result = part("osaamisen-hankkimistapa", tyopaikkajakso(**{"ajanjakson-tarkenne": " a "}))
    assert result["ajanjakson-tarkenne"] == "a"
    assert result["keskeytymisajanjaksot"] == []
    assert result["muut-oppimisymparistot"] == []


def test_validate_part_error_tree_is_rooted_at_the_part():
    errors = failure(part, "osaamisen-hankkimistapa", tyopaikkajakso(alku=1, extra=True)).errors
    assert errors == {"alku": "not a valid date (expected YYYY-MM-DD)", "extra": "disallowed-key"}
    assert failure(part, "oppimisen-tuki", ["x"]).errors == "expected a JSON object"


def test_error_tree_mirrors_the_input():
    ok, broken = (
        tyopaikkajakso(),
        tyopaikkajakso(loppu="2024-01-01", **{"osaamisen-hankkimistapa-koodi-versio": "1"}),
    )
    body = hoks(
        **{
            "hankittavat-ammat-tutkinnon-osat": [
                hato(),
                hato(**{"osaamisen-hankkimistavat": [ok, broken, ok]}),
                {"tutkinnon-osa-koodi-versio": 1, "x": 1},
            ],
            "oppija-oid": "1.2.246.562.24.12312312310",
        }
    )
    del body["ensikertainen-hyvaksyminen"]
    error = failure(post, body)
    assert error.errors == {
        "ensikertainen-hyvaksyminen": "missing-required-key",
        "oppija-oid": "not a valid OppijaOID (check digit)",
        "hankittavat-ammat-tutkinnon-osat": [
            None,
            {
                "osaamisen-hankkimistavat": [
                    None,
                    {"osaamisen-hankkimistapa-koodi-versio": "expected an integer"},
                    None,
                ]
            },
            {"tutkinnon-osa-koodi-uri": "missing-required-key", "x": "disallowed-key"},
        ],
    }
    assert error.value == body
    assert sorted(error.problems, key=lambda p: p["path"]) == [
        {"path": "ensikertainen-hyvaksyminen", "message": "missing-required-key"},
        {
            "path": "hankittavat-ammat-tutkinnon-osat[1].osaamisen-hankkimistavat[1]"
            ".osaamisen-hankkimistapa-koodi-versio",
            "message": "expected an integer",
        },
        {
            "path": "hankittavat-ammat-tutkinnon-osat[2].tutkinnon-osa-koodi-uri",
            "message": "missing-required-key",
        },
        {"path": "hankittavat-ammat-tutkinnon-osat[2].x", "message": "disallowed-key"},
        {"path": "oppija-oid", "message": "not a valid OppijaOID (check digit)"},
    ]
    body = error.body()
    assert body["type"] == "compojure.api.exception/request-validation"


def test_rule_failure_sits_at_the_object_in_the_tree_and_in_problems():
    error = failure(post, with_oht(tyopaikkajakso(alku="2024-12-21")))
    assert error.problems == [
        {
            "path": "hankittavat-ammat-tutkinnon-osat[0].osaamisen-hankkimistavat[0]",
            "message": "Korjaa alku- ja loppupäivämäärä oikein päin.",
        }
    ]


@pytest.mark.parametrize("body", [[], "hoks", None, 1])
def test_a_body_that_is_not_an_object(body):
    error = failure(post, body)
    assert error.errors == "expected a JSON object"
    assert error.problems == [{"path": "", "message": "expected a JSON object"}]


def test_nested_non_objects_and_non_lists():
    body = hoks(**{"hankittavat-ammat-tutkinnon-osat": [hato(), "x", [], None]})
    assert failure(post, body).errors == {
        "hankittavat-ammat-tutkinnon-osat": [
            None,
            "expected an object",
            "expected an object",
            "expected an object",
        ]
    }


def test_validation_does_not_change_the_input():
    body = hoks(sahkoposti=" a@b.fi ")
    snapshot = json.dumps(body)
    post(body)
    assert json.dumps(body) == snapshot


def test_json_schemas():
    schemas = json_schemas()
    assert set(schemas) == {
        "HOKS",
        "HOKSVipunen",
        "HOKSLuonti",
        "HOKSKorvaus",
        "HOKSPaivitys",
        *PART_KINDS,
    }
    luonti = schemas["HOKSLuonti"]
    assert luonti["additionalProperties"] is False
    assert set(luonti["required"]) == {
        "oppija-oid",
        "opiskeluoikeus-oid",
        "ensikertainen-hyvaksyminen",
        "osaamisen-hankkimisen-tarve",
    }
    assert luonti["properties"]["opiskeluoikeus-oid"]["pattern"].startswith(
        "^1\\.2\\.246\\.562\\.15"
    )
    assert not set(COLLECTIONS) & set(schemas["HOKSPaivitys"]["properties"])
    assert schemas["HOKSPaivitys"]["required"] == ["id"]
    text = json.dumps(schemas)
    assert '"default": null' not in text
    assert "_" not in "".join(schemas["HOKS"]["properties"])
    assert set(schemas["HOKS"]["required"]) == {"id", "eid", "ensikertainen-hyvaksyminen"}


def test_openapi_models_work_with_fastapi():
    # No "from __future__ import annotations" in this module: FastAPI reads these annotations.
    models = openapi_models()
    luonti, oht = models["HOKSLuonti"], models["osaamisen-hankkimistapa"]
    app = FastAPI()

    @app.post("/hoks", response_model=models["HOKS"])
    def create(body: luonti = Body(...)):  # type: ignore[valid-type]
        raise NotImplementedError

    @app.post("/part")
    def create_part(body: oht = Body(...)):  # type: ignore[valid-type]
        raise NotImplementedError

    components = app.openapi()["components"]["schemas"]
    assert {"HOKSLuonti", "HOKS", "OsaamisenHankkimistapaKirjoitus"} <= set(components)
    assert "id" not in components["OsaamisenHankkimistapa"]["properties"]  # never returned
