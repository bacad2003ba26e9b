"""The demo data obeys the rules the service enforces (reference sections 3.2 and 4), so a demo
never starts from a document the service itself would refuse."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from ehoks.demo import DEMO_DATA_DIR, demo_hoks_documents
from ehoks.demo.oids import OPH_ROOT_OID, hetu, opiskeluoikeus_oid, oppija_oid, y_tunnus
from ehoks.hoks.schemas.primitives import Y_TUNNUS_RE, y_tunnus_ok
from ehoks.kernel.oids import ibm_1_3_7_check_digit, luhn_check_digit
from ehoks.kernel.oids import is_opiskeluoikeus_oid as is_valid_opiskeluoikeus_oid
from ehoks.kernel.oids import is_oppija_oid as is_valid_oppija_oid
from ehoks.kernel.oids import is_organisaatio_oid as is_valid_organisaatio_oid
from ehoks.registries.koski import suoritukset
from ehoks.registries.koski.schemas import Opiskeluoikeus, opiskeluoikeus_from_koski


def is_valid_y_tunnus(value: str) -> bool:
    return Y_TUNNUS_RE.fullmatch(value) is not None and y_tunnus_ok(value)


KOODI_URI_PATTERNS = {
    "tutkinnon-osa-koodi-uri": r"tutkinnonosat_\d+",
    "osaamisen-hankkimistapa-koodi-uri": r"osaamisenhankkimistapa_.+",
    "oppisopimuksen-perusta-koodi-uri": r"oppisopimuksenperusta_.+",
    "osa-alue-koodi-uri": r"ammatillisenoppiaineet_.+",
    "oppimisymparisto-koodi-uri": r"oppimisymparistot_\d{4}",
    "valittu-todentamisen-prosessi-koodi-uri": r"osaamisentodentamisenprosessi_\d+",
    "urasuunnitelma-koodi-uri": r"urasuunnitelma_\d{4}",
    "koulutuksen-osa-koodi-uri": r"koulutuksenosattuva_\d{3}",
    "oppimisen-tuen-tyyppi-koodi-uri": r"ammatillinenkoulutusoppimisentuentyyppi_\d{2}",
    "tutkinnon-osan-tyyppi-koodi-uri": r"ammatillisentutkinnonosanryhma_[12]",
}
TUTKINNON_OSA_LISTS = (
    "aiemmin-hankitut-ammat-tutkinnon-osat",
    "aiemmin-hankitut-yhteiset-tutkinnon-osat",
    "aiemmin-hankitut-paikalliset-tutkinnon-osat",
    "hankittavat-ammat-tutkinnon-osat",
    "hankittavat-yhteiset-tutkinnon-osat",
    "hankittavat-paikalliset-tutkinnon-osat",
    "opiskeluvalmiuksia-tukevat-opinnot",
)
TYOPAIKKAJAKSO = frozenset(
    {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}
)


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def registry(name: str) -> list[Any]:
    return [load(path) for path in sorted((DEMO_DATA_DIR / name).glob("*.json"))]


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from walk(item)


KOSKI = registry("koski")
JUHO = "1.2.246.562.24.24946937695"  # moved from Järviseutu to Rannikko
ONR = registry("onr")
ORGANISAATIOT = {document["oid"]: document for document in registry("organisaatio")}
OPISKELUOIKEUDET: dict[str, Opiskeluoikeus] = {
    oo["oid"]: opiskeluoikeus_from_koski(oo, oppija["henkilö"]["oid"])
    for oppija in KOSKI
    for oo in oppija["opiskeluoikeudet"]
}
HOKSIT = demo_hoks_documents()


class TestOids:
    def test_the_generators_make_valid_identifiers(self) -> None:
        for seed in ("a", "b", "c", "ääkköset"):
            assert is_valid_oppija_oid(oppija_oid(seed))
            assert is_valid_opiskeluoikeus_oid(opiskeluoikeus_oid(seed))
            assert is_valid_y_tunnus(y_tunnus(seed))

    @pytest.mark.parametrize(
        "oid",
        ["1.2.246.562.24.54450598189", "1.2.246.562.24.12312312319", "1.2.246.562.98.54450598187"],
    )
    def test_reference_oppija_vectors_pass(self, oid: str) -> None:
        assert is_valid_oppija_oid(oid)

    def test_reference_opiskeluoikeus_vectors(self) -> None:
        assert is_valid_opiskeluoikeus_oid("1.2.246.562.15.41024330544")
        assert is_valid_opiskeluoikeus_oid("1.2.246.562.15.298574987110")
        assert not is_valid_opiskeluoikeus_oid("1.2.246.562.15.41014330544")
        assert not is_valid_opiskeluoikeus_oid("1.2.246.562.15.09873698279")

    def test_check_digit_functions(self) -> None:
        assert luhn_check_digit("4102433054") == 4
        assert ibm_1_3_7_check_digit("5445059818") == 9

    def test_every_demo_oppija_oid_passes(self) -> None:
        oids = [o["henkilö"]["oid"] for o in KOSKI] + [h["oidHenkilo"] for h in ONR]
        oids += [h["oppija-oid"] for _, h in HOKSIT]

        assert len(set(oids)) == 14
        assert all(is_valid_oppija_oid(oid) and oid.startswith("1.2.246.562.24.") for oid in oids)

    def test_every_demo_opiskeluoikeus_oid_passes(self) -> None:
        oids = list(OPISKELUOIKEUDET) + [h["opiskeluoikeus-oid"] for _, h in HOKSIT]
        oids += [value for key, value in walk(KOSKI) if key == "sisältyyOpiskeluoikeuteen"]
        oids = [oid["oid"] if isinstance(oid, dict) else oid for oid in oids]

        assert len(OPISKELUOIKEUDET) == 17
        assert all(is_valid_opiskeluoikeus_oid(oid) for oid in oids)

    def test_every_organisaatio_oid_passes(self) -> None:
        everywhere = [
            value
            for key, value in walk([KOSKI, HOKSIT, list(ORGANISAATIOT.values())])
            if key in ("oid", "oppilaitos-oid", "koulutuksen-jarjestaja-oid", "parentOid")
            and isinstance(value, str)
            and ".10." in value
        ]

        assert all(is_valid_organisaatio_oid(oid) for oid in everywhere)
        assert set(everywhere) <= set(ORGANISAATIOT)

    def test_every_y_tunnus_passes(self) -> None:
        values = [
            value
            for key, value in walk([HOKSIT, KOSKI, list(ORGANISAATIOT.values())])
            if key in ("y-tunnus", "tyopaikan-y-tunnus", "yTunnus", "ytunnus")
        ]

        assert len(values) > 30
        assert all(is_valid_y_tunnus(value) for value in values)

    def test_every_hetu_is_well_formed_and_artificial(self) -> None:
        for henkilo in ONR:
            if "hetu" in henkilo:
                birth = henkilo["syntymaaika"]
                assert hetu(birth, "x")[:7] == henkilo["hetu"][:7]
                assert henkilo["hetu"][7] == "9"  # individual numbers 900-999 are never issued
                number = int(henkilo["hetu"][:6] + henkilo["hetu"][7:10])
                assert "0123456789ABCDEFHJKLMNPRSTUVWXY"[number % 31] == henkilo["hetu"][10]


class TestRegistries:
    def test_the_organisation_tree(self) -> None:
        tyypit = [tuple(o["tyypit"]) for o in ORGANISAATIOT.values()]
        assert tyypit.count(("organisaatiotyyppi_01",)) == 2
        assert tyypit.count(("organisaatiotyyppi_02",)) == 3
        assert tyypit.count(("organisaatiotyyppi_03",)) == 5
        for oid, document in ORGANISAATIOT.items():
            if oid == OPH_ROOT_OID:
                continue
            parent = ORGANISAATIOT[document["parentOid"]]
            expected = [p for p in parent["parentOidPath"].split("|") if p] + [parent["oid"]]
            assert [p for p in document["parentOidPath"].split("|") if p] == expected

    def test_every_study_right_sits_in_its_providers_tree(self) -> None:
        for oppija in KOSKI:
            for oo in oppija["opiskeluoikeudet"]:
                oppilaitos = ORGANISAATIOT[oo["oppilaitos"]["oid"]]
                assert oo["koulutustoimija"]["oid"] in oppilaitos["parentOidPath"]
                for suoritus in oo["suoritukset"]:
                    assert (
                        oppilaitos["oid"]
                        in ORGANISAATIOT[suoritus["toimipiste"]["oid"]]["parentOidPath"]
                    )

    def test_koski_and_onr_agree_on_every_student(self) -> None:
        onr = {h["oidHenkilo"]: h for h in ONR}
        for oppija in KOSKI:
            henkilo = oppija["henkilö"]
            assert (onr[henkilo["oid"]]["etunimet"], onr[henkilo["oid"]]["sukunimi"]) == (
                henkilo["etunimet"],
                henkilo["sukunimi"],
            )

    def test_the_special_study_rights(self) -> None:
        tilat = sorted(o.tila or "" for o in OPISKELUOIKEUDET.values())
        assert tilat.count("valmistunut") == 1
        assert tilat.count("eronnut") == 1
        assert tilat.count("lasna") == 15
        assert sum(o.is_tuva for o in OPISKELUOIKEUDET.values()) == 1
        included = [o for o in OPISKELUOIKEUDET.values() if o.is_included_in_another]
        assert len(included) == 1
        master = OPISKELUOIKEUDET[included[0].sisaltyy_opiskeluoikeuteen_oid or ""]
        assert master.oppija_oid == included[0].oppija_oid
        assert master.oppilaitos_oid == included[0].sisaltyy_oppilaitos_oid
        assert master.oppilaitos_oid != included[0].oppilaitos_oid

    def test_present_study_rights_started_2024_2026_and_end_2027(self) -> None:
        for oo in OPISKELUOIKEUDET.values():
            if oo.tila == "lasna" and oo.tyyppi == "ammatillinenkoulutus":
                assert oo.alkamispaiva is not None
                assert 2024 <= oo.alkamispaiva.year <= 2026
                assert oo.arvioitu_paattymispaiva is not None
                assert oo.arvioitu_paattymispaiva.year == 2027
                assert all(oo.tutkinto_nimi.get(lang) for lang in ("fi", "sv"))
                assert oo.osaamisala_nimi.get("fi")

    def test_the_learner_who_moved_to_another_provider(self) -> None:
        """Juho Salminen (README): a plan at Järviseutu on a study right that ended, and a
        study right at Rannikko, in force, with no plan there yet (§ 109 a ¶1)."""
        juho = [o for o in OPISKELUOIKEUDET.values() if o.oppija_oid == JUHO]
        planned = {document["opiskeluoikeus-oid"] for _, document in HOKSIT}
        earlier, later = sorted(juho, key=lambda o: o.alkamispaiva or date.min)
        assert (earlier.tila, earlier.oid in planned) == ("eronnut", True)
        assert (later.tila, later.oid in planned) == ("lasna", False)
        assert earlier.koulutustoimija_oid != later.koulutustoimija_oid
        assert earlier.paattymispaiva is not None
        assert later.alkamispaiva is not None
        assert earlier.paattymispaiva < later.alkamispaiva

    def test_koski_records_the_units_the_learner_who_moved_passed(self) -> None:
        """So that Rannikko's draft from Juho's plan recognises what he completed at
        Järviseutu (docs/continuation.md): passed units and a passed sub-area, and units in
        progress, each one his plan lists."""
        [document] = [
            oo
            for oppija in KOSKI
            if oppija["henkilö"]["oid"] == JUHO
            for oo in oppija["opiskeluoikeudet"]
            if OPISKELUOIKEUDET[oo["oid"]].tila == "eronnut"
        ]
        recorded = suoritukset.osat(document)
        passed = {osa.koodiarvo for osa in recorded if osa.hyvaksytty}
        pending = {osa.koodiarvo for osa in recorded if not osa.hyvaksytty}
        assert passed == {"106161", "106163"}
        assert pending == {"106165", "106729"}
        [common] = [osa for osa in recorded if osa.yhteinen]
        assert {(a.koodiarvo, a.hyvaksytty) for a in common.osa_alueet} == {
            ("YTTT", True),
            ("YTYY", False),
        }
        [plan] = [d for _, d in HOKSIT if d["opiskeluoikeus-oid"] == document["oid"]]
        listed = {
            unit["tutkinnon-osa-koodi-uri"].removeprefix("tutkinnonosat_")
            for key in ("hankittavat-ammat-tutkinnon-osat", "hankittavat-yhteiset-tutkinnon-osat")
            for unit in plan[key]
        }
        assert passed | pending == listed


class TestHoksDocuments:
    def test_thirteen_plans_one_per_study_right_and_never_on_an_included_one(self) -> None:
        oids = [document["opiskeluoikeus-oid"] for _, document in HOKSIT]

        assert len(HOKSIT) == 13
        assert len(set(oids)) == 13
        for oid in oids:
            assert not OPISKELUOIKEUDET[oid].is_included_in_another

    @pytest.mark.parametrize(("name", "document"), HOKSIT, ids=[name for name, _ in HOKSIT])
    def test_follows_the_service_rules(self, name: str, document: dict[str, Any]) -> None:
        oo = OPISKELUOIKEUDET[document["opiskeluoikeus-oid"]]
        assert oo.oppija_oid == document["oppija-oid"]
        assert oo.is_allowed_tyyppi
        assert "ensikertainen-hyvaksyminen" in document
        assert isinstance(document["osaamisen-hankkimisen-tarve"], bool)
        if "osaamisen-saavuttamisen-pvm" in document:
            achieved = date.fromisoformat(document["osaamisen-saavuttamisen-pvm"])
            assert date(2018, 1, 1) < achieved < date.today() + timedelta(days=15)
        if oo.is_tuva:
            assert not any(document.get(key) for key in TUTKINNON_OSA_LISTS)
            assert "tuva-opiskeluoikeus-oid" not in document
            assert document["hankittavat-koulutuksen-osat"]
        else:
            assert not document.get("hankittavat-koulutuksen-osat")
        for key, value in walk(document):
            if key in KOODI_URI_PATTERNS:
                assert re.fullmatch(KOODI_URI_PATTERNS[key], value), (key, value)
            if key == "osaamisen-hankkimistavat":
                for jakso in value:
                    _check_jakso(jakso, oo)
            if key == "oppimisen-tuki":
                for tuki in value:
                    _check_oppimisen_tuki(tuki)
            if key in ("opetus-ja-ohjaus-maara", "laajuus"):
                assert value >= 0

    def test_a_workplace_instructor_is_named_at_both_providers(self) -> None:
        """README: one workplace e-mail login shows the instructor students of both demo
        providers (Henrik Lindroos)."""
        providers: dict[str, set[str | None]] = {}
        for _, document in HOKSIT:
            oo = OPISKELUOIKEUDET[document["opiskeluoikeus-oid"]]
            for key, value in walk(document):
                if key == "vastuullinen-tyopaikka-ohjaaja":
                    providers.setdefault(value["sahkoposti"], set()).add(oo.koulutustoimija_oid)
        both = {email for email, named_at in providers.items() if len(named_at) == 2}
        assert "henrik.lindroos@kiinteistosahko.example" in both

    def test_shows_every_kind_of_part(self) -> None:
        keys = {key for _, document in HOKSIT for key, _ in walk(document)}

        assert {
            *TUTKINNON_OSA_LISTS,
            "hankittavat-koulutuksen-osat",
            "oppimisen-tuki",
            "tyoelama-osaamisen-arvioijat",
            "keskeytymisajanjaksot",
            "tarkentavat-tiedot-naytto",
            "tarkentavat-tiedot-osaamisen-arvioija",
            "hankkijan-edustaja",
            "oppisopimuksen-perusta-koodi-uri",
        } <= keys


def _check_jakso(jakso: dict[str, Any], oo: Opiskeluoikeus) -> None:
    alku = date.fromisoformat(jakso["alku"])
    loppu = date.fromisoformat(jakso["loppu"])
    assert loppu >= alku
    assert loppu <= alku.replace(year=alku.year + 5)
    assert oo.alkamispaiva is not None
    assert alku >= oo.alkamispaiva
    assert oo.arvioitu_paattymispaiva is not None
    assert loppu <= oo.arvioitu_paattymispaiva
    if jakso["osaamisen-hankkimistapa-koodi-uri"] in TYOPAIKKAJAKSO:
        assert jakso["yksiloiva-tunniste"]
        assert 1 <= jakso["osa-aikaisuustieto"] <= 100
        tjk = jakso["tyopaikalla-jarjestettava-koulutus"]
        assert is_valid_y_tunnus(tjk["tyopaikan-y-tunnus"])
        assert "@" in tjk["vastuullinen-tyopaikka-ohjaaja"]["sahkoposti"]
        assert re.fullmatch(
            r"[-+0-9() ]*", tjk["vastuullinen-tyopaikka-ohjaaja"].get("puhelinnumero", "")
        )
    if jakso["osaamisen-hankkimistapa-koodi-uri"] == "osaamisenhankkimistapa_oppisopimus":
        assert jakso["oppisopimuksen-perusta-koodi-uri"]
    keskeytykset = sorted(jakso.get("keskeytymisajanjaksot", []), key=lambda k: k["alku"])
    for earlier, later in pairwise(keskeytykset):
        assert earlier["loppu"] < later["alku"]


def _check_oppimisen_tuki(tuki: dict[str, Any]) -> None:
    tyyppi = tuki["oppimisen-tuen-tyyppi-koodi-uri"]
    fields = ("alku", "loppu", "tutkinnon-osan-tyyppi-koodi-uri")
    if tyyppi.endswith("_01"):
        assert all(field in tuki for field in fields)
    else:
        assert tyyppi.endswith(("_02", "_03"))
        assert not any(field in tuki for field in fields)
