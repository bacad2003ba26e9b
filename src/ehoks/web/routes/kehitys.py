"""Development pages: the mails the development mail catcher took (``ehoks.devmail``).

They let a developer follow the e-mail login and sharing without a mail server: the list of
caught mails, newest first, and one mail with its text and its links clickable. The pages exist
only in a development or test environment with the catcher enabled; anywhere else they are the
normal "page not found", so production shows no trace of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ehoks.context.request import State
from ehoks.devmail import PAGE_PATH
from ehoks.devmail.reader import list_mails, read_mail
from ehoks.devmail.store import InvalidMailId
from ehoks.errors import NotFound
from ehoks.web.render import page

router = APIRouter(include_in_schema=False)

DEVELOPMENT_ENVIRONMENTS = ("development", "test")
LIST_LIMIT = 200
"""The catcher keeps up to 500 mails; a developer looks for the last few."""


@dataclass(frozen=True)
class Segment:
    """A piece of a mail's text: plain text, or a link shown as one."""

    text: str
    link: bool = False


def catcher_directory(state: State) -> Path:
    """Where the catcher keeps its mails; ``NotFound`` when these pages do not exist here."""
    settings = state.settings
    if settings.environment not in DEVELOPMENT_ENVIRONMENTS or not settings.mail_catcher.enabled:
        raise NotFound("Not found")
    return settings.mail_catcher.directory


def segments(text: str, links: tuple[str, ...]) -> list[Segment]:
    """``text`` cut into plain pieces and the pieces that are one of ``links`` (as the reader
    found them, without a sentence's final punctuation), so the template can show the body
    as written with its links clickable, autoescaped piece by piece."""
    if not links:
        return [Segment(text)] if text else []
    # Longest first, so that a link which is the start of another does not cut it short.
    pattern = re.compile("|".join(re.escape(link) for link in sorted(links, key=len, reverse=True)))
    pieces: list[Segment] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append(Segment(text[position : match.start()]))
        pieces.append(Segment(match.group(0), link=True))
        position = match.end()
    if position < len(text):
        pieces.append(Segment(text[position:]))
    return pieces


@router.get(PAGE_PATH, response_class=HTMLResponse)
def mail_list(request: Request, state: State) -> HTMLResponse:
    mails = list_mails(catcher_directory(state), limit=LIST_LIMIT)
    return page(request, "kehitys/posti.html", {"mails": mails, "page_path": PAGE_PATH})


@router.get(PAGE_PATH + "/{mail_id}", response_class=HTMLResponse)
def mail_detail(request: Request, mail_id: str, state: State) -> HTMLResponse:
    directory = catcher_directory(state)
    try:
        mail = read_mail(directory, mail_id)
    except InvalidMailId:
        raise NotFound("Not found") from None
    if mail is None:
        raise NotFound("Not found")
    return page(
        request,
        "kehitys/viesti.html",
        {"mail": mail, "body": segments(mail.text, mail.links), "page_path": PAGE_PATH},
    )
