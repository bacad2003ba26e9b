"""The mapping and Koski's record read on their own: cases the API tests do not reach (a local
unit completed in Koski, a common unit completed as a whole, an earlier study right Koski no
longer knows, a new qualification without a peruste, a plan continued on a TUVA study right),
Koski's recorded shapes, and ONR duplicates as the same learner."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ehoks.jatko import mapping
from ehoks.jatko.service import same_learner
from ehoks.registries.koski import suoritukset
from ehoks.registries.koski.schemas import opiskeluoikeus_from_koski
from tests.jatko.scenario import (
    LOCAL_UNIT,
    LOGISTIIKKA,
    SAHKO,
    TUVA,
    earlier_plan,
    osa_alue,
    osasuoritus,
    study_right,
)

OPPIJA = "1.2.246.562.24.00000000001"
PROVIDER = "1.2.246.562.10.00000000002"


def lahto(
    koski: list[dict[str, Any]] | None,
    *,
    new: tuple[str, str, str] = SAHKO,
    tuva: bool = False,
    placed: dict[str, bool] | None = None,
) -> mapping.Lahtotiedot:
    earlier_doc = study_right(
        "m-earlier", oppilaitos=PROVIDER, koulutustoimija=PROVIDER, tutkinto=SAHKO
    )
    new_doc = study_right(
        "m-new", oppilaitos=PROVIDER, koulutustoimija=PROVIDER, tutkinto=new, tuva=tuva
    )
    if koski is not None:
        earlier_doc["suoritukset"][0]["osasuoritukset"] = koski
    return mapping.Lahtotiedot(
        aiempi=earlier_plan(OPPIJA, earlier_doc["oid"]),
        aiempi_jarjestaja_oid=PROVIDER,
        oppija_oid=OPPIJA,
        uusi=opiskeluoikeus_from_koski(new_doc, OPPIJA),
        uusi_tutkinto=suoritukset.tutkinto(new_doc),
        aiempi_tutkinto=suoritukset.tutkinto(earlier_doc) if koski is not None else None,
        koski_osat=suoritukset.osat(earlier_doc) if koski is not None else None,
        sijoitus=placed or {},
    )


def test_a_local_unit_and_a_whole_common_unit_completed_in_koski_become_prior_competence():
    result = mapping.build(
        lahto(
            [
                osasuoritus("LOC1", passed=True, local_name=LOCAL_UNIT.upper()),
                osasuoritus("106727", passed=True, ryhma="2"),
            ]
        )
    )
    body = result.body
    [local] = body["aiemmin-hankitut-paikalliset-tutkinnon-osat"]
    assert local["nimi"] == LOCAL_UNIT  # matched by name, whatever its case in Koski
    assert local["valittu-todentamisen-prosessi-koodi-uri"] == mapping.NAYTTO
    assert local["koulutuksen-jarjestaja-oid"] == PROVIDER
    assert "hankittavat-paikalliset-tutkinnon-osat" not in body
    [yto] = body["aiemmin-hankitut-yhteiset-tutkinnon-osat"]
    assert [s["osa-alue-koodi-uri"] for s in yto["osa-alueet"]] == [
        "ammatillisenoppiaineet_vvai",
        "ammatillisenoppiaineet_vvtk",
    ]
    assert "hankittavat-yhteiset-tutkinnon-osat" not in body
    # Only the two units in progress remain to acquire.
    assert len(body["hankittavat-ammat-tutkinnon-osat"]) == 2
    assert body["osaamisen-hankkimisen-tarve"] is True


def test_an_earlier_study_right_koski_no_longer_knows_takes_nothing_as_completed():
    # Without Koski's word on the earlier qualification it counts as changed: ePerusteet
    # decides, and here places every unit.
    codes = ("tutkinnonosat_106161", "tutkinnonosat_106162", "tutkinnonosat_106163")
    placed = dict.fromkeys((*codes, "tutkinnonosat_106727"), True)
    result = mapping.build(lahto(None, placed=placed))
    body = result.body
    assert result.pois == []
    assert "aiemmin-hankitut-yhteiset-tutkinnon-osat" not in body
    prior = [u["tutkinnon-osa-koodi-uri"] for u in body["aiemmin-hankitut-ammat-tutkinnon-osat"]]
    assert prior == ["tutkinnonosat_106163"]
    to_acquire = [u["tutkinnon-osa-koodi-uri"] for u in body["hankittavat-ammat-tutkinnon-osat"]]
    assert to_acquire == ["tutkinnonosat_106161", "tutkinnonosat_106162"]
    unplaced = mapping.build(lahto(None))
    assert {p["syy"] for p in unplaced.pois} == {mapping.NOT_IN_QUALIFICATION}


def test_a_new_qualification_without_a_peruste_places_no_unit():
    no_peruste = (LOGISTIIKKA[0], "", LOGISTIIKKA[2])
    base = lahto([], new=no_peruste)
    new_tutkinto = replace(base.uusi_tutkinto, diaarinumero=None)
    result = mapping.build(replace(base, uusi_tutkinto=new_tutkinto))
    reasons = {p["syy"] for p in result.pois}
    assert reasons == {mapping.PERUSTE_UNKNOWN}
    assert "hankittavat-ammat-tutkinnon-osat" not in result.body
    assert result.body["hankittavat-paikalliset-tutkinnon-osat"][0]["nimi"] == LOCAL_UNIT


def test_placed_units_keep_going_and_take_the_new_peruste():
    placed = {"tutkinnonosat_106162": True, "tutkinnonosat_106727": True}
    result = mapping.build(lahto([], new=LOGISTIIKKA, placed=placed))
    [unit] = result.body["hankittavat-ammat-tutkinnon-osat"]
    assert unit["tutkinnon-osa-koodi-uri"] == "tutkinnonosat_106162"
    assert unit["tutkinnon-osan-perusteen-diaarinro"] == LOGISTIIKKA[1]
    left = {p["tutkinnon-osa-koodi-uri"] for p in result.pois}
    assert left == {"tutkinnonosat_106161", "tutkinnonosat_106163"}


def test_a_plan_continued_on_a_tuva_study_right_keeps_the_goal_and_support_only():
    result = mapping.build(lahto([], new=TUVA, tuva=True))
    body = result.body
    assert set(body) == {
        "oppija-oid",
        "opiskeluoikeus-oid",
        "sahkoposti",
        "urasuunnitelma-koodi-uri",
        "urasuunnitelma-koodi-versio",
        "oppimisen-tuki",
        "osaamisen-hankkimisen-tarve",
    }
    assert body["osaamisen-hankkimisen-tarve"] is False
    assert {p["syy"] for p in result.pois} == {mapping.NOT_ON_TUVA}
    assert len(result.pois) == 6  # one prior unit, four to acquire, supporting studies


def test_a_failed_or_unassessed_unit_is_not_completed():
    parsed = suoritukset.osat(
        {
            "suoritukset": [
                {
                    "tyyppi": {"koodiarvo": "ammatillinentutkinto"},
                    "osasuoritukset": [
                        osasuoritus("1", passed=False),
                        osasuoritus("2", passed=None),
                        osasuoritus(
                            "3", passed=None, ryhma="2", osa_alueet=[osa_alue("MLMA", passed=True)]
                        ),
                    ],
                }
            ]
        }
    )
    assert [o.hyvaksytty for o in parsed] == [False, False, False]
    assert parsed[2].yhteinen
    assert parsed[2].osa_alueet[0].koodi_uri == "ammatillisenoppiaineet_mlma"
    assert parsed[2].osa_alueet[0].hyvaksytty


def test_koskis_recorded_study_right_is_read(shared_reference):
    recorded = json.loads(
        (
            shared_reference / "external-services/koski_api_oppija_1.2.246.562.24.44651722625.json"
        ).read_text(encoding="utf-8")
    )
    vocational = next(
        oo
        for oo in recorded["opiskeluoikeudet"]
        if oo["tyyppi"]["koodiarvo"] == "ammatillinenkoulutus"
    )
    tutkinto = suoritukset.tutkinto(vocational)
    assert tutkinto is not None
    assert tutkinto.koodiarvo == "361902"
    first = suoritukset.osat(vocational)[0]
    assert first.koodi_uri == "tutkinnonosat_100431"
    assert first.hyvaksytty
    assert first.arviointipaiva is not None
    assert first.arviointipaiva.isoformat() == "2014-10-20"


class _Onr:
    def __init__(self, masters: dict[str, str]) -> None:
        self.masters = masters

    def get_master_oid(self, oid: str) -> str | None:
        return self.masters.get(oid, oid)


class _Registries:
    def __init__(self, masters: dict[str, str]) -> None:
        self.onr = _Onr(masters)


def test_onr_duplicates_are_the_same_learner():
    registries: Any = _Registries({"dup": "master", "dup2": "master"})
    assert same_learner("dup", "master", registries)
    assert same_learner("master", "dup", registries)
    assert same_learner("dup", "dup2", registries)
    assert not same_learner("dup", "someone", registries)
