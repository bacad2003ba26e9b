"""The response bodies of the JSON API as pydantic models, for the OpenAPI document only.

The routes build their answers as plain dicts in the eHOKS wire shapes (``api/responses.py``,
the domains' ``*_out``/``*_view`` functions); these classes describe those shapes so the
document can say what each status code carries. Nothing validates responses against them at run
time: ``tests/fuzz`` checks that every answer conforms, on both databases.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Keys are kebab-case Finnish, as on the wire; bodies may grow keys (clients must ignore unknown
# keys), so the models allow extra ones.
_WIRE = ConfigDict(extra="allow", populate_by_name=True)


class _Wire(BaseModel):
    model_config = _WIRE


# Errors: one hierarchy (ehoks.errors), rendered by api/errors.py in the original's shapes.


class ErrorBody(_Wire):
    """``{"error": …}``: the message of most refusals (reference D19)."""

    error: str


class MessageBody(_Wire):
    """``{"message": …}``: 410, and the original's not-found answers of shares and students."""

    message: str


class ReasonBody(_Wire):
    """``{"reason": …}``: no route matches the address (404) or the method (405)."""

    reason: str


class InfoBody(_Wire):
    """``{"info": …}``: the original's answer of ``…/session/kayttaja`` without a session."""

    info: str


class OAuthErrorBody(_Wire):
    """RFC 6749 section 5.2 error of ``/oauth2/token``."""

    error: Literal["invalid_client", "unsupported_grant_type"]
    error_description: str


class Problem(_Wire):
    path: str
    message: str


class RequestValidationBody(_Wire):
    """400 of a parameter, header or body that failed its schema or a rule (reference 2.4):
    ``errors`` mirrors the input (each failing key holds its rule message), ``problems`` lists the
    same failures flat."""

    type: Literal["compojure.api.exception/request-validation"]
    coercion: str
    in_: list[str] = Field(alias="in")
    value: Any = Field(default=None, description="The input that failed (body errors only)")
    errors: Any
    problems: list[Problem]


class RequestParsingBody(_Wire):
    """400 of a body that is not JSON (reference 2.5)."""

    type: Literal["compojure.api.exception/request-parsing"]
    message: str
    original: str


# Success bodies.


class EmptyMeta(_Wire):
    pass


class Uri(_Wire):
    uri: str


class CreatedMeta(_Wire):
    id: int


class HoksCreated(_Wire):
    """``POST /hoks``: the new HOKS's id and address."""

    meta: CreatedMeta
    data: Uri


class PartCreatedMeta(_Wire):
    module_id: str = Field(alias="module-id")


class PartCreated(_Wire):
    meta: PartCreatedMeta
    data: Uri


class PartMeta(_Wire):
    tyyppi: str
    hoks_id: int = Field(alias="hoks-id")
    parent_module_id: str | None = Field(alias="parent-module-id")
    kokoelma: str


class Versio(_Wire):
    versio: int
    voimassa_alkaen: str = Field(alias="voimassa-alkaen")
    voimassa_asti: str | None = Field(alias="voimassa-asti")
    muutos: str | None
    muuttaja: str | None


class Versiot(_Wire):
    meta: EmptyMeta
    data: list[Versio]


class EmptyEnvelope(_Wire):
    """``{"meta": {}, "data": {}}``"""

    meta: EmptyMeta
    data: EmptyMeta


class HankkimistapaIds(_Wire):
    hankkimistapa_ids: list[str] = Field(alias="hankkimistapa-ids")


class ClearedHankkimistavat(_Wire):
    meta: EmptyMeta
    data: HankkimistapaIds


class HoksIds(_Wire):
    hoks_ids: list[int] = Field(alias="hoks-ids")


class ClearedHokses(_Wire):
    meta: EmptyMeta
    data: HoksIds


class Token(_Wire):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class Health(_Wire):
    """``{}`` when the database answers."""


# Officials.


class OrganisationPrivileges(_Wire):
    oid: str
    privileges: list[str]
    roles: list[str]
    child_organisations: list[str] = Field(alias="child-organisations")


class VirkailijaSession(_Wire):
    oidHenkilo: str | None
    organisation_privileges: list[OrganisationPrivileges] = Field(alias="organisation-privileges")
    isSuperuser: bool


