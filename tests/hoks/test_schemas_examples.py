"""Every real HOKS document among the reference examples validates; those whose workplace periods
lack ``yksiloiva-tunniste`` fail exactly there in the service API and pass in the official's UI."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ehoks.hoks.schemas import read_view, vipunen_view
from tests.hoks.test_schemas_fixtures import EXAMPLES, TODAY, failure, opiskeluoikeus, post

TUNNISTE = "Lisää työpaikkajaksoon yksilöivä tunniste."
TYOPAIKKAJAKSO = ("osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus")
# Wide enough for every period in the examples, so rules 6 and 7 are exercised but pass.
STUDY_RIGHT = opiskeluoikeus(
    alkamispaiva=date(2018, 8, 1), arvioitu_paattymispaiva=date(2028, 12, 31)
)


def _documents() -> list[Path]:
    if not EXAMPLES.is_dir():
        return []
    return sorted(
        path for path in EXAMPLES.glob("*.json") if isinstance(json.loads(path.read_text()), dict)
    )


DOCUMENTS = _documents()
pytestmark = pytest.mark.skipif(
    not DOCUMENTS, reason=f"reference examples not found at {EXAMPLES.resolve()}"
)


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def _periods(document: dict[str, Any]):
    """(problem path, period) of every learning period in the document."""
    for key in ("hankittavat-ammat-tutkinnon-osat", "hankittavat-paikalliset-tutkinnon-osat"):
        for i, unit in enumerate(document.get(key, [])):
            for j, oht in enumerate(unit.get("osaamisen-hankkimistavat", [])):
                yield f"{key}[{i}].osaamisen-hankkimistavat[{j}]", oht
    for i, unit in enumerate(document.get("hankittavat-yhteiset-tutkinnon-osat", [])):
        for j, osa_alue in enumerate(unit.get("osa-alueet", [])):
            for k, oht in enumerate(osa_alue.get("osaamisen-hankkimistavat", [])):
                yield (
                    (
                        f"hankittavat-yhteiset-tutkinnon-osat[{i}].osa-alueet[{j}]"
                        f".osaamisen-hankkimistavat[{k}]"
                    ),
                    oht,
                )


def _without_tunniste(document: dict[str, Any]) -> list[str]:
    return [
        path
        for path, oht in _periods(document)
        if oht["osaamisen-hankkimistapa-koodi-uri"] in TYOPAIKKAJAKSO
        and "yksiloiva-tunniste" not in oht
    ]


def test_examples_include_both_cases():
    assert any(_without_tunniste(_load(p)) for p in DOCUMENTS)
    assert any(not _without_tunniste(_load(p)) for p in DOCUMENTS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_example_in_the_service_api(path):
    document = _load(path)
    missing = _without_tunniste(document)
    if missing:
        problems = failure(post, document, opiskeluoikeus=STUDY_RIGHT).problems
        assert problems == [{"path": p, "message": TUNNISTE} for p in missing]
    else:
        result = post(document, opiskeluoikeus=STUDY_RIGHT)
        assert read_view(result) == result
        assert result["opiskeluoikeus-oid"] == document["opiskeluoikeus-oid"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_example_in_the_officials_ui_and_in_vipunen(path):
    document = _load(path)
    missing = set(_without_tunniste(document))
    result = post(document, opiskeluoikeus=STUDY_RIGHT, virkailija=True)
    for problem_path, oht in _periods(result):
        if problem_path in missing:
            uuid.UUID(oht["yksiloiva-tunniste"])
    stored = result | {"id": 1, "eid": str(uuid.uuid4())}
    view = vipunen_view(stored, poistettu=None, today=TODAY)
    assert "sahkoposti" not in view


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_example_round_trips_through_put(path):
    result = post(_load(path), opiskeluoikeus=STUDY_RIGHT, virkailija=True)
    again = post(result | {"id": 5}, method="put", opiskeluoikeus=STUDY_RIGHT)
    assert again == result | {"id": 5}
