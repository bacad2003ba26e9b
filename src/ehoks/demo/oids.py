"""Valid identifiers for demo data: OIDs with their check digits and Finnish business IDs.

Generating the identifiers, rather than hand-computing check digits, keeps the demo data valid
when it is edited. The check digits are the service's own (``ehoks.kernel.oids``,
``ehoks.hoks.schemas.primitives``), so every generated identifier passes the service's checks by
construction, and tests prove it.
"""

from __future__ import annotations

import hashlib

from ehoks.hoks.schemas.primitives import Y_TUNNUS_RE, y_tunnus_ok
from ehoks.kernel.oids import ibm_1_3_7_check_digit, luhn_check_digit

OPH_ROOT_OID = "1.2.246.562.10.00000000001"
_HETU_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _payload(seed: str) -> str:
    """A stable 10-digit payload without a leading zero, derived from ``seed``."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    return str(1_000_000_000 + number % 9_000_000_000)


def oppija_oid(seed: str) -> str:
    """A learner OID on node 24 (IBM 1-3-7 check digit)."""
    payload = _payload(f"oppija:{seed}")
    return f"1.2.246.562.24.{payload}{ibm_1_3_7_check_digit(payload)}"


def opiskeluoikeus_oid(seed: str) -> str:
    """A Koski study-right OID on node 15 (Luhn check digit)."""
    payload = _payload(f"opiskeluoikeus:{seed}")
    return f"1.2.246.562.15.{payload}{luhn_check_digit(payload)}"


def organisaatio_oid(seed: str) -> str:
    """An organisation OID on node 10. Organisation OIDs carry no check digit; one is added
    anyway so that the number looks like those the real Organisaatiopalvelu hands out."""
    payload = _payload(f"organisaatio:{seed}")
    return f"1.2.246.562.10.{payload}{luhn_check_digit(payload)}"


def y_tunnus(seed: str) -> str:
    """A Finnish business ID (Y-tunnus) with a valid check digit."""
    number = int.from_bytes(hashlib.sha256(f"y-tunnus:{seed}".encode()).digest()[:8], "big")
    while True:
        body = f"{number % 10_000_000:07d}"
        for check in range(10):
            candidate = f"{body}-{check}"
            if Y_TUNNUS_RE.fullmatch(candidate) and y_tunnus_ok(candidate):
                return candidate
        number += 1


def hetu(birth_date: str, seed: str) -> str:
    """A Finnish personal identity code in the artificial range (individual number 900-999),
    which no real person has. ``birth_date`` is ``YYYY-MM-DD``; the century sign follows it."""
    year, month, day = birth_date.split("-")
    individual = 900 + int.from_bytes(hashlib.sha256(f"hetu:{seed}".encode()).digest()[:2]) % 100
    century = {"18": "+", "19": "-", "20": "A"}[year[:2]]
    number = int(f"{day}{month}{year[2:]}{individual:03d}")
    return f"{day}{month}{year[2:]}{century}{individual:03d}{_HETU_CHARS[number % 31]}"
