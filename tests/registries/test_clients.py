"""The ports answered by the local registry, over the demo data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from ehoks.config import Settings
from ehoks.demo import DEMO_DATA_DIR
from ehoks.registries import Registries, build_registries
from ehoks.registries.local import import_directory
from ehoks.registries.local.clients import LocalKoski, LocalOnr, LocalOrganisaatio
from ehoks.registries.ports import Henkilo, KoskiPort, OnrPort, OrganisaatioPort

OPH = "1.2.246.562.10.00000000001"
UNKNOWN_OPPIJA = "1.2.246.562.24.12312312319"
UNKNOWN_OO = "1.2.246.562.15.41024330544"


def demo(name: str) -> Any:
    return json.loads((DEMO_DATA_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture
def registries(db: Engine) -> Registries:
    import_directory(db, DEMO_DATA_DIR)
    return build_registries(Settings(), db)


class TestBuildRegistries:
    def test_local_mode_builds_the_local_clients(self, db: Engine) -> None:
        registries = build_registries(Settings(registries_mode="local"), db)

        assert isinstance(registries.koski, LocalKoski)
        assert isinstance(registries.onr, LocalOnr)
        assert isinstance(registries.organisaatio, LocalOrganisaatio)

    def test_the_local_clients_satisfy_the_ports(self, db: Engine) -> None:
        koski: KoskiPort = LocalKoski(db)
        onr: OnrPort = LocalOnr(db)
        organisaatio: OrganisaatioPort = LocalOrganisaatio(db)

        assert Registries(koski=koski, onr=onr, organisaatio=organisaatio).koski is koski


class TestKoski:
    def test_known_opiskeluoikeus(self, registries: Registries) -> None:
        document = demo("koski/01-aino-virtanen.json")
        expected = document["opiskeluoikeudet"][0]

        found = registries.koski.get_opiskeluoikeus(expected["oid"])

        assert found is not None
        assert found.oppija_oid == document["henkilö"]["oid"]
        assert found.tyyppi == "ammatillinenkoulutus"
        assert found.tila == "lasna"
        assert found.is_active
        assert found.oppilaitos_oid == expected["oppilaitos"]["oid"]
        assert found.tutkinto_nimi["fi"] == "Sosiaali- ja terveysalan perustutkinto"
        assert found.osaamisala_nimi["sv"] == "Kompetensområdet för sjukvård och omsorg"

    def test_unknown_opiskeluoikeus(self, registries: Registries) -> None:
        assert registries.koski.get_opiskeluoikeus(UNKNOWN_OO) is None
        assert registries.koski.get_opiskeluoikeus_document(UNKNOWN_OO) is None

    def test_document_is_the_koski_answer(self, registries: Registries) -> None:
        expected = demo("koski/03-sofia-makinen.json")["opiskeluoikeudet"][1]

        assert registries.koski.get_opiskeluoikeus_document(expected["oid"]) == expected

    def test_oppijan_opiskeluoikeudet(self, registries: Registries) -> None:
        document = demo("koski/05-helmi-makela.json")

        found = registries.koski.get_oppijan_opiskeluoikeudet(document["henkilö"]["oid"])

        assert found is not None
        assert sorted(o.oid for o in found) == sorted(
            o["oid"] for o in document["opiskeluoikeudet"]
        )
        assert sorted(o.tila or "" for o in found) == ["lasna", "valmistunut"]

    def test_unknown_oppija(self, registries: Registries) -> None:
        assert registries.koski.get_oppijan_opiskeluoikeudet(UNKNOWN_OPPIJA) is None

    def test_the_special_study_rights(self, registries: Registries) -> None:
        sofia = demo("koski/03-sofia-makinen.json")["opiskeluoikeudet"]
        isla = demo("koski/11-isla-lehtonen.json")["opiskeluoikeudet"]

        included = registries.koski.get_opiskeluoikeus(sofia[1]["oid"])
        tuva = registries.koski.get_opiskeluoikeus(isla[1]["oid"])

        assert included is not None
        assert included.is_included_in_another
        assert included.sisaltyy_opiskeluoikeuteen_oid == sofia[0]["oid"]
        assert tuva is not None
        assert tuva.is_tuva


class TestOnr:
    def test_known_henkilo(self, registries: Registries) -> None:
        oid = demo("onr/01-aino-virtanen.json")["oidHenkilo"]

        assert registries.onr.get_henkilo(oid) == Henkilo(
            oid=oid, etunimet="Aino Maria", sukunimi="Virtanen", kutsumanimi="Aino", master_oid=oid
        )
        henkilo = registries.onr.get_henkilo(oid)
        assert henkilo is not None
        assert henkilo.nimi == "Aino Maria Virtanen"
        assert not henkilo.is_duplicate

    def test_unknown_henkilo(self, registries: Registries) -> None:
        assert registries.onr.get_henkilo(UNKNOWN_OPPIJA) is None
        assert registries.onr.get_master_oid(UNKNOWN_OPPIJA) is None
        assert registries.onr.get_slave_oids(UNKNOWN_OPPIJA) == []

    def test_master_and_slaves(self, registries: Registries) -> None:
        master = demo("onr/02-eetu-korhonen.json")["oidHenkilo"]
        slave = demo("onr/02-eetu-korhonen-duplikaatti.json")["oidHenkilo"]

        assert registries.onr.get_master_oid(slave) == master
        assert registries.onr.get_master_oid(master) == master
        assert registries.onr.get_slave_oids(master) == [slave]
        assert registries.onr.get_slave_oids(slave) == []
        duplicate = registries.onr.get_henkilo(slave)
        assert duplicate is not None
        assert duplicate.is_duplicate
        assert duplicate.master_oid == master


class TestOrganisaatio:
    def test_known_organisaatio(self, registries: Registries) -> None:
        document = demo("organisaatio/09-tp-rannikko-satamakatu.json")

        found = registries.organisaatio.get_organisaatio(document["oid"])

        assert found is not None
        assert found.nimi == document["nimi"]
        assert found.parent_oid == demo("organisaatio/05-ol-rannikko.json")["oid"]
        assert found.tyypit == ("organisaatiotyyppi_03",)
        assert found.parent_oid_path == (
            OPH,
            demo("organisaatio/02-kt-rannikko.json")["oid"],
            demo("organisaatio/05-ol-rannikko.json")["oid"],
        )

    def test_ancestors_and_self_from_the_root_down(self, registries: Registries) -> None:
        toimipiste = demo("organisaatio/09-tp-rannikko-satamakatu.json")["oid"]
        oppilaitos = demo("organisaatio/05-ol-rannikko.json")["oid"]
        koulutustoimija = demo("organisaatio/02-kt-rannikko.json")["oid"]

        assert registries.organisaatio.ancestors_and_self(toimipiste) == (
            OPH,
            koulutustoimija,
            oppilaitos,
            toimipiste,
        )
        assert registries.organisaatio.ancestors_and_self(OPH) == (OPH,)

    def test_unknown_organisaatio(self, registries: Registries) -> None:
        assert registries.organisaatio.get_organisaatio("1.2.246.562.10.404") is None
        assert registries.organisaatio.ancestors_and_self("1.2.246.562.10.404") is None


class TestParentOidWithoutPath:
    """Documents without ``parentOidPath`` (e.g. ``findbyoids`` answers) fall back on
    ``parentOid`` links, and odd paths are normalised."""

    @pytest.fixture
    def organisaatio(self, db: Engine, tmp_path: Path) -> LocalOrganisaatio:
        documents = [
            {"oid": OPH, "parentOidPath": ""},
            {"oid": "1.2.246.562.10.2", "parentOid": OPH, "parentOidPath": f"{OPH}|"},
            {"oid": "1.2.246.562.10.3", "parentOid": "1.2.246.562.10.2"},
            {
                "oid": "1.2.246.562.10.4",
                "parentOid": "1.2.246.562.10.3",
                "organisaatiotyypit": ["x"],
            },
            {"oid": "1.2.246.562.10.5", "parentOid": "1.2.246.562.10.99"},
            {"oid": "1.2.246.562.10.6", "parentOid": "1.2.246.562.10.7"},
            {"oid": "1.2.246.562.10.7", "parentOid": "1.2.246.562.10.6"},
        ]
        (tmp_path / "organisaatio").mkdir()
        (tmp_path / "organisaatio" / "all.json").write_text(json.dumps(documents))
        import_directory(db, tmp_path)
        return LocalOrganisaatio(db)

    def test_walks_parent_links_to_a_stored_path(self, organisaatio: LocalOrganisaatio) -> None:
        assert organisaatio.ancestors_and_self("1.2.246.562.10.4") == (
            OPH,
            "1.2.246.562.10.2",
            "1.2.246.562.10.3",
            "1.2.246.562.10.4",
        )
        found = organisaatio.get_organisaatio("1.2.246.562.10.4")
        assert found is not None
        assert found.tyypit == ("x",)

    def test_a_path_without_leading_bar(self, organisaatio: LocalOrganisaatio) -> None:
        assert organisaatio.ancestors_and_self("1.2.246.562.10.2") == (OPH, "1.2.246.562.10.2")

    def test_stops_at_an_unknown_parent(self, organisaatio: LocalOrganisaatio) -> None:
        assert organisaatio.ancestors_and_self("1.2.246.562.10.5") == (
            "1.2.246.562.10.99",
            "1.2.246.562.10.5",
        )

    def test_a_parent_cycle_ends(self, organisaatio: LocalOrganisaatio) -> None:
        assert organisaatio.ancestors_and_self("1.2.246.562.10.6") == (
            "1.2.246.562.10.7",
            "1.2.246.562.10.6",
        )
