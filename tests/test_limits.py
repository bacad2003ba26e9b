"""Bad input the service must refuse with a clear 4xx, changing nothing (issue 11 items 1–3).

Each family of the issue's hand-made attack: a 50 MB body (with ``Content-Length`` and chunked),
254 levels of nesting, ids beyond the integer columns, instants whose UTC conversion overflows,
NUL and other control characters, strings longer than their column, duplicate keys, a wrong
``Content-Type``, a method the path does not answer, page sizes out of bounds, and an error
answer that would echo a large body. The suite runs on SQLite and on PostgreSQL
(``EHOKS_TEST_DATABASE_URL``), where most of these gave a 500 before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ehoks.api.body_limit import BodyLimitMiddleware, BodyTooLarge
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks, HoksNaytto, HoksTyopaikkajakso, HoksVersion
from ehoks.limits import DB_INT_MAX, MAX_PROBLEMS, TEXT_MAX, LimitSettings, excerpt
from ehoks.main import create_app
from tests.conftest import API
from tests.factories import OPH, hoks_body

MB = 1024 * 1024
PERIOD = ("hankittavat-ammat-tutkinnon-osat", 0, "osaamisen-hankkimistavat", 0)
TJK = (*PERIOD, "tyopaikalla-jarjestettava-koulutus")
NAYTTO = ("hankittavat-ammat-tutkinnon-osat", 0, "osaamisen-osoittaminen", 0)


def _run(coroutine: Any) -> Any:
    """``asyncio.run`` in a thread of its own: another test of the same worker may have left
    an event loop running in this one (asyncio.run refuses to start inside it)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def learner(world):
    return world.add_oppija("limits")


@pytest.fixture
def headers(clients):
    return clients.headers(OPH)


@pytest.fixture
def created(client, headers, learner):
    response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["meta"]["id"]


def stored(db) -> dict[str, int]:
    """How many rows each HOKS table holds (the audit chain may record a refused attempt)."""
    with make_session_factory(db)() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Hoks, HoksVersion, HoksTyopaikkajakso, HoksNaytto)
        }


def json_post(client, path: str, content: bytes | Iterator[bytes], headers, **extra: str):
    return client.post(
        path, content=content, headers={**headers, "Content-Type": "application/json", **extra}
    )


