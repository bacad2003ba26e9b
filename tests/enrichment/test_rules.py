"""Language fallbacks and notices (reference ehoks-ui.md 3.2 and 8.1)."""

from __future__ import annotations

import pytest

from ehoks.enrichment import rules


class TestFallbackOrder:
    @pytest.mark.parametrize(
        ("kieli", "order"),
        [("fi", ("fi", "sv", "en")), ("sv", ("sv", "fi", "en")), ("en", ("en", "fi", "sv"))],
    )
    def test_requested_language_then_finnish_then_the_rest(self, kieli, order):
        assert rules.fallback_order(kieli) == order

    def test_unknown_language_reads_as_finnish(self):
        assert rules.kieli_of("de") == "fi"
        assert rules.kieli_of(None) == "fi"
        assert rules.kieli_of(" SV ") == "sv"


class TestPick:
    def test_requested_language_first(self):
        assert rules.pick({"fi": "Koulu", "sv": "Skola"}, "sv") == ("Skola", "sv")

    def test_missing_swedish_falls_back_to_finnish(self):
        assert rules.pick({"fi": "Koulu", "en": "School"}, "sv") == ("Koulu", "fi")

    def test_missing_english_falls_back_to_finnish_before_swedish(self):
        assert rules.pick({"sv": "Skola", "fi": "Koulu"}, "en") == ("Koulu", "fi")

    def test_any_language_rather_than_nothing(self):
        # The original left such names blank (reference 8.1, "Gaps").
        assert rules.pick({"sv": "Skola"}, "fi") == ("Skola", "sv")
        assert rules.pick({"en": "School"}, "sv") == ("School", "en")

    def test_blank_texts_do_not_count(self):
        assert rules.pick({"sv": "  ", "fi": "Koulu"}, "sv") == ("Koulu", "fi")
        assert rules.pick({"fi": ""}, "fi") is None


class TestUnnamed:
    @pytest.mark.parametrize("kieli", ["fi", "sv", "en"])
    @pytest.mark.parametrize("reason", ["not-found", "unavailable", "no-name"])
    def test_shows_the_code_with_a_localised_notice(self, kieli, reason):
        label = rules.unnamed("urasuunnitelma_0009", rules.KOODISTO, reason, kieli)

        assert label.text == "urasuunnitelma_0009"
        assert label.kieli is None
        assert not label.found
        assert label.notice is not None
        assert (label.notice.reason, label.notice.registry) == (reason, "Koodisto")
        assert label.notice.text.strip()

    def test_finnish_text_of_the_original_tooltip(self):
        notice = rules.notice("tutkinnonosat_1", rules.EPERUSTEET, "unavailable", "fi")

        assert notice.text == "Tietojen lataaminen ePerusteet-palvelusta ei onnistunut."

    def test_texts_differ_by_language(self):
        texts = {
            kieli: rules.notice("x_1", rules.ORGANISAATIO, "not-found", kieli).text
            for kieli in rules.KIELET
        }
        assert len(set(texts.values())) == 3
