"""The human part of the OpenAPI description."""

from __future__ import annotations

DESCRIPTION = """
The eHOKS service API for student information systems (SIS), compatible with the original
eHOKS v1 API under `/ehoks-virkailija-backend/api/v1/hoks`: same paths, kebab-case Finnish
JSON keys, `{"meta": …, "data": …}` envelope, status codes and Finnish rule messages.

**Authentication.** Get a token with your client id and secret at `POST /oauth2/token`
(`grant_type=client_credentials`) and send it as `Authorization: Bearer <token>`. Every request
also carries a `Caller-Id` header naming your system.

**Additions beside the compatible routes** (they change none of them):

* *Piecewise writing.* Add a part with `POST /hoks/{id}/osat/{collection}` (one of the nine root
  collections, e.g. `hankittavat-ammat-tutkinnon-osat`) or
  `POST /hoks/{id}/osat/{module-id}/{collection}` (under another part, e.g.
  `osaamisen-hankkimistavat`); read, replace or remove any part with
  `GET|PUT|DELETE /hoks/{id}/osat/{module-id}`. Every such write validates the whole resulting
  HOKS.
* *Stable part identities.* Every part has a `module-id` that survives a PUT when the part is
  still there (sent back, or matched by `yksiloiva-tunniste` or its code).
* *Optimistic concurrency.* Responses carry the HOKS version as `ETag`; send it back in
  `If-Match` on any write and get `412` if somebody changed the HOKS in between.
* *Idempotent create.* `POST /hoks` with an `Idempotency-Key` header returns the first result
  when retried and never creates a second HOKS.
* *History.* `GET /hoks/{id}/versiot` lists the versions; `GET /hoks/{id}/versiot/{n}` reads one.
"""


def describe_hoks_api() -> str:
    return DESCRIPTION.strip()
