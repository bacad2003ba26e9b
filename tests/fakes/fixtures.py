"""pytest fixtures that run the fake identity providers.

Each server starts once per test session (per xdist worker) on a free port; the function-scoped
fixtures hand it to a test with its state reset, so tests never see each other's users,
tickets, clients or tampering.

Use them from a test package's ``conftest.py``::

    from tests.fakes.fixtures import cas_server, fake_cas_session  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.cas_server import FakeCas
from tests.fakes.oidc_provider import FakeOidcProvider


@pytest.fixture(scope="session")
def fake_cas_session() -> Iterator[FakeCas]:
    fake = FakeCas().start()
    yield fake
    fake.stop()


@pytest.fixture
def cas_server(fake_cas_session: FakeCas) -> FakeCas:
    """The fake CAS (``.url``) and CAS-oppija (``.oppija_url``), empty."""
    fake_cas_session.reset()
    return fake_cas_session


@pytest.fixture(scope="session")
def fake_oidc_session() -> Iterator[FakeOidcProvider]:
    fake = FakeOidcProvider().start()
    yield fake
    fake.stop()


@pytest.fixture
def oidc_provider(fake_oidc_session: FakeOidcProvider) -> FakeOidcProvider:
    """The fake OpenID provider (``.issuer``), with no clients or users."""
    fake_oidc_session.reset()
    return fake_oidc_session
