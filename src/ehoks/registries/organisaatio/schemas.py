"""What eHOKS needs to know of an organisation, derived from the Organisaatiopalvelu document
``GET /organisaatio-service/api/{oid}`` (reference integrations 3.4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Organisaatio:
    """An organisation in Organisaatiopalvelu."""

    oid: str
    nimi: dict[str, str] = field(default_factory=dict)
    parent_oid: str | None = None
    parent_oid_path: tuple[str, ...] = ()
    """Ancestor OIDs from the root (OPH) down to the parent; the organisation itself excluded."""
    tyypit: tuple[str, ...] = ()

    @property
    def ancestors_and_self(self) -> tuple[str, ...]:
        return (*self.parent_oid_path, self.oid)


def parse_parent_oid_path(value: Any, oid: str | None = None) -> tuple[str, ...]:
    """``"|root|…|parent|"`` as a tuple, root first.

    The service writes the path with leading and trailing ``|`` and some documents without
    them; empty parts are dropped, and so is ``oid`` itself should a path include it.
    """
    if not isinstance(value, str):
        return ()
    parts: list[str] = []
    for part in value.split("|"):
        part = part.strip()
        if part and part != oid and part not in parts:
            parts.append(part)
    return tuple(parts)


def format_parent_oid_path(path: tuple[str, ...]) -> str:
    return f"|{'|'.join(path)}|" if path else ""


def tyypit_of(document: dict[str, Any]) -> tuple[str, ...]:
    # Older API versions call the list ``organisaatiotyypit``.
    values = document.get("tyypit")
    if values is None:
        values = document.get("organisaatiotyypit")
    if not isinstance(values, list):
        return ()
    return tuple(v for v in values if isinstance(v, str))


def organisaatio_from_document(document: dict[str, Any]) -> Organisaatio:
    oid = str(document.get("oid"))
    nimi = document.get("nimi")
    parent_oid = document.get("parentOid")
    return Organisaatio(
        oid=oid,
        nimi={k: v for k, v in nimi.items() if isinstance(v, str)}
        if isinstance(nimi, dict)
        else {},
        parent_oid=parent_oid if isinstance(parent_oid, str) and parent_oid else None,
        parent_oid_path=parse_parent_oid_path(document.get("parentOidPath"), oid),
        tyypit=tyypit_of(document),
    )
