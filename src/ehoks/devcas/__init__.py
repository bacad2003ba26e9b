"""A development CAS and CAS-oppija served inside the application (``EHOKS_DEV_CAS=true``,
development and test environments only), so that ``make run`` logs officials and students in
through the real CAS protocol: ``/ehoks/kirjaudu/virkailija`` → the login page here → a service
ticket → our CAS client validates it over HTTP at ``…/p3/serviceValidate`` or
``…/serviceValidate``, as it would at Opintopolku.

This module only names the addresses (the settings import it); ``routes`` serves them.
"""

from __future__ import annotations

PATH = "/kehitys-cas"
CAS_PATH = f"{PATH}/cas"
"""The officials' CAS (``CasSettings.url`` relative to ``public_url``)."""
CAS_OPPIJA_PATH = f"{PATH}/cas-oppija"
"""The learners' CAS-oppija (``CasSettings.oppija_url`` relative to ``public_url``)."""
