"""Primitive value types of the HOKS model (reference 3.2): identifiers with check digits, code
URIs, dates and strictly typed JSON scalars.

Every type is an ``Annotated`` pydantic type whose validator raises a short English message that
names the rule; those messages end up verbatim in the error tree. Regexes use ``[0-9]`` rather than
``\\d`` because Python's ``\\d`` also matches non-ASCII digits, which the original (Java) rejected.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import AfterValidator, PlainSerializer, PlainValidator, Strict, StringConstraints
from pydantic import WithJsonSchema as _WithJsonSchema
from pydantic_core import PydanticCustomError

from ehoks.kernel.oids import (
    OPISKELUOIKEUS_OID_RE,
    OPPIJA_OID_RE,
    ORGANISAATIO_OID_RE,
    oid_check_digit_ok,
)
from ehoks.limits import (
    DATE_RANGE_MESSAGE,
    DB_INT_MAX,
    DB_INT_MIN,
    KOODI_URI_MAX,
    TEXT_MAX,
    control_character,
    control_message,
    in_date_range,
    in_instant_range,
    too_long_message,
)

# --- check digits --------------------------------------------------------------------------------


def y_tunnus_ok(value: str) -> bool:
    """Finnish business ID check digit; a remainder of 1 has no valid check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2)
    remainder = sum(int(c) * w for c, w in zip(value[:7], weights, strict=True)) % 11
    if remainder == 1:
        return False
    expected = 0 if remainder == 0 else 11 - remainder
    return int(value[-1]) == expected


# --- patterns ------------------------------------------------------------------------------------

Y_TUNNUS_RE = re.compile(r"[0-9]{7}-[0-9]")
PUHELINNUMERO_RE = re.compile(r"[-+0-9() ]*")
LOCAL_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INSTANT_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*")
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# Shown in documentation and JSON Schema exactly as the reference writes them.
DOC_PATTERNS: dict[str, str] = {
    "OpiskeluoikeusOID": r"^1\.2\.246\.562\.15\.[1-9]\d{9}(\d|10)$",
    "OppijaOID": r"^1\.2\.246\.562\.(24|[12]?98)\.[1-9]\d{9}(\d|10)$",
    "OrganisaatioOID": (
        r"^1\.2\.246\.562\.(10|[12]?99)\.([1-9]\d{9}(\d|10)|0{10}1|201[34]\d{18})$"
    ),
    "Y-tunnus": r"^[0-9]{7}-[0-9]$",
}


@dataclass(frozen=True)
class KoodiUri:
    """A Koodisto code-URI type: ``pattern`` is matched against the whole value."""

    name: str
    pattern: str  # as the reference writes it, with \d
    example: str

    @property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern.replace(r"\d", "[0-9]").strip("^$"))


KOODI_URIT: dict[str, KoodiUri] = {
    k.name: k
    for k in (
        KoodiUri("TutkinnonOsaKoodiUri", r"^tutkinnonosat_\d+$", "tutkinnonosat_100002"),
        KoodiUri(
            "OsaamisenHankkimistapaKoodiUri",
            r"^osaamisenhankkimistapa_.+$",
            "osaamisenhankkimistapa_koulutussopimus",
        ),
        KoodiUri(
            "OppisopimuksenPerustaKoodiUri",
            r"^oppisopimuksenperusta_.+$",
            "oppisopimuksenperusta_01",
        ),
        KoodiUri("OsaAlueKoodiUri", r"^ammatillisenoppiaineet_.+$", "ammatillisenoppiaineet_kl"),
        KoodiUri(
            "OppimisymparistoKoodiUri", r"^oppimisymparistot_\d{4}$", "oppimisymparistot_0001"
        ),
        KoodiUri(
            "TodentamisenProsessiKoodiUri",
            r"^osaamisentodentamisenprosessi_\d+$",
            "osaamisentodentamisenprosessi_0001",
        ),
        KoodiUri("UrasuunnitelmaKoodiUri", r"^urasuunnitelma_\d{4}$", "urasuunnitelma_0001"),
        KoodiUri(
            "KoulutuksenOsaKoodiUri", r"^koulutuksenosattuva_\d{3}$", "koulutuksenosattuva_101"
        ),
        KoodiUri(
            "OppimisenTuenTyyppiKoodiUri",
            r"^ammatillinenkoulutusoppimisentuentyyppi_\d{2}$",
            "ammatillinenkoulutusoppimisentuentyyppi_01",
        ),
        KoodiUri(
            "TutkinnonOsanRyhmaKoodiUri",
            r"^ammatillisentutkinnonosanryhma_[12]$",
            "ammatillisentutkinnonosanryhma_1",
        ),
    )
}


