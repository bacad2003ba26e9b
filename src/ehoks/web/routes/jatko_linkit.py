"""The links between a plan and the plan it continues or is continued in, as a HOKS page shows
them to its reader (student or official): only the plans the reader may read (the access
policy decides, each an audited read), named by qualification, school and first approval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from ehoks.access.actor import Actor
from ehoks.context import UseCase
from ehoks.context.request import AppState
from ehoks.jatko import service as jatko
from ehoks.web.i18n import text_in
from ehoks.web.render import language_of
from ehoks.web.routes.oppija_common import school_names


def link_rows(
    request: Request,
    state: AppState,
    ctx: UseCase,
    actor: Actor,
    hoks_id: int,
    href: Callable[[jatko.Linkki], str],
) -> list[dict[str, Any]]:
    with ctx.read() as session:
        found = jatko.links(session, actor, hoks_id, ctx)
    lang = language_of(request)
    registries = state.runtime.registries
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
