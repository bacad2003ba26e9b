"""What every official's page shares: the app's address, the organisation the official works in
now (chosen on the picker page and remembered in a cookie), and the context the official's layout
(``templates/virkailija/base.html``) needs.

The chosen organisation only scopes lists and offers; every HOKS an official reads or changes is
still decided by the access policy on the HOKS's own organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from ehoks.access.actor import OPH_ORGANISAATIO_OID, OfficialActor
from ehoks.access.errors import NotPermitted
from ehoks.access.policy import is_superuser, privileges_on
from ehoks.context.request import AppState
from ehoks.errors import RegistryUnavailable
from ehoks.virkailija import search
from ehoks.virkailija.service import INSUFFICIENT_FOR_ORGANISATION
from ehoks.web.i18n import text_in
from ehoks.web.render import language_of

APP = "/ehoks-virkailija-ui"
ORGANISATION_COOKIE = "ehoks-virkailija-org"


@dataclass(frozen=True)
class ChosenOrganisation:
    oid: str
    nimi: str
    privileges: frozenset[str]

    @property
    def can_read(self) -> bool:
        return "read" in self.privileges

    @property
    def can_write(self) -> bool:
        return bool({"create", "update"} & self.privileges)

    @property
    def can_delete(self) -> bool:
        return "hoks_delete" in self.privileges


def organisation_name(state: AppState, oid: str, lang: str) -> str:
    """The organisation's name in ``lang`` (with fallback), or its OID when the registry does not
    know it or does not answer."""
    try:
        organisaatio = state.runtime.registries.organisaatio.get_organisaatio(oid)
    except RegistryUnavailable:
        return oid
    return (text_in(organisaatio.nimi, lang) or oid) if organisaatio is not None else oid


def chosen_organisation(
    request: Request, state: AppState, actor: OfficialActor
) -> ChosenOrganisation | None:
    """The organisation remembered in the cookie, if the official still holds a right on it
    (directly or through a parent organisation)."""
    oid = request.cookies.get(ORGANISATION_COOKIE)
    if not oid:
        return None
    try:
        path = state.runtime.registries.organisaatio.ancestors_and_self(oid)
    except RegistryUnavailable:
        path = None
    privileges = privileges_on(actor, path)
    if not privileges and not is_superuser(actor):
        return None
    return ChosenOrganisation(oid, organisation_name(state, oid, language_of(request)), privileges)


_UNSET: Any = object()


def official_context(
    request: Request,
    state: AppState,
    actor: OfficialActor,
    *,
    organisation: ChosenOrganisation | None = _UNSET,
    **extra: Any,
) -> dict[str, Any]:
    """What ``virkailija/base.html`` needs: the chosen organisation and what the official may
    do, so the layout offers only the actions the server would allow. A page that already
    looked the organisation up passes it as ``organisation``."""
    if organisation is _UNSET:
        organisation = chosen_organisation(request, state, actor)
    return {
        "official": actor,
        "organisation": organisation,
        "superuser": is_superuser(actor),
        **extra,
    }


# The organisation picker.

KOULUTUSTOIMIJA = "organisaatiotyyppi_01"
ORGANISAATIO_OID = re.compile(r"^1\.2\.246\.562\.10\.\d{1,20}$")
# The privileges as the picker names them (reference 6.2), in this order.
PRIVILEGE_ORDER = ("read", "write", "update", "delete", "hoks_delete")
SEARCH_RESULTS = 50


@dataclass(frozen=True)
class Choice:
    oid: str
    nimi: str
    chosen: bool


@dataclass(frozen=True)
class ChoiceGroup:
    """An organisation where the official holds a right, and what they may choose under it:
    itself (unless a provider-level organisation hidden as in the original) and the
    institutions with HOKSes below it, which inherit the right."""

    oid: str
    nimi: str
    privileges: tuple[str, ...]
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class _Known:
    nimi: str
    parent_oid: str | None
    koulutustoimija: bool


def _describe(state: AppState, oid: str, lang: str) -> _Known:
    try:
        found = state.runtime.registries.organisaatio.get_organisaatio(oid)
    except RegistryUnavailable:
        found = None
    if found is None:
        return _Known(oid, None, False)
    return _Known(
        text_in(found.nimi, lang) or oid, found.parent_oid, KOULUTUSTOIMIJA in found.tyypit
    )


def _path(state: AppState, oid: str) -> tuple[str, ...] | None:
    try:
        return state.runtime.registries.organisaatio.ancestors_and_self(oid)
    except RegistryUnavailable:
        return None


def organisation_groups(
    request: Request, state: AppState, actor: OfficialActor, session: Session
) -> list[ChoiceGroup]:
    """Every organisation where the official may read, each with its institutions that have
    HOKSes; provider-level (koulutustoimija) organisations are not offered unless nothing else
    is (reference 7.1). Names in the page's language, sorted by name."""
    lang = language_of(request)
    current = request.cookies.get(ORGANISATION_COOKIE)
    grants = [
        g.organisaatio_oid
        for g in actor.grants
        if "read" in privileges_on(actor, _path(state, g.organisaatio_oid))
    ]
    children = search.child_organisations(session, state.runtime.registries.organisaatio, grants)
    known: dict[str, _Known] = {}
    for oid in {*grants, *(c for group in children.values() for c in group)}:
        known[oid] = _describe(state, oid, lang)
    offered = {*grants, *(c for group in children.values() for c in group)}
    only_providers = all(known[oid].koulutustoimija for oid in offered)
    groups = []
    for oid in grants:
        candidates = [oid, *sorted(children[oid], key=lambda c: known[c].nimi.casefold())]
        choices = tuple(
            Choice(c, known[c].nimi, c == current)
            for c in candidates
            if only_providers or not known[c].koulutustoimija
        )
        held = privileges_on(actor, _path(state, oid))
        groups.append(
            ChoiceGroup(
                oid,
                known[oid].nimi,
                tuple(p for p in PRIVILEGE_ORDER if p in held),
                choices,
            )
        )
    return sorted(groups, key=lambda g: g.nimi.casefold())


