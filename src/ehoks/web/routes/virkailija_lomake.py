"""Entering and correcting a HOKS by hand: the create form at the original's ``/luohoks`` and
the edit form at ``/hoks/{oppija_oid}/{hoks_id}``.

The form covers the whole data model (``web.lomake``). Saving goes through the officials' use
cases (``ehoks.virkailija.service.prepare_create`` / ``update_hoks``), so the access policy, the
audit trail and the API's own validation decide; each problem the validation reports is shown at
its field in the page's language, with everything typed kept and nothing stored. Edits carry the
version they started from: a save over a newer version is refused (``If-Match``) and the page
shows what changed meanwhile, with the official's values still on the form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ehoks.access.actor import OfficialActor
from ehoks.access.errors import NotPermitted
from ehoks.api.params import HoksId
from ehoks.auth.people import Official, OfficialContext
from ehoks.context import UseCase
from ehoks.context.request import AppState, State
from ehoks.errors import BadRequest, RegistryUnavailable, ValidationFailed
from ehoks.hoks import service as hoks_service
from ehoks.hoks.errors import HoksVersionConflict, HoksVersionNotFound
from ehoks.hoks.models import Hoks
from ehoks.hoks.schemas import validate_hoks
from ehoks.hoks.service.common import decide_on, etag
from ehoks.jatko.service import prepare_record
from ehoks.kernel.oids import is_oppija_oid
from ehoks.virkailija import service as virkailija
from ehoks.web.lomake import jatko as lomake_jatko
from ehoks.web.lomake import kentat, luonnos, muutokset
from ehoks.web.lomake.virheet import place_all
from ehoks.web.render import page
from ehoks.web.routes import virkailija_lomake_tekstit as t
from ehoks.web.routes.virkailija_common import APP, official_context
from ehoks.web.routes.virkailija_jatko import draft_for_form, record_continuation
from ehoks.web.routes.virkailija_lomake_sivu import (
    Lomake,
    edit_parts,
    edit_path,
    hoks_page_path,
    load_koodit,
    put_body,
    render,
    require_creator,
    service_error,
)

router = APIRouter(include_in_schema=False)

NEW = f"{APP}/luohoks"
EDIT = f"{APP}/hoks/{{oppija_oid}}/{{hoks_id}}"
MAX_FIELDS = 20_000  # a large HOKS has thousands of inputs; Starlette's default is 1000

OppijaOid = Annotated[str, Path(max_length=64, description="The learner's oppija OID")]


async def _posted(request: Request) -> list[tuple[str, str]]:
    # Declared before the session dependency, which reads the form too (for its CSRF field):
    # the form is parsed once, with room for a large HOKS.
    form = await request.form(max_fields=MAX_FIELDS)
    return [(name, value) for name, value in form.multi_items() if isinstance(value, str)]


Posted = Annotated[list[tuple[str, str]], Depends(_posted)]


# Creating.


@router.get(NEW, response_class=HTMLResponse)
def new_hoks(
    request: Request,
    actor: Official,
    state: State,
    ctx: OfficialContext,
    oppija: Annotated[str | None, Query(alias="oppija-oid", max_length=64)] = None,
    opiskeluoikeus: Annotated[str | None, Query(alias="opiskeluoikeus-oid", max_length=64)] = None,
    jatkaa: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """An empty form, or (``jatkaa``) one filled from the learner's earlier plan for the new
    study right ``opiskeluoikeus-oid``, each carried item marked with where it came from."""
    require_creator(actor)
    if jatkaa is not None:
        draft, jatko = draft_for_form(state, ctx, actor, jatkaa, opiskeluoikeus or "")
        lomake = Lomake("post", draft, NEW, load_koodit(request, state, "post"), jatko=jatko)
        return render(request, state, actor, lomake)
    draft = luonnos.empty(variant="post")
    draft["oppija-oid"] = oppija or ""
    draft["opiskeluoikeus-oid"] = opiskeluoikeus or ""
    lomake = Lomake("post", draft, NEW, load_koodit(request, state, "post"))
    return render(request, state, actor, lomake)


@router.post(NEW, response_class=HTMLResponse)
def create_hoks(
    request: Request, posted: Posted, actor: Official, state: State, ctx: OfficialContext
) -> Response:
    require_creator(actor)
    draft = luonnos.from_form(posted, "post")
    jatko = lomake_jatko.loads(posted)
    lomake = Lomake("post", draft, NEW, load_koodit(request, state, "post"), jatko=jatko)
    if edit_parts(posted, draft, "post"):
        return render(request, state, actor, lomake)
    body = luonnos.to_document(draft, "post", latest_versio=lomake.koodit.latest_versions())
    try:
        written = _create(state, ctx, actor, body, jatko.hoks_id if jatko else None)
    except ValidationFailed as exc:
        lomake.virheet = place_all(exc.problems, "post")
        return render(request, state, actor, lomake, 400)
    except NotPermitted as exc:
        lomake.virheet = [v for v in (service_error(exc),) if v]
        return render(request, state, actor, lomake, 403)
    except BadRequest as exc:
        placed = service_error(exc)
        lomake.virheet = [placed] if placed else []
        lomake.form_error = None if placed else t.NOT_SAVED
        return render(request, state, actor, lomake, 400)
    target = f"{edit_path(body['oppija-oid'], written.hoks_id)}?tallennettu=luotu"
    return RedirectResponse(target, status_code=303)


def _create(
    state: AppState,
    ctx: UseCase,
    actor: OfficialActor,
    body: dict[str, Any],
    jatkaa: int | None,
) -> hoks_service.Written:
    oppija = body.get("oppija-oid")
    if not is_oppija_oid(oppija):
        # The learner names the API's path; without a valid one every other problem is still
        # reported at once, by the same validation.
        validate_hoks(body, method="post", virkailija=True)
    prepared = virkailija.prepare_create(actor, str(oppija), body, ctx)
    if jatkaa is not None:
        prepare_record(ctx, jatkaa, prepared.document["oppija-oid"])

    def apply(session: Session) -> hoks_service.Written:
        written = virkailija.apply_create(session, actor, prepared, ctx)
        if jatkaa is not None:
            # Started from an earlier plan: which one it continues, in the same transaction.
            record_continuation(session, actor, written.hoks_id, jatkaa, ctx)
        return written

    return ctx.write(apply)


# Editing.


def _editable(
    session: Any, actor: OfficialActor, oppija_oid: str, hoks_id: int, deps: UseCase
) -> tuple[Hoks, dict[str, Any]]:
    """The HOKS (an audited read) if the official may also change it."""
    hoks, view = virkailija.get_hoks(session, actor, oppija_oid, hoks_id, deps)
    with virkailija.forbidden_as(virkailija.INSUFFICIENT):
        decide_on(session, actor, "update", hoks, deps)
    return hoks, view


def _oppija_nimi(state: AppState, oppija_oid: str) -> str | None:
    try:
        henkilo = state.runtime.registries.onr.get_henkilo(oppija_oid)
    except RegistryUnavailable:
        return None
    return henkilo.nimi if henkilo is not None else None


def _locked(
    request: Request,
    state: AppState,
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
    *,
    posted: bool,
) -> HTMLResponse:
    """A HOKS from a provider's own system is edited there, not here (as the original)."""
    context = official_context(
        request, state, actor, hoks_url=hoks_page_path(oppija_oid, hoks_id), posted=posted
    )
    return page(
        request, "virkailija/lomake/lukittu.html", context, status_code=409 if posted else 200
    )


