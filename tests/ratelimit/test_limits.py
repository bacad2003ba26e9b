"""Rate limits: counted in the database so that every process shares them, answered 429 with
``Retry-After`` — JSON on the API, a page in the user's language on the pages."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ehoks.access import service as access_service
from ehoks.auth import email_login
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.main import create_app
from ehoks.ratelimit.errors import RateLimited
from ehoks.ratelimit.models import RateLimitCounter
from ehoks.ratelimit.service import Check, RateLimiter, key_hash
from ehoks.settings.ratelimit import Limit, RateLimitSettings
from tests.factories import OPH
from tests.fakes.smtp import smtp_server  # noqa: F401 (fixture)

PUBLIC = "https://testserver"


def _settings(database_url: str, **limits: Limit) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        public_url=PUBLIC,
        rate_limits=RateLimitSettings(**limits),
    )


def _token_request(client: TestClient, client_id: str, secret: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


@pytest.fixture
def sis(db):
    with make_session_factory(db).begin() as session:
        return access_service.create_client(session, name="SIS", organisaatio_oid=OPH, role="READ")


def test_token_requests_are_limited_per_client_across_processes(db, database_url, sis, world):
    settings = _settings(database_url, token_per_client=Limit(hits=3, seconds=60))
    # Two instances of the service sharing the database, as two worker processes would.
    with (
        TestClient(create_app(settings, engine=db)) as first,
        TestClient(create_app(settings, engine=db)) as second,
    ):
        answers = [
            _token_request(app, sis.client_id, sis.client_secret).status_code
            for app in (first, second, first)
        ]
        assert answers == [200, 200, 200]
        refused = _token_request(second, sis.client_id, sis.client_secret)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "token-per-client allows 3 in 60 seconds" in refused.json()["error"]
        # Wrong secrets count as well (they are what the limit is for) and stay refused.
        assert _token_request(first, sis.client_id, "wrong").status_code == 429
        # Another client is not affected.
        with make_session_factory(db).begin() as session:
            other = access_service.create_client(
                session, name="B", organisaatio_oid=OPH, role="READ"
            )
        assert _token_request(first, other.client_id, other.client_secret).status_code == 200


def test_token_requests_are_limited_per_source_address_whatever_the_client(db, database_url):
    settings = _settings(database_url, token_per_ip=Limit(hits=4, seconds=60))
    with TestClient(create_app(settings, engine=db)) as client:
        statuses = [_token_request(client, f"guess-{i}", "secret").status_code for i in range(6)]
    assert statuses == [401, 401, 401, 401, 429, 429]


def test_concurrent_hits_are_all_counted(db):
    limiter = RateLimiter(make_session_factory(db))
    check = Check("test", Limit(hits=1000, seconds=3600), "key")

    def hit() -> None:
        for _ in range(10):
            limiter.hit(check)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with make_session_factory(db).begin() as session:
        counted = session.scalar(
            select(func.sum(RateLimitCounter.hits)).where(
                RateLimitCounter.key_hash == key_hash("test", "key")
            )
        )
    assert counted == 40


def test_a_new_window_starts_afresh_and_old_windows_are_purged(db):
    now = [1_000_000.0]
    limiter = RateLimiter(make_session_factory(db), clock=lambda: now[0])
    check = Check("test", Limit(hits=2, seconds=60), "olli@example.org")
    limiter.hit(check)
    limiter.hit(check)
    with pytest.raises(RateLimited) as refused:
        limiter.hit(check)
    # The window of 60 s runs from 999 960 to 1 000 020; 20 s of it are left.
    assert refused.value.retry_after == 20
    assert refused.value.headers == {"Retry-After": "20"}
    now[0] += 20
    limiter.hit(check)
    with make_session_factory(db).begin() as session:
        keys = list(session.scalars(select(RateLimitCounter.key_hash)))
        # Only hashes are stored: no address in the table.
        assert all("example" not in key for key in keys)
        assert limiter.purge(session) == 1
        assert session.scalar(select(func.count()).select_from(RateLimitCounter)) == 1


def test_a_limit_of_zero_is_off(db):
    limiter = RateLimiter(make_session_factory(db))
    for _ in range(5):
        limiter.hit(Check("off", Limit(hits=0, seconds=60), "k"))  # would raise at the first
    with make_session_factory(db).begin() as session:
        assert session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0


def _csrf(web: TestClient) -> str:
    page = web.get("/ehoks/tyopaikka")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_login_link_requests_are_limited_per_address_with_a_page_in_the_users_language(
    db, database_url, world
):
    settings = _settings(database_url, email_link_per_address=Limit(hits=2, seconds=3600))
    with TestClient(create_app(settings, engine=db), base_url=PUBLIC) as web:
        csrf = _csrf(web)
        form = {"sahkoposti": "Olli@Example.org", "csrf_token": csrf}
        # Counted whether or not the address is known (this one is not): no enumeration.
        assert [web.post("/ehoks/tyopaikka", data=form).status_code for _ in range(2)] == [200, 200]
        refused = web.post(
            "/ehoks/tyopaikka?lang=sv", data={**form, "sahkoposti": "olli@example.org"}
        )
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("text/html")
        minutes = -(-int(refused.headers["retry-after"]) // 60)
        assert 1 <= minutes <= 60
        assert '<html lang="sv">' in refused.text
        assert f"Du kan försöka igen om cirka {minutes} min." in refused.text
        # Another address from the same browser is still served.
        other = web.post("/ehoks/tyopaikka", data={**form, "sahkoposti": "pirjo@example.org"})
        assert other.status_code == 200


def test_login_link_requests_are_limited_per_source_address(db, database_url, world):
    settings = _settings(database_url, email_link_per_ip=Limit(hits=3, seconds=600))
    with TestClient(create_app(settings, engine=db), base_url=PUBLIC) as web:
        csrf = _csrf(web)
        statuses = [
            web.post(
                "/ehoks/tyopaikka", data={"sahkoposti": f"n{i}@example.org", "csrf_token": csrf}
            ).status_code
            for i in range(4)
        ]
    assert statuses == [200, 200, 200, 429]


def test_one_time_codes_are_limited_per_address_over_all_its_links(
    db,
    database_url,
    world,
    smtp_server,  # noqa: F811
):
    settings = _settings(database_url, email_code_per_address=Limit(hits=2, seconds=3600))
    settings = settings.model_copy(update={"smtp": smtp_server.settings()})
    paths = []
    with make_session_factory(db).begin() as session:
        for _ in range(2):
            link = email_login.create_link(
                session,
                sahkoposti="olli@example.org",
                purpose="tyopaikka",
                target=None,
                link_base_url=f"{PUBLIC}/ehoks/sahkoposti",
                settings=settings.email_login,
                now=datetime.now(UTC),
            )
            paths.append(link.url.removeprefix(PUBLIC))
    with TestClient(create_app(settings, engine=db), base_url=PUBLIC) as web:
        csrf = _csrf(web)
        first, second = (f"{path}/koodi" for path in paths)
        assert web.post(first, data={"csrf_token": csrf}).status_code == 200
        assert web.post(second, data={"csrf_token": csrf}).status_code == 200
        # A third code to the same address, whichever link asks: refused, no mail.
        refused = web.post(first, data={"csrf_token": csrf})
        assert refused.status_code == 429
        assert "retry-after" in refused.headers
    assert len(smtp_server.to("olli@example.org")) == 2


def test_logins_are_limited_per_source_address(db, database_url, world):
    settings = _settings(database_url, login_per_ip=Limit(hits=2, seconds=60))
    with TestClient(create_app(settings, engine=db), base_url=PUBLIC) as web:
        web.follow_redirects = False
        assert web.get("/ehoks/kirjaudu/virkailija").status_code == 303
        # A forged ticket: refused by CAS (here unreachable, so 503), but counted first.
        callback = "/ehoks-virkailija-backend/cas-security-check"
        assert web.get(callback, params={"ticket": "ST-forged"}).status_code != 429
        # The callbacks keep the original's addresses under the API paths: JSON there.
        refused = web.get(callback, params={"ticket": "ST-forged"})
        assert refused.status_code == 429
        assert "login-per-source allows 2 in 60 seconds" in refused.json()["error"]
        assert int(refused.headers["retry-after"]) <= 60
        student = web.get("/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/?ticket=ST-x")
        assert student.status_code == 429
        # The login page's start: a page in the user's language.
        page = web.get("/ehoks/kirjaudu/oppija?lang=en")
        assert page.status_code == 429
        assert "You can try again in about 1 min." in page.text
