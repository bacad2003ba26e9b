"""The human part of the OpenAPI document: its description and the examples of the HOKS
routes' request bodies."""

from __future__ import annotations

from typing import Any

DESCRIPTION = """
The eHOKS service API for student information systems (SIS), compatible with the original
eHOKS v1 API under `/ehoks-virkailija-backend/api/v1/hoks`: same paths, kebab-case Finnish
JSON keys, `{"meta": …, "data": …}` envelope, status codes and Finnish rule messages.

**Authentication.** Get a token with your client id and secret at `POST /oauth2/token`
(`grant_type=client_credentials`) and send it as `Authorization: Bearer <token>`; an existing
eHOKS client may send a CAS service ticket in the `ticket` header instead. Every request also
carries a `Caller-Id` header naming your system. In this page, *Authorize* takes the client id
and secret (`oauth2`) and the `Caller-Id` (`callerId`); *Try it out* then sends both. The
officials', students' and workplace actors' routes take the login session's cookie instead
(`session`), and the session's CSRF token (`csrf`) on every state-changing call.

**Errors.** Every operation lists the statuses it can answer with their bodies, in the original
eHOKS's shapes: `{"error": …}` for most refusals, `{"message": …}` for 410 and some 404s, and
the request-validation body (`errors` mirroring the input, `problems` flat) for a refused
parameter, header or field.

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


EXAMPLE_HOKS: dict[str, Any] = {
    "oppija-oid": "1.2.246.562.24.12312312319",
    "opiskeluoikeus-oid": "1.2.246.562.15.41024330544",
    "ensikertainen-hyvaksyminen": "2025-08-15",
    "osaamisen-hankkimisen-tarve": True,
    "sahkoposti": "opiskelija@example.org",
    "hankittavat-ammat-tutkinnon-osat": [
        {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
            "tutkinnon-osa-koodi-versio": 1,
            "osaamisen-hankkimistavat": [
                {
                    "alku": "2025-09-01",
                    "loppu": "2025-12-19",
                    "yksiloiva-tunniste": "jakso-1",
                    "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
                    "osaamisen-hankkimistapa-koodi-versio": 1,
                    "osa-aikaisuustieto": 100,
                    "tyopaikalla-jarjestettava-koulutus": {
                        "tyopaikan-nimi": "Esimerkki Oy",
                        "tyopaikan-y-tunnus": "1234567-1",
                        "vastuullinen-tyopaikka-ohjaaja": {
                            "nimi": "Olli Ohjaaja",
                            "sahkoposti": "olli.ohjaaja@example.org",
                        },
                        "keskeiset-tyotehtavat": ["Asiakaspalvelu"],
                    },
                }
            ],
        }
    ],
}
