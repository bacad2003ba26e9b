"""Use cases of sharing and consent (law 531/2017 § 109 a, 4th paragraph). They never commit.

Only the student who owns a HOKS shares (``jakolinkki``: one learning period, demonstration or
unit to acquire) or consents (``suostumus``: the whole HOKS or chosen parts, for a stated
purpose), lists, extends and revokes (the original let any learner, D9). The recipient, logged in
by e-mail at the address the share was sent to, reads a view cut by ``scoped_view``, audited with
the share as legal basis. Shares name parts by ``module-id`` (DESIGN D3), so they survive a PUT
that keeps the part and grant nothing once a PUT removes it. Revoking keeps the row, so the
audit trail and the recipient's 410 keep their meaning. Providers record the e-mail addresses of
working-life assessors named in demonstrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor, EmailActor, StudentActor, normalise_email
from ehoks.access.errors import NotOwnHoks, NotPermitted
from ehoks.access.policy import Access
from ehoks.auth import email_login
from ehoks.context import UseCase
from ehoks.hoks.errors import HoksNotFound, PartNotFound
from ehoks.hoks.models import Hoks
from ehoks.hoks.parts import find
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.scoped import ROOT_FIELDS, module_ids, scoped_view
from ehoks.hoks.service.common import decide_on, full_view, load_with_access
from ehoks.kernel.clock import now_utc, today_in_finland
from ehoks.kernel.ids import new_uuid
from ehoks.mail.messages import LinkMailExtra, ShareKind, share_notice_mail
from ehoks.mail.outbox import enqueue_mail
from ehoks.oppijaindex.repository import OppijaIndexRepository
from ehoks.sharing import schemas
from ehoks.sharing.errors import (
    AssessorNotFound,
    JakoNotFound,
    LinkRecentlySent,
    OtherRecipient,
    Revoked,
    SharedPartGone,
    field_error,
)
from ehoks.sharing.models import ArvioijaYhteystieto, Jako
from ehoks.sharing.repository import ArvioijaRepository, JakoRepository
from ehoks.sharing.schemas import JAKOLINKKI, SUOSTUMUS, UNIT_TYPES

# The "send a new login link" button can be pressed by whoever holds the page's address.
RESEND_INTERVAL_MINUTES = 5
LINK_PATH = "/ehoks/sahkoposti"

OWN = "own"


@dataclass(frozen=True)
class Opened:
    """What a recipient sees of one share or consent: ``data`` is the API's body, ``document``
    the HOKS cut down to what was shared (what the page renders)."""

    jako: Jako
    hoks: Hoks
    data: dict[str, Any]
    document: dict[str, Any]


# Student: shares.


def create_share(session: Session, actor: StudentActor, body: Any, deps: UseCase) -> Jako:
    """A share of one part of the student's own HOKS; mails the recipient a login link."""
    data = schemas.parse(schemas.ShareCreate, body)
    hoks, _ = _own_hoks(session, actor, body, data.hoks_id, data.hoks_eid, deps)
    today = today_in_finland()
    schemas.check_window(body, data.voimassaolo_alku, data.voimassaolo_loppu, today, consent=False)
    unit, unit_kind = schemas.shareable(hoks.document, data, body)
    jako = _add(
        session,
        hoks,
        data,
        laji=JAKOLINKKI,
        module_ids=[data.shared_module_uuid],
        kohde_tyyppi=data.shared_module_tyyppi,
        details={
            "tutkinnonosa-module-uuid": unit.get("module-id"),
            "tutkinnonosa-tyyppi": UNIT_TYPES[unit_kind],
        },
    )
    _audit_owner(deps, "share", hoks, jako)
    _notify(session, jako, _student_name(session, actor, hoks), deps)
    return jako