class VirkailijaSessionEnvelope(_Wire):
    meta: EmptyMeta
    data: VirkailijaSession


class OppijaHit(_Wire):
    oid: str
    nimi: str | None
    opiskeluoikeus_oid: str = Field(alias="opiskeluoikeus-oid")
    hoks_id: int = Field(alias="hoks-id")
    tutkinto_nimi: dict[str, str] = Field(alias="tutkinto-nimi")
    osaamisala_nimi: dict[str, str] = Field(alias="osaamisala-nimi")


class SearchMeta(_Wire):
    total_count: int = Field(alias="total-count")


class OppijaSearch(_Wire):
    meta: SearchMeta
    data: list[OppijaHit]


class ShallowDeleted(_Wire):
    success: int


class SessionUser(_Wire):
    kind: str
    id: str
    csrf_token: str = Field(alias="csrf-token")


class SessionUserEnvelope(_Wire):
    meta: EmptyMeta
    data: SessionUser


# Students.


class OppijaSessionUser(_Wire):
    oid: str | None = Field(default=None, description="Absent when acting with valtuudet")
    common_name: str | None = Field(alias="common-name")
    usingValtuudet: bool


class OppijaSession(_Wire):
    meta: EmptyMeta
    data: list[OppijaSessionUser]


class Lukija(_Wire):
    seq: int
    aika: str
    lukija_tyyppi: str = Field(alias="lukija-tyyppi")
    lukija_nimi: str | None = Field(alias="lukija-nimi")
    lukija_rooli: str | None = Field(alias="lukija-rooli")
    peruste: str | None
    hoks_id: int | None = Field(alias="hoks-id")
    osa: str | None


class Lukuoikeus(_Wire):
    """Why an official may read a plan of the learner list (``/virkailija/oppijat/{oid}/hoksit``)
    and whose plan it is: ``muu-jarjestaja`` for another provider's (law 531/2017 § 109 a)."""

    muu_jarjestaja: bool = Field(alias="muu-jarjestaja")
    peruste: str
    peruste_opiskeluoikeus_oid: str | None = Field(alias="peruste-opiskeluoikeus-oid")
    oppilaitos_oid: str | None = Field(alias="oppilaitos-oid")
    oppilaitos_nimi: dict[str, str] | None = Field(alias="oppilaitos-nimi")
    koulutuksen_jarjestaja_oid: str | None = Field(alias="koulutuksen-jarjestaja-oid")
    koulutuksen_jarjestaja_nimi: dict[str, str] | None = Field(alias="koulutuksen-jarjestaja-nimi")
    opiskeluoikeus_paattynyt: bool | None = Field(alias="opiskeluoikeus-paattynyt")


class Siirto(_Wire):
    """Where one carried item of a continuation draft came from."""

    kohde: str | None = None
    lahde: str | None = None
    tapa: str


class Pois(_Wire):
    """An item of the earlier plan left out of the draft, and why."""

    lahde: str | None = None
    syy: str
    selite: str


class JatkoluonnosMeta(_Wire):
    jatkaa_hoksia: int = Field(alias="jatkaa-hoksia")
    tutkinto_vaihtui: bool = Field(alias="tutkinto-vaihtui")
    siirretyt: list[Siirto]
    pois: list[Pois]


class LukijatMeta(_Wire):
    next_before_seq: int | None = Field(alias="next-before-seq")


class Lukijat(_Wire):
    meta: LukijatMeta
    data: list[Lukija]


class JaonVastaanottaja(_Wire):
    nimi: str | None
    sahkoposti: str | None
    organisaatio: str | None


class _JakoCommon(_Wire):
    hoks_id: int = Field(alias="hoks-id")
    vastaanottaja: JaonVastaanottaja
    voimassaolo_alku: str = Field(alias="voimassaolo-alku")
    voimassaolo_loppu: str = Field(alias="voimassaolo-loppu")
    tila: Literal["voimassa", "tuleva", "paattynyt", "peruttu"]
    luotu: str
    paivitetty: str
    peruttu: str | None


