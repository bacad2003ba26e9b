"""The CAS client against the fake CAS and CAS-oppija, over real sockets."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ehoks.auth.cas import CasAuthClient, parse_logout_request
from ehoks.auth.errors import BadLogoutRequest, CasUnavailable, TicketRejected
from ehoks.settings.auth import CasSettings
from tests.fakes.cas_server import FakeCas

API_SERVICE = "https://virkailija.testi/ehoks-virkailija-backend/cas-security-check"
LOGIN_RETURN = (
    "https://virkailija.testi/ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku"
)
OPPIJA_RETURN = "https://testi.fi/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"
ROLES = (
    "ROLE_APP_EHOKS",
    "ROLE_APP_EHOKS_CRUD_1.2.246.562.10.12424158689",
    "ROLE_APP_EHOKS_READ_1.2.246.562.10.12424158690",
    "ROLE_APP_EHOKS_HOKS_DELETE_1.2.246.562.10.12424158690",
)


@pytest.fixture
def cas(cas_server: FakeCas, http: httpx.Client) -> CasAuthClient:
    return CasAuthClient(cas_server.settings(service_ticket_service=API_SERVICE), http)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_login_and_logout_urls_name_the_service(http: httpx.Client) -> None:
    cas = CasAuthClient(CasSettings(), http)
    assert cas.login_url(LOGIN_RETURN) == (
        "https://virkailija.opintopolku.fi/cas/login?service="
        "https%3A%2F%2Fvirkailija.testi%2Fehoks-virkailija-backend%2Fapi%2Fv1%2Fvirkailija"
        "%2Fsession%2Fopintopolku"
    )
    oppija = urlsplit(cas.login_url(OPPIJA_RETURN, oppija=True, lang="sv"))
    assert oppija.netloc == "opintopolku.fi"
    assert oppija.path == "/cas-oppija/login"
    assert parse_qs(oppija.query) == {"service": [OPPIJA_RETURN], "locale": ["sv"]}
    assert cas.logout_url("https://x.fi/", oppija=True) == (
        "https://opintopolku.fi/cas-oppija/logout?service=https%3A%2F%2Fx.fi%2F"
    )


def test_browser_login_gives_a_ticket_that_validates_to_the_official_with_every_role(
    cas_server: FakeCas, cas: CasAuthClient, http: httpx.Client
) -> None:
    cas_server.add_virkailija("virkailija1", oid="1.2.246.562.24.11474338835", roles=ROLES)

    # The fake's test convenience: a username in the login URL logs that user straight in.
    login = http.get(f"{cas.login_url(LOGIN_RETURN)}&username=virkailija1")
    assert login.status_code == 302
    back = urlsplit(login.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == LOGIN_RETURN
    ticket = parse_qs(back.query)["ticket"][0]

    user = cas.validate(ticket, LOGIN_RETURN)

    assert user.username == "virkailija1"
    assert user.kayttaja_tyyppi == "VIRKAILIJA"
    assert user.oid_henkilo == "1.2.246.562.24.11474338835"
    assert user.roles == ROLES
    [validation] = cas_server.validations
    assert (validation.path, validation.service, validation.outcome) == (
        "/cas/p3/serviceValidate",
        LOGIN_RETURN,
        "SUCCESS",
    )


def test_service_user_ticket_for_the_api_service(cas_server: FakeCas, cas: CasAuthClient) -> None:
    cas_server.add_virkailija(
        "jarjestelma", oid="1.2.246.562.24.10000000001", kayttaja_tyyppi="PALVELU", roles=[]
    )
    ticket = cas_server.issue_ticket("jarjestelma", cas.settings.service_ticket_service)

    user = cas.validate(ticket, cas.settings.service_ticket_service)

    assert (user.kayttaja_tyyppi, user.roles) == ("PALVELU", ())


def test_a_ticket_is_single_use(cas_server: FakeCas, cas: CasAuthClient) -> None:
    cas_server.add_virkailija("v", oid="1.2.246.562.24.1", roles=ROLES[:1])
    ticket = cas_server.issue_ticket("v", API_SERVICE)
    cas.validate(ticket, API_SERVICE)

    with pytest.raises(TicketRejected) as rejected:
        cas.validate(ticket, API_SERVICE)

    assert rejected.value.code == "INVALID_TICKET"
    assert "already been used" in rejected.value.message
    assert (rejected.value.status_code, rejected.value.body()) == (401, {"error": "Invalid ticket"})


def test_a_ticket_for_another_service_is_refused_and_spent(
    cas_server: FakeCas, cas: CasAuthClient
) -> None:
    cas_server.add_virkailija("v", oid="1.2.246.562.24.1")
    ticket = cas_server.issue_ticket("v", "https://elsewhere.fi/j_spring_cas_security_check")

    with pytest.raises(TicketRejected) as wrong_service:
        cas.validate(ticket, API_SERVICE)
    with pytest.raises(TicketRejected) as afterwards:
        cas.validate(ticket, "https://elsewhere.fi/j_spring_cas_security_check")

    assert wrong_service.value.code == "INVALID_SERVICE"
    assert afterwards.value.code == "INVALID_TICKET"


@pytest.mark.parametrize("ticket", ["ST-1-unknown-fakecas", "not-a-ticket"])
def test_an_unknown_ticket_is_refused(cas: CasAuthClient, ticket: str) -> None:
    with pytest.raises(TicketRejected) as rejected:
        cas.validate(ticket, API_SERVICE)
    assert rejected.value.code in {"INVALID_TICKET", "INVALID_TICKET_SPEC"}


@pytest.mark.parametrize("ticket", ["ST-\x04", "ST-1 2", "ST-ä", "", "ST-" + "1" * 4100])
def test_what_is_not_a_cas_ticket_is_refused_without_asking_cas(
    cas_server: FakeCas, cas: CasAuthClient, ticket: str
) -> None:
    # Found by the fuzz check: CAS echoed a control character into XML it could not be read
    # from, and a bad credential became a 503.
    asked = len(cas_server.validations)
    with pytest.raises(TicketRejected) as rejected:
        cas.validate(ticket, API_SERVICE)
    with pytest.raises(TicketRejected):
        cas.validate_oppija(ticket, API_SERVICE)
    assert rejected.value.code == "INVALID_TICKET_SPEC"
    assert len(cas_server.validations) == asked


def test_a_cas_oppija_ticket_is_not_valid_at_the_officials_cas(
    cas_server: FakeCas, cas: CasAuthClient
) -> None:
    cas_server.add_oppija("oppija", person_oid="1.2.246.562.24.44651722625")
    ticket = cas_server.issue_ticket("oppija", OPPIJA_RETURN, oppija=True)

    with pytest.raises(TicketRejected):
        cas.validate(ticket, OPPIJA_RETURN)


def test_oppija_login(cas_server: FakeCas, cas: CasAuthClient, http: httpx.Client) -> None:
    cas_server.add_oppija(
        "oppija",
        person_oid="1.2.246.562.24.44651722625",
        first_name="Aino",
        surname="Virtanen",
        hetu="150505A9996",
    )
    login = http.get(f"{cas.login_url(OPPIJA_RETURN, oppija=True, lang='fi')}&username=oppija")
    ticket = parse_qs(urlsplit(login.headers["location"]).query)["ticket"][0]

    oppija = cas.validate_oppija(ticket, OPPIJA_RETURN)

    assert oppija.person_oid == oppija.acting_oid == "1.2.246.562.24.44651722625"
    assert (oppija.first_name, oppija.surname, oppija.display_name) == (
        "Aino",
        "Virtanen",
        "Aino Virtanen",
    )
    assert not oppija.using_valtuudet
    assert oppija.impersonator_oid is None
    assert "150505A9996" not in repr(oppija)  # the hetu CAS-oppija sends is not even kept
    assert [v.path for v in cas_server.validations] == ["/cas-oppija/serviceValidate"]


def test_oppija_login_with_valtuudet_names_both_persons(
    cas_server: FakeCas, cas: CasAuthClient
) -> None:
    cas_server.add_oppija(
        "huoltaja", person_oid="1.2.246.562.24.20000000008", impersonator_oid="1.2.246.562.24.3"
    )
    ticket = cas_server.issue_ticket("huoltaja", OPPIJA_RETURN, oppija=True)

    oppija = cas.validate_oppija(ticket, OPPIJA_RETURN)

    assert oppija.using_valtuudet
    assert oppija.person_oid == "1.2.246.562.24.20000000008"
    assert oppija.impersonator_oid == oppija.acting_oid == "1.2.246.562.24.3"


def test_impersonator_display_name_alone_means_valtuudet(
    cas_server: FakeCas, cas: CasAuthClient
) -> None:
    cas_server.add_user(
        "huoltaja",
        {"personOid": "1.2.246.562.24.20000000008", "impersonatorDisplayName": "Huoltaja"},
    )
    ticket = cas_server.issue_ticket("huoltaja", OPPIJA_RETURN, oppija=True)

    oppija = cas.validate_oppija(ticket, OPPIJA_RETURN)

    assert oppija.using_valtuudet
    assert oppija.impersonator_oid is None
    assert oppija.acting_oid is None


def test_single_logout_request_gives_the_ticket(cas_server: FakeCas) -> None:
    cas_server.add_virkailija("v", oid="1.2.246.562.24.1")
    ticket = cas_server.issue_ticket("v", LOGIN_RETURN)

    assert parse_logout_request(cas_server.logout_request_xml(ticket)) == ticket
    assert CasAuthClient.parse_logout_request(cas_server.logout_request_xml(ticket)) == ticket


@pytest.mark.parametrize(
    "xml",
    [
        "",
        "not xml at all",
        "<samlp:LogoutRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>",
        "<LogoutRequest><SessionIndex>ST-1</SessionIndex></LogoutRequest>",
        "<samlp:LogoutRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'>"
        "<samlp:SessionIndex>  </samlp:SessionIndex></samlp:LogoutRequest>",
        "<!DOCTYPE x [<!ENTITY a 'ST-1'>]>"
        "<samlp:LogoutRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'>"
        "<samlp:SessionIndex>&a;</samlp:SessionIndex></samlp:LogoutRequest>",
    ],
    ids=["empty", "not-xml", "no-session-index", "no-namespace", "blank-index", "entity"],
)
def test_malformed_logout_requests_are_refused(xml: str) -> None:
    with pytest.raises(BadLogoutRequest) as refused:
        parse_logout_request(xml)
    assert refused.value.status_code == 400


def test_unreachable_cas_is_unavailable(http: httpx.Client) -> None:
    port = _closed_port()
    cas = CasAuthClient(CasSettings(url=f"http://127.0.0.1:{port}/cas", timeout_seconds=2), http)

    with pytest.raises(CasUnavailable) as unavailable:
        cas.validate("ST-1", API_SERVICE)

    assert unavailable.value.status_code == 503
    assert unavailable.value.headers["Retry-After"].isdigit()
    assert "ConnectError" in unavailable.value.detail


def test_cas_answering_5xx_is_unavailable(cas_server: FakeCas, cas: CasAuthClient) -> None:
    cas_server.add_oppija("oppija", person_oid="1.2.246.562.24.44651722625")
    ticket = cas_server.issue_ticket("oppija", OPPIJA_RETURN, oppija=True)
    cas_server.fail_next(502)

    with pytest.raises(CasUnavailable) as unavailable:
        cas.validate_oppija(ticket, OPPIJA_RETURN)

    assert "CAS-oppija" in unavailable.value.detail
    # The outage did not spend the ticket.
    assert cas.validate_oppija(ticket, OPPIJA_RETURN).person_oid == "1.2.246.562.24.44651722625"
