"""``GET /hoks/{hoks-id}`` on the lean path (issue 12, item 5): the service client's active
check and the HOKS in one statement on the read's one connection, the decision by the one
access policy, and the document parsed only for an answer that carries it."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.orm import Session

from ehoks.access.actor import Actor
from ehoks.access.service import refuse_inactive_client
from ehoks.context import UseCase
from ehoks.hoks.errors import HoksNotFound
from ehoks.hoks.read_repository import HoksForRead, hoks_with_client
from ehoks.hoks.schemas import read_view
from ehoks.hoks.service.common import decide_on


def get_checking_client(
    session: Session, actor: Actor, hoks_id: int, deps: UseCase, *, client_id: str | None
) -> HoksForRead:
    """``documents.get`` for a service client whose token has not yet been checked against
    the client's row (``client_id``; None when there is nothing to check): in order, 401 for
    a disabled client, 404 for a missing or deleted HOKS, then the policy's decision (403),
    and the read recorded on the trail."""
    row = hoks_with_client(session, hoks_id, client_id=client_id)
    refuse_inactive_client(row.client_active)
    if row.hoks is None:
        raise HoksNotFound()
    hoks = row.hoks
    deps.audit("read", hoks, decide_on(session, actor, "read", hoks, deps))
    return hoks


def body_of(hoks: HoksForRead) -> bytes:
    """The answer's bytes, ``{"meta": {}, "data": <the read view>}`` as ``envelope`` makes it.
    A document stored in its read shape (``Hoks.read_shaped``: no server field of its own, no
    null, every always-present list there) is its view already: its stored JSON text goes
    into the answer as it is, after the server's fields, without being parsed, reshaped and
    encoded again. Any other document is."""
    if not hoks.read_shaped:
        return orjson.dumps({"meta": {}, "data": view_of(hoks)})
    head = b'{"meta":{},"data":{"id":%d,"eid":%b,"manuaalisyotto":%b' % (
        hoks.id,
        orjson.dumps(hoks.eid),
        b"true" if hoks.manuaalisyotto else b"false",
    )
    # The document's members, between its braces (an object, as every stored document is).
    members = hoks.document_json.strip()[1:-1].strip()
    return head + (b"," + members.encode() if members else b"") + b"}}"


def view_of(hoks: HoksForRead) -> dict[str, Any]:
    """The GET representation, as ``common.full_view`` makes it of a loaded ``Hoks``."""
    view = read_view(orjson.loads(hoks.document_json))
    return {"id": hoks.id, "eid": hoks.eid, "manuaalisyotto": hoks.manuaalisyotto, **view}
