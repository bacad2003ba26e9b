"""Production refuses to start with settings that would be unsafe there, saying which and why."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ehoks.config import Settings, load_settings, secret_bits

STRONG = "Jy-BoSiNm7z-lYpHUR3Y-8o2cQpX4v_TmA9sLk1zRwE"
SAFE = {"environment": "production", "token_secret": STRONG, "public_url": "https://ehoks.fi"}


def test_safe_production_settings_are_accepted():
    settings = Settings(**SAFE)
    assert settings.session.cookie_secure


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("development-only-token-secret-change-me-0123456789", "must be set"),
        ("short-but-random-Xy7", "is weak (20 characters"),
        ("x" * 64, "is weak (64 characters, about 0 bits"),
        ("abc1" * 12, "is weak (48 characters"),
    ],
)
def test_a_weak_token_secret_is_refused(secret, why):
    with pytest.raises(ValidationError, match="refusing to start") as refused:
        Settings(**{**SAFE, "token_secret": secret})
    assert why in str(refused.value)
    assert secret not in str(refused.value)  # the secret itself is never shown


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"session": {"cookie_secure": False}}, "EHOKS_SESSION__COOKIE_SECURE must be true"),
        ({"public_url": "http://ehoks.fi"}, "EHOKS_PUBLIC_URL must be an https:// address"),
        ({"dev_login": True}, "EHOKS_DEV_LOGIN is allowed only"),
        ({"dev_cas": True}, "EHOKS_DEV_CAS is allowed only"),
        ({"mail_catcher": {"enabled": True}}, "EHOKS_MAIL_CATCHER__ENABLED is allowed only"),
    ],
)
def test_insecure_or_development_settings_are_refused(override, named):
    with pytest.raises(ValidationError, match=named):
        Settings(**{**SAFE, **override})


def test_every_problem_is_named_at_once(monkeypatch):
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "production")
    monkeypatch.setenv("EHOKS_SESSION__COOKIE_SECURE", "false")
    monkeypatch.setenv("EHOKS_DEV_LOGIN", "true")
    with pytest.raises(ValidationError) as refused:
        load_settings()
    message = str(refused.value)
    for named in ("EHOKS_TOKEN_SECRET", "COOKIE_SECURE", "EHOKS_PUBLIC_URL", "EHOKS_DEV_LOGIN"):
        assert named in message


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_accept_the_defaults(environment):
    assert Settings(environment=environment, dev_login=True).dev_login


def test_the_entropy_estimate_tells_random_from_patterns():
    assert secret_bits(STRONG) > 128
    assert secret_bits("a" * 100) == 0
    assert secret_bits("abcd" * 16) == 128  # 2 bits a character: exactly the bound


def test_one_part_of_a_rate_limit_can_be_set_alone(monkeypatch):
    monkeypatch.setenv("EHOKS_RATE_LIMITS__TOKEN_PER_CLIENT__HITS", "7")
    limits = load_settings().rate_limits
    assert (limits.token_per_client.hits, limits.token_per_client.seconds) == (7, 60)
    assert limits.email_link_per_address.seconds == 3600
