"""What eHOKS needs to know of a person in Oppijanumerorekisteri (ONR), derived from the
``GET /oppijanumerorekisteri-service/henkilo/{oid}`` document (reference integrations 3.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Henkilo:
    """A person in ONR."""

    oid: str
    etunimet: str
    sukunimi: str
    kutsumanimi: str | None
    master_oid: str
    """The master OID when this OID is a duplicate (slave) of another person, else ``oid``."""

    @property
    def nimi(self) -> str:
        """The name as eHOKS indexes it: ``"{etunimet} {sukunimi}"`` (reference 8.6)."""
        return f"{self.etunimet} {self.sukunimi}".strip()

    @property
    def is_duplicate(self) -> bool:
        return self.master_oid != self.oid


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def master_oid_of(document: dict[str, Any]) -> str | None:
    """The master named in the document's ``master`` key, if any.

    ONR's own henkilö document does not name the master; ONR answers that separately at
    ``GET /henkilo/{oid}/master``. The local registry keeps that answer (at least its
    ``oidHenkilo``) in the duplicate's document under ``master``.
    """
    master = document.get("master")
    if isinstance(master, dict) and isinstance(master.get("oidHenkilo"), str):
        return str(master["oidHenkilo"])
    return None


def henkilo_from_onr(document: dict[str, Any]) -> Henkilo:
    oid = str(document.get("oidHenkilo"))
    kutsumanimi = document.get("kutsumanimi")
    return Henkilo(
        oid=oid,
        etunimet=_text(document.get("etunimet")),
        sukunimi=_text(document.get("sukunimi")),
        kutsumanimi=kutsumanimi if isinstance(kutsumanimi, str) and kutsumanimi else None,
        master_oid=master_oid_of(document) or oid,
    )
