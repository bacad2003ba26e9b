"""The national registries behind ports (DESIGN D5): Koski, ONR and Organisaatio.

``build_registries`` is called once by a composition root (``create_app``, the CLI, the job
worker) and its result passed down; domain code sees only the ports in ``ports.py``.
"""

from __future__ import annotations

from typing import assert_never

from sqlalchemy import Engine

from ehoks.config import Settings
from ehoks.registries.local.clients import LocalKoski, LocalOnr, LocalOrganisaatio
from ehoks.registries.ports import (
    Henkilo,
    KoskiPort,
    OnrPort,
    Opiskeluoikeus,
    Organisaatio,
    OrganisaatioPort,
    Registries,
)

__all__ = [
    "Henkilo",
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

    ``local`` answers from the registry tables in our own database. The HTTP clients for the
    real services will be another mode here, built from their own settings group; nothing
    outside this function needs to change when they arrive.
    """
    mode = settings.registries_mode
    if mode == "local":
        return Registries(
            koski=LocalKoski(engine),
            onr=LocalOnr(engine),
            organisaatio=LocalOrganisaatio(engine),
        )
    assert_never(mode)
