"""The national identifiers of Opintopolku (OIDs): their shapes and check digits.

Every domain checks them (a service client's organisation, a learner in a search, a study right
in a HOKS), and the registries hand them out, so they live here rather than in one domain. The
HOKS model's validators (``hoks/schemas/primitives.py``) build on them. Regexes use ``[0-9]``
rather than ``\\d``: Python's ``\\d`` also matches non-ASCII digits, which the original rejected.
"""

from __future__ import annotations

import re

OPISKELUOIKEUS_OID_RE = re.compile(r"1\.2\.246\.562\.15\.[1-9][0-9]{9}(?:[0-9]|10)")
OPPIJA_OID_RE = re.compile(r"1\.2\.246\.562\.(?:24|[12]?98)\.[1-9][0-9]{9}(?:[0-9]|10)")
ORGANISAATIO_OID_RE = re.compile(
    r"1\.2\.246\.562\.(?:10|[12]?99)\.(?:[1-9][0-9]{9}(?:[0-9]|10)|0{10}1|201[34][0-9]{18})"
)


def luhn_check_digit(payload: str) -> int:
    """Check digit as OPH's OIDGenerator computes it: double every other digit from the right,
    starting with the rightmost."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def ibm_1_3_7_check_digit(payload: str) -> int:
    weights = (7, 3, 1)
    total = sum(int(char) * weights[i % 3] for i, char in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def oid_check_digit_ok(oid: str) -> bool:
    """The last component is ten payload digits followed by the check digit, or by ``10`` standing
    for check digit 0 (a bug in an old OID generator left such OIDs in production).

    Assumes the OID already matched its pattern.
    """
    parts = oid.split(".")
    node, last = parts[4], parts[5]
    payload, rest = last[:10], last[10:]
    expected = 0 if rest == "10" else int(rest)
    actual = ibm_1_3_7_check_digit(payload) if node == "24" else luhn_check_digit(payload)
    return expected == actual


def is_opiskeluoikeus_oid(value: object) -> bool:
    return (
        isinstance(value, str)
        and OPISKELUOIKEUS_OID_RE.fullmatch(value) is not None
        and oid_check_digit_ok(value)
    )


def is_oppija_oid(value: object) -> bool:
    return (
        isinstance(value, str)
        and OPPIJA_OID_RE.fullmatch(value) is not None
        and oid_check_digit_ok(value)
    )


def is_organisaatio_oid(value: object) -> bool:
    return isinstance(value, str) and ORGANISAATIO_OID_RE.fullmatch(value) is not None