class Jakolinkki(_JakoCommon):
    share_id: str = Field(alias="share-id")
    shared_module_uuid: str | None = Field(alias="shared-module-uuid")
    shared_module_tyyppi: str | None = Field(alias="shared-module-tyyppi")
    tutkinnonosa_module_uuid: str | None = Field(alias="tutkinnonosa-module-uuid")
    tutkinnonosa_tyyppi: str | None = Field(alias="tutkinnonosa-tyyppi")
    osa_olemassa: bool | None = Field(
        default=None, alias="osa-olemassa", description="In the HOKS's list only"
    )


class Suostumus(_JakoCommon):
    suostumus_id: str = Field(alias="suostumus-id")
    koko_hoks: bool = Field(alias="koko-hoks")
    module_ids: list[str] = Field(alias="module-ids")
    tarkoitus: str | None
    puuttuvat_osat: list[str] | None = Field(
        default=None, alias="puuttuvat-osat", description="In the HOKS's list only"
    )


class JakolinkkiUri(Jakolinkki):
    uri: str


class SuostumusUri(Suostumus):
    uri: str


class UuidMeta(_Wire):
    uuid: str


class JakolinkkiCreated(_Wire):
    meta: UuidMeta
    data: JakolinkkiUri


class SuostumusCreated(_Wire):
    meta: UuidMeta
    data: SuostumusUri


class JakolinkkiEnvelope(_Wire):
    meta: EmptyMeta
    data: Jakolinkki


class SuostumusEnvelope(_Wire):
    meta: EmptyMeta
    data: Suostumus


class Jakolinkit(_Wire):
    meta: EmptyMeta
    data: list[Jakolinkki]


class HoksinJaot(_Wire):
    jakolinkit: list[Jakolinkki]
    suostumukset: list[Suostumus]


class HoksinJaotEnvelope(_Wire):
    meta: EmptyMeta
    data: HoksinJaot


_SCOPED = (
    "The HOKS's identifying fields and only the parts the reader is entitled to, each under "
    "its unit (see the HOKS schema for the fields)"
)


class OpenedJakolinkki(_Wire):
    """What a share shows its recipient: the unit and the shared part."""

    share_id: str = Field(alias="share-id")
    voimassaolo_alku: str = Field(alias="voimassaolo-alku")
    voimassaolo_loppu: str = Field(alias="voimassaolo-loppu")
    shared_module_tyyppi: str | None = Field(alias="shared-module-tyyppi")
    tutkinnonosa_tyyppi: str | None = Field(alias="tutkinnonosa-tyyppi")
    tutkinnonosa: dict[str, Any]
    osaamisen_hankkimistapa: dict[str, Any] | None = Field(alias="osaamisen-hankkimistapa")
    osaamisen_osoittaminen: dict[str, Any] | None = Field(alias="osaamisen-osoittaminen")


class OpenedSuostumus(_Wire):
    suostumus_id: str = Field(alias="suostumus-id")
    voimassaolo_alku: str = Field(alias="voimassaolo-alku")
    voimassaolo_loppu: str = Field(alias="voimassaolo-loppu")
    tarkoitus: str | None
    koko_hoks: bool = Field(alias="koko-hoks")
    hoks: dict[str, Any] = Field(description=_SCOPED)


class OpenedJakolinkkiEnvelope(_Wire):
    meta: EmptyMeta
    data: OpenedJakolinkki


class OpenedSuostumusEnvelope(_Wire):
    meta: EmptyMeta
    data: OpenedSuostumus


class Arvioija(_Wire):
    id: int
    hoks_id: int = Field(alias="hoks-id")
    module_id: str = Field(alias="module-id")
    nimi: str
    sahkoposti: str
    luotu: str


class ArvioijaMeta(_Wire):
    id: int


class ArvioijaEnvelope(_Wire):
    meta: ArvioijaMeta
    data: Arvioija


class Arvioijat(_Wire):
    meta: EmptyMeta
    data: list[Arvioija]


# Workplace actors.


class TyopaikanHoks(_Wire):
    oppija_nimi: str | None = Field(alias="oppija-nimi")
    tutkinto_nimi: dict[str, str] = Field(alias="tutkinto-nimi")
    osaamisala_nimi: dict[str, str] = Field(alias="osaamisala-nimi")
    peruste: str
    hoks: dict[str, Any] = Field(description=_SCOPED)


class TyopaikanHoksit(_Wire):
    meta: EmptyMeta
    data: list[TyopaikanHoks]
