"""Demo data: an invented but realistic population for running the service offline.

``data/koski``, ``data/onr``, ``data/organisaatio``, ``data/koodisto`` and ``data/eperusteet``
are registry data files for ``ehoks registry import`` (see ``ehoks.registries.local.importer``);
``data/hoks`` holds HOKS documents in the service API's POST wire format, one per study right
that has a plan.

Who is who (OIDs from ``oids.py``, so every check digit is valid): two education providers under
the OPH root, Koulutuskuntayhtymä Järviseutu (Järviseudun ammattiopisto and aikuisopisto) and
Rannikon koulutussäätiö (Rannikon ammattiopisto), each institution with its units (toimipisteet);
thirteen students, each with a vocational study right that is present (``lasna``). Special cases:
Sofia Mäkinen has a second study right at Rannikon ammattiopisto included in her own
(``sisältyyOpiskeluoikeuteen``: procured training, no HOKS of its own); Helmi Mäkelä has an
earlier, completed (``valmistunut``) qualification with a finished HOKS; Isla Lehtonen has a
parallel TUVA study right whose HOKS has only TUVA training parts; Eetu Korhonen has a duplicate
OID in ONR whose master is his own. The vocational study rights of Isla Lehtonen and Elin Sjöberg
have no HOKS, so a demo can create one. Juho Salminen moved between the providers: his plan is
at Järviseudun ammattiopisto on a study right that ended (``eronnut``), and his study right at
Rannikon ammattiopisto, in force, has no plan yet, so Rannikko reads the earlier one (law
531/2017 § 109 a ¶1) and can start its plan from it: Koski records the units he passed at
Järviseutu. The workplace instructor Henrik Lindroos is named in plans at both providers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEMO_DATA_DIR = Path(__file__).parent / "data"
"""The registry directory to import (``koski/``, ``onr/``, ``organisaatio/``)."""

DEMO_HOKS_DIR = DEMO_DATA_DIR / "hoks"


def demo_hoks_documents() -> list[tuple[str, dict[str, Any]]]:
    """The demo HOKS documents with their file names, in file-name order."""
    return [
        (path.name, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(DEMO_HOKS_DIR.glob("*.json"))
    ]
