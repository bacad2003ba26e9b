from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.enrichment.world import RegistryWorld, standard_world


@pytest.fixture
def world() -> RegistryWorld:
    return standard_world()


@pytest.fixture
def recorded(shared_reference: Path) -> Callable[[str], Any]:
    """A recorded registry answer from ``../shared/reference/external-services``."""

    def load(name: str) -> Any:
        path = shared_reference / "external-services" / name
        if not path.is_file():
            pytest.skip(f"recorded answer {name} not found under {path.parent}")
        return json.loads(path.read_text(encoding="utf-8"))

    return load
