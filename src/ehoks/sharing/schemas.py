"""Request bodies and response shapes of sharing and consent.

Keys are kebab-case Finnish as in the rest of the eHOKS API; the share body keeps the original's
keys (reference 5.11) and adds the named recipient. Responses are plain dicts built here, so the
routes and the service agree on one shape.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from ehoks.auth.email_login import normalise_address
from ehoks.errors import ValidationFailed
from ehoks.hoks.parts import CHILDREN, find
from ehoks.hoks.schemas.errors import NOT_AN_OBJECT, error_tree
from ehoks.hoks.schemas.primitives import Int, LocalDate, NonEmptyStr, Uuid, format_instant
from ehoks.mail.errors import InvalidEmailAddress
from ehoks.sharing.errors import (
    EndBeforeStart,
    EndDateInPast,
    Expired,
    NotYetActive,
    Revoked,
    SharedPartGone,
    field_error,
)
from ehoks.sharing.models import ArvioijaYhteystieto, Jako

JAKOLINKKI = "jakolinkki"
SUOSTUMUS = "suostumus"

KohdeTyyppi = Literal["osaamisenhankkiminen", "osaamisenosoittaminen", "tutkinnonosa"]

# Part kinds of the units to acquire (hankittavat) → the original's type names. The whole common
# unit (HankittavaYhteinenTutkinnonOsa) is ours: the original could share only below it.
UNIT_TYPES: dict[str, str] = {
    "hankittava-ammat-tutkinnon-osa": "HankittavaAmmatillinenTutkinnonOsa",
    "hankittava-paikallinen-tutkinnon-osa": "HankittavaPaikallinenTutkinnonOsa",
    "hankittavan-yto-osa-alue": "HankittavaYTOOsaAlue",
    "hankittava-yhteinen-tutkinnon-osa": "HankittavaYhteinenTutkinnonOsa",
}
TutkinnonosaTyyppi = Literal[
    "HankittavaAmmatillinenTutkinnonOsa",
    "HankittavaPaikallinenTutkinnonOsa",
    "HankittavaYTOOsaAlue",
    "HankittavaYhteinenTutkinnonOsa",
]
# What each share kind may point at: the part's kind.
SHARED_KINDS: dict[str, str] = {
    "osaamisenhankkiminen": "osaamisen-hankkimistapa",
    "osaamisenosoittaminen": "osaamisen-osoittaminen",
}

_ADDRESS = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def _address(value: str) -> str:
    try:
        address = normalise_address(value)
    except InvalidEmailAddress:
        raise PydanticCustomError("email", "not an e-mail address") from None
    if _ADDRESS.fullmatch(address) is None:
        raise PydanticCustomError("email", "not an e-mail address")
    return address


def _printable(value: str) -> str:
    if any(ord(ch) < 32 for ch in value):
        raise PydanticCustomError("printable", "must not contain control characters")
    return value


M = TypeVar("M", bound=BaseModel)

Sahkoposti = Annotated[NonEmptyStr, Field(max_length=320), AfterValidator(_address)]
Nimi = Annotated[NonEmptyStr, Field(max_length=200), AfterValidator(_printable)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Vastaanottaja(_Body):
    nimi: Nimi
    sahkoposti: Sahkoposti
    organisaatio: Annotated[NonEmptyStr, Field(max_length=200)] | None = None


class ConsentVastaanottaja(Vastaanottaja):
    # A consent names a party (e.g. the employer of an apprenticeship), not only a person.
    organisaatio: Annotated[NonEmptyStr, Field(max_length=200)]


class _HoksRef(_Body):
    hoks_eid: Uuid | None = Field(default=None, alias="hoks-eid")
    hoks_id: Int | None = Field(default=None, alias="hoks-id")


class ShareCreate(_HoksRef):
    shared_module_uuid: Uuid = Field(alias="shared-module-uuid")
    shared_module_tyyppi: KohdeTyyppi = Field(alias="shared-module-tyyppi")
    # Optional, as the unit follows from the shared part; when sent, it must agree.
    tutkinnonosa_module_uuid: Uuid | None = Field(default=None, alias="tutkinnonosa-module-uuid")
    tutkinnonosa_tyyppi: TutkinnonosaTyyppi | None = Field(
        default=None, alias="tutkinnonosa-tyyppi"
    )
    voimassaolo_alku: LocalDate = Field(alias="voimassaolo-alku")
    voimassaolo_loppu: LocalDate = Field(alias="voimassaolo-loppu")
    vastaanottaja: Vastaanottaja


class ShareUpdate(_Body):
    voimassaolo_alku: LocalDate | None = Field(default=None, alias="voimassaolo-alku")
    voimassaolo_loppu: LocalDate | None = Field(default=None, alias="voimassaolo-loppu")


class ConsentCreate(_HoksRef):
    # Empty: the whole HOKS.
    module_ids: list[Uuid] = Field(default_factory=list, alias="module-ids", max_length=200)
    vastaanottaja: ConsentVastaanottaja
    tarkoitus: Annotated[NonEmptyStr, Field(max_length=2000)]
    voimassaolo_alku: LocalDate = Field(alias="voimassaolo-alku")
    voimassaolo_loppu: LocalDate = Field(alias="voimassaolo-loppu")


class AssessorContact(_Body):
    nimi: Nimi
    sahkoposti: Sahkoposti


def parse(model: type[M], body: Any) -> M:
    """The body as ``model``, or ``ValidationFailed`` (400) naming each failing field."""
    if not isinstance(body, dict):
        raise ValidationFailed(
            NOT_AN_OBJECT, value=body, problems=[{"path": "", "message": NOT_AN_OBJECT}]
        )
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        tree, problems = error_tree(exc, body)
        raise ValidationFailed(tree, value=body, problems=problems) from None


NewJako = ShareCreate | ConsentCreate


def new_jako(
    jako_id: str, hoks_id: int, oppija_oid: str, data: NewJako, now: datetime, **fields: Any
) -> Jako:
    """The row of a new share or consent; ``fields`` sets the columns of its kind."""
    return Jako(
        id=jako_id,
        hoks_id=hoks_id,
        oppija_oid=oppija_oid,
        vastaanottaja_nimi=data.vastaanottaja.nimi,
        vastaanottaja_sahkoposti=data.vastaanottaja.sahkoposti,
        vastaanottaja_organisaatio=data.vastaanottaja.organisaatio,
        voimassaolo_alku=data.voimassaolo_alku,
        voimassaolo_loppu=data.voimassaolo_loppu,
        created_at=now,
        updated_at=now,
        revoked_at=None,
        **{"kohde_tyyppi": None, "tarkoitus": None, "details": None, **fields},
    )


# Responses.


def tila(jako: Jako, today: date) -> str:
    """peruttu (revoked) | paattynyt (expired) | tuleva (not yet valid) | voimassa (valid)."""
    if jako.revoked_at is not None:
        return "peruttu"
    if jako.voimassaolo_loppu < today:
        return "paattynyt"
    if jako.voimassaolo_alku > today:
        return "tuleva"
    return "voimassa"


def _common(jako: Jako, today: date) -> dict[str, Any]:
    return {
        "hoks-id": jako.hoks_id,
        "vastaanottaja": recipient(jako),
        "voimassaolo-alku": jako.voimassaolo_alku.isoformat(),
        "voimassaolo-loppu": jako.voimassaolo_loppu.isoformat(),
        "tila": tila(jako, today),
        "luotu": format_instant(jako.created_at),
        "paivitetty": format_instant(jako.updated_at),
        "peruttu": format_instant(jako.revoked_at) if jako.revoked_at else None,
    }


def recipient(jako: Jako) -> dict[str, str | None]:
    return {
        "nimi": jako.vastaanottaja_nimi,
        "sahkoposti": jako.vastaanottaja_sahkoposti,
        "organisaatio": jako.vastaanottaja_organisaatio,
    }


def share_out(jako: Jako, today: date, *, exists: bool | None = None) -> dict[str, Any]:
    """A share as its owner sees it (``exists``: whether the shared part is still in the HOKS)."""
    details = jako.details or {}
    out = {
        "share-id": jako.id,
        "shared-module-uuid": jako.module_ids[0] if jako.module_ids else None,
        "shared-module-tyyppi": jako.kohde_tyyppi,
        "tutkinnonosa-module-uuid": details.get("tutkinnonosa-module-uuid"),
        "tutkinnonosa-tyyppi": details.get("tutkinnonosa-tyyppi"),
        **_common(jako, today),
    }
    if exists is not None:
        out["osa-olemassa"] = exists
    return out


def consent_out(jako: Jako, today: date, *, missing: list[str] | None = None) -> dict[str, Any]:
    """A consent as its owner sees it (``missing``: named parts no longer in the HOKS)."""
    out = {
        "suostumus-id": jako.id,
        "koko-hoks": not jako.module_ids,
        "module-ids": list(jako.module_ids),
        "tarkoitus": jako.tarkoitus,
        **_common(jako, today),
    }
    if missing is not None:
        out["puuttuvat-osat"] = missing
    return out


def audit_details(jako: Jako) -> dict[str, Any]:
    """What the audit keeps of a student's act on a share: for whom and when, no HOKS content."""
    return {
        "laji": jako.laji,
        "kohde-tyyppi": jako.kohde_tyyppi,
        "module-ids": list(jako.module_ids),
        "vastaanottaja": recipient(jako),
        "voimassaolo-alku": jako.voimassaolo_alku.isoformat(),
        "voimassaolo-loppu": jako.voimassaolo_loppu.isoformat(),
    }


