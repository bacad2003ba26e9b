"""The student's HOKS as a PDF download: the print version's content rendered by WeasyPrint in
the page's language (``ehoks.web.pdf``). Reading it is an audited read like the pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ehoks.auth.people import Student, StudentContext
from ehoks.context.request import State
from ehoks.kernel.clock import now_utc
from ehoks.web.pdf import render_pdf
from ehoks.web.render import language_of, render
from ehoks.web.routes.oppija_common import PLANS, Eid, hoks_context, load_plan

router = APIRouter(include_in_schema=False)


@router.get(PLANS + "/{eid}/pdf")
async def hoks_pdf(
    request: Request, eid: Eid, actor: Student, state: State, ctx: StudentContext
) -> Response:
    plan = await run_in_threadpool(load_plan, request, state, ctx, actor, eid)
    context = hoks_context(plan, actor, "tulosta", generated=now_utc())
    html = render(request, "pdf/hoks.html", context)
    # Laying out a long plan takes a CPU-bound moment: off the event loop.
    pdf = await run_in_threadpool(render_pdf, html)
    filename = f"hoks-{language_of(request)}-{eid}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