def organisation_search(
    request: Request, state: AppState, actor: OfficialActor, session: Session, term: str
) -> list[Choice]:
    """An OPH super user's search for any organisation: an organisation OID, or part of the
    name of an institution with HOKSes or of the provider above one."""
    lang = language_of(request)
    current = request.cookies.get(ORGANISATION_COOKIE)
    term = term.strip()
    if ORGANISAATIO_OID.match(term):
        found = _describe(state, term, lang)
        if "read" not in privileges_on(actor, _path(state, term)):
            return []
        return [Choice(term, found.nimi, term == current)]
    wanted = term.casefold()
    institutions = search.INSTITUTIONS.get(session, state.runtime.registries.organisaatio)
    candidates: dict[str, _Known] = {}
    for oid in institutions:
        candidates[oid] = _describe(state, oid, lang)
        parent = candidates[oid].parent_oid
        if parent and parent not in candidates and parent != OPH_ORGANISAATIO_OID:
            candidates[parent] = _describe(state, parent, lang)
    matches = [
        Choice(oid, known.nimi, oid == current)
        for oid, known in candidates.items()
        if wanted in known.nimi.casefold() or wanted == oid
    ]
    readable = [m for m in matches if "read" in privileges_on(actor, _path(state, m.oid))]
    return sorted(readable, key=lambda c: c.nimi.casefold())[:SEARCH_RESULTS]


def choosable(state: AppState, actor: OfficialActor, oid: str) -> None:
    """The official may choose the organisation: it exists and they may read below it."""
    path = _path(state, oid) if ORGANISAATIO_OID.match(oid) else None
    if path is None:
        raise search.UnknownOrganisation(oid)
    if "read" not in privileges_on(actor, path):
        raise NotPermitted(INSUFFICIENT_FOR_ORGANISATION)


def remember_organisation(response: Response, state: AppState, oid: str) -> None:
    response.set_cookie(
        ORGANISATION_COOKIE,
        oid,
        httponly=True,
        secure=bool(state.settings.session.cookie_secure),
        samesite="lax",
        path=APP,
        # A working year: the choice is a convenience, every page re-checks the right.
        max_age=365 * 24 * 3600,
    )
