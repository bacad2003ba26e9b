"""Fixtures of the authentication tests: the fake identity providers and an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.fixtures import (  # noqa: F401 (fixtures are found by name)
    cas_server,
    fake_cas_session,
    fake_oidc_session,
    oidc_provider,
)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain client: redirects are not followed, so tests see each hop."""
    with httpx.Client(follow_redirects=False) as client:
        yield client
