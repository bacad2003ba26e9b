"""Where the items of a form started from an earlier plan came from, carried between requests.

The continuation draft (``ehoks.jatko``) says where each item came from by its position in the
draft; on the form the official removes and adds parts, which moves positions. So each carried
item is remembered by what tells it apart in its collection (``mapping.item_key``: its unit
code, name or dates), and a form item that still matches it shows its note; one the official
removed or changed simply no longer does. The record travels in one hidden field as JSON:
it only decides which notes the form shows. Which plan the new one continues is checked again
by the service when it is saved (``jatko.service.record``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ehoks.jatko.terms import COLLECTIONS, item_key
from ehoks.web.lomake.luonnos import Draft, parse_path

FIELD = "jatko"
MAX_LENGTH = 200_000  # far above any real plan's record; more is not a form we made


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Alkupera(_Model):
    """One carried item: its collection (or root field), what tells it apart, how it came."""

    kohde: str = Field(max_length=100)
    avain: str = Field(max_length=1000)
    tapa: str = Field(max_length=40)
    lahde: str = Field(max_length=200)
    paiva: str | None = Field(default=None, max_length=10)
    uudelleen: tuple[str, ...] = Field(default=(), max_length=10)


class Pois(_Model):
    """One item left out: where it was, what it was (a code or a name) and why."""

    lahde: str = Field(max_length=200)
    nimi: str = Field(default="", max_length=1000)
    syy: str = Field(max_length=60)


class Jatko(_Model):
    hoks_id: int = Field(ge=1, le=2**31 - 1)
    osat: tuple[Alkupera, ...] = Field(default=(), max_length=2000)
    pois: tuple[Pois, ...] = Field(default=(), max_length=2000)

    def note_of(self, kohde: str, item: Draft | None) -> Alkupera | None:
        """The record of the form's item (``item`` None: the root field ``kohde``)."""
        avain = item_key(kohde, item) if item is not None else ""
        for osa in self.osat:
            if osa.kohde == kohde and osa.avain == avain:
                return osa
        return None


_ADAPTER = TypeAdapter(Jatko)


def from_meta(body: dict[str, Any], meta: dict[str, Any]) -> Jatko:
    """The record of a fresh draft (``jatko.service.build``'s body and meta)."""
    osat = []
    for entry in meta.get("siirretyt", []):
        segments = parse_path(str(entry.get("kohde", "")))
        if not segments:
            continue
        kohde = str(segments[0])
        avain = ""
        if kohde in COLLECTIONS and len(segments) == 2 and isinstance(segments[1], int):
            avain = item_key(kohde, body[kohde][segments[1]])
        osat.append(
            Alkupera(
                kohde=kohde,
                avain=avain,
                tapa=str(entry.get("tapa", "")),
                lahde=str(entry.get("lahde", "")),
                paiva=entry.get("koski-arviointipaiva"),
                uudelleen=tuple(entry.get("suunnitellaan-uudelleen", ())),
            )
        )
    pois = [
        Pois(
            lahde=str(entry.get("lahde", "")),
            nimi=str(
                entry.get("tutkinnon-osa-koodi-uri")
                or entry.get("koulutuksen-osa-koodi-uri")
                or entry.get("nimi")
                or ""
            ),
            syy=str(entry.get("syy", "")),
        )
        for entry in meta.get("pois", [])
    ]
    return Jatko(hoks_id=int(meta["jatkaa-hoksia"]), osat=tuple(osat), pois=tuple(pois))


def dumps(jatko: Jatko) -> str:
    return jatko.model_dump_json()


def loads(posted: list[tuple[str, str]]) -> Jatko | None:
    """The record the form carried; ``None`` when there is none or it is not one we made."""
    raw = next((value for name, value in posted if name == FIELD), None)
    if not raw or len(raw) > MAX_LENGTH:
        return None
    try:
        return _ADAPTER.validate_json(raw)
    except ValidationError:
        return None
