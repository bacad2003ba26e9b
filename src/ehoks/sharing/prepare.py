"""The prepare phase of the sharing writes: what they will ask the registries, asked before
their write transaction (``docs/architecture.md``, "One request")."""

from __future__ import annotations

from typing import Any, TypeGuard

from ehoks.context import UseCase
from ehoks.hoks.service.documents import prepare_write
from ehoks.limits import DB_INT_MAX
from ehoks.sharing.repository import JakoRepository


def prepare(
    deps: UseCase,
    *,
    hoks_id: int | None = None,
    body: Any = None,
    jako_id: str | None = None,
) -> None:
    """The prepare phase of a write on shares, consents or assessors: the organisation path
    of the HOKS it is about (named by id, by the body's ``hoks-eid``/``hoks-id``, or through
    the share), asked before the write transaction (``hoks.service.prepare_write``)."""
    if hoks_id is None:
        with deps.read() as session:
            repository = JakoRepository(session)
            if jako_id is not None:
                jako = repository.get(jako_id)
                hoks_id = jako.hoks_id if jako is not None else None
            elif isinstance(body, dict):
                eid, given = body.get("hoks-eid"), body.get("hoks-id")
                hoks_id = repository.hoks_id_by_eid(eid) if isinstance(eid, str) else None
                if hoks_id is None and _is_row_id(given):
                    hoks_id = given
    prepare_write(deps, hoks_id, study_right=False)


def _is_row_id(value: Any) -> TypeGuard[int]:
    # A bad id is the apply phase's to refuse, in its words; here it only must not be asked.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= DB_INT_MAX
