"""What eHOKS needs to know of a Koodisto code element, derived from the Koodisto document
``GET /koodisto-service/rest/codeelement/{koodiUri}/{versio}`` (reference integrations 3.6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Koodi:
    """One version of a code element, e.g. ``urasuunnitelma_0001`` version 1."""

    koodi_uri: str
    koodiarvo: str
    versio: int | None
    koodisto_uri: str | None = None
    nimi: dict[str, str] = field(default_factory=dict)
    """The name by language (``fi``, ``sv``, ``en``; only those Koodisto has)."""
    lyhyt_nimi: dict[str, str] = field(default_factory=dict)
    kuvaus: dict[str, str] = field(default_factory=dict)
    tila: str | None = None
    voimassa_alku: date | None = None
    voimassa_loppu: date | None = None


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _by_language(metadata: list[Any], key: str) -> dict[str, str]:
    # Koodisto writes the language in upper case (``"kieli": "FI"``).
    texts: dict[str, str] = {}
    for entry in metadata:
        if not isinstance(entry, dict):
            continue
        kieli = str(entry.get("kieli") or "").lower()
        value = entry.get(key)
        if kieli in LANGUAGES and isinstance(value, str) and value:
            texts[kieli] = value
    return texts


def koodi_from_koodisto(document: dict[str, Any]) -> Koodi:
    metadata = document.get("metadata")
    metadata = metadata if isinstance(metadata, list) else []
    koodisto = document.get("koodisto")
    versio = document.get("versio")
    return Koodi(
        koodi_uri=str(document.get("koodiUri")),
        koodiarvo=str(document.get("koodiArvo")),
        versio=versio if isinstance(versio, int) else None,
        koodisto_uri=(
            str(koodisto["koodistoUri"])
            if isinstance(koodisto, dict) and koodisto.get("koodistoUri")
            else None
        ),
        nimi=_by_language(metadata, "nimi"),
        lyhyt_nimi=_by_language(metadata, "lyhytNimi"),
        kuvaus=_by_language(metadata, "kuvaus"),
        tila=document.get("tila") if isinstance(document.get("tila"), str) else None,
        voimassa_alku=_date(document.get("voimassaAlkuPvm")),
        voimassa_loppu=_date(document.get("voimassaLoppuPvm")),
    )
