"""The local registry: Koski, ONR, Organisaatio, Koodisto and ePerusteet answered from tables in
our own database, loaded from JSON files in the real services' response shapes
(``ehoks registry import``): Koski, ONR and Organisaatio in ``clients.py``, Koodisto and
ePerusteet in ``koodisto.py`` and ``eperusteet.py``. Each reads its service's shapes from the
service's own package (``registries/koski`` …), which never imports this one."""

from __future__ import annotations

from ehoks.registries.local.clients import LocalKoski, LocalOnr, LocalOrganisaatio
from ehoks.registries.local.exporter import ExportSummary, export_directory
from ehoks.registries.local.importer import ImportSummary, import_directory, read_directory

__all__ = [
    "ExportSummary",
    "ImportSummary",
    "LocalKoski",
    "LocalOnr",
    "LocalOrganisaatio",
    "export_directory",
    "import_directory",
    "read_directory",
]