def update_share(
    session: Session, actor: StudentActor, jako_id: str, body: Any, deps: UseCase
) -> Jako:
    """Move the window of the owner's share (extend or shorten); a revoked one stays revoked."""
    data = schemas.parse(schemas.ShareUpdate, body)
    if data.voimassaolo_alku is None and data.voimassaolo_loppu is None:
        raise field_error(body, ("voimassaolo-loppu",), "anna voimassaolo-alku tai -loppu")
    jako, hoks = _own_jako(session, actor, jako_id, JAKOLINKKI, deps)
    if jako.revoked_at is not None:
        raise Revoked()
    alku = data.voimassaolo_alku or jako.voimassaolo_alku
    loppu = data.voimassaolo_loppu or jako.voimassaolo_loppu
    schemas.check_window(body, alku, loppu, today_in_finland(), consent=False)
    before = {
        "voimassaolo-alku": jako.voimassaolo_alku,
        "voimassaolo-loppu": jako.voimassaolo_loppu,
    }
    jako.voimassaolo_alku, jako.voimassaolo_loppu = alku, loppu
    jako.updated_at = now_utc()
    session.flush()
    _audit_owner(
        deps, "share-update", hoks, jako, aiempi={k: v.isoformat() for k, v in before.items()}
    )
    return jako


def revoke(session: Session, actor: StudentActor, jako_id: str, laji: str, deps: UseCase) -> Jako:
    """Revoke the owner's share or consent at once; revoking again changes nothing."""
    jako, hoks = _own_jako(session, actor, jako_id, laji, deps)
    if jako.revoked_at is None:
        jako.revoked_at = jako.updated_at = now_utc()
        session.flush()
        _audit_owner(deps, "share-revoke" if laji == JAKOLINKKI else "consent-revoke", hoks, jako)
    return jako


def list_for_hoks(
    session: Session, actor: StudentActor, hoks_ref: str, deps: UseCase
) -> dict[str, list[dict[str, Any]]]:
    """Every share and consent of one of the student's HOKSes, revoked and expired included.
    ``hoks_ref`` is the HOKS's ``eid`` (what students see) or its numeric id."""
    numeric = hoks_ref.isdigit()
    hoks, access = _own_hoks(
        session,
        actor,
        None,
        int(hoks_ref) if numeric else None,
        None if numeric else hoks_ref,
        deps,
    )
    today = today_in_finland()
    present = module_ids(hoks.document)
    jakolinkit, suostumukset = [], []
    for jako in JakoRepository(session).for_hoks(hoks.id):
        if jako.laji == JAKOLINKKI:
            exists = set(jako.module_ids) <= present
            jakolinkit.append(schemas.share_out(jako, today, exists=exists))
        else:
            missing = [m for m in jako.module_ids if m not in present]
            suostumukset.append(schemas.consent_out(jako, today, missing=missing))
    deps.audit("read", hoks, access, details={"view": "jaot"})
    return {"jakolinkit": jakolinkit, "suostumukset": suostumukset}


def list_for_module(
    session: Session, actor: StudentActor, module_id: str, deps: UseCase
) -> list[dict[str, Any]]:
    """The owner's unrevoked share links of one part (the original's ``GET /moduulit/…``, but
    only the caller's own: a part of someone else's HOKS is not found)."""
    if actor.oppija_oid is None:
        raise NotOwnHoks()
    for hoks in HoksRepository(session).list_by_oppija(actor.oppija_oid):
        if find(hoks.document, module_id) is None:
            continue
        access = decide_on(session, actor, "share", hoks, deps)
        today = today_in_finland()
        found = [
            schemas.share_out(jako, today)
            for jako in JakoRepository(session).for_hoks(hoks.id)
            if jako.laji == JAKOLINKKI and module_id in jako.module_ids and not jako.revoked_at
        ]
        deps.audit("read", hoks, access, part=module_id, details={"view": "jaot"})
        return found
    raise PartNotFound(module_id)


# Student: consents.