def put_at(body: dict[str, Any], loc: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    node: Any = body
    for key in loc[:-1]:
        node = node[key]
    node[loc[-1]] = value
    return body


def problem_at(response, path: str) -> str:
    """The message the 400 reports at ``path`` (and the answer is short)."""
    assert response.status_code == 400, response.text
    assert len(response.content) < 4000, "the error answer is not short"
    problems = {p["path"]: p["message"] for p in response.json()["problems"]}
    assert path in problems, problems
    return problems[path]


def dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# 1. Body size.


class TestBodySize:
    def test_a_50_mb_body_with_content_length_is_413_naming_the_limit(
        self, client, headers, learner, db
    ):
        body = hoks_body(*learner, **{"sahkoposti": "x" * (50 * MB)})
        content = orjson.dumps(body)
        response = json_post(client, f"{API}/hoks", content, headers)
        assert response.status_code == 413
        assert "4194304 bytes" in response.json()["error"]
        assert "EHOKS_LIMITS__MAX_BODY_BYTES" in response.json()["error"]
        assert len(response.content) < 300
        assert sum(stored(db).values()) == 0

    def test_a_50_mb_chunked_body_is_413_and_nothing_is_stored(self, client, headers, db):
        def chunks() -> Iterator[bytes]:
            yield b'{"sahkoposti": "'
            for _ in range(50):
                yield b"x" * MB
            yield b'"}'

        response = json_post(client, f"{API}/hoks", chunks(), headers)
        assert response.status_code == 413
        assert "4194304 bytes" in response.json()["error"]
        assert sum(stored(db).values()) == 0

    def test_a_put_over_the_limit_leaves_the_hoks_as_it_was(
        self, client, headers, learner, created, db
    ):
        before = client.get(f"{API}/hoks/{created}", headers=headers).json()["data"]
        body = {**before, "sahkoposti": "y" * (5 * MB)}
        response = client.put(
            f"{API}/hoks/{created}",
            content=orjson.dumps(body),
            headers={**headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert client.get(f"{API}/hoks/{created}", headers=headers).json()["data"] == before
        assert stored(db)["hoks_version"] == 0

    def test_the_limit_is_a_setting_and_a_real_hoks_is_far_below_it(
        self, db, settings, world, learner, shared_reference
    ):
        largest = max(
            len(path.read_bytes()) for path in (shared_reference / "ehoks-examples").glob("*.json")
        )
        assert largest * 100 < LimitSettings().max_body_bytes
        small = Settings(
            environment="test",
            database_url=settings.database_url,
            limits=LimitSettings(max_body_bytes=4096),
        )
        with TestClient(create_app(small, engine=db)) as client:
            from tests.conftest import Clients

            headers = Clients(db, client).headers(OPH)
            body = orjson.dumps(hoks_body(*learner))
            assert len(body) < 4096
            assert json_post(client, f"{API}/hoks", body, headers).status_code == 200
            padded = hoks_body(*learner, sahkoposti="p" * 4096)
            response = json_post(client, f"{API}/validointi", orjson.dumps(padded), headers)
            assert response.status_code == 413
            assert "4096 bytes" in response.json()["error"]

    def test_the_body_is_not_read_past_the_limit(self):
        """The middleware stops at the first chunk over the limit, however long the body."""
        reads = 0

        async def receive() -> dict[str, Any]:
            nonlocal reads
            reads += 1
            return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

        async def app(scope, receive, send) -> None:
            while True:
                await receive()

        async def send(message) -> None:
            raise AssertionError("nothing is sent by the middleware itself")

        limited = BodyLimitMiddleware(app, max_body_bytes=10_000)
        scope = {"type": "http", "headers": [], "method": "POST", "path": "/"}
        with pytest.raises(BodyTooLarge) as raised:
            _run(limited(scope, receive, send))
        assert raised.value.status_code == 413
        assert reads == 11

    def test_a_declared_length_over_the_limit_is_refused_before_any_byte_is_read(self):
        reads = 0

        async def receive() -> dict[str, Any]:
            nonlocal reads
            reads += 1
            return {"type": "http.request", "body": b"", "more_body": False}

        async def app(scope, receive, send) -> None:
            await receive()

        async def send(message) -> None:
            raise AssertionError("unreachable")

        limited = BodyLimitMiddleware(app, max_body_bytes=10_000)
        headers = [(b"content-length", b"52428800")]
        scope = {"type": "http", "headers": headers, "method": "POST", "path": "/"}
        with pytest.raises(BodyTooLarge):
            _run(limited(scope, receive, send))
        assert reads == 0

    def test_a_page_form_over_the_limit_gets_the_413_page(self, client, db):
        response = client.post(
            "/ehoks/tyopaikka",
            content=b"sahkoposti=" + b"a" * (5 * MB),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("text/html")


# 2. JSON shape: nesting, list length, numbers.


class TestJsonShape:
    @pytest.mark.parametrize("depth", [254, 100_000])
    def test_deep_nesting_is_400_naming_the_limit(self, client, headers, depth, db):
        content = b"[" * depth + b"]" * depth
        response = json_post(client, f"{API}/hoks", content, headers)
        assert response.status_code == 400, response.text
        assert len(response.content) < 4000
        assert "nested too deep (at most 32 levels)" in response.text
        assert sum(stored(db).values()) == 0

    def test_deep_nesting_inside_a_hoks_is_400_at_its_place(self, client, headers, learner):
        body = hoks_body(*learner)
        deep: Any = "x"
        for _ in range(40):
            deep = {"a": deep}
        body["hankittavat-ammat-tutkinnon-osat"][0]["lisatieto"] = deep
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        assert response.status_code == 400
        (problem,) = response.json()["problems"]
        assert problem["message"] == "nested too deep (at most 32 levels)"
        assert problem["path"].startswith("hankittavat-ammat-tutkinnon-osat[0].lisatieto.a.a")

    def test_a_list_over_the_limit_is_400_naming_the_list(self, client, headers, learner):
        body = hoks_body(*learner)
        periods = body["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"]
        body["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"] = periods * 1001
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        message = problem_at(
            response, "hankittavat-ammat-tutkinnon-osat[0].osaamisen-hankkimistavat"
        )
        assert message == "too many items (at most 1000)"

    @pytest.mark.parametrize(
        "literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1" + b"0" * 5000]
    )
    def test_numbers_json_cannot_hold_are_refused(self, client, headers, learner, literal, db):
        content = orjson.dumps(hoks_body(*learner)).replace(
            b'"osa-aikaisuustieto":100', b'"osa-aikaisuustieto":' + literal
        )
        assert literal in content
        response = json_post(client, f"{API}/hoks", content, headers)
        assert response.status_code == 400, response.text
        assert len(response.content) < 4000
        assert sum(stored(db).values()) == 0


# 3. Ids, numbers, dates and instants the databases cannot hold.

HUGE = [2**31, 2**63, 10**30]


class TestIds:
    @pytest.mark.parametrize("huge", HUGE)
    @pytest.mark.parametrize(
        ("method", "template"),
        [
            ("GET", "/hoks/{id}"),
            ("PUT", "/hoks/{id}"),
            ("PATCH", "/hoks/{id}"),
            ("GET", "/hoks/{id}/versiot"),
            ("GET", "/hoks/1/versiot/{id}"),
            ("GET", "/hoks/{id}/hankintakoulutukset"),
            ("GET", "/hoks/{id}/osat/00000000-0000-0000-0000-000000000000"),
            ("GET", "/hoks/{id}/osat/00000000-0000-0000-0000-000000000000/arvioijat"),
            ("DELETE", "/hoks/1/osat/00000000-0000-0000-0000-000000000000/arvioijat/{id}"),
            ("GET", "/hoks/{id}/hankittava-ammat-tutkinnon-osa/1"),
        ],
    )
    def test_a_path_id_out_of_range_is_400_naming_it(
        self, client, headers, created, huge, method, template, db
    ):
        before = stored(db)
        json = {} if method in ("PUT", "PATCH") else None
        response = client.request(
            method, API + template.format(id=huge), headers=headers, json=json
        )
        assert response.status_code == 400, response.text
        errors = response.json()["errors"]
        assert any("2147483647" in str(message) for message in errors.values()), errors
        assert stored(db) == before

    @pytest.mark.parametrize("huge", HUGE)
    def test_a_query_id_out_of_range_is_400(self, client, headers, huge):
        response = client.get(f"{API}/hoks/paged?from-id={huge}", headers=headers)
        assert response.status_code == 400
        assert "from-id" in response.json()["errors"]

    @pytest.mark.parametrize("huge", [2**31, 2**63, 2**64 + 1, -(2**31) - 1])
    @pytest.mark.parametrize(
        "loc",
        [
            ("hankittavat-ammat-tutkinnon-osat", 0, "tutkinnon-osa-koodi-versio"),
            (*PERIOD, "osaamisen-hankkimistapa-koodi-versio"),
            (*NAYTTO, "tyoelama-osaamisen-arvioijat", 0, "id"),
            ("hankittavat-ammat-tutkinnon-osat", 0, "opetus-ja-ohjaus-maara"),
        ],
    )
    def test_a_body_integer_out_of_range_is_400_at_its_field(
        self, client, headers, learner, huge, loc, db
    ):
        body = put_at(hoks_body(*learner), loc, huge)
        response = json_post(client, f"{API}/hoks", _dumps_big(body), headers)
        assert "out of range" in problem_at(response, dotted(loc))
        assert sum(stored(db).values()) == 0

    def test_a_put_body_id_out_of_range_is_400(self, client, headers, created, db):
        current = client.get(f"{API}/hoks/{created}", headers=headers).json()["data"]
        body = {**current, "id": 2**63}
        response = client.put(f"{API}/hoks/{created}", json=body, headers=headers)
        assert "out of range" in problem_at(response, "id")
        assert stored(db)["hoks_version"] == 0


def _dumps_big(body: dict[str, Any]) -> bytes:
    """JSON with integers beyond 64 bits (which orjson will not write)."""
    import json

    return json.dumps(body).encode()


class TestInstantsAndDates:
    @pytest.mark.parametrize(
        "instant",
        [
            "0001-01-01T00:00:00+14:00",  # UTC would be in year 0
            "9999-12-31T23:59:59-14:00",  # UTC would be in year 10000
            "1899-12-31T23:59:59Z",
            "2200-01-01T00:00:00Z",
        ],
    )
    def test_an_instant_out_of_range_is_400_at_its_field(
        self, client, headers, learner, instant, db
    ):
        body = hoks_body(*learner, hyvaksytty=instant)
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        assert problem_at(response, "hyvaksytty") == "out of range (from 1900-01-01 to 2199-12-31)"
        assert sum(stored(db).values()) == 0

    @pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
    def test_a_date_out_of_range_is_400_at_its_field(self, client, headers, learner, day, db):
        body = put_at(hoks_body(*learner), (*PERIOD, "loppu"), day)
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        assert "out of range" in problem_at(response, dotted((*PERIOD, "loppu")))
        assert sum(stored(db).values()) == 0

    def test_a_query_instant_without_a_utc_time_is_400(self, client, headers):
        response = client.get(
            f"{API}/hoks/paged",
            params={"updated-after": "9999-12-31T23:59:59-14:00"},
            headers=headers,
        )
        assert response.status_code == 400
        assert "updated-after" in response.json()["errors"]


# 4. Control characters and lengths.


class TestStrings:
    @pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"])
    @pytest.mark.parametrize(
        "loc",
        [
            (*TJK, "tyopaikan-nimi"),
            (*PERIOD, "yksiloiva-tunniste"),
            (*PERIOD, "osaamisen-hankkimistapa-koodi-uri"),
            (*NAYTTO, "sisallon-kuvaus", 0),
        ],
    )
    def test_a_control_character_is_400_at_its_field(
        self, client, headers, learner, character, loc, db
    ):
        body = hoks_body(*learner)
        node: Any = body
        for key in loc[:-1]:
            node = node[key]
        node[loc[-1]] = node[loc[-1]] + character + "x"
        # Escaped as JSON sends it (a lone surrogate cannot be encoded as UTF-8 otherwise).
        content = _dumps_big(body)
        response = json_post(client, f"{API}/hoks", content, headers)
        code = f"U+{ord(character):04X}"
        assert problem_at(response, dotted(loc)) == f"contains a control character ({code})"
        assert sum(stored(db).values()) == 0

    def test_a_control_character_in_a_key_is_400(self, client, headers, learner, db):
        body = hoks_body(*learner)
        body["nimi\u0000"] = 1
        response = json_post(client, f"{API}/hoks", _dumps_big(body), headers)
        assert response.status_code == 400
        assert "control character (U+0000)" in response.text
        assert sum(stored(db).values()) == 0

    def test_tabs_and_line_breaks_are_kept_in_free_text(self, client, headers, learner):
        text = "Ensimmäinen rivi\r\n\tsisennetty toinen"
        body = put_at(hoks_body(*learner), (*TJK, "tyopaikan-nimi"), f"A {text} B")
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        assert response.status_code == 200, response.text
        hoks_id = response.json()["meta"]["id"]
        read = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
        period = read["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
        assert period["tyopaikalla-jarjestettava-koulutus"]["tyopaikan-nimi"] == f"A {text} B"

    @pytest.mark.parametrize(
        ("loc", "limit", "filler"),
        [
            ((*PERIOD, "yksiloiva-tunniste"), 256, "t"),
            ((*TJK, "vastuullinen-tyopaikka-ohjaaja", "sahkoposti"), 320, "s"),
            ((*PERIOD, "osaamisen-hankkimistapa-koodi-uri"), 128, "osaamisenhankkimistapa_"),
            ((*TJK, "tyopaikan-nimi"), TEXT_MAX, "n"),
            (("sahkoposti",), 320, "e"),
        ],
    )
    def test_a_string_longer_than_its_column_is_400_and_one_at_the_limit_is_stored(
        self, client, headers, world, loc, limit, filler, db
    ):
        def value(length: int) -> str:
            return (filler + "x" * length)[:length]

        too_long = put_at(hoks_body(*world.add_oppija("long")), loc, value(limit + 1))
        response = json_post(client, f"{API}/hoks", orjson.dumps(too_long), headers)
        assert problem_at(response, dotted(loc)) == f"too long (at most {limit} characters)"
        assert sum(stored(db).values()) == 0
        fits = put_at(hoks_body(*world.add_oppija("fits")), loc, value(limit))
        response = json_post(client, f"{API}/hoks", orjson.dumps(fits), headers)
        assert response.status_code == 200, response.text  # the column holds it, on both DBs

    def test_any_string_in_a_json_body_is_bounded(self, client, headers, learner):
        body = hoks_body(*learner, tuntematon="z" * (TEXT_MAX + 1))
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        assert problem_at(response, "tuntematon") == f"too long (at most {TEXT_MAX} characters)"

    @pytest.mark.parametrize("path", ["/hoks/opiskeluoikeus/%00", "/hoks/opiskeluoikeus/a%07b"])
    def test_a_control_character_in_a_path_is_400(self, client, headers, path):
        response = client.get(API + path, headers=headers)
        assert response.status_code == 400
        assert "control character" in response.json()["errors"]["opiskeluoikeus_oid"]

    def test_a_control_character_in_a_query_is_400(self, client, headers):
        response = client.get(f"{API}/hoks/paged", params={"amount": "5\x00"}, headers=headers)
        assert response.status_code == 400
        assert "control character (U+0000)" in response.json()["errors"]["amount"]


# 5. Duplicate keys, media type, methods.


class TestProtocol:
    @pytest.mark.parametrize(
        "content",
        [
            b'{"oppija-oid": "a", "oppija-oid": "b"}',
            b'{"osat": [{"nimi": 1, "x": 2, "nimi": 3}]}',
        ],
    )
    def test_duplicate_keys_are_400_naming_the_key(self, client, headers, content, db):
        response = json_post(client, f"{API}/hoks", content, headers)
        assert response.status_code == 400
        body = response.json()
        assert body["type"] == "compojure.api.exception/request-parsing"
        assert "duplicate key" in body["original"]
        assert ("'oppija-oid'" in body["original"]) or ("'nimi'" in body["original"])
        assert sum(stored(db).values()) == 0

    def test_a_duplicate_key_inside_a_real_hoks_is_refused(self, client, headers, learner, db):
        content = orjson.dumps(hoks_body(*learner))
        doubled = content.replace(
            b'"osa-aikaisuustieto":100', b'"osa-aikaisuustieto":100,"osa-aikaisuustieto":50'
        )
        response = json_post(client, f"{API}/hoks", doubled, headers)
        assert response.status_code == 400
        assert "'osa-aikaisuustieto'" in response.json()["original"]
        assert sum(stored(db).values()) == 0

    @pytest.mark.parametrize(
        "content_type",
        [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "json"],
    )
    def test_a_json_route_refuses_another_media_type_with_415(
        self, client, headers, learner, content_type, db
    ):
        sent = {**headers} if content_type is None else {**headers, "Content-Type": content_type}
        response = client.post(
            f"{API}/hoks", content=orjson.dumps(hoks_body(*learner)), headers=sent
        )
        assert response.status_code == 415
        assert "application/json" in response.json()["error"]
        assert sum(stored(db).values()) == 0

    @pytest.mark.parametrize(
        "content_type", ["application/json; charset=utf-8", "application/merge-patch+json"]
    )
    def test_json_media_types_are_accepted(self, client, headers, learner, content_type):
        response = client.post(
            f"{API}/hoks",
            content=orjson.dumps(hoks_body(*learner)),
            headers={**headers, "Content-Type": content_type},
        )
        assert response.status_code == 200, response.text

    def test_every_json_route_checks_the_media_type(self, client, headers, created):
        part = "00000000-0000-0000-0000-000000000000"
        for method, path in [
            ("PUT", f"/hoks/{created}"),
            ("PATCH", f"/hoks/{created}"),
            ("POST", "/validointi"),
            ("PUT", f"/hoks/{created}/osat/{part}"),
            ("POST", f"/hoks/{created}/osat/hankittavat-ammat-tutkinnon-osat"),
            ("POST", f"/hoks/{created}/osat/{part}/arvioijat"),
        ]:
            response = client.request(
                method, API + path, content=b"{}", headers={**headers, "Content-Type": "text/xml"}
            )
            assert response.status_code == 415, (method, path, response.text)

    def test_form_posts_of_the_pages_are_not_taken_for_json(self, client):
        # The workplace login form (application/x-www-form-urlencoded) is answered as before:
        # its CSRF check refuses this post without the cookie, not the media type.
        response = client.post(
            "/ehoks/tyopaikka",
            data={"sahkoposti": "olli@example.org", "csrf_token": "x"},
            headers={"Accept": "text/html"},
        )
        assert response.status_code in (200, 303, 400, 403), response.status_code

    @pytest.mark.parametrize(
        ("method", "path", "allowed"),
        [
            ("DELETE", "/hoks", {"POST"}),
            ("DELETE", "/hoks/1", {"GET", "PUT", "PATCH"}),
            ("POST", "/healthcheck", {"GET"}),
        ],
    )
    def test_a_405_names_the_allowed_methods(self, client, headers, method, path, allowed):
        response = client.request(method, API + path, headers=headers)
        assert response.status_code == 405
        assert set(response.headers["allow"].split(", ")) >= allowed
        assert method not in response.headers["allow"].split(", ")

    def test_a_page_405_also_names_them(self, client):
        response = client.put("/ehoks/tyopaikka")
        assert response.status_code == 405
        assert response.headers["content-type"].startswith("text/html")
        assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}


# 6. Page sizes.


class TestPageSize:
    @pytest.mark.parametrize("amount", [0, -1, 1001, 10**12])
    def test_a_page_size_out_of_bounds_is_400_naming_it(self, client, headers, amount):
        response = client.get(f"{API}/hoks/paged?amount={amount}", headers=headers)
        assert response.status_code == 400
        assert response.json()["errors"]["amount"] == "out of range (from 1 to 1000)"

    def test_the_largest_page_is_served(self, client, headers, created):
        response = client.get(f"{API}/hoks/paged?amount=1000", headers=headers)
        assert response.status_code == 200
        assert len(response.json()["data"]["result"]) == 1

    def test_the_page_size_limit_is_a_setting(self, db, settings, world):
        small = Settings(
            environment="test",
            database_url=settings.database_url,
            limits=LimitSettings(max_page_size=5),
        )
        with TestClient(create_app(small, engine=db)) as client:
            from tests.conftest import Clients

            headers = Clients(db, client).headers(OPH)
            assert client.get(f"{API}/hoks/paged?amount=5", headers=headers).status_code == 200
            response = client.get(f"{API}/hoks/paged?amount=6", headers=headers)
            assert response.json()["errors"]["amount"] == "out of range (from 1 to 5)"


# 7. Short error answers.


class TestShortErrors:
    def test_a_400_echoes_only_an_excerpt_of_a_large_body(self, client, headers, learner):
        body = hoks_body(*learner, **{"ensikertainen-hyvaksyminen": "ei päivä"})
        body["hankittavat-ammat-tutkinnon-osat"][0][
            "vaatimuksista-tai-tavoitteista-poikkeaminen"
        ] = "v" * 9000
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        assert response.status_code == 400
        answer = response.json()
        assert isinstance(answer["value"], str)
        assert answer["value"].endswith("…")
        assert len(answer["value"]) <= 201
        assert "v" * 300 not in response.text
        assert len(response.content) < 2000

    def test_a_small_body_is_still_echoed_whole(self, client, headers):
        response = json_post(client, f"{API}/hoks", b'{"x": 1}', headers)
        assert response.status_code == 400
        assert response.json()["value"] == {"x": 1}

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
    @pytest.mark.parametrize("huge", [2**63, -(2**63) - 1, 6674019200971096256208175104])
    def test_a_small_body_with_an_integer_beyond_64_bits_is_400_naming_it(
        self, client, headers, created, method, huge, db
    ):
        # Found by the fuzzer: a short body is echoed whole, and orjson cannot write the integer.
        path = f"{API}/hoks" if method == "POST" else f"{API}/hoks/{created}"
        content = f'{{"id": {huge}, "sahkoposti": "a@example.org"}}'.encode()
        before = stored(db)
        response = client.request(
            method, path, content=content, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert "out of range" in problem_at(response, "id")
        assert response.json()["value"] == content.decode().replace(" ", "")
        assert stored(db) == before

    def test_a_body_of_a_thousand_bad_items_gets_at_most_100_problems(
        self, client, headers, learner
    ):
        body = hoks_body(*learner)
        body["hankittavat-ammat-tutkinnon-osat"] = [{"nimi": i, "x": i} for i in range(1000)]
        response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
        assert response.status_code == 400
        assert len(response.json()["problems"]) == MAX_PROBLEMS
        assert len(response.content) < 40_000


def test_excerpt_is_bounded_however_the_value_is_shaped():
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert len(excerpt(deep)) <= 201
    assert len(excerpt({"k" * 10**6: 1})) <= 201
    assert len(excerpt([10**5000])) <= 201
    assert excerpt({"a": [1, "b", None, True]}) == {"a": [1, "b", None, True]}
    assert excerpt({"a": [2**63 - 1, -(2**63)]}) == {"a": [2**63 - 1, -(2**63)]}
    # Beyond 64 bits the value cannot be written as JSON by orjson: its text is shown instead.
    assert excerpt({"a": [2**63]}) == '{"a":[9223372036854775808]}'
    assert excerpt([-(2**63) - 1, 10**40]) == "[-9223372036854775809,<a very large integer>]"


def test_every_integer_parameter_of_every_route_is_bounded(app):
    """A new route's id or page parameter without bounds would reach the database unchecked."""
    from fastapi.routing import APIRoute

    from ehoks.limits import DB_BIGINT_MAX
    from ehoks.main import routers

    unbounded = []
    for prefix, router in routers():
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            params = [*route.dependant.path_params, *route.dependant.query_params]
            for param in params:
                if param.field_info.annotation not in (int, int | None):
                    continue
                bounds = {type(m).__name__: m for m in param.field_info.metadata}
                upper = getattr(bounds.get("Le"), "le", None)
                lower = getattr(bounds.get("Ge"), "ge", None)
                checked = param.name in ("amount", "item_count")  # against the page size setting
                if not checked and (upper is None or lower is None or upper > DB_BIGINT_MAX):
                    unbounded.append(f"{prefix}{route.path} {param.name}")
                if "id" in param.name and upper is not None and upper > DB_INT_MAX:
                    unbounded.append(f"{prefix}{route.path} {param.name} beyond integer")
    assert unbounded == []


# The data model itself, whatever surface it is reached from (the form, the CLI, the jobs).


@pytest.mark.parametrize(
    ("loc", "value", "message"),
    [
        ((*TJK, "tyopaikan-nimi"), "a\x00b", "contains a control character (U+0000)"),
        ((*PERIOD, "osaamisen-hankkimistapa-koodi-uri"), "osaamisenhankkimistapa_\x00", None),
        ((*PERIOD, "yksiloiva-tunniste"), "t" * 257, "too long (at most 256 characters)"),
        ((*PERIOD, "osa-aikaisuustieto"), 2**31, "out of range (at most 2147483647)"),
        ((*PERIOD, "alku"), "0001-01-01", "out of range (from 1900-01-01 to 2199-12-31)"),
        (("hyvaksytty",), "0001-01-01T00:00:00+14:00", None),
        (("hankittavat-ammat-tutkinnon-osat", 0, "opetus-ja-ohjaus-maara"), 1e300, None),
    ],
)
def test_the_data_model_refuses_what_the_databases_cannot_hold(loc, value, message):
    from ehoks.errors import ValidationFailed
    from ehoks.hoks.schemas import validate_hoks

    body = put_at(hoks_body("1.2.246.562.24.54450598189", "1.2.246.562.15.41024330544"), loc, value)
    with pytest.raises(ValidationFailed) as raised:
        validate_hoks(body, method="post")
    problems = {p["path"]: p["message"] for p in raised.value.problems}
    assert dotted(loc) in problems, problems
    if message is not None:
        assert problems[dotted(loc)] == message


def test_an_error_message_quoting_the_input_is_short(client, headers, learner, db):
    oppija, _ = learner
    body = hoks_body(oppija, "1.2.246.562.15." + "4" * 9000)
    response = json_post(client, f"{API}/hoks", orjson.dumps(body), headers)
    assert response.status_code == 400
    assert len(response.content) < 1000
    assert sum(stored(db).values()) == 0


def test_the_limits_are_read_from_the_environment(monkeypatch):
    from ehoks.config import load_settings

    monkeypatch.setenv("EHOKS_LIMITS__MAX_BODY_BYTES", "123456")
    monkeypatch.setenv("EHOKS_LIMITS__MAX_PAGE_SIZE", "50")
    limits = load_settings().limits
    assert (limits.max_body_bytes, limits.max_page_size) == (123456, 50)
    assert (limits.max_json_depth, limits.max_json_items) == (32, 1000)


BAD_PATH_VALUES = ["2147483648", "9223372036854775808", "%00", "a%1Fb", "x" * 5000]


def test_no_route_answers_500_to_values_the_database_cannot_hold(client, clients, db, settings):
    """Every route, each path parameter given each bad value, as a service client and an
    official super user at once: a 4xx everywhere, never a 500 (on either database)."""
    import re

    from fastapi.routing import APIRoute

    from ehoks.access.actor import OfficialActor, grants_from_roles
    from ehoks.main import routers
    from tests.sessions import login

    official = OfficialActor(
        "1.2.246.562.24.10000000011",
        "Virkailija Vilma",
        grants_from_roles([f"ROLE_APP_EHOKS_OPHPAAKAYTTAJA_{OPH}"]),
    )
    headers = {**clients.headers(OPH), **login(client, db, settings, official)}
    failures = []
    for prefix, router in routers():
        for route in router.routes:
            if not isinstance(route, APIRoute) or "{" not in route.path:
                continue
            for method in sorted(route.methods - {"HEAD"}):
                for bad in BAD_PATH_VALUES:
                    path = re.sub(r"\{[^}]+\}", bad, prefix + route.path)
                    json = {} if method in ("POST", "PUT", "PATCH") else None
                    response = client.request(method, path, headers=headers, json=json)
                    if response.status_code >= 500:
                        failures.append((method, prefix + route.path, bad[:20]))
    assert failures == []