def assessor_out(row: ArvioijaYhteystieto) -> dict[str, Any]:
    return {
        "id": row.id,
        "hoks-id": row.hoks_id,
        "module-id": row.naytto_module_id,
        "nimi": row.nimi,
        "sahkoposti": row.sahkoposti,
        "luotu": format_instant(row.created_at),
    }


def without_children(node: dict[str, Any], kind: str) -> dict[str, Any]:
    """A part's own fields, without the collections of parts below it."""
    child_keys = {key for key, _ in CHILDREN.get(kind, ())}
    return {key: value for key, value in node.items() if key not in child_keys}


# Rules of the validity window and of what can be shared.


def check_open(jako: Jako, today: date) -> None:
    """Raise unless the share is in force today (the original's order: not found before the
    window, then past it; revoked first, as that is the student's latest word)."""
    if jako.revoked_at is not None:
        raise Revoked()
    if jako.voimassaolo_loppu < today:
        raise Expired(jako.voimassaolo_loppu)
    if jako.voimassaolo_alku > today:
        raise NotYetActive(jako.voimassaolo_alku)


# Law leaves the length to the student; a year bounds a forgotten share and covers any learning
# period or apprenticeship application we know of. Extending it again is one PATCH.
MAX_VALIDITY_YEARS = 1


