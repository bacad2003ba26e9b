"""Collecting a document's codes and OIDs, and asking each distinct one once, concurrently."""

from __future__ import annotations

import threading

from ehoks.enrichment import batch
from ehoks.enrichment.batch import Resolver, kind_of, references
from ehoks.errors import RegistryUnavailable
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.primitives import KOODI_URIT
from ehoks.registries.ports import Koodi, Organisaatio, Registries, TutkinnonOsa
from tests.enrichment import documents as d


class TestReferences:
    def test_every_code_and_organisation_field_of_the_data_model_is_collected(self):
        in_model = {
            (entity.name, spec.key)
            for entity in ENTITIES.values()
            for spec in entity.fields
            if kind_of(entity.name, spec.key, spec.type_for("read")) is not None
        }
        keys_in_model = {key for _, key in in_model}

        found = {ref.location[-1] for ref in references(d.full_hoks())}

        assert found == keys_in_model
        # Every code-URI type of the model and every organisation OID is among them.
        types = {
            spec.type_for("read")
            for entity in ENTITIES.values()
            for spec in entity.fields
            if (entity.name, spec.key) in in_model
        }
        assert set(KOODI_URIT) <= types
        assert "OrganisaatioOID" in types

    def test_learner_and_study_right_oids_are_not_organisations(self):
        found = {ref.location[-1] for ref in references(d.big_hoks(6))}

        assert not found & {"oppija-oid", "opiskeluoikeus-oid", "tuva-opiskeluoikeus-oid"}

    def test_sub_areas_know_their_unit_and_units_their_diary_number(self):
        document = d.big_hoks(6)
        document["hankittavat-ammat-tutkinnon-osat"][0]["tutkinnon-osan-perusteen-diaarinro"] = (
            "OPH-1-2020"
        )

        refs = references(document)

        osa_alueet = [r for r in refs if r.kind == "osa-alue"]
        assert {r.tutkinnon_osa for r in osa_alueet} == {d.YTO_UNIT}
        first = next(r for r in refs if r.location[0] == "hankittavat-ammat-tutkinnon-osat")
        assert first.location == ("hankittavat-ammat-tutkinnon-osat", 0, "tutkinnon-osa-koodi-uri")
        assert first.owner == ("hankittavat-ammat-tutkinnon-osat", 0)
        assert first.diaarinumero == "OPH-1-2020"

    def test_locations_reach_nested_objects(self):
        refs = references(d.big_hoks(6))

        assert (
            "hankittavat-ammat-tutkinnon-osat",
            0,
            "osaamisen-osoittaminen",
            1,
            "koulutuksen-jarjestaja-osaamisen-arvioijat",
            0,
            "organisaatio",
            "oppilaitos-oid",
        ) in {r.location for r in refs}

    def test_malformed_values_are_skipped(self):
        document = {"urasuunnitelma-koodi-uri": 5, "hankittavat-ammat-tutkinnon-osat": ["x", {}]}

        assert references(document) == []


class FakeKoodisto:
    def __init__(self, known: dict[str, Koodi], *, listed: bool = True) -> None:
        self.known = known
        self.listed = listed
        self.calls: list[tuple[str, str]] = []

    def get_koodi(self, koodi_uri, versio=None):
        self.calls.append(("get", koodi_uri))
        return self.known.get(koodi_uri)

    def list_koodit(self, koodisto_uri):
        self.calls.append(("list", koodisto_uri))
        if not self.listed:
            return []
        return [k for uri, k in self.known.items() if uri.startswith(f"{koodisto_uri}_")]


class FakeOrganisaatio:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def get_organisaatio(self, oid):
        self.calls.append(oid)
        return Organisaatio(oid=oid, nimi={"fi": oid})

    def ancestors_and_self(self, oid):
        return (oid,)


def _koodi(uri: str) -> Koodi:
    return Koodi(koodi_uri=uri, koodiarvo=uri.split("_")[1], versio=1, nimi={"fi": uri})


def _registries(**ports) -> Registries:
    return Registries(koski=None, onr=None, **{"organisaatio": FakeOrganisaatio(), **ports})