@router.get(EDIT, response_class=HTMLResponse)
def edit_hoks(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
    tallennettu: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    with ctx.read() as session:
        hoks, view = _editable(session, actor, oppija_oid, hoks_id, ctx)
    if not hoks.manuaalisyotto:
        return _locked(request, state, actor, oppija_oid, hoks_id, posted=False)
    lomake = Lomake(
        "put",
        luonnos.from_document(view, "put"),
        edit_path(oppija_oid, hoks_id),
        load_koodit(request, state, "put"),
        pohjaversio=hoks.version,
        saved=tallennettu if tallennettu in ("luotu", "muokattu") else None,
        oppija_oid=oppija_oid,
        hoks_id=hoks_id,
        oppija_nimi=_oppija_nimi(state, oppija_oid),
    )
    return render(request, state, actor, lomake)


@router.post(EDIT, response_class=HTMLResponse)
def save_hoks(
    request: Request,
    posted: Posted,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> Response:
    with ctx.read() as session:
        hoks, view = _editable(session, actor, oppija_oid, hoks_id, ctx)
    if not hoks.manuaalisyotto:
        return _locked(request, state, actor, oppija_oid, hoks_id, posted=True)
    draft = luonnos.from_form(posted, "put")
    for key in kentat.FIXED_ON_EDIT:
        draft[key] = str(view.get(key) or "")  # never what a form claims
    base = _version(dict(posted).get("pohjaversio"))
    lomake = Lomake(
        "put",
        draft,
        edit_path(oppija_oid, hoks_id),
        load_koodit(request, state, "put"),
        pohjaversio=base,
        oppija_oid=oppija_oid,
        hoks_id=hoks_id,
        oppija_nimi=_oppija_nimi(state, oppija_oid),
    )
    if edit_parts(posted, draft, "put"):
        return render(request, state, actor, lomake)
    body = put_body(draft, view, hoks_id, lomake.koodit)
    try:
        hoks_service.prepare_write(ctx, hoks_id, body)
        ctx.write(
            lambda session: virkailija.update_hoks(
                session,
                actor,
                oppija_oid,
                hoks_id,
                body,
                ctx,
                method="put",
                if_match=etag(base or 0),
            )
        )
    except HoksVersionConflict:
        return _conflict(request, state, ctx, actor, lomake)
    except ValidationFailed as exc:
        lomake.virheet = place_all(exc.problems, "put")
        return render(request, state, actor, lomake, 400)
    except BadRequest as exc:
        placed = service_error(exc)
        lomake.virheet = [placed] if placed else []
        lomake.form_error = None if placed else t.NOT_SAVED
        return render(request, state, actor, lomake, 400)
    return RedirectResponse(f"{edit_path(oppija_oid, hoks_id)}?tallennettu=muokattu", 303)


def _version(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _conflict(
    request: Request, state: AppState, ctx: UseCase, actor: OfficialActor, lomake: Lomake
) -> HTMLResponse:
    """Someone saved first: what changed since the version the official started from, and the
    form again with their values, now over the newest version."""
    assert lomake.oppija_oid is not None
    assert lomake.hoks_id is not None
    with ctx.read() as session:
        hoks, current = virkailija.get_hoks(session, actor, lomake.oppija_oid, lomake.hoks_id, ctx)
        try:
            before = (
                hoks_service.get_version(session, actor, hoks.id, lomake.pohjaversio, ctx)
                if lomake.pohjaversio
                else None
            )
        except HoksVersionNotFound:
            before = None
    luonnos.forget_module_ids(lomake.draft, luonnos.module_ids(current))
    lomake.conflict = muutokset.between(before, current, "put") if before is not None else []
    lomake.pohjaversio = hoks.version
    return render(request, state, actor, lomake, 409)
