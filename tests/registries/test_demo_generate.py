"""``ehoks demo generate``: a synthetic population that is reproducible from its seed, whose
identifiers all pass their checks, whose registries agree with each other, and whose every HOKS
the service accepts for its study right."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ehoks.cli import app
from ehoks.demo.generate import DEMO_TODAY, generate_population
from ehoks.demo.oids import OPH_ROOT_OID
from ehoks.hoks.models import Hoks
from ehoks.hoks.schemas import validate_hoks
from ehoks.hoks.schemas.primitives import Y_TUNNUS_RE, y_tunnus_ok
from ehoks.kernel.oids import (
    is_opiskeluoikeus_oid,
    is_oppija_oid,
    is_organisaatio_oid,
    luhn_check_digit,
)
from ehoks.registries.errors import RegistryDataError
from ehoks.registries.koski.schemas import Opiskeluoikeus, opiskeluoikeus_from_koski
from ehoks.registries.local import import_directory
from ehoks.registries.local.clients import LocalKoski, LocalOrganisaatio
from ehoks.registries.local.eperusteet import LocalEperusteet
from ehoks.registries.local.koodisto import LocalKoodisto

STUDENTS = 150
SEED = 11


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.json"))}


class Population:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.koski = [_load(p) for p in sorted((root / "koski").glob("*.json"))]
        self.onr = {d["oidHenkilo"]: d for d in map(_load, (root / "onr").glob("*.json"))}
        self.organisaatiot = {
            d["oid"]: d for d in map(_load, (root / "organisaatio").glob("*.json"))
        }
        self.hoksit = [_load(p) for p in sorted((root / "hoks").glob("*.json"))]
        self.documents = {
            oo["oid"]: oo for oppija in self.koski for oo in oppija["opiskeluoikeudet"]
        }
        self.opiskeluoikeudet: dict[str, Opiskeluoikeus] = {
            oo["oid"]: opiskeluoikeus_from_koski(oo, oppija["henkilö"]["oid"])
            for oppija in self.koski
            for oo in oppija["opiskeluoikeudet"]
        }


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    root = tmp_path_factory.mktemp("population")
    generate_population(root, students=STUDENTS, seed=SEED)
    return Population(root)


class TestReproducible:
    def test_the_same_seed_gives_byte_identical_files(
        self, population: Population, tmp_path: Path
    ) -> None:
        summary = generate_population(tmp_path / "again", students=STUDENTS, seed=SEED)

        assert _files(tmp_path / "again") == _files(population.root)
        assert summary.files == len(_files(population.root))

    def test_another_seed_gives_another_population(
        self, population: Population, tmp_path: Path
    ) -> None:
        generate_population(tmp_path / "other", students=STUDENTS, seed=SEED + 1)
        other = Population(tmp_path / "other")

        assert not set(other.onr) & set(population.onr)
        assert not set(other.opiskeluoikeudet) & set(population.opiskeluoikeudet)
        assert not (set(other.organisaatiot) & set(population.organisaatiot)) - {OPH_ROOT_OID}

    def test_a_learner_does_not_depend_on_how_many_are_generated(
        self, population: Population, tmp_path: Path
    ) -> None:
        generate_population(tmp_path / "few", students=10, seed=SEED)
        few = Population(tmp_path / "few")

        assert set(few.onr) <= set(population.onr)
        for oid, document in few.onr.items():
            assert document == population.onr[oid]

    def test_refuses_a_directory_that_already_has_data(self, tmp_path: Path) -> None:
        generate_population(tmp_path, students=1)

        with pytest.raises(RegistryDataError, match="already contains files"):
            generate_population(tmp_path, students=1)


class TestIdentifiers:
    def test_every_oid_passes_its_check_digit(self, population: Population) -> None:
        oppijat = [o["henkilö"]["oid"] for o in population.koski] + list(population.onr)
        oppijat += [h["oppija-oid"] for h in population.hoksit]
        opiskeluoikeudet = list(population.opiskeluoikeudet) + [
            h["opiskeluoikeus-oid"] for h in population.hoksit
        ]

        assert len(set(oppijat)) == STUDENTS
        assert all(is_oppija_oid(oid) for oid in oppijat)
        assert all(is_opiskeluoikeus_oid(oid) for oid in opiskeluoikeudet)
        for oid in population.organisaatiot:
            assert is_organisaatio_oid(oid)
            payload = oid.rsplit(".", 1)[1]
            if oid != OPH_ROOT_OID:  # the generators add a Luhn digit, as the real ones look
                assert luhn_check_digit(payload[:-1]) == int(payload[-1])

    def test_every_business_id_and_identity_code_is_valid(self, population: Population) -> None:
        y_tunnukset = [o["ytunnus"] for o in population.organisaatiot.values() if "ytunnus" in o]
        y_tunnukset += [
            value
            for hoks in population.hoksit
            for key, value in _walk(hoks)
            if key in ("tyopaikan-y-tunnus", "y-tunnus")
        ]

        assert len(y_tunnukset) > STUDENTS
        assert all(Y_TUNNUS_RE.fullmatch(y) and y_tunnus_ok(y) for y in y_tunnukset)
        for henkilo in population.onr.values():
            hetu = henkilo["hetu"]
            assert hetu[7] == "9"  # individual numbers 900-999 are never issued
            number = int(hetu[:6] + hetu[7:10])
            assert "0123456789ABCDEFHJKLMNPRSTUVWXY"[number % 31] == hetu[10]


class TestRegistries:
    def test_the_organisation_tree(self, population: Population) -> None:
        tyypit = Counter(tuple(o["tyypit"]) for o in population.organisaatiot.values())

        assert tyypit[("organisaatiotyyppi_01",)] >= 2
        assert tyypit[("organisaatiotyyppi_02",)] >= tyypit[("organisaatiotyyppi_01",)]
        assert tyypit[("organisaatiotyyppi_03",)] >= 2 * tyypit[("organisaatiotyyppi_02",)]
        depth = {"01": 2, "02": 3, "03": 4}
        for oid, document in population.organisaatiot.items():
            if oid == OPH_ROOT_OID:
                continue
            parent = population.organisaatiot[document["parentOid"]]
            path = [p for p in document["parentOidPath"].split("|") if p]
            assert path == [p for p in parent["parentOidPath"].split("|") if p] + [parent["oid"]]
            assert len(path) + 1 == depth[document["tyypit"][0][-2:]]

    def test_every_study_right_sits_in_its_providers_tree(self, population: Population) -> None:
        for oo in population.documents.values():
            oppilaitos = population.organisaatiot[oo["oppilaitos"]["oid"]]
            assert oppilaitos["parentOid"] == oo["koulutustoimija"]["oid"]
            assert oppilaitos["tyypit"] == ["organisaatiotyyppi_02"]
            toimipiste = population.organisaatiot[oo["suoritukset"][0]["toimipiste"]["oid"]]
            assert toimipiste["parentOid"] == oppilaitos["oid"]

    def test_koski_and_onr_agree_on_every_learner(self, population: Population) -> None:
        for oppija in population.koski:
            henkilo = oppija["henkilö"]
            onr = population.onr[henkilo["oid"]]
            assert (onr["etunimet"], onr["sukunimi"], onr["hetu"]) == (
                henkilo["etunimet"],
                henkilo["sukunimi"],
                henkilo["hetu"],
            )

    def test_study_rights_of_the_right_types_and_states(self, population: Population) -> None:
        kinds = Counter(
            (oo.tyyppi, oo.tila, oo.is_included_in_another)
            for oo in population.opiskeluoikeudet.values()
        )
        lasna = kinds[("ammatillinenkoulutus", "lasna", False)]

        assert lasna > 0.75 * STUDENTS
        assert kinds[("ammatillinenkoulutus", "valmistunut", False)] > 0
        assert kinds[("tuva", "lasna", False)] > 0
        assert kinds[("ammatillinenkoulutus", "lasna", True)] > 0
        assert set(kinds) == {
            ("ammatillinenkoulutus", "lasna", False),
            ("ammatillinenkoulutus", "valmistunut", False),
            ("tuva", "lasna", False),
            ("ammatillinenkoulutus", "lasna", True),
        }

    def test_included_study_rights_are_procured_from_another_provider(
        self, population: Population
    ) -> None:
        for oo in population.opiskeluoikeudet.values():
            if not oo.is_included_in_another:
                continue
            main = population.opiskeluoikeudet[oo.sisaltyy_opiskeluoikeuteen_oid or ""]
            assert main.oppija_oid == oo.oppija_oid
            assert main.oppilaitos_oid == oo.sisaltyy_oppilaitos_oid
            assert main.koulutustoimija_oid != oo.koulutustoimija_oid


class TestHoksDocuments:
    def test_one_plan_per_study_right_that_can_have_one(self, population: Population) -> None:
        planned = [h["opiskeluoikeus-oid"] for h in population.hoksit]
        expected = [
            oid for oid, oo in population.opiskeluoikeudet.items() if not oo.is_included_in_another
        ]

        assert sorted(planned) == sorted(expected)
        for hoks in population.hoksit:
            assert (
                population.opiskeluoikeudet[hoks["opiskeluoikeus-oid"]].oppija_oid
                == (hoks["oppija-oid"])
            )

    def test_every_plan_is_valid_for_its_study_right(self, population: Population) -> None:
        assert len(population.hoksit) >= STUDENTS // 2
        for hoks in population.hoksit:
            oo = population.opiskeluoikeudet[hoks["opiskeluoikeus-oid"]]
            validate_hoks(hoks, method="post", opiskeluoikeus=oo, today=DEMO_TODAY)

    def test_plans_are_valid_for_another_reference_date(self, tmp_path: Path) -> None:
        today = date(2031, 2, 14)
        generate_population(tmp_path, students=40, seed=5, today=today)
        other = Population(tmp_path)

        for hoks in other.hoksit:
            oo = other.opiskeluoikeudet[hoks["opiskeluoikeus-oid"]]
            validate_hoks(hoks, method="post", opiskeluoikeus=oo, today=today)
            assert hoks["ensikertainen-hyvaksyminen"] <= today.isoformat()

    def test_plans_use_every_kind_of_part(self, population: Population) -> None:
        keys = {key for hoks in population.hoksit for key, _ in _walk(hoks)}

        assert {
            "hankittavat-ammat-tutkinnon-osat",
            "aiemmin-hankitut-ammat-tutkinnon-osat",
            "hankittavat-yhteiset-tutkinnon-osat",
            "hankittavat-koulutuksen-osat",
            "opiskeluvalmiuksia-tukevat-opinnot",
            "oppimisen-tuki",
            "osaamisen-osoittaminen",
            "tyopaikalla-jarjestettava-koulutus",
            "oppisopimuksen-perusta-koodi-uri",
            "muut-oppimisymparistot",
            "osaamisen-saavuttamisen-pvm",
        } <= keys


class TestImported:
    def test_the_directory_imports_and_every_code_resolves(
        self, db: Engine, population: Population
    ) -> None:
        summary = import_directory(db, population.root)
        koski, organisaatio = LocalKoski(db), LocalOrganisaatio(db)
        koodisto, eperusteet = LocalKoodisto(db), LocalEperusteet(db)

        assert summary.koski_oppijat == summary.onr_henkilot == STUDENTS
        assert summary.koski_opiskeluoikeudet == len(population.opiskeluoikeudet)
        for hoks in population.hoksit:
            oo = koski.get_opiskeluoikeus(hoks["opiskeluoikeus-oid"])
            assert oo is not None
            assert oo.oppilaitos_oid is not None
            assert organisaatio.ancestors_and_self(oo.oppilaitos_oid) is not None
        codes = {
            (value, hoks_part.get(key.removesuffix("-uri") + "-versio"))
            for hoks in population.hoksit
            for key, value, hoks_part in _codes(hoks)
        }
        for uri, versio in codes:
            assert koodisto.get_koodi(uri, versio) is not None, uri
            if uri.startswith("tutkinnonosat_"):
                assert eperusteet.find_tutkinnon_osat(uri), uri
            if uri.startswith("koulutuksenosattuva_"):
                assert eperusteet.find_koulutuksen_osa(uri) is not None, uri
        for oo_document in population.documents.values():
            diaari = oo_document["suoritukset"][0]["koulutusmoduuli"]["perusteenDiaarinumero"]
            assert eperusteet.get_peruste_by_diaarinumero(diaari) is not None


class TestCommand:
    def test_generate_and_load(
        self, db: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
        monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
        out = tmp_path / "out"

        result = CliRunner().invoke(
            app, ["demo", "generate", "--students", "6", "--seed", "4", "--out", str(out), "--load"]
        )

        assert result.exit_code == 0, result.output
        assert "6 learners" in result.output
        hoks_files = len(list((out / "hoks").glob("*.json")))
        with Session(db) as session:
            assert session.scalar(select(func.count()).select_from(Hoks)) == hoks_files

    def test_refuses_a_bad_date_and_a_used_directory(self, tmp_path: Path) -> None:
        runner = CliRunner()
        bad_date = runner.invoke(
            app,
            ["demo", "generate", "--students", "1", "--today", "1.9.2026", "--out", str(tmp_path)],
        )
        runner.invoke(app, ["demo", "generate", "--students", "1", "--out", str(tmp_path)])
        used = runner.invoke(app, ["demo", "generate", "--students", "1", "--out", str(tmp_path)])

        assert bad_date.exit_code == 2
        assert used.exit_code == 2
        assert "already contains files" in used.output


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _codes(node: Any) -> Any:
    """(key, code URI, the object holding it) of every code a document names."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("-koodi-uri") and isinstance(value, str):
                yield key, value, node
            else:
                yield from _codes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _codes(item)
