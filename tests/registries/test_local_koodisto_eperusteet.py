"""The local Koodisto and ePerusteet: import and export in the real services' shapes, upserts,
all-or-nothing on bad files, the ports' answers from the tables, the recorded real responses,
and every code the demo HOKSes name resolving after the demo is loaded."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from ehoks.config import Settings
from ehoks.demo import DEMO_DATA_DIR, demo_hoks_documents
from ehoks.demo.loader import load_demo
from ehoks.registries.errors import RegistryImportError
from ehoks.registries.local import export_directory, import_directory
from ehoks.registries.local.eperusteet import LocalEperusteet
from ehoks.registries.local.koodisto import LocalKoodisto
from ehoks.registries.local.models import (
    EperusteetKoulutuksenOsa,
    EperusteetPeruste,
    EperusteetPerusteenTutkinnonOsa,
    EperusteetTutkinnonOsa,
    KoodistoKoodi,
    KoskiOpiskeluoikeus,
    KoskiOppija,
    OnrHenkilo,
    OrganisaatioRecord,
)

MODELS = (
    KoodistoKoodi,
    EperusteetPeruste,
    EperusteetTutkinnonOsa,
    EperusteetPerusteenTutkinnonOsa,
    EperusteetKoulutuksenOsa,
)
ALL_MODELS = (*MODELS, KoskiOppija, KoskiOpiskeluoikeus, OnrHenkilo, OrganisaatioRecord)
DAY_MS = 86_400_000
EPOCH = date(1970, 1, 1)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in MODELS
        }


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def koodi(uri: str, versio: int = 1, nimi: str | None = None, **extra: Any) -> dict[str, Any]:
    """A code element as ``GET /rest/codeelement/{koodiUri}/{versio}`` answers it."""
    koodisto, _, arvo = uri.partition("_")
    return {
        "koodiUri": uri,
        "versio": versio,
        "koodiArvo": arvo.upper(),
        "koodisto": {"koodistoUri": koodisto, "koodistoVersios": [versio]},
        "tila": "HYVAKSYTTY",
        "voimassaAlkuPvm": "2019-01-01",
        "metadata": [
            {"kieli": "FI", "nimi": nimi or f"{uri} v{versio}"},
            {"kieli": "SV", "nimi": f"{uri} sv"},
        ],
        **extra,
    }


def tutkinnon_osa(osa_id: int, code: str, nimi: str = "Asiakaspalvelu") -> dict[str, Any]:
    """A unit as ``GET /api/tutkinnonosat/{id}`` (or a whole peruste) describes it."""
    return {
        "id": osa_id,
        "nimi": {"fi": nimi, "sv": "Kundservice", "_id": "1"},
        "osanTyyppi": "tutkinnonosa",
        "koodiUri": f"tutkinnonosat_{code}",
        "koodiArvo": code,
        "ammattitaitovaatimukset2019": {
            "kohde": {"fi": "Opiskelija"},
            "vaatimukset": [{"vaatimus": {"fi": "palvelee asiakkaita"}}],
            "kohdealueet": [],
        },
        "arviointi": {
            "arvioinninKohdealueet": [
                {
                    "otsikko": {"fi": "Arviointi"},
                    "arvioinninKohteet": [
                        {
                            "otsikko": {"fi": "Työprosessi"},
                            "selite": {"fi": "Opiskelija"},
                            "_arviointiAsteikko": "2",
                            "osaamistasonKriteerit": [
                                {"_osaamistaso": level, "kriteerit": [{"fi": f"taso {level}"}]}
                                for level in ("2", "3", "4")
                            ],
                        }
                    ],
                }
            ]
        },
        "osaAlueet": [],
    }


def peruste(
    peruste_id: int,
    diaarinumero: str,
    osat: list[dict[str, Any]] | None = None,
    *,
    alkaa: str = "2018-08-01",
    laajuus: int = 25,
    **extra: Any,
) -> dict[str, Any]:
    """A whole peruste as ``GET /api/external/peruste/{id}`` answers it."""
    document: dict[str, Any] = {
        "id": peruste_id,
        "diaarinumero": diaarinumero,
        "nimi": {"fi": f"Peruste {peruste_id}"},
        "koulutustyyppi": "koulutustyyppi_1",
        "voimassaoloAlkaa": (date.fromisoformat(alkaa) - EPOCH).days * DAY_MS,
        "osaamisalat": [{"uri": "osaamisala_1", "arvo": "1", "nimi": {"fi": "Ala"}}],
        "suoritustavat": [
            {
                "suoritustapakoodi": "reformi",
                "tutkinnonOsaViitteet": [
                    {"id": 1, "laajuus": laajuus, "_tutkinnonOsa": str(osa.get("id"))}
                    for osa in osat or []
                ],
            }
        ],
        **extra,
    }
    if osat is not None:
        document["tutkinnonOsat"] = osat
    return document


def tuva_osa(osa_id: int, arvo: str) -> dict[str, Any]:
    return {
        "id": osa_id,
        "viiteId": osa_id + 1000,
        "osanTyyppi": "koulutuksenosa",
        "nimi": {"fi": f"Osa {arvo} (nimi)"},
        "nimiKoodi": {"uri": f"koulutuksenosattuva_{arvo}", "nimi": {"fi": f"Osa {arvo}"}},
        "laajuusMinimi": 1,
        "laajuusMaksimi": 20,
    }


@pytest.fixture
def koodisto(db: Engine) -> LocalKoodisto:
    return LocalKoodisto(db)


@pytest.fixture
def eperusteet(db: Engine) -> LocalEperusteet:
    return LocalEperusteet(db)


def reference_files(shared_reference: Path, tmp_path: Path) -> Path:
    """The recorded Koodisto and ePerusteet answers laid out as a registry directory (copied
    into tmp only). Shapes the local registry does not read (structures, sub-area lists,
    unit references) are left out."""
    source = shared_reference / "external-services"
    target = tmp_path / "reference"
    layout = {
        "koodisto": ("koodisto-*.json", "rest_codeelement_*.json"),
        "eperusteet": (
            "eperusteet-peruste-*.json",
            "eperusteet-tutkinnonosa-*.json",
            "eperusteet-service_api_tutkinnonosat*.json",
            "eperusteet-service_api_perusteet_diaari.json",
            "eperusteet_api_perusteet*.json",
        ),
    }
    for directory, patterns in layout.items():
        (target / directory).mkdir(parents=True, exist_ok=True)
        for pattern in patterns:
            for file in source.glob(pattern):
                if not file.name.endswith("_viitteet.json"):
                    shutil.copy(file, target / directory / file.name)
    if not any(target.rglob("*.json")):
        pytest.skip(f"no recorded Koodisto or ePerusteet answers under {source}")
    return target


class TestImport:
    def test_imports_the_demo_codes_and_perusteet(self, db: Engine) -> None:
        summary = import_directory(db, DEMO_DATA_DIR)

        assert summary.koodisto_koodit == 84
        assert summary.eperusteet_perusteet == 14
        assert summary.eperusteet_tutkinnon_osat == 45
        assert summary.eperusteet_koulutuksen_osat == 7
        # Twelve perustutkinto perusteet share the three common units.
        assert counts(db)["registry_eperusteet_peruste_tutkinnon_osa"] == 42 + 12 * 3

    def test_one_file_may_hold_one_document_or_a_list(self, db: Engine, tmp_path: Path) -> None:
        write_json(tmp_path / "koodisto" / "one.json", koodi("urasuunnitelma_0001"))
        write_json(
            tmp_path / "koodisto" / "list.json",
            [koodi("urasuunnitelma_0002"), koodi("urasuunnitelma_0002", 2)],
        )
        write_json(tmp_path / "eperusteet" / "unit.json", tutkinnon_osa(1, "100001"))
        write_json(
            tmp_path / "eperusteet" / "search.json",
            {"data": [tutkinnon_osa(2, "100002")], "sivuja": 1, "kokonaismäärä": 1},
        )
        write_json(tmp_path / "eperusteet" / "tuva.json", [tuva_osa(10, "101")])

        summary = import_directory(db, tmp_path)

        assert (summary.koodisto_koodit, summary.eperusteet_tutkinnon_osat) == (3, 2)
        assert summary.eperusteet_koulutuksen_osat == 1
        assert (summary.created, summary.updated) == (6, 0)


class TestReimport:
    def test_updates_a_changed_code_and_keeps_the_rest(
        self, db: Engine, koodisto: LocalKoodisto, tmp_path: Path
    ) -> None:
        directory = tmp_path / "registry"
        shutil.copytree(DEMO_DATA_DIR / "koodisto", directory / "koodisto")
        import_directory(db, directory)
        file = directory / "koodisto" / "urasuunnitelma.json"
        elements = json.loads(file.read_text(encoding="utf-8"))
        elements[0]["metadata"][0]["nimi"] = "Jatko-opinnot korkea-asteella"
        write_json(file, elements)

        summary = import_directory(db, directory)

        assert (summary.created, summary.updated) == (0, 84)
        assert counts(db)["registry_koodisto_koodi"] == 84
        found = koodisto.get_koodi("urasuunnitelma_0001")
        assert found is not None
        assert found.nimi["fi"] == "Jatko-opinnot korkea-asteella"

    def test_a_whole_peruste_replaces_its_unit_list_but_keeps_the_units(
        self, db: Engine, eperusteet: LocalEperusteet, tmp_path: Path
    ) -> None:
        first = [tutkinnon_osa(1, "100001"), tutkinnon_osa(2, "100002")]
        write_json(tmp_path / "a" / "eperusteet" / "p.json", peruste(50, "D", first))
        import_directory(db, tmp_path / "a")
        renamed = tutkinnon_osa(2, "100002", nimi="Asiakaspalvelu ja myynti")
        write_json(tmp_path / "b" / "eperusteet" / "p.json", peruste(50, "D", [renamed]))

        summary = import_directory(db, tmp_path / "b")

        assert (summary.created, summary.updated) == (0, 2)
        assert counts(db)["registry_eperusteet_tutkinnon_osa"] == 2
        [kept] = eperusteet.find_tutkinnon_osat("tutkinnonosat_100001")
        assert kept.peruste_id is None  # no longer listed by the peruste, but still known
        [osa] = eperusteet.find_tutkinnon_osat("tutkinnonosat_100002")
        assert (osa.nimi["fi"], osa.peruste_id, osa.laajuus) == ("Asiakaspalvelu ja myynti", 50, 25)

    def test_a_search_hit_never_replaces_a_whole_peruste(
        self, db: Engine, eperusteet: LocalEperusteet, tmp_path: Path
    ) -> None:
        whole = peruste(60, "OPH-1-2020", [tutkinnon_osa(1, "100001")], laajuus=30)
        hit = {"id": 60, "diaarinumero": "OPH-1-2020", "nimi": {"fi": "Hakutulos"}}
        write_json(tmp_path / "eperusteet" / "1-whole.json", whole)
        write_json(tmp_path / "eperusteet" / "2-search.json", {"data": [hit]})
        import_directory(db, tmp_path)
        write_json(tmp_path / "later" / "eperusteet" / "search.json", {"data": [hit]})
        import_directory(db, tmp_path / "later")

        found = eperusteet.get_peruste_by_diaarinumero("OPH-1-2020")
        assert found is not None
        assert found.nimi == {"fi": "Peruste 60"}
        [osa] = eperusteet.find_tutkinnon_osat("tutkinnonosat_100001")
        assert osa.laajuus == Decimal(30)

    def test_a_koulutuksen_osat_answer_keeps_the_peruste_of_a_part(
        self, db: Engine, eperusteet: LocalEperusteet, tmp_path: Path
    ) -> None:
        tuva = peruste(70, "OPH-1488-2021", koulutuksenOsat=[tuva_osa(10, "101")])
        write_json(tmp_path / "a" / "eperusteet" / "tuva.json", tuva)
        import_directory(db, tmp_path / "a")
        renamed = tuva_osa(10, "101") | {"laajuusMaksimi": 10}
        write_json(tmp_path / "b" / "eperusteet" / "osat.json", [renamed])

        import_directory(db, tmp_path / "b")

        with Session(db) as session:
            row = session.get(EperusteetKoulutuksenOsa, 10)
            assert row is not None
            assert row.peruste_id == 70
        found = eperusteet.find_koulutuksen_osa("koulutuksenosattuva_101")
        assert found is not None
        assert found.laajuus_maksimi == Decimal(10)


BAD_FILES = [
    ("koodisto", "{", "not valid JSON"),
    ("koodisto", {"koodiUri": "urasuunnitelma_0001", "koodiArvo": "0001"}, "'versio'"),
    ("koodisto", {"koodiUri": 7, "versio": 1, "koodiArvo": "7"}, "'koodiUri'"),
    ("koodisto", [koodi("urasuunnitelma_0001") | {"versio": True}], "[0]: code"),
    ("koodisto", koodi("urasuunnitelma_0001") | {"metadata": "FI"}, "'metadata'"),
    ("eperusteet", {"kuvaus": {"fi": "rakenne"}, "osat": []}, "not an ePerusteet document"),
    ("eperusteet", peruste(1, "D") | {"id": "1"}, "'id'"),
    ("eperusteet", peruste(1, "D", []) | {"tutkinnonOsat": {}}, "tutkinnonOsat: expected a list"),
    ("eperusteet", peruste(1, "D", [{"koodiUri": "tutkinnonosat_1"}]), "tutkinnonOsat[0]"),
    (
        "eperusteet",
        peruste(1, "D", [tutkinnon_osa(5, "1"), tutkinnon_osa(5, "1")]),
        "listed twice",
    ),
    ("eperusteet", {"data": [tuva_osa(1, "101") | {"nimiKoodi": "x"}]}, "'nimiKoodi'"),
]


class TestAllOrNothing:
    @pytest.mark.parametrize(("registry", "content", "message"), BAD_FILES)
    def test_a_malformed_file_stops_the_import_and_names_itself(
        self, db: Engine, tmp_path: Path, registry: str, content: object, message: str
    ) -> None:
        for name in ("koodisto", "eperusteet", "organisaatio"):
            shutil.copytree(DEMO_DATA_DIR / name, tmp_path / name)
        bad = tmp_path / registry / "zz-bad.json"
        if isinstance(content, str):
            bad.write_text(content, encoding="utf-8")
        else:
            write_json(bad, content)

        with pytest.raises(RegistryImportError) as error:
            import_directory(db, tmp_path)

        assert error.value.path == str(bad)
        assert message in error.value.problem
        assert set(counts(db).values()) == {0}
        with Session(db) as session:
            assert session.scalar(select(func.count()).select_from(OrganisaatioRecord)) == 0

    def test_a_failure_leaves_earlier_imports_untouched(
        self, db: Engine, koodisto: LocalKoodisto, tmp_path: Path
    ) -> None:
        import_directory(db, DEMO_DATA_DIR)
        write_json(tmp_path / "koodisto" / "a.json", koodi("urasuunnitelma_0001", nimi="Muutettu"))
        write_json(tmp_path / "eperusteet" / "b.json", {"id": 1})

        with pytest.raises(RegistryImportError):
            import_directory(db, tmp_path)

        found = koodisto.get_koodi("urasuunnitelma_0001")
        assert found is not None
        assert found.nimi["fi"] == "Jatko-opinnot"


class TestExport:
    def test_round_trips_the_demo_registry(self, db: Engine, tmp_path: Path) -> None:
        import_directory(db, DEMO_DATA_DIR)

        _assert_round_trip(db, tmp_path)

    def test_writes_whole_perusteet_and_the_units_and_parts_of_none(
        self, db: Engine, tmp_path: Path
    ) -> None:
        source = tmp_path / "source"
        write_json(source / "eperusteet" / "p.json", peruste(50, "D", [tutkinnon_osa(1, "1")]))
        write_json(source / "eperusteet" / "u.json", tutkinnon_osa(2, "2"))
        write_json(source / "eperusteet" / "t.json", [tuva_osa(10, "101")])
        write_json(source / "koodisto" / "k.json", [koodi("a_1"), koodi("a_1", 2), koodi("b_1")])
        import_directory(db, source)

        summary = export_directory(db, tmp_path / "out")

        out = tmp_path / "out"
        assert sorted(p.name for p in (out / "eperusteet").glob("*.json")) == [
            "koulutuksenosa-10.json",
            "peruste-50.json",
            "tutkinnonosa-2.json",
        ]
        assert _load(out / "eperusteet" / "peruste-50.json") == peruste(
            50, "D", [tutkinnon_osa(1, "1")]
        )
        assert [k["versio"] for k in _load(out / "koodisto" / "a.json")] == [1, 2]
        assert (summary.koodisto_koodit, summary.eperusteet_tutkinnon_osat) == (3, 2)
        assert (summary.eperusteet_perusteet, summary.eperusteet_koulutuksen_osat) == (1, 1)

    def test_round_trips_the_recorded_responses(
        self, db: Engine, tmp_path: Path, shared_reference: Path
    ) -> None:
        import_directory(db, reference_files(shared_reference, tmp_path))

        _assert_round_trip(db, tmp_path)


class TestLocalKoodisto:
    @pytest.fixture(autouse=True)
    def codes(self, db: Engine, tmp_path: Path) -> None:
        write_json(
            tmp_path / "koodisto" / "urasuunnitelma.json",
            [
                koodi("urasuunnitelma_0001", 1, "Jatko-opinnot"),
                koodi("urasuunnitelma_0001", 3, "Jatko-opinnot (uusi)"),
                koodi("urasuunnitelma_0001", 2, "Jatko-opinnot (vanha)"),
                koodi("urasuunnitelma_0002", 1, "Työelämä"),
            ],
        )
        # An answer without the code list object: the list is read from the URI.
        bare = koodi("oppimisymparistot_0001")
        del bare["koodisto"]
        write_json(tmp_path / "koodisto" / "bare.json", bare)
        import_directory(db, tmp_path)

    def test_a_known_code_at_its_latest_version(self, koodisto: LocalKoodisto) -> None:
        found = koodisto.get_koodi("urasuunnitelma_0001")

        assert found is not None
        assert (found.koodi_uri, found.koodiarvo, found.versio) == (
            "urasuunnitelma_0001",
            "0001",
            3,
        )
        assert found.nimi == {"fi": "Jatko-opinnot (uusi)", "sv": "urasuunnitelma_0001 sv"}
        assert (found.koodisto_uri, found.tila) == ("urasuunnitelma", "HYVAKSYTTY")
        assert found.voimassa_alku == date(2019, 1, 1)

    def test_the_version_asked_for(self, koodisto: LocalKoodisto) -> None:
        found = koodisto.get_koodi("urasuunnitelma_0001", 2)

        assert found is not None
        assert (found.versio, found.nimi["fi"]) == (2, "Jatko-opinnot (vanha)")
        assert koodisto.get_koodi("urasuunnitelma_0001", 4) is None

    def test_an_unknown_code_is_none(self, koodisto: LocalKoodisto) -> None:
        assert koodisto.get_koodi("urasuunnitelma_9999") is None
        assert koodisto.get_koodi("tuntematon_1", 1) is None

    def test_a_code_list_at_the_latest_versions(self, koodisto: LocalKoodisto) -> None:
        found = koodisto.list_koodit("urasuunnitelma")

        assert [(k.koodi_uri, k.versio) for k in found] == [
            ("urasuunnitelma_0001", 3),
            ("urasuunnitelma_0002", 1),
        ]
        assert [k.koodi_uri for k in koodisto.list_koodit("oppimisymparistot")] == [
            "oppimisymparistot_0001"
        ]
        assert koodisto.list_koodit("tuntematon") == []

    def test_without_an_engine_nothing_is_known(self) -> None:
        assert LocalKoodisto().get_koodi("urasuunnitelma_0001") is None
        assert LocalKoodisto().list_koodit("urasuunnitelma") == []


class TestLocalEperusteet:
    @pytest.fixture(autouse=True)
    def perusteet(self, db: Engine, tmp_path: Path) -> None:
        common = tutkinnon_osa(9, "106727", nimi="Viestintä- ja vuorovaikutusosaaminen")
        common["osaAlueet"] = [
            {"id": 91, "koodiUri": "ammatillisenoppiaineet_vvai", "nimi": {"fi": "Äidinkieli"}}
        ]
        older = peruste(100, "OPH-1-2017", [tutkinnon_osa(1, "100001"), common], laajuus=20)
        newer = peruste(200, "OPH-2-2019", [common], alkaa="2019-08-01", laajuus=11)
        write_json(tmp_path / "eperusteet" / "older.json", older)
        write_json(tmp_path / "eperusteet" / "newer.json", newer)
        write_json(tmp_path / "eperusteet" / "unit.json", tutkinnon_osa(3, "100003"))
        # Two perusteet with one diary number: ePerusteet keeps the superseded one.
        superseded = peruste(300, "44/011/2014", alkaa="2015-08-01")
        current = peruste(301, "44/011/2014", alkaa="2016-08-01")
        write_json(tmp_path / "eperusteet" / "search.json", {"data": [current, superseded]})
        tuva = peruste(400, "OPH-1488-2021", koulutuksenOsat=[tuva_osa(41, "101")])
        write_json(tmp_path / "eperusteet" / "tuva.json", tuva)
        import_directory(db, tmp_path)

    def test_a_unit_with_its_requirements_and_criteria(self, eperusteet: LocalEperusteet) -> None:
        [osa] = eperusteet.find_tutkinnon_osat("tutkinnonosat_100001")

        assert (osa.id, osa.koodi_uri, osa.nimi) == (
            1,
            "tutkinnonosat_100001",
            {"fi": "Asiakaspalvelu", "sv": "Kundservice"},
        )
        assert (osa.laajuus, osa.peruste_id, osa.diaarinumero) == (Decimal(20), 100, "OPH-1-2017")
        assert osa.ammattitaitovaatimukset is not None
        assert osa.ammattitaitovaatimukset.vaatimukset == ({"fi": "palvelee asiakkaita"},)
        levels = osa.arviointi[0].kohteet[0].osaamistasot
        assert [(t.osaamistaso, t.kriteerit) for t in levels] == [
            ("1", ({"fi": "taso 2"},)),
            ("3", ({"fi": "taso 3"},)),
            ("5", ({"fi": "taso 4"},)),
        ]

    def test_a_shared_unit_once_per_peruste_newest_first(self, eperusteet: LocalEperusteet) -> None:
        found = eperusteet.find_tutkinnon_osat("tutkinnonosat_106727")

        assert [(o.peruste_id, o.laajuus) for o in found] == [
            (200, Decimal(11)),
            (100, Decimal(20)),
        ]
        assert [a.koodi_uri for a in found[0].osa_alueet] == ["ammatillisenoppiaineet_vvai"]

    def test_a_unit_in_no_peruste(self, eperusteet: LocalEperusteet) -> None:
        [osa] = eperusteet.find_tutkinnon_osat("tutkinnonosat_100003")

        assert (osa.id, osa.peruste_id, osa.laajuus, osa.diaarinumero) == (3, None, None, None)

    def test_an_unknown_unit(self, eperusteet: LocalEperusteet) -> None:
        assert eperusteet.find_tutkinnon_osat("tutkinnonosat_999999") == []

    def test_a_peruste_by_diaarinumero(self, eperusteet: LocalEperusteet) -> None:
        found = eperusteet.get_peruste_by_diaarinumero("OPH-1-2017")

        assert found is not None
        assert (found.id, found.nimi, found.voimassaolo_alkaa) == (
            100,
            {"fi": "Peruste 100"},
            date(2018, 8, 1),
        )
        assert [a.koodi_uri for a in found.osaamisalat] == ["osaamisala_1"]

    def test_the_newest_of_one_diaarinumero(self, eperusteet: LocalEperusteet) -> None:
        found = eperusteet.get_peruste_by_diaarinumero("44/011/2014")

        assert found is not None
        assert found.id == 301
        assert eperusteet.get_peruste_by_diaarinumero("44/011/201") is None

    def test_a_tuva_part(self, eperusteet: LocalEperusteet) -> None:
        found = eperusteet.find_koulutuksen_osa("koulutuksenosattuva_101")

        assert found is not None
        assert (found.id, found.viite_id, found.nimi) == (41, 1041, {"fi": "Osa 101"})
        assert (found.laajuus_minimi, found.laajuus_maksimi) == (Decimal(1), Decimal(20))
        assert eperusteet.find_koulutuksen_osa("koulutuksenosattuva_999") is None

    def test_without_an_engine_nothing_is_known(self) -> None:
        empty = LocalEperusteet()
        assert empty.find_tutkinnon_osat("tutkinnonosat_100001") == []
        assert empty.get_peruste_by_diaarinumero("OPH-1-2017") is None
        assert empty.find_koulutuksen_osa("koulutuksenosattuva_101") is None


class TestRecordedResponses:
    @pytest.fixture(autouse=True)
    def recorded(self, db: Engine, tmp_path: Path, shared_reference: Path) -> None:
        import_directory(db, reference_files(shared_reference, tmp_path))

    def test_koodisto_versions_and_lists(self, koodisto: LocalKoodisto) -> None:
        latest = koodisto.get_koodi("tutkinnonosat_100031")
        first = koodisto.get_koodi("tutkinnonosat_100031", 1)
        kokki = koodisto.get_koodi("ravintolakokinatjarjestys_4", 2)

        assert latest is not None
        assert latest.versio == 2
        assert latest.nimi["fi"] == "Moottorin ja voimansiirron huolto ja korjaus"
        assert first is not None
        assert first.versio == 1
        # That answer names no code list; it is read from the URI for the list lookup.
        assert koodisto.list_koodit("tutkinnonosat") == [latest]
        assert kokki is not None
        assert kokki.nimi["fi"] == "Fine dining ‑ruoanvalmistus"
        assert len(koodisto.list_koodit("urasuunnitelma")) == 5

    def test_eperusteet_units_perusteet_and_tuva_parts(self, eperusteet: LocalEperusteet) -> None:
        [asteikko1] = eperusteet.find_tutkinnon_osat("tutkinnonosat_300186")
        yhteinen = eperusteet.find_tutkinnon_osat("tutkinnonosat_400014")
        peruste_2707 = eperusteet.get_peruste_by_diaarinumero("OPH-2707-2017")
        peruste_2652 = eperusteet.get_peruste_by_diaarinumero("OPH-2652-2017")
        tuva = eperusteet.find_koulutuksen_osa("koulutuksenosattuva_102")

        assert asteikko1.nimi["fi"] == "Proaktiivinen kehittäminen"
        assert {t.osaamistaso for k in asteikko1.arviointi[0].kohteet for t in k.osaamistasot} == {
            ""
        }
        # Five versions of one common unit, each in no peruste, each with its sub-areas.
        assert sorted(o.id for o in yhteinen) == [3708884, 4319732, 4557564, 6603663, 6734822]
        assert all(len(o.osa_alueet) == 6 and o.peruste_id is None for o in yhteinen)
        assert "ammatillisenoppiaineet_ytyk" in {a.koodi_uri for a in yhteinen[0].osa_alueet}
        assert peruste_2707 is not None
        assert peruste_2707.id == 4221360
        assert peruste_2652 is not None
        assert peruste_2652.id == 3397335
        assert tuva is not None
        assert (tuva.id, tuva.viite_id) == (7535564, 7535295)


def _codes(node: Any) -> Iterator[tuple[str, str, int | None]]:
    """(key, code URI, version) of every code a HOKS document names."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("-koodi-uri") and isinstance(value, str):
                versio = node.get(key.removesuffix("-uri") + "-versio")
                yield key, value, versio
            else:
                yield from _codes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _codes(item)