class TestResolver:
    def test_a_small_code_list_with_several_codes_is_read_whole(self):
        koodisto = FakeKoodisto({u: _koodi(u) for u in d.PROSESSIT})
        resolver = Resolver(_registries(koodisto=koodisto))

        answers = resolver.resolve(koodit=[*d.PROSESSIT, *d.PROSESSIT])

        assert koodisto.calls == [("list", "osaamisentodentamisenprosessi")]
        assert {answers.koodit[u].value.koodi_uri for u in d.PROSESSIT} == set(d.PROSESSIT)

    def test_large_lists_and_single_codes_are_asked_code_by_code(self):
        codes = ["tutkinnonosat_1", "tutkinnonosat_2", d.URASUUNNITELMA]
        koodisto = FakeKoodisto({u: _koodi(u) for u in codes})

        Resolver(_registries(koodisto=koodisto)).resolve(koodit=codes)

        assert sorted(koodisto.calls) == sorted(("get", u) for u in codes)

    def test_a_code_the_list_leaves_out_is_asked_on_its_own(self):
        koodisto = FakeKoodisto({d.PROSESSIT[0]: _koodi(d.PROSESSIT[0])})
        resolver = Resolver(_registries(koodisto=koodisto), max_workers=1)

        answers = resolver.resolve(koodit=d.PROSESSIT[:2])

        assert koodisto.calls == [
            ("list", "osaamisentodentamisenprosessi"),
            ("get", d.PROSESSIT[1]),
        ]
        assert answers.koodit[d.PROSESSIT[1]].failure == "not-found"

    def test_nothing_is_asked_twice_by_one_resolver(self):
        koodisto = FakeKoodisto({})
        resolver = Resolver(_registries(koodisto=koodisto))

        resolver.resolve(koodit=[d.URASUUNNITELMA])
        resolver.resolve(koodit=[d.URASUUNNITELMA])

        assert koodisto.calls == [("get", d.URASUUNNITELMA)]

    def test_organisations_one_by_one_without_a_batch_call(self):
        organisaatio = FakeOrganisaatio()
        resolver = Resolver(_registries(organisaatio=organisaatio))

        resolver.resolve(organisaatiot=[*d.ORGANISAATIOT, *d.ORGANISAATIOT])

        assert sorted(organisaatio.calls) == sorted(d.ORGANISAATIOT)

    def test_failures_become_answers(self, caplog):
        class Broken:
            def find_tutkinnon_osat(self, koodi_uri):
                if koodi_uri.endswith("1"):
                    raise RegistryUnavailable("ePerusteet", "down")
                raise KeyError("a bug in a port")

            def find_koulutuksen_osa(self, koodi_uri):
                return None

        resolver = Resolver(_registries(eperusteet=Broken()))

        answers = resolver.resolve(
            tutkinnon_osat=["tutkinnonosat_1", "tutkinnonosat_2"],
            koulutuksen_osat=["koulutuksenosattuva_101"],
        )

        assert answers.tutkinnon_osat["tutkinnonosat_1"].failure == "unavailable"
        assert answers.tutkinnon_osat["tutkinnonosat_2"].failure == "unavailable"
        assert answers.koulutuksen_osat["koulutuksenosattuva_101"].failure == "not-found"
        assert "failed unexpectedly" in caplog.text
        assert answers.calls == {"ePerusteet": 3}


class TestConcurrency:
    def test_independent_lookups_are_in_flight_at_once(self):
        # Each lookup waits until all four are running: only a pool of four gets through.
        codes = [f"tutkinnonosat_{i}" for i in range(4)]
        barrier = threading.Barrier(len(codes), timeout=5)

        class Waiting:
            def find_tutkinnon_osat(self, koodi_uri):
                barrier.wait()
                return [TutkinnonOsa(id=1, koodi_uri=koodi_uri, nimi={"fi": koodi_uri})]

        resolver = Resolver(_registries(eperusteet=Waiting()), max_workers=4)

        answers = resolver.resolve(tutkinnon_osat=codes)

        assert all(answers.tutkinnon_osat[c].value for c in codes)
        assert not barrier.broken

    def test_one_worker_asks_one_after_another_in_the_calling_thread(self):
        threads = set()

        class Recording:
            def find_tutkinnon_osat(self, koodi_uri):
                threads.add(threading.get_ident())
                return []

        Resolver(_registries(eperusteet=Recording()), max_workers=1).resolve(
            tutkinnon_osat=[f"tutkinnonosat_{i}" for i in range(5)]
        )

        assert threads == {threading.get_ident()}

    def test_default_pool_is_small(self):
        assert 1 < batch.DEFAULT_MAX_WORKERS <= 16
