"""The student's (oppija) pages under ``/ehoks/``, at the existing app's addresses: the list of
plans, one plan's tabs, its timeline and print version (``oppija_hoks``), shares and consents
(``oppija_jaot``, ``oppija_jaot_uusi``) and who has read the plans (``oppija_lukijat``), as one
router for the surface."""

from __future__ import annotations

from fastapi import APIRouter

from ehoks.web.routes import oppija_hoks, oppija_jaot, oppija_jaot_uusi, oppija_lukijat

router = APIRouter(include_in_schema=False)
router.include_router(oppija_hoks.router)
# The forms first: their ``…/uusi`` would else be taken for a share's id.
router.include_router(oppija_jaot_uusi.router)
router.include_router(oppija_jaot.router)
router.include_router(oppija_lukijat.router)
