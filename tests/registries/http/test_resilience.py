"""Timeouts, retries, the circuit breaker and dropped connections, with real sockets.

Every registry client is built on ``RegistryHttpClient``; these tests drive it directly so that
each behaviour is shown once, with the smallest waits that still prove it.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import HttpKoski, RegistryHttpClient
from tests.registries.http.fake_server import Drop, Hang, Reply, closed_port_url
from tests.registries.http.mock import registry_settings

PATH = "/koski/api/opiskeluoikeus/1.2.246.562.15.76811932037"


def body(response: httpx.Response) -> object:
    response.raise_for_status()
    return response.json()


def client(url: str, **overrides) -> RegistryHttpClient:
    settings = registry_settings(url, **overrides)
    return RegistryHttpClient("Koski", settings.koski_url, settings)


def get(registry: RegistryHttpClient) -> object:
    return registry.call("GET", PATH.removeprefix("/koski/"), body, read=True)


class TestTimeouts:
    def test_a_registry_that_hangs_is_unavailable_after_each_try_times_out(self, fake):
        fake.on("GET", PATH, Hang())
        # Generous enough that a loaded machine still connects, far below the hang's length.
        registry = client(fake.url, read_timeout_seconds=0.2)

        with pytest.raises(RegistryUnavailable) as raised:
            get(registry)
        registry.close()

        assert "no answer in time (ReadTimeout)" in raised.value.detail
        assert len(fake.calls("GET", PATH)) == 3

    def test_nobody_listening_is_unavailable(self):
        registry = client(closed_port_url())

        with pytest.raises(RegistryUnavailable) as raised:
            get(registry)
        registry.close()

        assert "the connection failed (ConnectError)" in raised.value.detail
        assert raised.value.headers == {"Retry-After": "1"}


class TestRetries:
    def test_a_gateway_error_then_success_is_a_success(self, fake):
        fake.on("GET", PATH, Reply(502), Reply(json={"oid": "x"}))
        registry = client(fake.url)

        assert get(registry) == {"oid": "x"}
        registry.close()
        assert len(fake.calls("GET", PATH)) == 2

    def test_a_dropped_connection_then_success_is_a_success(self, fake):
        fake.on("GET", PATH, Drop(), Reply(json={"oid": "x"}))
        registry = client(fake.url)

        assert get(registry) == {"oid": "x"}
        registry.close()
        assert len(fake.calls("GET", PATH)) == 2

    def test_tries_are_bounded(self, fake):
        fake.on("GET", PATH, Reply(503))
        registry = client(fake.url, retry_attempts=4)

        with pytest.raises(RegistryUnavailable) as raised:
            get(registry)
        registry.close()

        assert raised.value.detail.startswith("Koski is unavailable (it answered HTTP 503)")
        assert len(fake.calls("GET", PATH)) == 4

    def test_a_request_that_is_not_a_read_is_sent_once(self, fake):
        fake.on("POST", "/koski/api/oppija", Reply(502))
        registry = client(fake.url)

        with pytest.raises(RegistryUnavailable):
            registry.call("POST", "api/oppija", body, read=False, json={})
        registry.close()

        assert len(fake.calls("POST")) == 1

    def test_other_errors_are_not_retried(self, fake):
        fake.on("GET", PATH, Reply(500, json=[{"key": "internalError"}]))
        koski = HttpKoski(registry_settings(fake.url))

        with pytest.raises(RegistryUnavailable) as raised:
            koski.get_opiskeluoikeus("1.2.246.562.15.76811932037")
        koski.close()

        assert "HTTP 500, while fetching" in raised.value.detail
        assert "Koski-virhekoodi internalError" in raised.value.detail
        assert len(fake.calls("GET", PATH)) == 1


class TestCircuitBreaker:
    def test_opens_fails_fast_and_recovers_after_the_cool_down(self, fake):
        fake.on("GET", PATH, Reply(503))
        registry = client(
            fake.url, retry_attempts=1, breaker_failure_threshold=3, breaker_reset_seconds=0.5
        )

        for _ in range(3):
            with pytest.raises(RegistryUnavailable):
                get(registry)
        assert registry.breaker.state == "opened"
        asked = len(fake.calls("GET", PATH))

        with pytest.raises(RegistryUnavailable) as fast:
            get(registry)
        assert len(fake.calls("GET", PATH)) == asked  # not asked while open
        assert "failed repeatedly" in fast.value.detail
        assert fast.value.headers == {"Retry-After": "1"}

        fake.on("GET", PATH, Reply(json={"oid": "x"}))
        time.sleep(0.55)  # the cool-down
        assert get(registry) == {"oid": "x"}
        assert registry.breaker.state == "closed"
        assert get(registry) == {"oid": "x"}
        registry.close()

    def test_a_failure_after_the_cool_down_opens_it_again(self, fake):
        fake.on("GET", PATH, Reply(503))
        registry = client(fake.url, retry_attempts=1, breaker_failure_threshold=1)

        with pytest.raises(RegistryUnavailable):
            get(registry)
        time.sleep(0.25)
        with pytest.raises(RegistryUnavailable) as trial:
            get(registry)
        registry.close()

        assert "HTTP 503" in trial.value.detail  # the trial call reached the registry
        assert registry.breaker.state == "opened"
        assert len(fake.calls("GET", PATH)) == 2

    def test_a_success_resets_the_count_of_consecutive_failures(self, fake):
        fake.on("GET", PATH, Reply(503), Reply(503), Reply(json={}), Reply(503), Reply(503))
        registry = client(fake.url, retry_attempts=1, breaker_failure_threshold=3)

        for _ in range(5):
            with contextlib.suppress(RegistryUnavailable):
                get(registry)
        registry.close()

        assert registry.breaker.state == "closed"

    def test_answers_of_a_registry_that_is_up_do_not_open_it(self, fake):
        fake.on("GET", PATH, Reply(403, json=[{"key": "forbidden"}]))
        koski = HttpKoski(registry_settings(fake.url, breaker_failure_threshold=2))

        for _ in range(3):
            with pytest.raises(RegistryUnavailable):
                koski.get_opiskeluoikeus("1.2.246.562.15.76811932037")
        koski.close()

        assert koski.breaker_state == "closed"
        assert len(fake.calls("GET", PATH)) == 3

    def test_calls_to_one_registry_run_in_parallel_through_it(self, fake):
        fake.on("GET", PATH, Hang(0.2))
        registry = client(fake.url)

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda _: get(registry), range(2)))
        registry.close()

        assert answers == [{}, {}]
        assert fake.max_in_flight == 2  # the breaker does not serialise the calls

    def test_each_registry_has_its_own_circuit(self, fake):
        fake.on("GET", PATH, Reply(503))
        fake.on("GET", "/organisaatio-service/api/1.2.246.562.10.1", Reply(json={"oid": "o"}))
        settings = registry_settings(fake.url, retry_attempts=1, breaker_failure_threshold=1)
        koski = RegistryHttpClient("Koski", settings.koski_url, settings)
        organisaatio = RegistryHttpClient("Organisaatio", settings.organisaatio_url, settings)

        with pytest.raises(RegistryUnavailable):
            get(koski)
        answer = organisaatio.call("GET", "api/1.2.246.562.10.1", body, read=True)
        koski.close()
        organisaatio.close()

        assert koski.breaker.state == "opened"
        assert answer == {"oid": "o"}
