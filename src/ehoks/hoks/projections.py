"""Rows of the projection tables, derived from a HOKS document (rewritten with every write)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ehoks.hoks.parts import is_tyopaikkajakso, walk

OSA_TYYPIT = {
    "hankittava-ammat-tutkinnon-osa": "hato",
    "hankittava-paikallinen-tutkinnon-osa": "hpto",
    "hankittavan-yto-osa-alue": "hyto",
    "aiemmin-hankittu-ammat-tutkinnon-osa": "ahato",
    "aiemmin-hankittu-paikallinen-tutkinnon-osa": "ahpto",
    "aiemmin-hankittu-yhteinen-tutkinnon-osa": "ahyto",
    "aiemmin-hankitun-yto-osa-alue": "ahyto",
}


def _date(value: Any) -> date:
    return date.fromisoformat(str(value))


def tyopaikkajakso_rows(hoks_id: int, document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for ref in walk(document):
        if ref.kind != "osaamisen-hankkimistapa" or not is_tyopaikkajakso(ref.part):
            continue
        oht = ref.part
        tjk = oht.get("tyopaikalla-jarjestettava-koulutus") or {}
        ohjaaja = tjk.get("vastuullinen-tyopaikka-ohjaaja") or {}
        rows.append(
            {
                "hoks_id": hoks_id,
                "module_id": oht["module-id"],
                "osa_module_id": ref.parent["module-id"],
                "osa_tyyppi": OSA_TYYPIT[ref.parent_kind],
                "yksiloiva_tunniste": oht.get("yksiloiva-tunniste"),
                "hankkimistapa_koodi_uri": oht["osaamisen-hankkimistapa-koodi-uri"],
                "alku": _date(oht["alku"]),
                "loppu": _date(oht["loppu"]),
                "osa_aikaisuustieto": oht.get("osa-aikaisuustieto"),
                "tyopaikan_nimi": tjk.get("tyopaikan-nimi"),
                "tyopaikan_y_tunnus": tjk.get("tyopaikan-y-tunnus"),
                "ohjaaja_nimi": ohjaaja.get("nimi"),
                "ohjaaja_sahkoposti": ohjaaja.get("sahkoposti"),
                "ohjaaja_puhelinnumero": ohjaaja.get("puhelinnumero"),
            }
        )
    return rows


def naytto_rows(hoks_id: int, document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for ref in walk(document):
        if ref.kind != "osaamisen-osoittaminen":
            continue
        naytto = ref.part
        rows.append(
            {
                "hoks_id": hoks_id,
                "module_id": naytto["module-id"],
                "osa_module_id": ref.parent["module-id"],
                "osa_tyyppi": OSA_TYYPIT[ref.parent_kind],
                "alku": _date(naytto["alku"]),
                "loppu": _date(naytto["loppu"]),
                "nayttoymparisto_nimi": (naytto.get("nayttoymparisto") or {}).get("nimi"),
                "tyoelama_arvioijat": [
                    {
                        "nimi": a.get("nimi"),
                        "organisaatio": (a.get("organisaatio") or {}).get("nimi"),
                        "y-tunnus": (a.get("organisaatio") or {}).get("y-tunnus"),
                    }
                    for a in naytto.get("tyoelama-osaamisen-arvioijat") or []
                ],
            }
        )
    return rows