def check_window(body: Any, alku: date, loppu: date, today: date, *, consent: bool) -> None:
    if loppu < today:
        if consent:
            raise field_error(body, ("voimassaolo-loppu",), "päättymispäivä on menneisyydessä")
        raise EndDateInPast()
    if loppu < alku:
        if consent:
            raise field_error(body, ("voimassaolo-loppu",), "päättymispäivä on ennen alkua")
        raise EndBeforeStart()
    latest = years_after(alku, MAX_VALIDITY_YEARS)
    if loppu > latest:
        raise field_error(
            body,
            ("voimassaolo-loppu",),
            f"voimassaolo on enintään {MAX_VALIDITY_YEARS} vuosi: "
            f"päättymispäivä viimeistään {latest.isoformat()}",
        )
    if alku > years_after(today, MAX_VALIDITY_YEARS):
        raise field_error(
            body, ("voimassaolo-alku",), "alkamispäivä voi olla enintään vuoden päässä"
        )


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_MESSAGES = {
    "osaamisenhankkiminen": "tässä HOKSissa ei ole tällä module-id:llä hankittavan tutkinnon "
    "osan osaamisen hankkimistapaa",
    "osaamisenosoittaminen": "tässä HOKSissa ei ole tällä module-id:llä hankittavan tutkinnon "
    "osan näyttöä",
    "tutkinnonosa": "tässä HOKSissa ei ole tällä module-id:llä hankittavaa tutkinnon osaa",
}


def shareable(document: dict[str, Any], data: ShareCreate, body: Any) -> tuple[dict[str, Any], str]:
    """The unit of the shared part and the unit's kind; 400 naming the field otherwise."""
    kind = data.shared_module_tyyppi
    ref = find(document, data.shared_module_uuid)
    if kind == "tutkinnonosa":
        ok = ref is not None and ref.kind in UNIT_TYPES
    else:
        ok = ref is not None and ref.kind == SHARED_KINDS[kind] and ref.parent_kind in UNIT_TYPES
    if ref is None or not ok:
        raise field_error(body, ("shared-module-uuid",), _MESSAGES[kind])
    unit, unit_kind = (
        (ref.part, ref.kind) if kind == "tutkinnonosa" else (ref.parent, ref.parent_kind)
    )
    if data.tutkinnonosa_module_uuid not in (None, unit.get("module-id")):
        raise field_error(
            body, ("tutkinnonosa-module-uuid",), "jaettava osa ei kuulu tähän tutkinnon osaan"
        )
    if data.tutkinnonosa_tyyppi not in (None, UNIT_TYPES[unit_kind]):
        raise field_error(
            body, ("tutkinnonosa-tyyppi",), f"tutkinnon osan tyyppi on {UNIT_TYPES[unit_kind]}"
        )
    return unit, unit_kind


def shared_view(jako: Jako, scoped: dict[str, Any]) -> dict[str, Any]:
    """The original's share body from the ``scoped_view`` of the share: the unit without its
    other parts, and the shared part."""
    ref = find(scoped, jako.module_ids[0])
    if ref is None:
        raise SharedPartGone()
    kind = jako.kohde_tyyppi
    if kind == "tutkinnonosa":
        unit, unit_kind, above = ref.part, ref.kind, ref.parent
    else:
        unit, unit_kind = without_children(ref.parent, ref.parent_kind), ref.parent_kind
        above = ref.ancestors[-2]
    out: dict[str, Any] = {
        "shared-module-tyyppi": kind,
        "tutkinnonosa-tyyppi": UNIT_TYPES.get(unit_kind),
        "tutkinnonosa": unit,
        "osaamisen-hankkimistapa": ref.part if kind == "osaamisenhankkiminen" else None,
        "osaamisen-osoittaminen": ref.part if kind == "osaamisenosoittaminen" else None,
    }
    if unit_kind == "hankittavan-yto-osa-alue":
        # The sub-area's own common unit, for its name and code (the original mixed them, D10).
        out["yhteinen-tutkinnon-osa"] = without_children(above, "hankittava-yhteinen-tutkinnon-osa")
    return out
