"""The mails eHOKS sends, rendered from the Jinja2 templates beside this module.

Every mail carries Finnish, Swedish and English in one message, Finnish first: the recipients of
login links (workplace instructors, assessors, people a student shares with) have no account
whose language we could know. Times are shown in Finnish time (Europe/Helsinki), whatever the
server's zone.

What a mail may hold is kept narrow on purpose: mail is stored in plain text on servers we do not
control, so beyond the student's name nothing personal goes into it, and the one-time code is
never in the subject (subjects show on lock screens and in notification previews).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Literal, TypedDict

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ehoks.kernel.clock import HELSINKI
from ehoks.mail.sender import OutgoingMail

LinkPurpose = Literal["tyopaikka", "jako"]
"""``tyopaikka``: the parts of a plan where the recipient is named instructor or assessor;
``jako``: parts a student shared with the recipient."""

ShareKind = Literal["osaamisenhankkiminen", "osaamisenosoittaminen", "tutkinnonosa", "suostumus"]
"""What a student shared: a learning period, a demonstration, a qualification unit (share links,
``Jako.kohde_tyyppi``), or the parts named in a consent (``suostumus``)."""

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class LinkMailExtra(TypedDict, total=False):
    """Optional details of a ``jako`` login link mail."""

    sharer_name: str
    valid_from: date
    valid_to: date


def login_link_mail(
    to: str,
    link_url: str,
    expires_at: datetime,
    purpose: LinkPurpose,
    *,
    sharer_name: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> OutgoingMail:
    """The mail with a login link. ``sharer_name`` and the validity window are shown for
    ``jako`` links when given."""
    if purpose not in ("tyopaikka", "jako"):
        raise ValueError(f"unknown login link purpose {purpose!r}")
    return _render(
        "login_link",
        to=to,
        subject="eHOKS: kirjautumislinkki | inloggningslänk | login link",
        link_url=link_url,
        expires_at=expires_at,
        purpose=purpose,
        sharer_name=sharer_name,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def one_time_code_mail(to: str, code: str, expires_at: datetime) -> OutgoingMail:
    """The mail with a one-time login code (never in the subject)."""
    return _render(
        "one_time_code",
        to=to,
        subject="eHOKS: kertakäyttöinen koodi | engångskod | one-time code",
        code=code,
        expires_at=expires_at,
    )


def share_notice_mail(
    to: str,
    link_url: str,
    student_name: str,
    valid_from: date,
    valid_to: date,
    kind: ShareKind,
) -> OutgoingMail:
    """The notice that a student shared parts of their plan with the recipient."""
    if kind not in ("osaamisenhankkiminen", "osaamisenosoittaminen", "tutkinnonosa", "suostumus"):
        raise ValueError(f"unknown share kind {kind!r}")
    # The subject leaves the student's name out: it is seen in previews by anyone nearby.
    return _render(
        "share_notice",
        to=to,
        subject="eHOKS: sinulle on jaettu tietoja | information har delats med dig | "
        "information has been shared with you",
        link_url=link_url,
        student_name=student_name,
        valid_from=valid_from,
        valid_to=valid_to,
        kind=kind,
    )


def _render(name: str, *, to: str, subject: str, **context: object) -> OutgoingMail:
    environment = _environment()
    text = environment.get_template(f"{name}.txt").render(context)
    html = environment.get_template(f"{name}.html").render(context, subject=subject)
    return OutgoingMail(to=to, subject=subject, text=text, html=html)


@functools.cache
def _environment() -> Environment:
    # Built on first use, not at import (no import-time side effects); cached because parsing
    # the templates again for every mail is wasted work.
    environment = Environment(
        loader=PackageLoader("ehoks.mail", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        fi_time=_fi_time, sv_time=_sv_time, en_time=_en_time, fi_date=_fi_date, en_date=_en_date
    )
    return environment


def _helsinki(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime cannot be shown in Finnish time")
    return moment.astimezone(HELSINKI)


def _fi_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _en_date(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def _fi_time(moment: datetime) -> str:
    local = _helsinki(moment)
    return f"{_fi_date(local)} klo {local.hour}.{local.minute:02d}"


def _sv_time(moment: datetime) -> str:
    local = _helsinki(moment)
    return f"{_fi_date(local)} kl. {local.hour}.{local.minute:02d}"


def _en_time(moment: datetime) -> str:
    local = _helsinki(moment)
    return f"{_en_date(local)} at {local.hour:02d}:{local.minute:02d} Finnish time"
