"""A development CAS and CAS-oppija served inside the application (``EHOKS_DEV_CAS=true``,
development and test environments only), so that ``make run`` logs officials and students in
through the real CAS protocol: ``/ehoks/kirjaudu/virkailija`` → the login page here → a service
ticket → our CAS client validates it over HTTP at ``…/p3/serviceValidate`` or
``…/serviceValidate``, as it would at Opintopolku.

``routes`` serves it at the addresses ``ehoks.settings.auth`` names (``DEV_CAS_*``), which the
settings point ``cas`` at.
"""
