"""The national registries behind ports (DESIGN D5): Koski, ONR, Organisaatio, Koodisto and
ePerusteet.

``build_registries`` is called once by a composition root (``create_app``, the CLI, the job
worker) and its result passed down; domain code sees only the ports in ``ports.py``.
"""

from __future__ import annotations

from typing import assert_never

from sqlalchemy import Engine

from ehoks.config import Settings
from ehoks.registries.http import build_http_registries
from ehoks.registries.local.clients import LocalKoski, LocalOnr, LocalOrganisaatio, ReadAhead
from ehoks.registries.local.eperusteet import LocalEperusteet
from ehoks.registries.local.koodisto import LocalKoodisto
from ehoks.registries.ports import (
    EperusteetPort,
    Henkilo,
    KoodistoPort,
    KoskiPort,
    OnrPort,
    Opiskeluoikeus,
    Organisaatio,
    OrganisaatioPort,
    Registries,
)

__all__ = [
    "EperusteetPort",
    "Henkilo",
    "KoodistoPort",
    "KoskiPort",
    "OnrPort",
    "Opiskeluoikeus",
    "Organisaatio",
    "OrganisaatioPort",
    "Registries",
    "build_registries",
]


def build_registries(settings: Settings, engine: Engine) -> Registries:
    """The registry implementations that ``settings.registries_mode`` selects.

    ``local`` answers from the registry tables in our own database; ``http`` calls the real
    services as ``settings.registries`` configures them (``registries/http``).
    """
    mode = settings.registries_mode
    if mode == "local":
        # The Koski port reads a study right's learner's ONR person in the same statement, for
        # the ONR port's next ask (``ReadAhead``).
        read_ahead = ReadAhead()
        return Registries(
            koski=LocalKoski(engine, read_ahead=read_ahead),
            onr=LocalOnr(engine, read_ahead=read_ahead),
            organisaatio=LocalOrganisaatio(
                engine, cache_ttl_seconds=settings.registries.local_organisaatio_cache_ttl_seconds
            ),
            koodisto=LocalKoodisto(engine),
            eperusteet=LocalEperusteet(engine),
        )
    if mode == "http":
        return build_http_registries(settings.registries)
    assert_never(mode)