# --- validators ----------------------------------------------------------------------------------


def _fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _oid_validator(name: str, regex: re.Pattern[str], *, check_digit: bool) -> Any:
    def validate(value: str) -> str:
        if regex.fullmatch(value) is None:
            raise _fail("oid_format", f"not a valid {name} (format)")
        if check_digit and not oid_check_digit_ok(value):
            raise _fail("oid_check_digit", f"not a valid {name} (check digit)")
        return value

    return validate


def _validate_y_tunnus(value: str) -> str:
    if Y_TUNNUS_RE.fullmatch(value) is None:
        raise _fail("y_tunnus_format", "not a valid Y-tunnus (format NNNNNNN-N)")
    if not y_tunnus_ok(value):
        raise _fail("y_tunnus_check_digit", "not a valid Y-tunnus (check digit)")
    return value


def _koodi_uri_validator(koodi: KoodiUri) -> Any:
    regex = koodi.compiled

    def validate(value: str) -> str:
        # Some patterns end in ``.+``: the length and the characters need their own checks.
        if len(value) > KOODI_URI_MAX:
            raise _fail("string_too_long", too_long_message(KOODI_URI_MAX))
        _refuse_control_characters(value)
        if regex.fullmatch(value) is None:
            raise _fail("koodi_uri", f"not a valid {koodi.name} (pattern {koodi.pattern})")
        return value

    return validate


def _validate_puhelinnumero(value: str) -> str:
    # Message of the original (reference 4.4).
    if len(value) > 256 or PUHELINNUMERO_RE.fullmatch(value) is None:
        raise _fail("puhelinnumero", "Puhelinnumero virheellinen.")
    return value


def _refuse_control_characters(value: str) -> str:
    character = control_character(value)
    if character is not None:
        raise _fail("control_character", control_message(character))
    return value