def create_consent(session: Session, actor: StudentActor, body: Any, deps: UseCase) -> Jako:
    """A specific consent to disclose the whole HOKS (``module-ids`` empty) or chosen parts to a
    named party for a stated purpose; mails the recipient a login link."""
    data = schemas.parse(schemas.ConsentCreate, body)
    hoks, _ = _own_hoks(session, actor, body, data.hoks_id, data.hoks_eid, deps)
    schemas.check_window(
        body, data.voimassaolo_alku, data.voimassaolo_loppu, today_in_finland(), consent=True
    )
    present = module_ids(hoks.document)
    for index, module_id in enumerate(data.module_ids):
        if module_id not in present:
            raise field_error(body, ("module-ids", index), "tässä HOKSissa ei ole tätä osaa")
    jako = _add(
        session,
        hoks,
        data,
        laji=SUOSTUMUS,
        module_ids=list(dict.fromkeys(data.module_ids)),
        tarkoitus=data.tarkoitus,
    )
    _audit_owner(deps, "consent", hoks, jako)
    _notify(session, jako, _student_name(session, actor, hoks), deps)
    return jako


# Recipient.


def peek(session: Session, jako_id: str) -> Jako:
    """The share behind a page address, if in force (for a visitor not yet logged in)."""
    jako = JakoRepository(session).get(jako_id)
    if jako is None:
        raise JakoNotFound()
    schemas.check_open(jako, today_in_finland())
    return jako


def open_jako(
    session: Session, actor: Actor, jako_id: str, deps: UseCase, *, laji: str | None = None
) -> Opened:
    """What the recipient sees of a share (``laji`` jakolinkki) or consent (suostumus), or of
    either (None). Raises 404, 410/423 outside the window, 403 for another address."""
    jako = JakoRepository(session).get(jako_id)
    if jako is None or (laji is not None and jako.laji != laji):
        raise JakoNotFound(laji or JAKOLINKKI)
    hoks = HoksRepository(session).get(jako.hoks_id)
    if hoks is not None:
        # Refused attempts on a known share are audited too: the student sees who tried.
        deps.audit_target(hoks, jako.module_ids[0] if len(jako.module_ids) == 1 else None)
    schemas.check_open(jako, today_in_finland())
    if not isinstance(actor, EmailActor):
        raise NotPermitted("Log in with the link sent to your e-mail address")
    if normalise_email(actor.sahkoposti) != jako.vastaanottaja_sahkoposti:
        raise OtherRecipient()
    if hoks is None:
        raise SharedPartGone()
    # The policy decides on everything the address holds; this read is by this share alone.
    access = decide_on(session, actor, "read", hoks, deps)
    if not access.whole and not (access.parts and set(jako.module_ids) <= access.parts):
        raise NotPermitted()
    names = _names(session, hoks)
    window = {
        "voimassaolo-alku": jako.voimassaolo_alku.isoformat(),
        "voimassaolo-loppu": jako.voimassaolo_loppu.isoformat(),
    }
    parts = frozenset(jako.module_ids)
    view = full_view(hoks)
    document = scoped_view(view, parts) if parts else view
    if parts and set(document) <= set(ROOT_FIELDS):
        raise SharedPartGone()
    if jako.laji == JAKOLINKKI:
        data = {"share-id": jako.id, **names, **window, **schemas.shared_view(jako, document)}
        basis, part = "share", jako.module_ids[0]
    else:
        data = {
            "suostumus-id": jako.id,
            **names,
            **window,
            "tarkoitus": jako.tarkoitus,
            "koko-hoks": not parts,
            "hoks": document,
        }
        basis, part = "consent", None
    deps.audit(
        "read", hoks, Access(basis, parts or None, jako.id), part=part, details={"laji": jako.laji}
    )
    return Opened(jako, hoks, data, document)


def send_login_link(session: Session, jako_id: str, deps: UseCase) -> str:
    """Mail a new login link to the share's own recipient (never to an address the visitor
    types); returns the address masked for the page."""
    jako = peek(session, jako_id)
    now = now_utc()
    since = now - timedelta(minutes=RESEND_INTERVAL_MINUTES)
    if JakoRepository(session).login_links_since(jako.id, since):
        raise LinkRecentlySent(RESEND_INTERVAL_MINUTES)
    oppija = OppijaIndexRepository(session).oppija(jako.oppija_oid)
    extra: LinkMailExtra = {"valid_from": jako.voimassaolo_alku, "valid_to": jako.voimassaolo_loppu}
    if oppija is not None and oppija.nimi:
        extra["sharer_name"] = oppija.nimi
    _start_login(session, jako, deps, extra)
    return email_login.mask_address(jako.vastaanottaja_sahkoposti)


