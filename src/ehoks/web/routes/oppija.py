"""The student's (oppija) pages under ``/ehoks/``, at the existing app's addresses: the list of
plans, one plan's tabs, its timeline and print version (``oppija_hoks``), shares and consents
(``oppija_jaot``, ``oppija_jaot_uusi``) and who has read the plans (``oppija_lukijat``).

They stay separate routers, mounted one by one by the surface (the route x caller test walks
the mounted routers' own routes)."""

from __future__ import annotations

from fastapi import APIRouter

from ehoks.web.routes import oppija_hoks, oppija_jaot, oppija_jaot_uusi, oppija_lukijat

# The forms first: their ``…/uusi`` would else be taken for a share's id.
ROUTERS: tuple[APIRouter, ...] = (
    oppija_hoks.router,
    oppija_jaot_uusi.router,
    oppija_jaot.router,
    oppija_lukijat.router,
)