def _osa_alueet(node: Any) -> Iterator[tuple[str, str]]:
    """(common unit, sub-area) pairs of a HOKS document."""
    if isinstance(node, dict):
        if "tutkinnon-osa-koodi-uri" in node:
            for alue in node.get("osa-alueet") or []:
                yield node["tutkinnon-osa-koodi-uri"], alue["osa-alue-koodi-uri"]
        for value in node.values():
            yield from _osa_alueet(value)
    elif isinstance(node, list):
        for item in node:
            yield from _osa_alueet(item)


class TestDemoCodesResolve:
    def test_every_code_of_the_demo_plans_resolves_after_demo_load(
        self, db: Engine, settings: Settings
    ) -> None:
        load_demo(settings, db)
        koodisto, eperusteet = LocalKoodisto(db), LocalEperusteet(db)
        documents = [document for _, document in demo_hoks_documents()]
        codes = {(uri, versio) for _, uri, versio in _codes(documents)}

        assert len(codes) > 50
        for uri, versio in sorted(codes, key=str):
            found = koodisto.get_koodi(uri, versio)
            assert found is not None, uri
            assert all(found.nimi.get(lang) for lang in ("fi", "sv", "en")), uri
        for uri in sorted({uri for uri, _ in codes if uri.startswith("tutkinnonosat_")}):
            osat = eperusteet.find_tutkinnon_osat(uri)
            assert osat, uri
            for osa in osat:
                assert osa.nimi.get("fi"), uri
                assert osa.laajuus, uri
                assert osa.ammattitaitovaatimukset is not None, uri
                assert osa.ammattitaitovaatimukset.vaatimukset, uri
                levels = {t.osaamistaso for k in osa.arviointi[0].kohteet for t in k.osaamistasot}
                assert levels == {"1", "3", "5"}, uri
        for unit, alue in _osa_alueet(documents):
            osa_alueet = {a.koodi_uri for a in eperusteet.find_tutkinnon_osat(unit)[0].osa_alueet}
            assert alue in osa_alueet, (unit, alue)
        for uri in {uri for uri, _ in codes if uri.startswith("koulutuksenosattuva_")}:
            assert eperusteet.find_koulutuksen_osa(uri) is not None, uri

    def test_every_demo_study_rights_peruste_is_known(self, db: Engine) -> None:
        import_directory(db, DEMO_DATA_DIR)
        eperusteet = LocalEperusteet(db)
        diaarinumerot = {
            suoritus["koulutusmoduuli"]["perusteenDiaarinumero"]
            for path in (DEMO_DATA_DIR / "koski").glob("*.json")
            for oo in _load(path)["opiskeluoikeudet"]
            for suoritus in oo["suoritukset"]
        }

        assert len(diaarinumerot) == 14
        for diaarinumero in diaarinumerot:
            assert eperusteet.get_peruste_by_diaarinumero(diaarinumero) is not None, diaarinumero

    def test_the_hoks_units_belong_to_their_study_rights_peruste(self, db: Engine) -> None:
        import_directory(db, DEMO_DATA_DIR)
        eperusteet = LocalEperusteet(db)
        for _, document in demo_hoks_documents():
            for key in (
                "hankittavat-ammat-tutkinnon-osat",
                "aiemmin-hankitut-ammat-tutkinnon-osat",
            ):
                for osa in document.get(key, []):
                    perusteet = eperusteet.find_tutkinnon_osat(osa["tutkinnon-osa-koodi-uri"])
                    assert len(perusteet) == 1  # vocational units belong to one qualification
                    diaari = osa.get("tutkinnon-osan-perusteen-diaarinro")
                    assert diaari in (None, perusteet[0].diaarinumero)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _assert_round_trip(db: Engine, tmp_path: Path) -> None:
    """Export, empty the tables, import the export, export again: same rows, same files."""
    before = counts(db)
    first = tmp_path / "first"
    export_directory(db, first)
    with Session(db) as session, session.begin():
        for model in ALL_MODELS:
            session.execute(delete(model))
    import_directory(db, first)
    second = tmp_path / "second"
    export_directory(db, second)

    assert counts(db) == before
    tree = {str(path.relative_to(first)): _load(path) for path in sorted(first.rglob("*.json"))}
    assert tree == {
        str(path.relative_to(second)): _load(path) for path in sorted(second.rglob("*.json"))
    }
    assert any(name.startswith(("koodisto/", "eperusteet/")) for name in tree)