# Provider: assessors' contact addresses.


def list_assessors(
    session: Session, actor: Actor, hoks_id: int, module_id: str, deps: UseCase
) -> list[ArvioijaYhteystieto]:
    hoks, access = load_with_access(session, actor, hoks_id, "read", deps)
    _naytto(hoks, module_id, None)
    rows = list(ArvioijaRepository(session).for_naytto(hoks.id, module_id))
    deps.audit("read", hoks, access, part=module_id, details={"view": "arvioijat"})
    return rows


def add_assessor(
    session: Session, actor: Actor, hoks_id: int, module_id: str, body: Any, deps: UseCase
) -> tuple[ArvioijaYhteystieto, bool]:
    """Record the address of a working-life assessor named in the demonstration; a second
    address for the same name replaces the first. Returns the row and whether it is new."""
    hoks, access = load_with_access(session, actor, hoks_id, "update", deps)
    data = schemas.parse(schemas.AssessorContact, body)
    naytto = _naytto(hoks, module_id, body)
    named = [a.get("nimi") for a in naytto.get("tyoelama-osaamisen-arvioijat") or []]
    nimi = next((n for n in named if isinstance(n, str) and _same_name(n, data.nimi)), None)
    if nimi is None:
        raise field_error(body, ("nimi",), "näytön työelämän arvioijissa ei ole tämän nimistä")
    repository = ArvioijaRepository(session)
    existing = [row for row in repository.for_naytto(hoks.id, module_id) if row.nimi == nimi]
    details = {"nimi": nimi, "sahkoposti": data.sahkoposti}
    if existing:
        existing[0].sahkoposti = data.sahkoposti
        deps.audit("assessor-update", hoks, access, part=module_id, details=details)
        return existing[0], False
    row = repository.add(
        ArvioijaYhteystieto(
            hoks_id=hoks.id,
            naytto_module_id=module_id,
            nimi=nimi,
            sahkoposti=data.sahkoposti,
            created_at=now_utc(),
            created_by=actor.audit_id[:128],
        )
    )
    deps.audit("assessor-add", hoks, access, part=module_id, details=details)
    return row, True


def remove_assessor(
    session: Session, actor: Actor, hoks_id: int, module_id: str, arvioija_id: int, deps: UseCase
) -> None:
    # The demonstration may be gone already (a PUT dropped it): its addresses can still go.
    hoks, access = load_with_access(session, actor, hoks_id, "update", deps)
    repository = ArvioijaRepository(session)
    row = next((r for r in repository.for_naytto(hoks.id, module_id) if r.id == arvioija_id), None)
    if row is None:
        raise AssessorNotFound(arvioija_id)
    details = {"nimi": row.nimi, "sahkoposti": row.sahkoposti}
    repository.remove(row)
    deps.audit("assessor-remove", hoks, access, part=module_id, details=details)


# Helpers.


def _own_hoks(
    session: Session,
    actor: StudentActor,
    body: Any,
    hoks_id: int | None,
    hoks_eid: str | None,
    deps: UseCase,
) -> tuple[Hoks, Access]:
    if (hoks_id is None) == (hoks_eid is None):
        raise field_error(body, ("hoks-eid",), "anna joko hoks-eid tai hoks-id")
    if hoks_eid is not None:
        hoks_id = JakoRepository(session).hoks_id_by_eid(hoks_eid)
        if hoks_id is None:
            raise HoksNotFound()
    assert hoks_id is not None
    return load_with_access(session, actor, hoks_id, "share", deps)


