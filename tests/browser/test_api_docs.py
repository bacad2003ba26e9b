"""The API documentation (Swagger UI) in real headless Chromium: "Authorize" offers the schemes
the API accepts, gets a token with a client's id and secret, and "Try it out" then reads a HOKS
with the token and the Caller-Id."""

from __future__ import annotations

import pytest

from ehoks.access import service as access_service
from ehoks.access.actor import SystemActor
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from tests.factories import OPH, hoks_body

DOC = "/ehoks-virkailija-backend/doc"
GET_HOKS = "operations-hoks-get_hoks_ehoks_virkailija_backend_api_v1_hoks__hoks_id__get"


@pytest.fixture
def hoks_and_client(db, live, world):
    oppija, oo = world.add_oppija("swagger")
    deps = build_runtime(live.settings, db).context()
    with make_session_factory(db).begin() as session:
        written = hoks_service.create(session, SystemActor("test"), hoks_body(oppija, oo), deps)
        client = access_service.create_client(
            session, name="swagger", organisaatio_oid=OPH, role="READ"
        )
    return written.hoks_id, client


def test_authorize_offers_the_schemes_and_try_it_out_sends_token_and_caller_id(
    live, page, hoks_and_client
):
    hoks_id, client = hoks_and_client
    page.goto(live.url + DOC)
    page.locator("button.authorize").first.click()
    dialog = page.locator(".dialog-ux .modal-ux")
    for scheme in ("oauth2", "casTicket", "callerId", "session", "csrf"):
        assert dialog.get_by_text(scheme, exact=False).first.is_visible(), scheme
    assert dialog.get_by_text("/oauth2/token").first.is_visible()

    oauth = dialog.locator(".auth-container").filter(has_text="oauth2")
    oauth.locator("input#client_id_clientCredentials").fill(client.client_id)
    oauth.locator("input#client_secret_clientCredentials").fill(client.client_secret)
    oauth.locator("button.authorize").click()
    oauth.get_by_text("Authorized").first.wait_for()
    caller = dialog.locator(".auth-container").filter(has_text="Caller-Id")
    caller.locator("input").fill("swagger-ui")
    caller.locator("button.authorize").click()
    dialog.locator("button.close-modal").click()

    operation = page.locator(f"#{GET_HOKS}")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("input[placeholder='hoks_id']").fill(str(hoks_id))
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200"), operation.inner_text()
    assert f'"id": {hoks_id}' in operation.locator(".live-responses-table").inner_text()
