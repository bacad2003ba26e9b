"""Keeping personal data out of the process logs (docs/security.md, "Logs").

The audit trail is where personal-data access is recorded; the process logs are read by more
people and kept elsewhere, so no line may carry a learner's name, person OID or e-mail address.
``redact`` masks person OIDs and e-mail addresses in text we log (paths, queries, URLs of
registry calls); ``describe_error`` names an exception without its message, since messages of
the database and of validation libraries quote the values involved (a PostgreSQL data error's
DETAIL line, pydantic's ``input_value``).
"""

from __future__ import annotations

import logging
import re
import traceback

from sqlalchemy.exc import DBAPIError

from ehoks.errors import EhoksError

# Person OIDs (oppijanumero, 1.2.246.562.24.*) and the test/foreign-learner range (.98.*).
PERSON_OID = re.compile(r"1\.2\.246\.562\.(24|98)\.\d+")
# Word characters include å, ä, ö (and "…", the mask, is not one of them).
EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
MASK = "…"
# Libraries that log personal data or secrets at INFO: httpx (and httpcore) every request's
# URL — an ONR lookup's person OID, a CAS validation's ticket —, aiosmtpd (the development mail
# catcher) every envelope's addresses. Warnings and errors of theirs still reach the log.
QUIET_LOGGERS = ("httpx", "httpcore", "mail.log")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging() -> None:
    """The service's logging (``ehoks.asgi``): INFO to standard error, libraries that would
    log personal data or secrets at INFO held to warnings."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    quiet_libraries()


def quiet_libraries() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def redact(text: str) -> str:
    """``text`` with person OIDs and e-mail addresses masked (``1.2.246.562.24.…``, ``…@…``)."""
    return EMAIL.sub(f"{MASK}@{MASK}", PERSON_OID.sub(rf"1.2.246.562.\1.{MASK}", text))


def describe_error(exc: BaseException) -> str:
    """What a log line may say about ``exc``: its type and, for the database, the SQLSTATE and
    the names of the constraint, table and column involved — never the values."""
    if isinstance(exc, EhoksError):
        return f"{type(exc).__name__}: {redact(exc.detail)}"
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        parts = [f"{type(exc).__name__} ({type(orig).__name__}"]
        sqlstate = getattr(orig, "sqlstate", None)
        if sqlstate:
            parts.append(f", SQLSTATE {sqlstate}")
        diag = getattr(orig, "diag", None)
        for name in ("constraint_name", "table_name", "column_name"):
            value = getattr(diag, name, None) if diag is not None else None
            if value:
                parts.append(f", {name.replace('_name', '')} {value}")
        if sqlstate is None and orig is not None:
            # SQLite's messages name the constraint or state ("database is locked"), not values.
            parts.append(f": {redact(str(orig))}")
        return "".join(parts) + ")"
    return type(exc).__name__


def frames(exc: BaseException) -> str:
    """The traceback's frames (file, line, function, source line) without the message."""
    return "".join(traceback.format_tb(exc.__traceback__)).rstrip()
