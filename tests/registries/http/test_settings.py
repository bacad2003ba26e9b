"""Choosing the HTTP registries, and their settings from the environment."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from ehoks.config import Settings
from ehoks.registries import build_registries
from ehoks.registries.http import (
    HttpEperusteet,
    HttpKoodisto,
    HttpKoski,
    HttpOnr,
    HttpOrganisaatio,
    close_registries,
)
from ehoks.registries.local.eperusteet import LocalEperusteet
from ehoks.registries.local.koodisto import LocalKoodisto
from ehoks.registries.ports import EperusteetPort, KoodistoPort, Registries
from ehoks.settings.registries import RegistrySettings
from tests.registries.http.mock import registry_settings


class TestFromTheEnvironment:
    def test_nested_variables(self, monkeypatch):
        monkeypatch.setenv("EHOKS_REGISTRIES_MODE", "http")
        monkeypatch.setenv("EHOKS_REGISTRIES__KOSKI_URL", "https://koski.example/koski")
        monkeypatch.setenv("EHOKS_REGISTRIES__CAS_PASSWORD", "s3cret")
        monkeypatch.setenv("EHOKS_REGISTRIES__RETRY_ATTEMPTS", "5")
        monkeypatch.setenv("EHOKS_DATABASE_URL", "sqlite:///elsewhere.sqlite3")

        settings = Settings()

        assert settings.registries_mode == "http"
        assert settings.registries.koski_url == "https://koski.example/koski"
        assert settings.registries.cas_password.get_secret_value() == "s3cret"
        assert "s3cret" not in repr(settings)
        assert settings.registries.retry_attempts == 5
        assert settings.registries.onr_url == RegistrySettings().onr_url
        assert settings.database_url == "sqlite:///elsewhere.sqlite3"

    def test_a_misspelt_variable_is_refused(self, monkeypatch):
        monkeypatch.setenv("EHOKS_REGISTRIES__KOSKI_ULR", "https://koski.example")

        with pytest.raises(ValidationError, match="koski_ulr"):
            Settings()

    def test_defaults_follow_the_original(self):
        settings = RegistrySettings()

        assert settings.koski_url == "https://virkailija.opintopolku.fi/koski"
        assert settings.cache_ttl_seconds == 180 * 60
        assert (
            settings.koski_opiskeluoikeus_cache_ttl_seconds,
            settings.koski_opiskeluoikeus_cache_max_entries,
        ) == (2, 30)
        assert (
            settings.koski_oppija_cache_ttl_seconds,
            settings.koski_oppija_cache_max_entries,
        ) == (5, 30)
        assert settings.cas_tgt_lifetime_seconds == 7200


class TestBuildRegistries:
    def test_http_mode_builds_the_http_clients(self, db):
        registries = build_registries(
            Settings(registries_mode="http", registries=registry_settings()), db
        )

        assert isinstance(registries.koski, HttpKoski)
        assert isinstance(registries.onr, HttpOnr)
        assert isinstance(registries.organisaatio, HttpOrganisaatio)
        assert isinstance(registries.koodisto, HttpKoodisto)
        assert isinstance(registries.eperusteet, HttpEperusteet)
        close_registries(registries)

    def test_http_mode_needs_the_service_account(self, db):
        settings = Settings(
            registries_mode="http", registries=registry_settings(cas_password=SecretStr(""))
        )

        with pytest.raises(ValueError, match="EHOKS_REGISTRIES__CAS_PASSWORD"):
            build_registries(settings, db)

    def test_local_mode_knows_no_codes_or_perusteet_yet(self, db):
        registries = build_registries(Settings(), db)

        assert isinstance(registries.koodisto, LocalKoodisto)
        assert isinstance(registries.eperusteet, LocalEperusteet)
        assert registries.koodisto.get_koodi("urasuunnitelma_0001", 1) is None
        assert registries.koodisto.list_koodit("urasuunnitelma") == []
        assert registries.eperusteet.find_tutkinnon_osat("tutkinnonosat_300268") == []
        assert registries.eperusteet.get_peruste_by_diaarinumero("OPH-2652-2017") is None
        assert registries.eperusteet.find_koulutuksen_osa("koulutuksenosattuva_104") is None

    def test_registries_built_by_hand_default_to_knowing_nothing(self, db):
        built = build_registries(Settings(), db)

        registries = Registries(koski=built.koski, onr=built.onr, organisaatio=built.organisaatio)

        koodisto: KoodistoPort = registries.koodisto
        eperusteet: EperusteetPort = registries.eperusteet
        assert koodisto.get_koodi("x_1") is None
        assert eperusteet.find_tutkinnon_osat("x") == []
