"""The words of the officials' learner search and student list: what a caller may sort by,
filter on and ask for. Routes, the services and the repository all speak them, so they live in a
module of their own rather than in the repository (routes never import a repository)."""

from __future__ import annotations

from typing import Literal

OrderBy = Literal["nimi", "tutkinto", "osaamisala"]
Locale = Literal["fi", "sv", "en"]
# The student list: which HOKSes (deleted ones only for OPH super users), sorted by which column.
Tila = Literal["kaikki", "voimassa", "paattynyt", "poistettu"]
Jarjestys = Literal["nimi", "tutkinto", "osaamisala", "hoks", "hyvaksytty", "paivitetty", "lkm"]
