"""Starting a new HOKS from an earlier plan, for officials: the page that offers the learner's
study rights the official may write on (``…/hoks/{id}/jatka``), the create form filled with the
continuation draft (``/luohoks?jatkaa={id}&opiskeluoikeus-oid=…``, served by
``virkailija_lomake``) and, when it is saved, the record of which plan it continues.

The draft and the record are the use cases of ``ehoks.jatko``: the access policy decides
(read on the earlier plan, write on the new study right), the earlier plan's read is audited,
nothing is stored before the official saves. Officials' refusals are 403 pages (the service
API's 401 is for its own clients)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ehoks.access.actor import OfficialActor
from ehoks.api.params import HoksId
from ehoks.auth.people import Official, OfficialContext
from ehoks.context import UseCase
from ehoks.context.request import AppState, State
from ehoks.errors import BadRequest, RegistryUnavailable, ValidationFailed
from ehoks.jatko import service as jatko
from ehoks.virkailija import plans
from ehoks.virkailija.plans import OfficialPlan
from ehoks.virkailija.service import INSUFFICIENT, forbidden_as
from ehoks.web.i18n import text_in
from ehoks.web.lomake import jatko as lomake_jatko
from ehoks.web.lomake import luonnos
from ehoks.web.render import language_of, page
from ehoks.web.routes.oppija_common import school_names
from ehoks.web.routes.virkailija_common import APP, official_context
from ehoks.web.routes.virkailija_hoks_common import OppijaOid, hoks_path, student_path
from ehoks.web.routes.virkailija_lomake_sivu import may_create

router = APIRouter(include_in_schema=False)

NEW = f"{APP}/luohoks"


def start_path(oppija_oid: str, hoks_id: int) -> str:
    """The page that starts a new plan from this one."""
    return hoks_path(oppija_oid, hoks_id, "/jatka")


def start_offer(ctx: UseCase, actor: OfficialActor, plan: OfficialPlan) -> str | None:
    """The HOKS page's "start a new plan from this one", offered only where it can lead
    somewhere: the plan is not deleted and the learner has a study right in Koski without a
    HOKS on which the official may write (the policy decides, as on the chooser page). The
    plan itself may be one the official only reads — another provider's, under § 109 a ¶1.
    When Koski cannot answer, the offer stays and the chooser page answers with its 503."""
    if not may_create(actor) or plan.deleted_at is not None:
        return None
    try:
        candidates = jatko.writable_study_rights(
            actor, plan.oppija_oid, plan.opiskeluoikeus_oid, ctx
        )
    except RegistryUnavailable:
        return start_path(plan.oppija_oid, plan.hoks_id)
    with ctx.read() as session:
        candidates = jatko.without_hoks(session, candidates)
    return start_path(plan.oppija_oid, plan.hoks_id) if candidates else None


def form_path(hoks_id: int, opiskeluoikeus_oid: str) -> str:
    return f"{NEW}?jatkaa={hoks_id}&opiskeluoikeus-oid={opiskeluoikeus_oid}"


class ContinuationNotRecorded(BadRequest):
    """The earlier plan can no longer be linked (removed meanwhile, another learner's)."""

    def __init__(self) -> None:
        super().__init__("The earlier plan could not be linked to the new HOKS")


@router.get(APP + "/oppija/{oppija_oid}/hoks/{hoks_id}/jatka", response_class=HTMLResponse)
def choose_study_right(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    """The learner's study rights (in Koski) on which the official may start a new plan from
    this one: those that have no HOKS yet, at an institution where the official may write."""
    with ctx.read() as session:
        row = plans.readable_hoks(
            session, actor, oppija_oid, hoks_id, ctx, details={"view": "jatka"}
        )
    candidates = jatko.writable_study_rights(
        actor, row.hoks.oppija_oid, row.hoks.opiskeluoikeus_oid, ctx
    )
    with ctx.read() as session:
        candidates = jatko.without_hoks(session, candidates)
    lang = language_of(request)
    registries = state.runtime.registries
    rows = [
        {
            "tutkinto": text_in(oo.tutkinto_nimi, lang) or oo.oid,
            "oppilaitos": text_in(school_names(registries, oo.oppilaitos_oid), lang),
            "alku": oo.alkamispaiva,
            "tila": text_in(oo.tila_nimi, lang) or oo.tila or "",
            "oid": oo.oid,
            "url": form_path(hoks_id, oo.oid),
        }
        for oo in candidates
    ]
    earlier_name = row.opiskeluoikeus.tutkinto_nimi if row.opiskeluoikeus else {}
    context = official_context(
        request,
        state,
        actor,
        section="opiskelijat",
        student_name=row.oppija_nimi,
        hoks_id=hoks_id,
        earlier=text_in(earlier_name, lang),
        back=hoks_path(oppija_oid, hoks_id),
        student_path=student_path(oppija_oid),
        rows=rows,
        may_create=may_create(actor),
    )
    return page(request, "jatko/valitse.html", context)


def draft_for_form(
    state: AppState,
    ctx: UseCase,
    actor: OfficialActor,
    hoks_id: int,
    opiskeluoikeus_oid: str,
) -> tuple[luonnos.Draft, lomake_jatko.Jatko]:
    """The create form's draft from the earlier plan, and where each of its items came from."""
    with forbidden_as(INSUFFICIENT), ctx.read() as session:
        prepared = jatko.prepare(session, actor, hoks_id, opiskeluoikeus_oid, ctx)
    built = jatko.build(prepared, ctx)
    draft = luonnos.from_document(built.body, "post")
    return draft, lomake_jatko.from_meta(built.body, built.meta)


def record_continuation(
    session: Session, actor: OfficialActor, hoks_id: int, earlier_id: int, deps: UseCase
) -> None:
    """In the create's own transaction: a refusal undoes the create."""
    try:
        with forbidden_as(INSUFFICIENT):
            jatko.record(session, actor, hoks_id, earlier_id, deps)
    except ValidationFailed as exc:
        raise ContinuationNotRecorded() from exc
