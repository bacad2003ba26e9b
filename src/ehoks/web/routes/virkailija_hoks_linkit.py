""" "Send the link" on the official's HOKS page (law 531/2017 § 109 a ¶2–3): the responsible
workplace instructor of a learning period, or a working-life assessor of a demonstration whose
address the provider recorded, gets a login link to exactly their part
(``ehoks.tyopaikka.linkit``).

A plain form POST (no script needed) with the session's CSRF token, answered with a redirect
back to the study plan tab, which lists whom a link can go to and when one last did. The link,
its mail (to the outbox) and the record of sending with its audit event are one transaction;
the outbox worker mails it after the commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from ehoks.api.params import HoksId
from ehoks.auth.people import Official, OfficialContext
from ehoks.hoks import service as hoks_service
from ehoks.kernel.clock import now_utc
from ehoks.tyopaikka import linkit
from ehoks.web.routes.virkailija_hoks_common import OppijaOid, hoks_path

router = APIRouter(include_in_schema=False)

HOKS = "/ehoks-virkailija-ui/oppija/{oppija_oid}/hoks/{hoks_id}"
SENT_ANCHOR = "#linkit-tyopaikalle"


@router.post(HOKS + "/linkki")
def send_link(
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    ctx: OfficialContext,
    osa: Annotated[str, Form(max_length=36)] = "",
    arvioija: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    hoks_service.prepare_write(ctx, hoks_id, study_right=False)
    prepared = ctx.write(
        lambda session: linkit.send(
            session,
            actor,
            oppija_oid,
            hoks_id,
            ctx,
            module_id=osa,
            arvioija_id=arvioija,
            now=now_utc(),
        )
    )
    tail = f"/opiskelusuunnitelma?linkki={prepared.recipient.vastaanottaja}{SENT_ANCHOR}"
    return RedirectResponse(hoks_path(oppija_oid, hoks_id, tail), status_code=303)