def _add(session: Session, hoks: Hoks, data: schemas.NewJako, **fields: Any) -> Jako:
    jako = schemas.new_jako(new_uuid(), hoks.id, hoks.oppija_oid, data, now_utc(), **fields)
    return JakoRepository(session).add(jako)


def _own_jako(
    session: Session, actor: StudentActor, jako_id: str, laji: str, deps: UseCase
) -> tuple[Jako, Hoks]:
    jako = JakoRepository(session).get(jako_id, for_update=True)
    if jako is None or jako.laji != laji:
        raise JakoNotFound(laji)
    # A deleted HOKS grants nothing, but its owner may still tidy its shares up.
    hoks, _ = load_with_access(session, actor, jako.hoks_id, "share", deps, include_deleted=True)
    return jako, hoks


def _names(session: Session, hoks: Hoks) -> dict[str, Any]:
    """The student's name and qualification from the index. Not the OID: the recipient needs to
    know whose plan this is, not the national person identifier (data minimisation)."""
    index = OppijaIndexRepository(session)
    oppija = index.oppija(hoks.oppija_oid)
    opiskeluoikeus = index.opiskeluoikeus(hoks.opiskeluoikeus_oid)
    return {
        "oppija-nimi": oppija.nimi if oppija is not None else None,
        "tutkinto-nimi": opiskeluoikeus.tutkinto_nimi if opiskeluoikeus is not None else {},
        "osaamisala-nimi": opiskeluoikeus.osaamisala_nimi if opiskeluoikeus is not None else {},
    }


def _student_name(session: Session, actor: StudentActor, hoks: Hoks) -> str:
    if actor.name.strip():
        return actor.name.strip()
    oppija = OppijaIndexRepository(session).oppija(hoks.oppija_oid)
    return oppija.nimi if oppija is not None and oppija.nimi else "Opiskelija"


def _audit_owner(deps: UseCase, operation: str, hoks: Hoks, jako: Jako, **extra: Any) -> None:
    """The student's own act on a share: who it is for and when, never HOKS content."""
    details = {**schemas.audit_details(jako), **extra}
    part = jako.module_ids[0] if len(jako.module_ids) == 1 else None
    deps.audit(operation, hoks, Access(OWN, None, jako.id), part=part, details=details)


def _notify(session: Session, jako: Jako, student_name: str, deps: UseCase) -> None:
    """Write the recipient's mail to the outbox in the share's transaction: the share and its
    mail are saved together or not at all, and the worker sends it after the commit."""
    link = email_login.create_link(
        session,
        sahkoposti=jako.vastaanottaja_sahkoposti,
        purpose="jako",
        target=jako.id,
        link_base_url=f"{deps.settings.public_url}{LINK_PATH}",
        settings=deps.settings.email_login,
        now=now_utc(),
    ).url
    kind = cast(ShareKind, jako.kohde_tyyppi or "suostumus")
    enqueue_mail(
        session,
        share_notice_mail(
            jako.vastaanottaja_sahkoposti,
            link,
            student_name,
            jako.voimassaolo_alku,
            jako.voimassaolo_loppu,
            kind,
        ),
    )


def _start_login(
    session: Session, jako: Jako, deps: UseCase, extra: LinkMailExtra | None = None
) -> str:
    """A login link to the share's recipient, landing on the share; returns the links' base."""
    base_url = f"{deps.settings.public_url}{LINK_PATH}"
    email_login.start(
        session,
        sahkoposti=jako.vastaanottaja_sahkoposti,
        purpose="jako",
        target=jako.id,
        link_base_url=base_url,
        settings=deps.settings.email_login,
        now=now_utc(),
        mail_extra=extra,
    )
    return base_url


def _naytto(hoks: Hoks, module_id: str, body: Any) -> dict[str, Any]:
    ref = find(hoks.document, module_id)
    if ref is None:
        raise PartNotFound(module_id)
    if ref.kind != "osaamisen-osoittaminen":
        raise field_error(body, ("module-id",), "osa ei ole näyttö (osaamisen-osoittaminen)")
    return ref.part


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
