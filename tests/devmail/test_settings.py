"""The catcher's settings: refused outside development, and the SMTP settings follow it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ehoks.config import Settings, load_settings, local_url

PRODUCTION = {
    "environment": "production",
    "token_secret": "Jy-BoSiNm7z-lYpHUR3Y-a-test-only-production-secret",
    "public_url": "https://ehoks.example.fi",
}


def test_defaults_are_off_on_port_1025_in_var_mail():
    catcher = Settings().mail_catcher
    assert catcher.enabled is False
    assert (catcher.host, catcher.port, catcher.directory) == ("127.0.0.1", 1025, Path("var/mail"))
    assert catcher.keep == 500


def test_refused_in_production():
    with pytest.raises(ValidationError, match="EHOKS_MAIL_CATCHER__ENABLED is allowed only"):
        Settings(**PRODUCTION, mail_catcher={"enabled": True})
    assert Settings(**PRODUCTION).mail_catcher.enabled is False


def test_refused_in_production_from_the_environment(monkeypatch):
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "production")
    monkeypatch.setenv("EHOKS_TOKEN_SECRET", "p" * 48)
    monkeypatch.setenv("EHOKS_MAIL_CATCHER__ENABLED", "true")
    with pytest.raises(ValidationError, match="EHOKS_MAIL_CATCHER__ENABLED"):
        load_settings()


@pytest.mark.parametrize("environment", ["development", "test"])
def test_allowed_in_development_and_test(environment):
    assert Settings(environment=environment, mail_catcher={"enabled": True}).mail_catcher.enabled


def test_smtp_settings_point_at_the_catcher_when_enabled():
    smtp = {
        "host": "smtp.example.fi",
        "port": 587,
        "security": "starttls",
        "username": "ehoks",
        "password": "salasana",
        "sender": "eHOKS <ehoks@opintopolku.example>",
        "timeout_seconds": 3,
    }
    settings = Settings(smtp=smtp, mail_catcher={"enabled": True, "port": 2525})

    assert (settings.smtp.host, settings.smtp.port, settings.smtp.security) == (
        "127.0.0.1",
        2525,
        "none",
    )
    assert settings.smtp.username is None
    assert settings.smtp.password is None
    assert settings.smtp.sender == "eHOKS <ehoks@opintopolku.example>"
    assert settings.smtp.timeout_seconds == 3


def test_smtp_settings_are_untouched_when_disabled():
    settings = Settings(smtp={"host": "smtp.example.fi", "port": 587, "security": "starttls"})
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.security) == (
        "smtp.example.fi",
        587,
        "starttls",
    )


def test_a_catcher_on_every_interface_is_reached_on_the_loopback():
    settings = Settings(mail_catcher={"enabled": True, "host": "0.0.0.0"})
    assert settings.smtp.host == "127.0.0.1"


def test_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EHOKS_MAIL_CATCHER__ENABLED", "true")
    monkeypatch.setenv("EHOKS_MAIL_CATCHER__PORT", "2526")
    monkeypatch.setenv("EHOKS_MAIL_CATCHER__DIRECTORY", str(tmp_path))
    monkeypatch.setenv("EHOKS_SMTP__HOST", "smtp.example.fi")

    settings = load_settings()
    assert settings.mail_catcher.directory == tmp_path
    assert (settings.smtp.host, settings.smtp.port) == ("127.0.0.1", 2526)


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://localhost:8010"),
        ("0.0.0.0", "http://localhost:8010"),
        ("::", "http://localhost:8010"),
        ("ehoks.local", "http://ehoks.local:8010"),
        ("fd00::5", "http://[fd00::5]:8010"),
    ],
)
def test_local_url(host, url):
    assert local_url(host, 8010) == url


def test_public_url_follows_the_served_port_unless_set():
    assert Settings().served_on("127.0.0.1", 8010).public_url == "http://localhost:8010"
    assert Settings().served_on("127.0.0.1", 8000).public_url == "http://localhost:8000"
    explicit = Settings(public_url="https://ehoks.example")
    assert explicit.served_on("127.0.0.1", 8010).public_url == "https://ehoks.example"


def test_public_url_from_the_environment_is_explicit(monkeypatch):
    monkeypatch.setenv("EHOKS_PUBLIC_URL", "http://localhost:8000")
    assert load_settings().served_on("127.0.0.1", 8010).public_url == "http://localhost:8000"
