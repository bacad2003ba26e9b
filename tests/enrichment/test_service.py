"""``enrich`` over the real HTTP clients and a mock transport in the services' shapes: the call
bound, the language fallbacks, failures, and what a person reads of units, sub-areas and TUVA
modules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ehoks.enrichment import service as enrichment_service
from ehoks.enrichment.schemas import EnrichedHoks, Label
from tests.enrichment import documents as d
from tests.enrichment.world import EPERUSTEET, KOODISTO, ORGANISAATIO, OSA_2019

# What big_hoks names, whatever its size: 4 units (3 vocational, 1 common with 2 sub-areas),
# 12 Koodisto codes of which 3 lists have several codes (osaamisenhankkimistapa 2,
# oppimisymparistot 2, osaamisentodentamisenprosessi 3), and 4 organisations.
DISTINCT_UNITS = 4
DISTINCT_KOODIT = len(set(d.KOODIT))
LISTS_READ_WHOLE = 3
CODES_IN_THOSE_LISTS = 7
DISTINCT_ORGANISAATIOT = len(d.ORGANISAATIOT)


def _all_labels(enriched: EnrichedHoks) -> list[Label]:
    return [
        *enriched.labels.values(),
        *(osa.nimi for osa in enriched.perusteen_osat.values()),
    ]


class TestCallBound:
    @pytest.mark.parametrize("units", [30, 60])
    def test_calls_depend_on_distinct_codes_not_on_document_size(self, world, units):
        registries, ports = world.registries()
        document = d.big_hoks(units)

        enriched = enrichment_service.enrich(document, registries)

        assert ports["eperusteet"].calls == {"find_tutkinnon_osat": DISTINCT_UNITS}
        assert ports["koodisto"].calls == {
            "list_koodit": LISTS_READ_WHOLE,
            "get_koodi": DISTINCT_KOODIT - CODES_IN_THOSE_LISTS,
        }
        assert ports["organisaatio"].calls == {"find_organisaatiot": 1}
        # Over the wire: ePerusteet searches once per unit and reads each unit's peruste once
        # (one peruste per unit in this world); Koodisto and Organisaatio as the ports asked.
        assert world.requests_by_service() == {
            "eperusteet": 2 * DISTINCT_UNITS,
            "koodisto": LISTS_READ_WHOLE + DISTINCT_KOODIT - CODES_IN_THOSE_LISTS,
            "organisaatio": 1,
        }
        assert enriched.registry_calls == {
            "ePerusteet": 4,
            "Koodisto": 8,
            "Organisaatiopalvelu": 1,
        }
        assert enriched.complete
        assert len(enriched.labels) > 20 * units  # every occurrence is labelled

    def test_one_call_per_distinct_organisation_without_a_batch_call(self, world):
        registries, ports = world.registries(batch_organisaatiot=False)

        enrichment_service.enrich(d.big_hoks(40), registries)

        assert ports["organisaatio"].calls == {"get_organisaatio": DISTINCT_ORGANISAATIOT}
        assert world.requests(ORGANISAATIO) == DISTINCT_ORGANISAATIOT

    def test_twice_the_document_same_requests(self, world):
        registries, _ = world.registries()
        enrichment_service.enrich(d.big_hoks(30), registries)
        small = world.requests()
        world.mock.requests.clear()

        registries, _ = world.registries()  # fresh clients: nothing cached
        enrichment_service.enrich(d.big_hoks(60), registries)

        assert world.requests() == small == 2 * DISTINCT_UNITS + 8 + 1

    def test_a_second_enrichment_is_answered_from_the_clients_caches(self, world):
        registries, _ = world.registries()
        enrichment_service.enrich(d.big_hoks(30), registries)
        world.mock.requests.clear()

        again = enrichment_service.enrich(d.big_hoks(30), registries, kieli="sv")

        assert world.requests() == 0
        assert again.urasuunnitelma == Label(d.URASUUNNITELMA, "Fortsatta studier", "sv")

    def test_titles_ePerusteet_cannot_name_cost_one_koodisto_call_each(self, world):
        world.add_koodi("tutkinnonosat_999999", fi="Koodiston nimi")
        registries, ports = world.registries()
        document = d.big_hoks(10)
        for unit in document["hankittavat-ammat-tutkinnon-osat"][:5]:
            unit["tutkinnon-osa-koodi-uri"] = "tutkinnonosat_999999"

        enrichment_service.enrich(document, registries)

        assert ports["eperusteet"].calls == {"find_tutkinnon_osat": DISTINCT_UNITS + 1}
        assert ports["koodisto"].calls["get_koodi"] == DISTINCT_KOODIT - CODES_IN_THOSE_LISTS + 1


class TestLanguages:
    def test_swedish_reader(self, world):
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries, kieli="sv")

        unit = next(enriched.walk("hankittava-ammat-tutkinnon-osa"))
        assert unit.perusteen_osa.nimi == Label("tutkinnonosat_300268", "Kundservice", "sv")
        assert unit.label("koulutuksen-jarjestaja-oid").text == "Exempelinstitutet"
        period = unit.children_in("osaamisen-hankkimistavat")[0]
        assert period.label("osaamisen-hankkimistapa-koodi-uri").text == "Utbildningsavtal"
        # No Swedish name: Finnish, and the label says so (for a lang attribute).
        environment = period.label("muut-oppimisymparistot", 0, "oppimisymparisto-koodi-uri")
        assert environment == Label(d.OPPIMISYMPARISTOT[0], "Simulaattori", "fi")
        fi_only = enriched.walk("hankittava-ammat-tutkinnon-osa")
        assert [p.perusteen_osa.nimi.kieli for p in list(fi_only)[:3]] == ["sv", "fi", "fi"]

    def test_english_reader_falls_back_to_finnish_then_swedish(self, world):
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries, kieli="en")

        by_code = {
            osa.koodi_uri: osa.nimi for osa in enriched.perusteen_osat.values() if osa.koodi_uri
        }
        assert by_code["tutkinnonosat_300186"] == Label(
            "tutkinnonosat_300186", "Proactive development", "en"
        )
        assert by_code["tutkinnonosat_300268"].kieli == "fi"
        period = next(enriched.walk("osaamisen-hankkimistapa"))
        # Known only in Swedish: Swedish rather than the OID.
        assert period.label("jarjestajan-edustaja", "oppilaitos-oid") == Label(
            d.EDUSTAJA_OPPILAITOS, "Bara på svenska", "sv"
        )
        assert enriched.notices == ()

    def test_unknown_language_reads_as_finnish(self, world):
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries, kieli="de")

        assert enriched.kieli == "fi"
        assert enriched.urasuunnitelma.text == "Jatko-opinnot"


class TestFailures:
    def test_unknown_codes_show_the_code_and_a_notice(self, world):
        registries, _ = world.registries()
        document = d.big_hoks(6)
        document["urasuunnitelma-koodi-uri"] = "urasuunnitelma_0099"
        document["hankittavat-ammat-tutkinnon-osat"][0]["koulutuksen-jarjestaja-oid"] = (
            "1.2.246.562.10.99999999999"
        )
        document["hankittavat-ammat-tutkinnon-osat"][1]["tutkinnon-osa-koodi-uri"] = (
            "tutkinnonosat_123456"
        )

        enriched = enrichment_service.enrich(document, registries, kieli="sv")

        assert enriched.urasuunnitelma.text == "urasuunnitelma_0099"
        assert enriched.urasuunnitelma.notice.reason == "not-found"
        assert enriched.urasuunnitelma.notice.registry == "Koodisto"
        assert enriched.urasuunnitelma.notice.text == "Uppgiften hittades inte i Koodisto."
        units = list(enriched.walk("hankittava-ammat-tutkinnon-osa"))
        organisation = units[0].label("koulutuksen-jarjestaja-oid")
        assert organisation.text == "1.2.246.562.10.99999999999"
        assert organisation.notice.registry == "Organisaatiopalvelu"
        unknown_unit = units[1].perusteen_osa
        assert unknown_unit.nimi.text == "tutkinnonosat_123456"
        assert unknown_unit.notice.reason == "not-found"
        assert unknown_unit.arviointi == ()
        assert unknown_unit.vaatimukset is None
        assert {n.code for n in enriched.notices} == {
            "urasuunnitelma_0099",
            "1.2.246.562.10.99999999999",
            "tutkinnonosat_123456",
        }
        # The rest is still enriched.
        assert units[2].perusteen_osa.nimi.found
        assert units[2].label("koulutuksen-jarjestaja-oid").text == "Exempelinstitutet"

    @pytest.mark.parametrize("status", [None, 503])
    def test_an_unavailable_registry_leaves_codes_with_a_notice(self, world, status):
        world.down(KOODISTO, status=status)
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(12), registries, kieli="en")

        urasuunnitelma = enriched.urasuunnitelma
        assert urasuunnitelma.text == d.URASUUNNITELMA
        assert urasuunnitelma.notice.reason == "unavailable"
        assert urasuunnitelma.notice.text == "The details could not be loaded from Koodisto."
        koodisto_labels = [label for label in enriched.labels.values() if label.code in d.KOODIT]
        assert koodisto_labels
        assert all(label.text == label.code and label.notice for label in koodisto_labels)
        # ePerusteet and Organisaatiopalvelu answered as usual.
        assert next(enriched.walk("hankittava-ammat-tutkinnon-osa")).perusteen_osa.nimi.found
        assert enriched.label(
            "hankittavat-ammat-tutkinnon-osat", 0, "koulutuksen-jarjestaja-oid"
        ).found

    def test_every_registry_down_still_no_blanks_and_no_exception(self, world):
        for prefix in (KOODISTO, ORGANISAATIO, EPERUSTEET):
            world.down(prefix)
        registries, _ = world.registries()
        document = d.full_hoks()

        enriched = enrichment_service.enrich(document, registries, kieli="sv")

        labels = _all_labels(enriched)
        assert labels
        assert all(label.text == label.code and label.notice for label in labels)
        assert {label.notice.reason for label in labels} == {"unavailable"}
        assert all(osa.notice for osa in enriched.perusteen_osat.values())
        assert len(enriched.parts) == sum(len(v) for v in document.values() if isinstance(v, list))

    def test_ePerusteet_down_titles_come_from_koodisto(self, world):
        world.down(EPERUSTEET)
        world.add_koodi("tutkinnonosat_300268", fi="Asiakaspalvelu (koodisto)")
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries)

        osa = next(enriched.walk("hankittava-ammat-tutkinnon-osa")).perusteen_osa
        assert osa.nimi == Label("tutkinnonosat_300268", "Asiakaspalvelu (koodisto)", "fi")
        # The requirements are missing, and the notice says why.
        assert osa.notice.reason == "unavailable"
        assert osa.notice.registry == "ePerusteet"
        assert osa.vaatimukset is None

    def test_a_nameless_answer_is_no_blank(self, world):
        world.add_organisaatio(d.KJ_1)
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries)

        label = enriched.label("hankittavat-ammat-tutkinnon-osat", 0, "koulutuksen-jarjestaja-oid")
        assert label.text == d.KJ_1
        assert label.notice.reason == "no-name"


class TestPerusteenOsat:
    def test_vocational_unit_with_scope_requirements_and_criteria(self, world):
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries)

        osa = next(enriched.walk("hankittava-ammat-tutkinnon-osa")).perusteen_osa
        assert osa.laajuus == Decimal(25)
        assert (osa.peruste_id, osa.diaarinumero) == (10, "OPH-10-2020")
        assert osa.vaatimukset.kohde == "Opiskelija osaa"
        assert osa.vaatimukset.vaatimukset == ("palvella asiakkaita", "käyttää kassaa")
        assert osa.vaatimukset.kohdealueet[0].vaatimukset == ("viestiä",)
        [alue] = osa.arviointi
        assert alue.otsikko == "Työprosessin hallinta"
        kohde = alue.kohteet[0]
        assert [(t.osaamistaso, t.kriteerit) for t in kohde.osaamistasot] == [
            ("1", ("tervehtii",)),
            ("5", ("palvelee",)),
        ]

    def test_older_requirements_as_html(self, world):
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries)

        osa = list(enriched.walk("hankittava-ammat-tutkinnon-osa"))[1].perusteen_osa
        assert osa.vaatimukset.html == "<p>Opiskelija osaa</p>"
        assert osa.vaatimukset.vaatimukset == ()

    def test_common_unit_sub_areas(self, world):
        registries, _ = world.registries()

        enriched = enrichment_service.enrich(d.big_hoks(6), registries, kieli="sv")

        unit = next(enriched.walk("hankittava-yhteinen-tutkinnon-osa"))
        assert unit.perusteen_osa.nimi.text == "Samhälls- och arbetslivskompetens"
        assert unit.perusteen_osa.laajuus == Decimal(9)
        areas = [c.perusteen_osa for c in unit.children_in("osa-alueet")]
        assert [(a.nimi.text, a.nimi.kieli) for a in areas] == [
            ("Att verka i samhället", "sv"),
            ("Työelämässä toimiminen", "fi"),
        ]
        assert {a.peruste_id for a in areas} == {13}

    def test_a_sub_area_the_unit_lacks_is_named_by_koodisto(self, world):
        world.add_koodi("ammatillisenoppiaineet_ytkk", fi="Kestävä kehitys")
        registries, _ = world.registries()
        document = d.big_hoks(6)
        document["hankittavat-yhteiset-tutkinnon-osat"] = [
            d.hyto(0, ("ammatillisenoppiaineet_ytkk", "ammatillisenoppiaineet_ytzz"))
        ]

        enriched = enrichment_service.enrich(document, registries)

        found, unknown = [p.perusteen_osa for p in enriched.walk("hankittavan-yto-osa-alue")]
        assert found.nimi == Label("ammatillisenoppiaineet_ytkk", "Kestävä kehitys", "fi")
        assert found.notice.reason == "not-found"
        assert unknown.nimi.text == "ammatillisenoppiaineet_ytzz"
        assert unknown.nimi.notice.registry == "ePerusteet"

    def test_tuva_modules(self, world):
        registries, ports = world.registries()

        enriched = enrichment_service.enrich(d.tuva_hoks(), registries, kieli="sv")

        modules = [p.perusteen_osa for p in enriched.walk("hankittava-koulutuksen-osa")]
        assert [m.nimi.text for m in modules] == [
            "Studiefärdigheter",
            "Työelämätaidot",
            "Studiefärdigheter",
        ]
        assert (modules[0].laajuus_minimi, modules[0].laajuus_maksimi) == (
            Decimal(2),
            Decimal(10),
        )
        assert ports["eperusteet"].calls == {"find_koulutuksen_osa": 2}

    def test_the_peruste_named_by_the_unit_or_the_study_right(self, world):
        other = {**OSA_2019, "nimi": {"fi": "Asiakaspalvelu (vanha)"}}
        world.add_peruste(
            {**world.perusteet[10], "id": 5, "diaarinumero": "OPH-5-2015", "tutkinnonOsat": [other]}
        )
        registries, _ = world.registries()
        document = d.big_hoks(6)
        document["hankittavat-ammat-tutkinnon-osat"][3]["tutkinnon-osan-perusteen-diaarinro"] = (
            "OPH-5-2015"
        )

        newest = enrichment_service.enrich(document, registries)
        by_study_right = enrichment_service.enrich(
            document, registries, peruste_diaarinumero="OPH-5-2015"
        )

        def titles(enriched):
            # Units 0 and 3 share the code; unit 3 names the old peruste.
            units = list(enriched.walk("hankittava-ammat-tutkinnon-osa"))
            return [units[0].perusteen_osa.nimi.text, units[3].perusteen_osa.nimi.text]

        assert titles(newest) == ["Asiakaspalvelu", "Asiakaspalvelu (vanha)"]
        assert titles(by_study_right) == ["Asiakaspalvelu (vanha)", "Asiakaspalvelu (vanha)"]


class TestView:
    def test_parts_mirror_the_document(self, world):
        registries, _ = world.registries()
        document = d.big_hoks(6)

        enriched = enrichment_service.enrich(document, registries)

        units = [p for p in enriched.parts if p.kind == "hankittava-ammat-tutkinnon-osa"]
        assert [u.data for u in units] == document["hankittavat-ammat-tutkinnon-osat"]
        demo = units[0].children_in("osaamisen-osoittaminen")[1]
        assert (
            demo.module_id
            == document["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-osoittaminen"][1][
                "module-id"
            ]
        )
        assert demo.label("jarjestaja", "oppilaitos-oid").text == "Näyttöopisto"
        assert demo.label("osa-alueet", 0, "koodi-uri").text == "Kuvataide"
        assert (
            demo.label(
                "koulutuksen-jarjestaja-osaamisen-arvioijat", 0, "organisaatio", "oppilaitos-oid"
            ).text
            == "Näyttöopisto"
        )
        prior = next(enriched.walk("aiemmin-hankittu-ammat-tutkinnon-osa"))
        assert prior.label("valittu-todentamisen-prosessi-koodi-uri").text == "Suoraan"
        assert prior.children_in("tarkentavat-tiedot-naytto")[0].kind == "osaamisen-osoittaminen"
        tuki = next(enriched.walk("oppimisen-tuki"))
        assert tuki.label("oppimisen-tuen-tyyppi-koodi-uri").text == "Tukiopetus"
        assert tuki.label("tutkinnon-osan-tyyppi-koodi-uri").text == "Ammatilliset tutkinnon osat"

    def test_an_empty_document(self, world):
        registries, ports = world.registries()

        enriched = enrichment_service.enrich({}, registries)

        assert enriched.parts == ()
        assert enriched.complete
        assert sum(p.total for p in ports.values()) == 0
