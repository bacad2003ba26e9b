"""The links between a plan and the plan it continues or is continued in, as a HOKS page shows
them to its reader (student or official): only the plans the reader may read (the access
policy decides, each an audited read), named by qualification, school and first approval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from ehoks.access.actor import Actor
from ehoks.api.deps import AppState
from ehoks.audit.trail import AuditTrail
from ehoks.jatko import service as jatko
from ehoks.web.i18n import text_in
from ehoks.web.render import language_of
from ehoks.web.routes.oppija_common import school_names


def link_rows(
    request: Request,
    state: AppState,
    trail: AuditTrail,
    actor: Actor,
    hoks_id: int,
    href: Callable[[jatko.Linkki], str],
) -> list[dict[str, Any]]:
    with state.read(trail) as session:
        found = jatko.links(session, actor, hoks_id, state.deps.with_trail(trail))
    lang = language_of(request)
    registries = state.deps.registries
    return [
        {
            "suunta": link.suunta,
            "hoks_id": link.hoks_id,
            "href": href(link),
            "tutkinto": text_in(link.tutkinto_nimi, lang),
            "oppilaitos": text_in(school_names(registries, link.oppilaitos_oid), lang),
            "hyvaksytty": link.ensikertainen_hyvaksyminen,
        }
        for link in found
    ]
