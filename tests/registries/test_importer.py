"""Importing and exporting the local registry: demo data, recorded real responses, upserts,
all-or-nothing on bad files, and export → import round trips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from ehoks.demo import DEMO_DATA_DIR
from ehoks.registries.errors import RegistryExportError, RegistryImportError
from ehoks.registries.local import export_directory, import_directory
from ehoks.registries.local.clients import LocalKoski, LocalOrganisaatio
from ehoks.registries.local.models import (
    KoskiOpiskeluoikeus,
    KoskiOppija,
    OnrHenkilo,
    OrganisaatioRecord,
)

MODELS = (KoskiOppija, KoskiOpiskeluoikeus, OnrHenkilo, OrganisaatioRecord)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in MODELS
        }


def copy_demo(tmp_path: Path) -> Path:
    target = tmp_path / "registry"
    for name in ("koski", "onr", "organisaatio"):
        shutil.copytree(DEMO_DATA_DIR / name, target / name)
    return target


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def reference_registry(shared_reference: Path, tmp_path: Path) -> Path:
    """The recorded real responses laid out as a registry directory (copied into tmp only)."""
    source = shared_reference / "external-services"
    target = tmp_path / "reference"
    for pattern in (
        "koski_api_oppija_*.json",
        "koski_api_opiskeluoikeus_*.json",
        "koski_api_sure_oids_*.json",
    ):
        for file in source.glob(pattern):
            (target / "koski").mkdir(parents=True, exist_ok=True)
            shutil.copy(file, target / "koski" / file.name)
    for file in source.glob("organisaatio-service_api_*.json"):
        (target / "organisaatio").mkdir(parents=True, exist_ok=True)
        shutil.copy(file, target / "organisaatio" / file.name)
    return target


class TestImportDemo:
    def test_imports_every_demo_record(self, db: Engine) -> None:
        summary = import_directory(db, DEMO_DATA_DIR)

        assert summary.koski_oppijat == 13
        assert summary.koski_opiskeluoikeudet == 17
        assert summary.onr_henkilot == 14
        assert summary.organisaatiot == 11
        assert (summary.created, summary.updated) == (205, 0)
        assert counts(db) == {
            "registry_koski_oppija": 13,
            "registry_koski_opiskeluoikeus": 17,
            "registry_onr_henkilo": 14,
            "registry_organisaatio": 11,
        }

    def test_accepts_a_session_factory(self, session_factory: sessionmaker[Session]) -> None:
        summary = import_directory(session_factory, DEMO_DATA_DIR)

        assert summary.files == 62

    def test_ignores_the_hoks_documents_beside_the_registries(self, db: Engine) -> None:
        summary = import_directory(db, DEMO_DATA_DIR)

        assert summary.files == len(list(DEMO_DATA_DIR.glob("[!h]*/*.json")))


class TestReimport:
    def test_updates_changed_records_and_keeps_the_rest(self, db: Engine, tmp_path: Path) -> None:
        directory = copy_demo(tmp_path)
        import_directory(db, directory)
        file = directory / "organisaatio" / "05-ol-rannikko.json"
        document = json.loads(file.read_text(encoding="utf-8"))
        document["nimi"]["fi"] = "Rannikon ammatti- ja aikuisopisto"
        write_json(file, document)

        summary = import_directory(db, directory)

        assert (summary.created, summary.updated) == (0, 55)
        assert counts(db)["registry_organisaatio"] == 11
        organisaatio = LocalOrganisaatio(db).get_organisaatio(document["oid"])
        assert organisaatio is not None
        assert organisaatio.nimi["fi"] == "Rannikon ammatti- ja aikuisopisto"

    def test_adds_new_records_from_a_second_directory(self, db: Engine, tmp_path: Path) -> None:
        import_directory(db, DEMO_DATA_DIR)
        extra = tmp_path / "extra"
        write_json(
            extra / "organisaatio" / "new.json",
            {
                "oid": "1.2.246.562.10.12345678901",
                "nimi": {"fi": "Uusi toimipiste"},
                "parentOid": "1.2.246.562.10.00000000001",
                "parentOidPath": "|1.2.246.562.10.00000000001|",
            },
        )

        summary = import_directory(db, extra)

        assert (summary.created, summary.updated) == (1, 0)
        assert counts(db)["registry_organisaatio"] == 12

    def test_a_bare_opiskeluoikeus_keeps_its_learner(self, db: Engine, tmp_path: Path) -> None:
        import_directory(db, DEMO_DATA_DIR)
        koski = json.loads((DEMO_DATA_DIR / "koski" / "01-aino-virtanen.json").read_text("utf-8"))
        opiskeluoikeus = koski["opiskeluoikeudet"][0]
        opiskeluoikeus["arvioituPäättymispäivä"] = "2027-08-31"
        write_json(tmp_path / "bare" / "koski" / "oo.json", opiskeluoikeus)

        import_directory(db, tmp_path / "bare")

        found = LocalKoski(db).get_opiskeluoikeus(opiskeluoikeus["oid"])
        assert found is not None
        assert found.oppija_oid == koski["henkilö"]["oid"]
        assert found.arvioitu_paattymispaiva is not None
        assert found.arvioitu_paattymispaiva.isoformat() == "2027-08-31"

    def test_a_henkilo_with_only_an_oid_does_not_erase_the_names(
        self, db: Engine, tmp_path: Path
    ) -> None:
        import_directory(db, DEMO_DATA_DIR)
        koski = json.loads((DEMO_DATA_DIR / "koski" / "01-aino-virtanen.json").read_text("utf-8"))
        oid = koski["henkilö"]["oid"]
        # The shape of a ``POST /koski/api/sure/oids`` answer: the learner by OID only.
        write_json(
            tmp_path / "sure" / "koski" / "sure.json",
            [{"henkilö": {"oid": oid}, "opiskeluoikeudet": []}],
        )

        import_directory(db, tmp_path / "sure")

        with Session(db) as session:
            oppija = session.get(KoskiOppija, oid)
            assert oppija is not None
            assert oppija.henkilo["sukunimi"] == "Virtanen"


MALFORMED = [
    pytest.param("koski", "{not json", "not valid JSON", id="invalid-json"),
    pytest.param(
        "koski",
        {"henkilö": {"hetu": "x"}, "opiskeluoikeudet": []},
        "'oid'",
        id="oppija-without-oid",
    ),
    pytest.param(
        "koski",
        {"henkilö": {"oid": "1.2.246.562.24.1"}, "opiskeluoikeudet": {}},
        "expected a list",
        id="opiskeluoikeudet-not-a-list",
    ),
    pytest.param(
        "koski",
        {"oid": "1.2.246.562.15.1", "alkamispäivä": "2024-13-45"},
        "cannot be read",
        id="bad-date",
    ),
    pytest.param("koski", {"foo": 1}, "expected a Koski oppija document", id="unknown-koski-shape"),
    pytest.param("koski", [1], "[0]: expected", id="list-of-numbers"),
    pytest.param("onr", {"etunimet": "Ei Oidia"}, "'oidHenkilo'", id="henkilo-without-oid"),
    pytest.param(
        "onr",
        {"oidHenkilo": "1.2.246.562.24.1", "master": {"oidHenkilo": "1.2.246.562.24.1"}},
        "names itself",
        id="own-master",
    ),
    pytest.param(
        "onr",
        {"oidHenkilo": "1.2.246.562.24.1", "duplicate": "yes"},
        "'duplicate'",
        id="bad-duplicate",
    ),
    pytest.param("organisaatio", {"oid": "not an oid"}, "'oid' must be an OID", id="bad-org-oid"),
    pytest.param(
        "organisaatio",
        {"oid": "1.2.246.562.10.1", "parentOidPath": "|1.2.246.562.10.00000000001|x y|"},
        "parentOidPath",
        id="bad-path",
    ),
    pytest.param(
        "organisaatio",
        {
            "oid": "1.2.246.562.10.1",
            "parentOid": "1.2.246.562.10.2",
            "parentOidPath": "|1.2.246.562.10.00000000001|",
        },
        "not the last OID",
        id="parent-not-in-path",
    ),
    pytest.param(
        "organisaatio",
        {"oid": "1.2.246.562.10.1", "tyypit": "organisaatiotyyppi_02"},
        "'tyypit'",
        id="tyypit-not-a-list",
    ),
]


class TestMalformedFile:
    @pytest.mark.parametrize(("registry", "content", "message"), MALFORMED)
    def test_imports_nothing_and_names_the_file_and_problem(
        self, db: Engine, tmp_path: Path, registry: str, content: object, message: str
    ) -> None:
        directory = copy_demo(tmp_path)
        bad = directory / registry / "zz-bad.json"
        if isinstance(content, str):
            bad.write_text(content, encoding="utf-8")
        else:
            write_json(bad, content)

        with pytest.raises(RegistryImportError) as error:
            import_directory(db, directory)

        assert error.value.path == str(bad)
        assert message in error.value.problem
        assert set(counts(db).values()) == {0}

    def test_a_failure_leaves_earlier_imports_untouched(self, db: Engine, tmp_path: Path) -> None:
        import_directory(db, DEMO_DATA_DIR)
        directory = copy_demo(tmp_path)
        (directory / "organisaatio" / "00-oph.json").write_text("[", encoding="utf-8")
        changed = directory / "organisaatio" / "05-ol-rannikko.json"
        document = json.loads(changed.read_text(encoding="utf-8"))
        document["nimi"]["fi"] = "Muutettu"
        write_json(changed, document)

        with pytest.raises(RegistryImportError):
            import_directory(db, directory)

        organisaatio = LocalOrganisaatio(db).get_organisaatio(document["oid"])
        assert organisaatio is not None
        assert organisaatio.nimi["fi"] == "Rannikon ammattiopisto"

    def test_duplicate_chains_are_refused(self, db: Engine, tmp_path: Path) -> None:
        directory = tmp_path / "chain"
        write_json(
            directory / "onr" / "people.json",
            [
                {"oidHenkilo": "1.2.246.562.24.1", "master": {"oidHenkilo": "1.2.246.562.24.2"}},
                {"oidHenkilo": "1.2.246.562.24.2", "master": {"oidHenkilo": "1.2.246.562.24.3"}},
                {"oidHenkilo": "1.2.246.562.24.3"},
            ],
        )

        with pytest.raises(RegistryImportError, match="itself a duplicate"):
            import_directory(db, directory)

    def test_a_directory_without_registry_data_is_refused(self, db: Engine, tmp_path: Path) -> None:
        with pytest.raises(RegistryImportError, match="no registry data"):
            import_directory(db, tmp_path)

    def test_a_missing_directory_is_refused(self, db: Engine, tmp_path: Path) -> None:
        with pytest.raises(RegistryImportError, match="not a directory"):
            import_directory(db, tmp_path / "missing")


class TestImportReference:
    def test_imports_the_recorded_responses(
        self, db: Engine, tmp_path: Path, shared_reference: Path
    ) -> None:
        summary = import_directory(db, reference_registry(shared_reference, tmp_path))

        assert summary.koski_oppijat == 1
        assert summary.koski_opiskeluoikeudet == 7
        assert summary.organisaatiot == 4
        koski = LocalKoski(db)
        opiskeluoikeudet = koski.get_oppijan_opiskeluoikeudet("1.2.246.562.24.44651722625")
        assert opiskeluoikeudet is not None
        # The single study-right answers name no learner; the sure/oids answer does.
        assert {o.oid for o in opiskeluoikeudet} >= {
            "1.2.246.562.15.60063016194",
            "1.2.246.562.15.13312692646",
        }
        lone = koski.get_opiskeluoikeus("1.2.246.562.15.76811932037")
        assert lone is not None
        assert lone.oppija_oid is None
        assert lone.oppilaitos_oid == "1.2.246.562.10.84189747029"
        assert LocalOrganisaatio(db).ancestors_and_self("1.2.246.562.10.21122461771") == (
            "1.2.246.562.10.00000000001",
            "1.2.246.562.10.63964626889",
            "1.2.246.562.10.84189747029",
            "1.2.246.562.10.21122461771",
        )

    def test_keeps_the_full_henkilo_of_the_oppija_answer(
        self, db: Engine, tmp_path: Path, shared_reference: Path
    ) -> None:
        import_directory(db, reference_registry(shared_reference, tmp_path))

        with Session(db) as session:
            oppija = session.get(KoskiOppija, "1.2.246.562.24.44651722625")
            assert oppija is not None
            assert oppija.henkilo["etunimet"] == "Aarto Maurits"


class TestExport:
    def test_round_trips_the_demo_data(self, db: Engine, tmp_path: Path) -> None:
        import_directory(db, DEMO_DATA_DIR)

        _assert_round_trip(db, tmp_path)

    def test_round_trips_the_recorded_responses(
        self, db: Engine, tmp_path: Path, shared_reference: Path
    ) -> None:
        import_directory(db, reference_registry(shared_reference, tmp_path))

        _assert_round_trip(db, tmp_path)

    def test_the_export_holds_the_demo_documents(self, db: Engine, tmp_path: Path) -> None:
        import_directory(db, DEMO_DATA_DIR)
        export_directory(db, tmp_path / "out")

        original = json.loads((DEMO_DATA_DIR / "koski" / "05-helmi-makela.json").read_text("utf-8"))
        oid = original["henkilö"]["oid"]
        exported = json.loads((tmp_path / "out" / "koski" / f"{oid}.json").read_text("utf-8"))
        assert exported["henkilö"] == original["henkilö"]
        assert sorted(o["oid"] for o in exported["opiskeluoikeudet"]) == sorted(
            o["oid"] for o in original["opiskeluoikeudet"]
        )
        assert {o["oid"]: o for o in exported["opiskeluoikeudet"]} == {
            o["oid"]: o for o in original["opiskeluoikeudet"]
        }

    def test_refuses_a_directory_that_already_has_registry_files(
        self, db: Engine, tmp_path: Path
    ) -> None:
        import_directory(db, DEMO_DATA_DIR)
        export_directory(db, tmp_path / "out")

        with pytest.raises(RegistryExportError):
            export_directory(db, tmp_path / "out")


def _assert_round_trip(db: Engine, tmp_path: Path) -> None:
    """Export, empty the tables, import the export, export again: same rows, same files."""
    before = counts(db)
    first = tmp_path / "first"
    assert export_directory(db, first).files > 0
    with Session(db) as session, session.begin():
        for model in MODELS:
            session.execute(delete(model))
    assert set(counts(db).values()) == {0}

    import_directory(db, first)
    second = tmp_path / "second"
    export_directory(db, second)

    assert counts(db) == before
    assert _tree(first) == _tree(second)


def _tree(root: Path) -> dict[str, object]:
    return {
        str(path.relative_to(root)): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(root.rglob("*.json"))
    }
