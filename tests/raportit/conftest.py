"""Fixtures of the report tests: the application's collaborators and the report world."""

from __future__ import annotations

import pytest

from ehoks.audit.trail import AuditTrail
from tests.raportit.world import ReportWorld, build


@pytest.fixture
def deps(app):
    return app.state.ehoks.runtime.context()


@pytest.fixture
def reports(db, deps, world, tmp_path) -> ReportWorld:
    return build(db, deps, world, tmp_path)


@pytest.fixture
def trail():
    return AuditTrail("raportit-test")
