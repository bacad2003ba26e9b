"""What the HOKS form's routes (``virkailija_lomake.py``) share apart from routing: one showing
of the form and its rendering, the add and remove buttons, the service's refusals placed at a
field, and the edit's PUT body. No router lives here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ehoks.access.actor import OfficialActor
from ehoks.access.errors import NotPermitted
from ehoks.access.policy import is_superuser
from ehoks.context.request import AppState
from ehoks.errors import BadRequest, RegistryUnavailable
from ehoks.hoks.service.documents import KEPT_ON_PUT
from ehoks.kernel.clock import today_in_finland
from ehoks.virkailija import service as virkailija
from ehoks.web.i18n import N_, text_in
from ehoks.web.lomake import kentat, koodit, luonnos, muutokset
from ehoks.web.lomake.jatko import Jatko
from ehoks.web.lomake.kentat import Variant
from ehoks.web.lomake.virheet import Virhe
from ehoks.web.render import language_of, page
from ehoks.web.routes import virkailija_lomake_tekstit as t
from ehoks.web.routes.virkailija_common import APP, official_context
from ehoks.web.routes.virkailija_jatko_tekstit import notice, origin_note
from ehoks.web.routes.virkailija_lomake_nakyma import (
    Rakentaja,
    Sanat,
    change_rows,
    error_texts,
)

NEW_HEADING = N_("Uusi HOKS")
EDIT_HEADING = N_("Muokkaa HOKSia")


def edit_path(oppija_oid: str, hoks_id: int) -> str:
    return f"{APP}/hoks/{oppija_oid}/{hoks_id}"


def hoks_page_path(oppija_oid: str, hoks_id: int) -> str:
    """The official's HOKS page (the HOKS pages' address)."""
    return f"{APP}/oppija/{oppija_oid}/hoks/{hoks_id}"


@dataclass
class Lomake:
    """One showing of the form."""

    variant: Variant
    draft: luonnos.Draft
    action: str
    koodit: koodit.Koodit
    pohjaversio: int | None = None
    virheet: list[Virhe] = field(default_factory=list)
    form_error: str | None = None
    saved: str | None = None
    conflict: list[muutokset.Muutos] | None = None
    oppija_oid: str | None = None
    hoks_id: int | None = None
    oppija_nimi: str | None = None
    jatko: Jatko | None = None
    """The form was started from an earlier plan: where its items came from."""


def load_koodit(request: Request, state: AppState, variant: Variant) -> koodit.Koodit:
    return koodit.load(
        state.runtime.registries,
        kentat.koodistot(variant),
        language_of(request),
        today_in_finland(),
    )


def render(
    request: Request, state: AppState, actor: OfficialActor, lomake: Lomake, status_code: int = 200
) -> HTMLResponse:
    sanat = Sanat(language_of(request))
    at_fields, summary = error_texts(lomake.virheet, sanat, lomake.variant)
    rakentaja = Rakentaja(
        sanat,
        lomake.koodit,
        at_fields,
        lomake.variant,
        lomake.action,
        organisation=organisation_names(state, sanat.lang),
        origin=origin_note(lomake.jatko, sanat) if lomake.jatko else lambda _key, _item: None,
    )
    steps = rakentaja.steps(lomake.draft)
    new = lomake.variant == "post"
    hoks_url = (
        hoks_page_path(lomake.oppija_oid, lomake.hoks_id)
        if lomake.oppija_oid and lomake.hoks_id
        else None
    )
    context = official_context(
        request,
        state,
        actor,
        section="uusi" if new else None,
        heading=sanat(NEW_HEADING if new else EDIT_HEADING),
        oppija_nimi=lomake.oppija_nimi,
        action=lomake.action,
        steps=steps,
        summary=summary,
        form_error=sanat(lomake.form_error) if lomake.form_error else None,
        saved=lomake.saved,
        hoks_url=hoks_url,
        cancel_url=hoks_url or f"{APP}/",
        pohjaversio=lomake.pohjaversio,
        conflict=(
            change_rows(lomake.conflict, sanat, rakentaja) if lomake.conflict is not None else None
        ),
        jatko=(
            notice(
                lomake.jatko,
                sanat,
                lambda code: _code_name(rakentaja, code),
                hoks_page_path(str(lomake.draft.get("oppija-oid", "")), lomake.jatko.hoks_id),
            )
            if lomake.jatko
            else None
        ),
        datalists=[
            {"id": f"koodit-{uri}", "options": lomake.koodit.lists[uri].offered}
            for uri in sorted(rakentaja.datalists)
        ],
    )
    return page(request, "virkailija/lomake/lomake.html", context, status_code=status_code)


def _code_name(rakentaja: Rakentaja, code: str) -> str:
    """A left-out item's code by its name (a local unit is named by its own name)."""
    koodisto = code.split("_", 1)[0] if "_" in code else None
    if koodisto is not None and koodisto in rakentaja.koodit.lists:
        return rakentaja.code_name(koodisto, code)
    return code


def organisation_names(state: AppState, lang: str) -> Callable[[str], str | None]:
    """Names of the organisations the form names by OID, each asked once; none when the registry
    does not know one or does not answer (the OID is what counts)."""
    known: dict[str, str | None] = {}

    def name(oid: str) -> str | None:
        if oid not in known:
            try:
                organisaatio = state.runtime.registries.organisaatio.get_organisaatio(oid)
            except RegistryUnavailable:
                organisaatio = None
            known[oid] = text_in(organisaatio.nimi, lang) or None if organisaatio else None
        return known[oid]

    return name


def edit_parts(posted: list[tuple[str, str]], draft: luonnos.Draft, variant: Variant) -> bool:
    """Add or remove a repeated part when one of those buttons sent the form (only the button
    pressed is posted); True when one did."""
    values = dict(posted)
    if "lisaa" in values:
        luonnos.add_item(draft, values["lisaa"], variant)
        return True
    if "poista" in values:
        luonnos.remove_item(draft, values["poista"], variant)
        return True
    return False


def may_create(actor: OfficialActor) -> bool:
    """Whether the official may write anywhere; the service decides on the study right's own
    organisation when the form is saved."""
    return is_superuser(actor) or any("write" in grant.privileges for grant in actor.grants)


def require_creator(actor: OfficialActor) -> None:
    if not may_create(actor):
        raise NotPermitted(virkailija.INSUFFICIENT_TO_CREATE)


def service_error(exc: BadRequest | NotPermitted) -> Virhe | None:
    """A refusal about the study right, shown at its field."""
    name = type(exc).__name__
    if name not in t.SERVICE_ERRORS:
        return None
    return Virhe("opiskeluoikeus-oid", name, "HOKS", "opiskeluoikeus-oid")


def put_body(
    draft: luonnos.Draft, stored: dict[str, Any], hoks_id: int, known: koodit.Koodit
) -> dict[str, Any]:
    body = {
        "id": hoks_id,
        **luonnos.to_document(draft, "put", latest_versio=known.latest_versions()),
    }
    # A PUT keeps these stored values when left out (defect D6, kept for the API's clients); a
    # cleared text is sent empty so that clearing it on the form clears it.
    for key in KEPT_ON_PUT:
        kentta = kentat.field_of("HOKS", key, "put")
        if key not in body and stored.get(key) and kentta is not None and kentta.type == "Str":
            body[key] = ""
    return body
