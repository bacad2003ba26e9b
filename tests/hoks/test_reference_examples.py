"""Every real (anonymised) HOKS document of the reference set round-trips through the service
API: POST with a matching study right in the local registry, GET, and compare field for field.

Documents whose workplace periods lack ``yksiloiva-tunniste`` are refused by the service API with
that rule's message at that position; the official's variant accepts them with the value filled.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ehoks.hoks.parts import is_tyopaikkajakso, walk
from ehoks.hoks.schemas import validate_hoks
from ehoks.registries.koski.schemas import opiskeluoikeus_from_koski
from tests.conftest import API, SHARED_REFERENCE
from tests.factories import OPH, koski_opiskeluoikeus

EXAMPLES_DIR = SHARED_REFERENCE / "ehoks-examples"
MISSING_TUNNISTE = "Lisää työpaikkajaksoon yksilöivä tunniste."
SERVER_ADDED = {"id", "eid", "manuaalisyotto", "module-id"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _examples() -> list[str]:
    if not EXAMPLES_DIR.is_dir():
        return ["(reference examples absent)"]
    names = []
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        if isinstance(json.loads(path.read_text(encoding="utf-8")), dict):
            names.append(path.name)
    return names


def _dates(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return [value] if isinstance(value, str) and DATE.match(value) else []


def _study_right(document: dict[str, Any], world: Any) -> dict[str, Any]:
    tuva = bool(document.get("hankittavat-koulutuksen-osat"))
    return koski_opiskeluoikeus(
        oid=document["opiskeluoikeus-oid"],
        oppilaitos=world.oppilaitos_1,
        koulutustoimija=world.koulutustoimija_1,
        tyyppi="tuva" if tuva else "ammatillinenkoulutus",
        alkamispaiva=min(_dates(document), default="2018-01-02"),
        arvioitu_paattymispaiva=None,
    )


def _without_tunniste(document: dict[str, Any]) -> list[tuple[str | int, ...]]:
    return [
        ref.location
        for ref in walk(document)
        if ref.kind == "osaamisen-hankkimistapa"
        and is_tyopaikkajakso(ref.part)
        and "yksiloiva-tunniste" not in ref.part
    ]


def _at(tree: Any, location: tuple[str | int, ...]) -> Any:
    for step in location:
        tree = tree[step]
    return tree


def assert_matches(sent: Any, got: Any, path: str = "") -> None:
    """``got`` holds everything ``sent`` did (strings trimmed as the service trims them);
    anything more is a server-added field or an always-present empty list."""
    if isinstance(sent, dict):
        assert isinstance(got, dict), path
        for key, value in sent.items():
            assert key in got, f"{path}.{key} missing from the response"
            assert_matches(value, got[key], f"{path}.{key}")
        for key, value in got.items():
            if key not in sent:
                assert key in SERVER_ADDED or value == [] or _only_defaults(value), (
                    f"{path}.{key} added"
                )
    elif isinstance(sent, list):
        assert isinstance(got, list), path
        assert len(got) == len(sent), path
        for index, (a, b) in enumerate(zip(sent, got, strict=True)):
            assert_matches(a, b, f"{path}[{index}]")
    elif isinstance(sent, str) and INSTANT.match(sent):
        assert isinstance(got, str), path
        assert _instant(got) == _instant(sent), path
    elif isinstance(sent, str):
        assert got == sent.strip(), path
    else:
        assert got == sent, path
        assert type(got) in (type(sent), float, int), path


def _only_defaults(value: Any) -> bool:
    return isinstance(value, dict) and all(v == [] for v in value.values())


@pytest.mark.parametrize("name", _examples())
def test_reference_example_round_trips(name, client, clients, world, shared_reference):
    path: Path = EXAMPLES_DIR / name
    document = json.loads(path.read_text(encoding="utf-8"))
    study_right = _study_right(document, world)
    world.add_oppija(name, oid=document["oppija-oid"], opiskeluoikeudet=[study_right])
    headers = clients.headers(OPH)

    response = client.post(f"{API}/hoks", json=document, headers=headers)
    missing = _without_tunniste(document)
    if missing:
        assert response.status_code == 400, response.text
        errors = response.json()["errors"]
        for location in missing:
            assert _at(errors, location) == MISSING_TUNNISTE
        opiskeluoikeus = opiskeluoikeus_from_koski(study_right, document["oppija-oid"])
        filled = validate_hoks(
            document, method="post", virkailija=True, opiskeluoikeus=opiskeluoikeus
        )
        for location in missing:
            assert _at(filled, location)["yksiloiva-tunniste"]
        for location in missing:
            _at(document, location)["yksiloiva-tunniste"] = _at(filled, location)[
                "yksiloiva-tunniste"
            ]
        response = client.post(f"{API}/hoks", json=document, headers=headers)

    assert response.status_code == 200, response.text
    hoks_id = response.json()["meta"]["id"]
    got = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    assert_matches(document, got)