def parse_local_date(value: Any) -> date:
    if not isinstance(value, str) or LOCAL_DATE_RE.fullmatch(value) is None:
        raise _fail("local_date", "not a valid date (expected YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise _fail("local_date", "not a valid date (expected YYYY-MM-DD)") from None
    if not in_date_range(parsed):
        raise _fail("date_range", DATE_RANGE_MESSAGE)
    return parsed


def format_local_date(value: date) -> str:
    return value.isoformat()


def parse_instant(value: Any) -> datetime:
    """Any ISO-8601 date-time; one without a zone is taken as UTC."""
    message = "not a valid ISO-8601 date-time"
    if not isinstance(value, str) or INSTANT_RE.fullmatch(value) is None:
        raise _fail("instant", message)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail("instant", message) from None
    # Checked before converting: near year 1 or 9999 the conversion to UTC itself overflows.
    if not in_instant_range(parsed):
        raise _fail("date_range", DATE_RANGE_MESSAGE)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_instant(value: datetime) -> str:
    """The original's wire form: UTC, millisecond precision, ``Z``."""
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _validate_num(value: Any) -> int | float:
    # bool is an int subclass in Python but a distinct JSON type; ints keep their form.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail("number_type", "expected a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail("number_type", "expected a finite number")
    if not DB_INT_MIN <= value <= DB_INT_MAX:
        raise _fail("number_range", f"out of range (from {DB_INT_MIN} to {DB_INT_MAX})")
    return value


def _validate_uuid(value: Any) -> str:
    if not isinstance(value, str) or UUID_RE.fullmatch(value) is None:
        raise _fail("uuid", "not a valid UUID")
    return str(uuid.UUID(value))


def _schema(**schema: Any) -> Any:
    return _WithJsonSchema(schema)


# --- the types -----------------------------------------------------------------------------------

# Plain strings are trimmed (reference 2.1); regex-validated ones below deliberately are not.
# Free text may hold tabs and line breaks, never other control characters (NUL cannot be stored
# on PostgreSQL at all); a field whose column is shorter sets its own max_length (spec.py).
Str = Annotated[
    str,
    StringConstraints(strict=True, strip_whitespace=True, max_length=TEXT_MAX),
    AfterValidator(_refuse_control_characters),
]
NonEmptyStr = Annotated[
    str,
    StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=TEXT_MAX),
    AfterValidator(_refuse_control_characters),
]
# Every integer of the data model fits PostgreSQL's ``integer`` (ehoks.limits.DB_INT_MAX).
Int = Annotated[int, Strict(), Ge(DB_INT_MIN), Le(DB_INT_MAX)]
Bool = Annotated[bool, Strict()]
Num = Annotated[
    int | float,
    PlainValidator(_validate_num),
    _schema(type="number", minimum=DB_INT_MIN, maximum=DB_INT_MAX),
]
LocalDate = Annotated[
    date,
    PlainValidator(parse_local_date),
    PlainSerializer(format_local_date, return_type=str, when_used="unless-none"),
    _schema(type="string", format="date"),
]
Inst = Annotated[
    datetime,
    PlainValidator(parse_instant),
    PlainSerializer(format_instant, return_type=str, when_used="unless-none"),
    _schema(type="string", format="date-time"),
]
Uuid = Annotated[str, PlainValidator(_validate_uuid), _schema(type="string", format="uuid")]
Puhelinnumero = Annotated[
    str,
    StringConstraints(strict=True, strip_whitespace=True),
    AfterValidator(_validate_puhelinnumero),
    _schema(type="string", maxLength=256, pattern=r"^[-+0-9() ]*$"),
]
OpiskeluoikeusOID = Annotated[
    str,
    Strict(),
    AfterValidator(_oid_validator("OpiskeluoikeusOID", OPISKELUOIKEUS_OID_RE, check_digit=True)),
    _schema(type="string", pattern=DOC_PATTERNS["OpiskeluoikeusOID"]),
]
OppijaOID = Annotated[
    str,
    Strict(),
    AfterValidator(_oid_validator("OppijaOID", OPPIJA_OID_RE, check_digit=True)),
    _schema(type="string", pattern=DOC_PATTERNS["OppijaOID"]),
]
OrganisaatioOID = Annotated[
    str,
    Strict(),
    AfterValidator(_oid_validator("OrganisaatioOID", ORGANISAATIO_OID_RE, check_digit=False)),
    _schema(type="string", pattern=DOC_PATTERNS["OrganisaatioOID"]),
]
YTunnus = Annotated[
    str,
    Strict(),
    AfterValidator(_validate_y_tunnus),
    _schema(type="string", pattern=DOC_PATTERNS["Y-tunnus"]),
]


def _koodi_uri_type(koodi: KoodiUri) -> Any:
    return Annotated[
        str,
        Strict(),
        AfterValidator(_koodi_uri_validator(koodi)),
        _schema(
            type="string",
            pattern=koodi.pattern,
            maxLength=KOODI_URI_MAX,
            examples=[koodi.example],
        ),
    ]


@dataclass(frozen=True)
class Primitive:
    """A named value type: the pydantic type plus how documentation describes it."""

    name: str
    type: Any
    doc: str


PRIMITIVES: dict[str, Primitive] = {
    p.name: p
    for p in (
        Primitive("Str", Str, "string (trimmed)"),
        Primitive("NonEmptyStr", NonEmptyStr, "non-empty string (trimmed)"),
        Primitive("Int", Int, "integer"),
        Primitive("Num", Num, "number"),
        Primitive("Bool", Bool, "boolean"),
        Primitive("LocalDate", LocalDate, "date `YYYY-MM-DD`"),
        Primitive("Inst", Inst, "ISO-8601 date-time (returned as UTC `…Z`)"),
        Primitive("UUID", Uuid, "UUID string"),
        Primitive("Puhelinnumero", Puhelinnumero, "string ≤ 256 chars matching `[-+0-9() ]*`"),
        Primitive("OpiskeluoikeusOID", OpiskeluoikeusOID, "OpiskeluoikeusOID (Luhn check digit)"),
        Primitive("OppijaOID", OppijaOID, "OppijaOID (IBM 1-3-7 / Luhn check digit)"),
        Primitive("OrganisaatioOID", OrganisaatioOID, "OrganisaatioOID (no check digit)"),
        Primitive("YTunnus", YTunnus, "Y-tunnus `NNNNNNN-N` (check digit)"),
        *(Primitive(k.name, _koodi_uri_type(k), f"`{k.pattern}`") for k in KOODI_URIT.values()),
    )
}
