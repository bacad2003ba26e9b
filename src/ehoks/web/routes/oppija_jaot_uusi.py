"""Making a share or a consent through a form: the fields are checked first
(``oppija_forms``), so that errors are shown at their fields and nothing is stored; then
``ehoks.sharing.service`` stores it and mails the recipient in one write, and the browser is sent
to the new share's page (303)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ehoks.access.actor import StudentActor
from ehoks.auth.people import Student, StudentContext
from ehoks.context import UseCase
from ehoks.context.request import State
from ehoks.errors import BadRequest
from ehoks.kernel.clock import today_in_finland
from ehoks.mail.errors import InvalidEmailAddress
from ehoks.sharing import schemas
from ehoks.sharing import service as sharing
from ehoks.sharing.prepare import prepare as prepare_sharing
from ehoks.web.i18n import N_
from ehoks.web.render import language_of, page
from ehoks.web.routes.oppija_common import (
    PLANS,
    Eid,
    PartInfo,
    PlanPage,
    hoks_context,
    load_plan,
    parts_of,
    plan_path,
)
from ehoks.web.routes.oppija_forms import (
    Checked,
    check_consent,
    check_share,
    parse_day,
    recipient_body,
)
from ehoks.web.routes.oppija_jaot import JakoRow, load_shares, shareable_part

router = APIRouter(include_in_schema=False)

NOT_SAVED = N_("Tietoja ei voitu tallentaa. Tarkista tiedot ja yritä uudelleen.")
MAIL_REFUSED = N_("Sähköpostipalvelin ei hyväksynyt tätä osoitetta. Tarkista osoite.")


# The forms.


def _split(errors: dict[str, str] | None) -> tuple[dict[str, str], str | None]:
    """Errors of fields (shown at them) and the one about the whole form, if any."""
    fields = {k: v for k, v in (errors or {}).items() if not k.startswith("_")}
    general = [v for k, v in (errors or {}).items() if k.startswith("_")]
    return fields, general[0] if general else None


def _iso_dates(form: dict[str, str]) -> dict[str, str]:
    """Dates typed the Finnish way back as a date field's value (ISO), so they stay filled."""
    shown = dict(form)
    for name in ("alku", "loppu"):
        day = parse_day(shown.get(name, ""))
        if day is not None:
            shown[name] = day.isoformat()
    return shown


# A new share.


def _share_defaults(part: PartInfo, today: date) -> dict[str, str]:
    """The part's own dates, from today at the earliest (a window already begun is the same
    as one beginning today), so that the defaults always pass the rules: an end that has passed
    becomes a month from the start, and the window is at most a year."""
    alku = max(part.alku or today, today)
    loppu = part.loppu if part.loppu is not None and part.loppu >= alku else None
    if loppu is None:
        loppu = alku + timedelta(days=30)
    latest = schemas.years_after(alku, schemas.MAX_VALIDITY_YEARS)
    return {"alku": alku.isoformat(), "loppu": min(loppu, latest).isoformat()}


