"""The enriched, people-readable view of a HOKS.

The document itself is kept as it is (dates, names of people and every other value a person can
read already); what enrichment adds is keyed by where it sits in the document:

* a ``Label`` for every code and organisation OID field (``labels``, by the field's location),
* a ``PerusteenOsa`` for every vocational or common unit, common-unit sub-area and TUVA module
  (``perusteen_osat``, by the part's location): its name, scope, requirements and assessment
  criteria from ePerusteet,

and ``parts`` is the tree of the document's parts (``hoks.parts``) with both attached, for the
views that render a HOKS unit by unit. Texts are in the requested language after the fallbacks of
``rules``; a text that could not be found is the code itself with a ``Notice``, never a blank.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Kieli = Literal["fi", "sv", "en"]
NoticeReason = Literal["not-found", "unavailable", "no-name"]
"""Why a registry did not name something: it does not know it, it did not answer (or answered
nonsense), or it knows it but has no name for it in any language."""

Location = tuple[str | int, ...]
"""Keys and list indexes from the document's root, e.g.
``("hankittavat-ammat-tutkinnon-osat", 0, "koulutuksen-jarjestaja-oid")``."""


@dataclass(frozen=True)
class Notice:
    """Why ``code`` is shown as itself: machine-readable (``registry``, ``reason``) for views and
    logs, and ``text``, a short sentence in the requested language for the reader."""

    code: str
    registry: str
    reason: NoticeReason
    text: str


@dataclass(frozen=True)
class Label:
    """What a person reads in place of a code or OID. ``text`` is never blank: it is the name,
    or ``code`` itself when no name was found, and then ``notice`` says why."""

    code: str
    text: str
    kieli: Kieli | None
    """The language of ``text`` (it may be a fallback language); ``None`` when ``text`` is the
    code."""
    notice: Notice | None = None

    @property
    def found(self) -> bool:
        return self.notice is None


@dataclass(frozen=True)
class VaatimusKohdealue:
    kuvaus: str | None
    vaatimukset: tuple[str, ...]


@dataclass(frozen=True)
class Vaatimukset:
    """A unit's requirements (ammattitaitovaatimukset) in the reader's language."""

    kohde: str | None
    """The lead-in of the structured (2019 and later) requirements, e.g. "Opiskelija osaa"."""
    vaatimukset: tuple[str, ...]
    kohdealueet: tuple[VaatimusKohdealue, ...]
    html: str | None
    """The requirements of older perusteet as one HTML text, as ePerusteet gives it: views must
    sanitise it before rendering it as markup."""


@dataclass(frozen=True)
class OsaamistasonKriteerit:
    osaamistaso: str
    """The grade ("1", "3", "5"); "" on a pass/fail scale, where the original shows no level."""
    kriteerit: tuple[str, ...]


@dataclass(frozen=True)
class ArvioinninKohde:
    otsikko: str | None
    selite: str | None
    osaamistasot: tuple[OsaamistasonKriteerit, ...]


@dataclass(frozen=True)
class ArvioinninKohdealue:
    otsikko: str | None
    kohteet: tuple[ArvioinninKohde, ...]


@dataclass(frozen=True)
class PerusteenOsa:
    """A unit, common-unit sub-area or TUVA module as ePerusteet describes it.

    ``nimi`` is always set (ePerusteet's name, else Koodisto's name of the code, else the code
    with a notice). The rest is empty when ePerusteet did not describe it; ``notice`` then says
    why, so a view can say that requirements could not be shown rather than show none.
    """

    koodi_uri: str
    nimi: Label
    laajuus: Decimal | None = None
    """Scope in competence points (osp) in the peruste chosen, for units."""
    laajuus_minimi: Decimal | None = None
    """Scope range in TUVA weeks, for TUVA modules (the HOKS holds the agreed scope)."""
    laajuus_maksimi: Decimal | None = None
    peruste_id: int | None = None
    diaarinumero: str | None = None
    vaatimukset: Vaatimukset | None = None
    arviointi: tuple[ArvioinninKohdealue, ...] = ()
    notice: Notice | None = None


@dataclass(frozen=True)
class EnrichedPart:
    """One part of the document (``hoks.parts``) with what enrichment found for it."""

    kind: str
    location: Location
    data: Mapping[str, Any]
    """The part as the document holds it."""
    perusteen_osa: PerusteenOsa | None
    children: tuple[EnrichedPart, ...]
    labels: Mapping[Location, Label] = field(repr=False, compare=False)
    """The labels of the whole document (shared by every part), read through ``label``."""

    @property
    def module_id(self) -> str | None:
        value = self.data.get("module-id")
        return value if isinstance(value, str) else None

    def label(self, *path: str | int) -> Label | None:
        """The label of the code or OID at ``path`` inside this part, e.g.
        ``label("osaamisen-hankkimistapa-koodi-uri")`` or
        ``label("muut-oppimisymparistot", 0, "oppimisymparisto-koodi-uri")``."""
        return self.labels.get((*self.location, *path))

    def children_in(self, collection_key: str) -> tuple[EnrichedPart, ...]:
        depth = len(self.location)
        return tuple(c for c in self.children if c.location[depth] == collection_key)


@dataclass(frozen=True)
class EnrichedHoks:
    kieli: Kieli
    document: Mapping[str, Any]
    parts: tuple[EnrichedPart, ...]
    """The parts at the document's root, in document order, each with its own parts."""
    labels: Mapping[Location, Label]
    perusteen_osat: Mapping[Location, PerusteenOsa]
    notices: tuple[Notice, ...]
    """Every distinct thing that could not be named or described, once (for a summary such as
    "some details could not be loaded")."""
    registry_calls: Mapping[str, int]
    """Calls made to each registry's port while enriching (cache hits inside a port included)."""

    def label(self, *location: str | int) -> Label | None:
        return self.labels.get(tuple(location))

    @property
    def urasuunnitelma(self) -> Label | None:
        return self.labels.get(("urasuunnitelma-koodi-uri",))

    @property
    def complete(self) -> bool:
        return not self.notices

    def walk(self, kind: str | None = None) -> Iterator[EnrichedPart]:
        """Every part (of ``kind``, when given), parents before their children."""
        stack = list(reversed(self.parts))
        while stack:
            part = stack.pop()
            if kind is None or part.kind == kind:
                yield part
            stack.extend(reversed(part.children))
