"""Property-based testing of every operation of the OpenAPI document with schemathesis.

Each operation gets ``examples`` requests drawn from its documented parameters and body: valid
ones (positive) and ones that break the schema (negative), half of them at the seeded HOKS, part,
learner and shares (known path parameters), so the success answers are checked too, not only the
404s. Every request goes in-process to the ASGI application with the credentials the operation's
security requirement names, and every answer is checked: no 5xx, a documented status, the
documented content type and headers, and a body that matches the documented schema.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure as CheckFailure
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass
class Failure:
    operation: str
    check: str
    status: int
    detail: str
    reproduce: str


@dataclass
class Report:
    operations: int = 0
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[tuple[str, str, int], Failure] = field(default_factory=dict)
    found: int = 0  # failing responses, before grouping by operation, check and status

    def summary(self) -> str:
        lines = [
            f"{self.requests} requests to {self.operations} operations in {self.seconds:.0f} s: "
            f"{self.found} failing responses, {len(self.failures)} distinct failures; "
            f"statuses {dict(sorted(self.statuses.items()))}"
        ]
        for failure in self.failures.values():
            lines.append(
                f"- {failure.operation}: {failure.check} ({failure.status}): "
                f"{failure.detail[:400]}\n  {failure.reproduce[:600]}"
            )
        return "\n".join(lines)


Credentials = Callable[[Any], dict[str, str]]


def load(app: Any, openapi_url: str) -> Any:
    return schemathesis.openapi.from_asgi(openapi_url, app)


def run(
    schema: Any,
    *,
    credentials: Credentials,
    known: dict[str, Any],
    examples: int,
    order: Callable[[Any], Any] = lambda op: 0,
    seed: int | None = None,
) -> Report:
    """``credentials(operation)`` gives the headers of a request (made fresh for each one);
    ``known`` maps path parameter names to the seeded data's values."""
    report = Report()
    started = time.monotonic()
    operations = sorted((r.ok() for r in schema.get_all_operations()), key=order)
    with asgi.get_client(schema.app) as client:
        for operation in operations:
            report.operations += 1
            _fuzz(operation, client, credentials, known, examples, report, seed)
    report.seconds = time.monotonic() - started
    return report


def _strategies(operation: Any, known: dict[str, Any]) -> Iterable[Any]:
    names = [p.name for p in operation.path_parameters]
    at_known = {n: known[n] for n in names if n in known}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        yield operation.as_strategy(generation_mode=mode)
        if at_known:
            yield operation.as_strategy(generation_mode=mode, path_parameters=at_known)


def _fuzz(
    operation: Any,
    client: Any,
    credentials: Credentials,
    known: dict[str, Any],
    examples: int,
    report: Report,
    seed: int | None,
) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    strategy = st.one_of(*_strategies(operation, known))

    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is not None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.given(strategy)
    def probe(case: Any) -> None:
        headers = credentials(operation)
        try:
            response = case.call(session=client, headers=headers)
        except Exception as exc:
            # Starlette answers 500 and re-raises to the server (here, to us).
            report.requests += 1
            report.statuses[500] += 1
            report.found += 1
            key = (label, f"unhandled {type(exc).__name__}", 500)
            if key not in report.failures:
                curl = case.as_curl_command(headers=headers)
                report.failures[key] = Failure(label, key[1], 500, str(exc)[:400], curl)
            return
        report.requests += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (CheckFailure, FailureGroup) as exc:
            report.found += 1
            for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                check = type(failure).__name__
                key = (label, check, response.status_code)
                if key not in report.failures:
                    report.failures[key] = Failure(
                        label,
                        check,
                        response.status_code,
                        f"{getattr(failure, 'title', '')}: {failure}",
                        case.as_curl_command(headers=headers),
                    )

    probe()
