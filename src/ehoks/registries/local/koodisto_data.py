"""Koodisto in the local registry: reading its data files, storing them, writing them back.

``koodisto/*.json`` hold code elements as
``GET /koodisto-service/rest/codeelement/{koodiUri}/{versio}`` answers them, one per file or a
list: the code list ``GET /koodisto-service/rest/json/{koodisto}/koodi`` and the versions of one
code ``GET /koodisto-service/rest/codeelement/{koodiUri}`` answer lists. Each element needs its
``koodiUri``, ``koodiArvo`` and integer ``versio``; every version is kept. Its code list is
``koodisto.koodistoUri``, or, where an answer leaves that out, the part of the URI before its
first ``_`` (Koodisto builds code URIs as ``<koodisto>_<value>``).

The export writes one file per code list, ``koodisto/<koodisto>.json``: a list of every version
of every code in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy.orm import Session

from ehoks.registries.local.reading import items, obj, problem_at
from ehoks.registries.local.repository import KoodistoRepository

_MAX_URI = 255
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class KoodistoData:
    """The code elements of a registry directory by (URI, version); a later file wins."""

    koodit: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)


def koodisto_uri_of(document: dict[str, Any]) -> str:
    koodisto = document.get("koodisto")
    if isinstance(koodisto, dict):
        uri = koodisto.get("koodistoUri")
        if isinstance(uri, str) and uri:
            return uri
    return str(document.get("koodiUri")).partition("_")[0]


def read_koodisto(document: Any, data: KoodistoData) -> None:
    for where, item in items(document):
        element = obj(item, where, "a Koodisto code element")
        uri = element.get("koodiUri")
        if not isinstance(uri, str) or not uri.partition("_")[0] or len(uri) > _MAX_URI:
            raise problem_at(
                where, f"'koodiUri' must be a code URI such as 'urasuunnitelma_0001', got {uri!r}"
            )
        if not isinstance(element.get("koodiArvo"), str):
            raise problem_at(where, f"code {uri}: 'koodiArvo' must be a string")
        versio = element.get("versio")
        if isinstance(versio, bool) or not isinstance(versio, int) or versio < 1:
            raise problem_at(
                where, f"code {uri}: 'versio' must be a positive integer, got {versio!r}"
            )
        metadata = element.get("metadata")
        if metadata is not None and (
            not isinstance(metadata, list) or not all(isinstance(m, dict) for m in metadata)
        ):
            raise problem_at(where, f"code {uri}: 'metadata' must be a list of objects")
        koodisto = element.get("koodisto")
        if koodisto is not None and not isinstance(koodisto, dict):
            raise problem_at(where, f"code {uri}: 'koodisto' must be an object")
        if len(koodisto_uri_of(element)) > _MAX_URI:
            raise problem_at(where, f"code {uri}: the code list URI is too long")
        data.koodit[(uri, versio)] = element


def store_koodisto(session: Session, data: KoodistoData, *, now: datetime) -> int:
    """Upsert the code elements; the number of new rows."""
    repository = KoodistoRepository(session)
    repository.preload(uri for uri, _ in data.koodit)
    created = 0
    for (uri, versio), document in data.koodit.items():
        values = {"document": document, "koodisto_uri": koodisto_uri_of(document)}
        created += repository.upsert(uri, versio, values, now)
    return created


def koodisto_files(session: Session) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """``(file name, code elements)`` for each code list, in URI order."""
    used: set[str] = set()
    rows = KoodistoRepository(session).all()
    for koodisto_uri, group in groupby(rows, key=lambda row: row.koodisto_uri):
        documents = [row.document for row in group]
        yield _file_name(koodisto_uri, used), documents


def _file_name(koodisto_uri: str, used: set[str]) -> str:
    # A code list URI read from a code URI could hold characters a file name must not.
    base = _SAFE_NAME.sub("_", koodisto_uri) or "koodisto"
    name, number = base, 1
    while name in used:
        number += 1
        name = f"{base}-{number}"
    used.add(name)
    return f"{name}.json"
