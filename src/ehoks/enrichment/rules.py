"""Pure rules of enrichment: which language a person reads, and what they read when a registry
could not name something. No I/O.

Language fallback (reference ``ehoks-ui.md`` 3.2 "Title fallback" and 8.1): the requested
language, then Finnish; the original then showed the code's name or, for school and Koodisto
names without a Swedish text, a blank (8.1 "Gaps"). We go on through the other languages the
registry has (Swedish, then English) before giving up, because any name is more use to a reader
than a code. When nothing names it, the reader sees the code or OID itself with a notice, never a
blank (reference 11, P0 item 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

from ehoks.enrichment.schemas import Kieli, Label, Notice, NoticeReason

KIELET: tuple[Kieli, ...] = get_args(Kieli)
DEFAULT_KIELI: Kieli = "fi"

Registry = Literal["Koodisto", "ePerusteet", "Organisaatiopalvelu"]
KOODISTO: Registry = "Koodisto"
EPERUSTEET: Registry = "ePerusteet"
ORGANISAATIO: Registry = "Organisaatiopalvelu"

# Finnish needs the registry's name inflected ("from …", elative case); Swedish and English
# take it as it is.
_FROM_REGISTRY_FI: dict[str, str] = {
    KOODISTO: "Koodistopalvelusta",
    EPERUSTEET: "ePerusteet-palvelusta",
    ORGANISAATIO: "Organisaatiopalvelusta",
}

_NOTICE_TEXTS: dict[NoticeReason, dict[Kieli, str]] = {
    # The first is the original's tooltip ("tietojen lataaminen ePerusteet-palvelusta ei
    # onnistunut", reference 3.2), for every registry.
    "unavailable": {
        "fi": "Tietojen lataaminen {from_fi} ei onnistunut.",
        "sv": "Uppgifterna kunde inte hämtas från {registry}.",
        "en": "The details could not be loaded from {registry}.",
    },
    "not-found": {
        "fi": "Tietoa ei löytynyt {from_fi}.",
        "sv": "Uppgiften hittades inte i {registry}.",
        "en": "Not found in {registry}.",
    },
    "no-name": {
        "fi": "Nimeä ei löytynyt {from_fi}.",
        "sv": "Inget namn hittades i {registry}.",
        "en": "{registry} has no name for it.",
    },
}


def kieli_of(value: str | None) -> Kieli:
    """``value`` as a supported language; anything else reads as Finnish, the original's
    default locale (reference 8.1)."""
    normalised = (value or "").strip().lower()
    for kieli in KIELET:
        if normalised == kieli:
            return kieli
    return DEFAULT_KIELI


def fallback_order(kieli: Kieli) -> tuple[Kieli, ...]:
    """The languages tried, in order: requested, Finnish, then the rest (Swedish, English)."""
    order: list[Kieli] = [kieli]
    for other in (DEFAULT_KIELI, *KIELET):
        if other not in order:
            order.append(other)
    return tuple(order)


def pick(texts: Mapping[str, str], kieli: Kieli) -> tuple[str, Kieli] | None:
    """The first non-blank text in ``fallback_order(kieli)`` with its language, or ``None``."""
    for candidate in fallback_order(kieli):
        text = texts.get(candidate)
        if isinstance(text, str) and text.strip():
            return text.strip(), candidate
    return None


def text(texts: Mapping[str, str], kieli: Kieli) -> str | None:
    """The text a reader of ``kieli`` reads, or ``None`` when there is none in any language."""
    found = pick(texts, kieli)
    return found[0] if found else None


def texts(values: tuple[Mapping[str, str], ...], kieli: Kieli) -> tuple[str, ...]:
    """Each localised text read in ``kieli``; texts with no language at all are left out."""
    return tuple(t for t in (text(value, kieli) for value in values) if t is not None)


def notice(code: str, registry: Registry, reason: NoticeReason, kieli: Kieli) -> Notice:
    template = _NOTICE_TEXTS[reason][kieli]
    return Notice(
        code=code,
        registry=registry,
        reason=reason,
        text=template.format(registry=registry, from_fi=_FROM_REGISTRY_FI[registry]),
    )


def named(code: str, names: tuple[Mapping[str, str], ...], kieli: Kieli) -> Label | None:
    """The label of ``code`` from the first of ``names`` that has a text in any language (the
    sources in order of preference), or ``None`` when none has."""
    for source in names:
        found = pick(source, kieli)
        if found is not None:
            return Label(code=code, text=found[0], kieli=found[1])
    return None


def unnamed(code: str, registry: Registry, reason: NoticeReason, kieli: Kieli) -> Label:
    """What a reader sees when nothing names ``code``: the code itself, and why."""
    return Label(code=code, text=code, kieli=None, notice=notice(code, registry, reason, kieli))