def _share_form(
    request: Request,
    plan: PlanPage,
    actor: StudentActor,
    part: PartInfo,
    rows: list[JakoRow],
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    earlier = [r for r in rows if r.part is not None and r.part.module_id == part.module_id]
    fields, problem = _split(errors)
    context = hoks_context(
        plan,
        actor,
        "jaot",
        part=part,
        form=_iso_dates(form),
        errors=fields,
        problem=problem,
        earlier=earlier,
    )
    return page(request, "oppija/jako_uusi.html", context, status_code=status_code)


@router.get(PLANS + "/{eid}/jaot/uusi", response_class=HTMLResponse)
def new_share(
    request: Request,
    eid: Eid,
    actor: Student,
    state: State,
    ctx: StudentContext,
    osa: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    plan, rows = load_shares(request, state, ctx, actor, eid)
    part = shareable_part(plan, osa)
    form = {"osa": osa or "", **_share_defaults(part, today_in_finland())}
    return _share_form(request, plan, actor, part, rows, form)


@router.post(PLANS + "/{eid}/jaot/uusi", response_class=HTMLResponse)
def create_share(
    request: Request,
    eid: Eid,
    actor: Student,
    state: State,
    ctx: StudentContext,
    osa: Annotated[str, Form(max_length=64)] = "",
    nimi: Annotated[str, Form(max_length=2000)] = "",
    sahkoposti: Annotated[str, Form(max_length=2000)] = "",
    organisaatio: Annotated[str, Form(max_length=2000)] = "",
    alku: Annotated[str, Form(max_length=40)] = "",
    loppu: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    form = {
        "osa": osa,
        "nimi": nimi,
        "sahkoposti": sahkoposti,
        "organisaatio": organisaatio,
        "alku": alku,
        "loppu": loppu,
    }
    plan, rows = load_shares(request, state, ctx, actor, eid)
    part = shareable_part(plan, osa)
    lang = language_of(request)
    checked = check_share(form, today_in_finland(), lang)
    if checked.ok:
        values = checked.values
        body = {
            "hoks-eid": eid,
            "shared-module-uuid": osa,
            "shared-module-tyyppi": part.share_kind,
            "voimassaolo-alku": values["alku"].isoformat(),
            "voimassaolo-loppu": values["loppu"].isoformat(),
            "vastaanottaja": recipient_body(values),
        }
        _store(ctx, checked, lang, "share", actor, body)
        if checked.ok:
            return RedirectResponse(plan_path(eid, f"/jaot/{checked.values['id']}?luotu=1"), 303)
    return _share_form(request, plan, actor, part, rows, form, checked.errors, 400)


def _store(
    ctx: UseCase,
    checked: Checked,
    lang: str,
    what: Literal["share", "consent"],
    actor: StudentActor,
    body: dict[str, Any],
) -> None:
    """Create the share or consent, its id to ``checked.values["id"]`` (the service writes the
    recipient's mail to the outbox in the same transaction); the service's
    refusals become errors on ``checked``."""
    try:
        prepare_sharing(ctx, body=body)
        create = sharing.create_share if what == "share" else sharing.create_consent
        jako = ctx.write(lambda session: create(session, actor, body, ctx))
        checked.values["id"] = jako.id
    except InvalidEmailAddress:
        checked.fail("sahkoposti", MAIL_REFUSED, lang)
    except BadRequest:
        checked.fail("_form", NOT_SAVED, lang)


# A new consent.


def _consent_form(
    request: Request,
    plan: PlanPage,
    actor: StudentActor,
    form: dict[str, str],
    chosen: list[str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    fields, problem = _split(errors)
    context = hoks_context(
        plan, actor, "jaot", form=_iso_dates(form), chosen=chosen, errors=fields, problem=problem
    )
    return page(request, "oppija/suostumus_uusi.html", context, status_code=status_code)


@router.get(PLANS + "/{eid}/suostumukset/uusi", response_class=HTMLResponse)
def new_consent(
    request: Request, eid: Eid, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    plan = load_plan(request, state, ctx, actor, eid)
    today = today_in_finland()
    form = {"laajuus": "koko", "alku": today.isoformat(), "loppu": ""}
    return _consent_form(request, plan, actor, form, [])


@router.post(PLANS + "/{eid}/suostumukset/uusi", response_class=HTMLResponse)
def create_consent(
    request: Request,
    eid: Eid,
    actor: Student,
    state: State,
    ctx: StudentContext,
    nimi: Annotated[str, Form(max_length=2000)] = "",
    sahkoposti: Annotated[str, Form(max_length=2000)] = "",
    organisaatio: Annotated[str, Form(max_length=2000)] = "",
    tarkoitus: Annotated[str, Form(max_length=10000)] = "",
    laajuus: Annotated[str, Form(max_length=10)] = "koko",
    osat: Annotated[list[str] | None, Form()] = None,
    alku: Annotated[str, Form(max_length=40)] = "",
    loppu: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    form = {
        "nimi": nimi,
        "sahkoposti": sahkoposti,
        "organisaatio": organisaatio,
        "tarkoitus": tarkoitus,
        "laajuus": "osat" if laajuus == "osat" else "koko",
        "alku": alku,
        "loppu": loppu,
    }
    chosen = [m for m in (osat or []) if m][:200]
    plan = load_plan(request, state, ctx, actor, eid)
    lang = language_of(request)
    present = set(parts_of(plan.view))
    checked = check_consent(form, chosen, present, today_in_finland(), lang)
    if checked.ok:
        values = checked.values
        body = {
            "hoks-eid": eid,
            "module-ids": values["module_ids"],
            "vastaanottaja": recipient_body(values),
            "tarkoitus": values["tarkoitus"],
            "voimassaolo-alku": values["alku"].isoformat(),
            "voimassaolo-loppu": values["loppu"].isoformat(),
        }
        _store(ctx, checked, lang, "consent", actor, body)
        if checked.ok:
            target = plan_path(eid, f"/suostumukset/{checked.values['id']}?luotu=1")
            return RedirectResponse(target, 303)
    return _consent_form(request, plan, actor, form, chosen, checked.errors, 400)
