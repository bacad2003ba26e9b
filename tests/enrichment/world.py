"""Koodisto, Organisaatiopalvelu and ePerusteet for the enrichment tests: the real HTTP clients
over an ``httpx.MockTransport`` that answers in the services' shapes from what a test puts in,
and records every request so that tests can count them."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import httpx

from ehoks.registries.http import HttpEperusteet, HttpKoodisto, HttpOrganisaatio
from ehoks.registries.ports import Registries
from tests.enrichment import documents as d
from tests.registries.http.mock import MockRegistry, json_response, registry_settings

KOODISTO = "/koodisto-service"
ORGANISAATIO = "/organisaatio-service"
EPERUSTEET = "/eperusteet-service"
EXTERNAL = f"{EPERUSTEET}/api/external"


def koodi(uri: str, **nimi: str) -> dict[str, Any]:
    """A code element as ``GET /koodisto-service/rest/codeelement/latest/{uri}`` answers it."""
    koodisto, arvo = uri.split("_", 1)
    return {
        "koodiUri": uri,
        "koodiArvo": arvo,
        "versio": 1,
        "tila": "HYVAKSYTTY",
        "koodisto": {"koodistoUri": koodisto},
        "metadata": [{"kieli": kieli.upper(), "nimi": text} for kieli, text in nimi.items()],
    }


def organisaatio(oid: str, **nimi: str) -> dict[str, Any]:
    return {"oid": oid, "nimi": nimi, "parentOid": "1.2.246.562.10.00000000001"}


def peruste(
    peruste_id: int,
    diaarinumero: str,
    tutkinnon_osat: list[dict[str, Any]],
    laajuudet: dict[int, int] | None = None,
) -> dict[str, Any]:
    """A whole peruste as ``GET …/external/peruste/{id}`` answers it (the parts eHOKS reads)."""
    return {
        "id": peruste_id,
        "diaarinumero": diaarinumero,
        "nimi": {"fi": f"Peruste {peruste_id}"},
        "tutkinnonOsat": tutkinnon_osat,
        "suoritustavat": [
            {
                "suoritustapakoodi": "reformi",
                "tutkinnonOsaViitteet": [
                    {"id": osa_id, "laajuus": laajuus, "_tutkinnonOsa": str(osa_id)}
                    for osa_id, laajuus in (laajuudet or {}).items()
                ],
            }
        ],
    }


def _search(*hits: dict[str, Any]) -> dict[str, Any]:
    return {"data": list(hits), "sivuja": 1, "kokonaismäärä": len(hits), "sivu": 0}


class Counting:
    """A port whose method calls are counted (by method name); everything else passes through."""

    def __init__(self, port: Any, *, hide: tuple[str, ...] = ()) -> None:
        self._port = port
        self._hide = hide
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        if name in self._hide:
            raise AttributeError(name)
        attr = getattr(self._port, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.calls[name] += 1
            return attr(*args, **kwargs)

        return counted

    @property
    def total(self) -> int:
        return sum(self.calls.values())


class RegistryWorld:
    """What the three services know, answered over one mock transport."""

    def __init__(self) -> None:
        self.mock = MockRegistry()
        self.koodit: dict[str, dict[str, Any]] = {}
        self.organisaatiot: dict[str, dict[str, Any]] = {}
        self.perusteet: dict[int, dict[str, Any]] = {}
        self.koulutuksen_osat: dict[int, list[dict[str, Any]]] = {}
        m = self.mock
        m.on("GET", f"{KOODISTO}/rest/codeelement/latest/(.+)", self._koodi)
        m.on("GET", f"{KOODISTO}/rest/json/([^/]+)/koodi", self._koodisto)
        m.on("POST", f"{ORGANISAATIO}/api/findbyoids", self._findbyoids)
        m.on("GET", f"{ORGANISAATIO}/api/([0-9.]+)", self._organisaatio)
        m.on("GET", f"{EXTERNAL}/perusteet", self._perusteet_search)
        m.on("GET", f"{EXTERNAL}/peruste/([0-9]+)", self._peruste)
        m.on("GET", f"{EXTERNAL}/peruste/([0-9]+)/koulutuksenOsat", self._koulutuksen_osat)

    # What the services know.

    def add_koodi(self, uri: str, **nimi: str) -> None:
        self.koodit[uri] = koodi(uri, **nimi)

    def add_organisaatio(self, oid: str, **nimi: str) -> None:
        self.organisaatiot[oid] = organisaatio(oid, **nimi)

    def add_peruste(self, document: dict[str, Any]) -> None:
        self.perusteet[int(document["id"])] = document

    def add_koulutuksen_osat(self, peruste_id: int, osat: list[dict[str, Any]]) -> None:
        self.koulutuksen_osat[peruste_id] = osat

    def down(self, prefix: str, *, status: int | None = None) -> None:
        """Make every request under ``prefix`` fail: refused connections, or ``status``."""

        def fail(request: httpx.Request) -> httpx.Response:
            if status is not None:
                return httpx.Response(status, text="down")
            raise httpx.ConnectError("connection refused", request=request)

        for method in ("GET", "POST"):
            self.mock.on(method, f"{prefix}/.*", fail)

    # The clients, and counting.

    def registries(
        self, *, batch_organisaatiot: bool = True, **settings: Any
    ) -> tuple[Registries, dict[str, Counting]]:
        """Registries over this world with every port counted; ``batch_organisaatiot=False``
        hides ``findbyoids`` as the local Organisaatio port lacks it."""
        transport = self.mock.transport()
        options = registry_settings(**{"retry_attempts": 1, **settings})
        ports = {
            "koodisto": Counting(HttpKoodisto(options, transport=transport)),
            "organisaatio": Counting(
                HttpOrganisaatio(options, transport=transport),
                hide=() if batch_organisaatiot else ("find_organisaatiot",),
            ),
            "eperusteet": Counting(HttpEperusteet(options, transport=transport)),
        }
        registries = Registries(
            koski=None,  # type: ignore[arg-type]
            onr=None,  # type: ignore[arg-type]
            organisaatio=ports["organisaatio"],  # type: ignore[arg-type]
            koodisto=ports["koodisto"],  # type: ignore[arg-type]
            eperusteet=ports["eperusteet"],  # type: ignore[arg-type]
        )
        return registries, ports

    def requests(self, prefix: str = "") -> int:
        return sum(1 for r in self.mock.requests if r.url.path.startswith(prefix))

    def requests_by_service(self) -> dict[str, int]:
        return {
            "koodisto": self.requests(KOODISTO),
            "organisaatio": self.requests(ORGANISAATIO),
            "eperusteet": self.requests(EPERUSTEET),
        }

    # Answers.

    def _koodi(self, request: httpx.Request) -> httpx.Response:
        uri = request.url.path.rsplit("/", 1)[-1]
        if uri in self.koodit:
            return json_response(200, self.koodit[uri])
        # Koodisto's way of saying "not found" (reference integrations 3.6).
        return httpx.Response(500, text="error.codeelement.not.found")

    def _koodisto(self, request: httpx.Request) -> httpx.Response:
        koodisto = request.url.path.split("/")[-2]
        found = [k for uri, k in self.koodit.items() if uri.split("_", 1)[0] == koodisto]
        return json_response(200, found)

    def _organisaatio(self, request: httpx.Request) -> httpx.Response:
        oid = request.url.path.rsplit("/", 1)[-1]
        if oid in self.organisaatiot:
            return json_response(200, self.organisaatiot[oid])
        return json_response(404, {"errorMessage": "organisaatio.exception.organisaatio.not.found"})

    def _findbyoids(self, request: httpx.Request) -> httpx.Response:
        oids = json.loads(request.read())
        return json_response(200, [self.organisaatiot[o] for o in oids if o in self.organisaatiot])

    def _perusteet_search(self, request: httpx.Request) -> httpx.Response:
        code = request.url.params.get("koodi")
        hits = []
        for peruste_id, document in sorted(self.perusteet.items()):
            if any(osa.get("koodiUri") == code for osa in document.get("tutkinnonOsat", [])):
                hits.append({"id": peruste_id, "diaarinumero": document.get("diaarinumero")})
        for peruste_id, osat in sorted(self.koulutuksen_osat.items()):
            if any((osa.get("nimiKoodi") or {}).get("uri") == code for osa in osat):
                hits.append({"id": peruste_id})
        return json_response(200, _search(*hits))

    def _peruste(self, request: httpx.Request) -> httpx.Response:
        peruste_id = int(request.url.path.rsplit("/", 1)[-1])
        if peruste_id in self.perusteet:
            return json_response(200, self.perusteet[peruste_id])
        return json_response(404, {"syy": "Not found"})

    def _koulutuksen_osat(self, request: httpx.Request) -> httpx.Response:
        peruste_id = int(request.url.path.split("/")[-2])
        return json_response(200, self.koulutuksen_osat.get(peruste_id, []))


OSA_2019 = {
    "id": 7000001,
    "koodiUri": "tutkinnonosat_300268",
    "nimi": {"fi": "Asiakaspalvelu", "sv": "Kundservice", "_id": "5"},
    "ammattitaitovaatimukset2019": {
        "kohde": {"fi": "Opiskelija osaa", "sv": "Den studerande kan"},
        "vaatimukset": [
            {"vaatimus": {"fi": "palvella asiakkaita", "sv": "betjäna kunder"}},
            {"koodi": {"uri": "ammattitaitovaatimukset_x", "nimi": {"fi": "käyttää kassaa"}}},
        ],
        "kohdealueet": [
            {"kuvaus": {"fi": "Viestintä"}, "vaatimukset": [{"vaatimus": {"fi": "viestiä"}}]}
        ],
    },
    "arviointi": {
        "arvioinninKohdealueet": [
            {
                "otsikko": {"fi": "Työprosessin hallinta", "sv": "Arbetsprocessen"},
                "arvioinninKohteet": [
                    {
                        "otsikko": {"fi": "Asiakkaan palveleminen"},
                        "selite": {"fi": "Opiskelija"},
                        "_arviointiAsteikko": "2",
                        "osaamistasonKriteerit": [
                            {"_osaamistaso": "2", "kriteerit": [{"fi": "tervehtii"}]},
                            {"_osaamistaso": "4", "kriteerit": [{"fi": "palvelee"}]},
                        ],
                    }
                ],
            }
        ]
    },
    "osaAlueet": [],
}
OSA_EN = {
    "id": 7000002,
    "koodiUri": "tutkinnonosat_300186",
    "nimi": {"fi": "Proaktiivinen kehittäminen", "en": "Proactive development"},
    "ammattitaitovaatimukset": {"fi": "<p>Opiskelija osaa</p>"},
    "osaAlueet": [],
}
OSA_FI = {
    "id": 7000003,
    "koodiUri": "tutkinnonosat_106003",
    "nimi": {"fi": "Hautausmaiden viheralueista huolehtiminen"},
    "osaAlueet": [],
}
YTO = {
    "id": 7000004,
    "koodiUri": d.YTO_UNIT,
    "nimi": {"fi": "Yhteiskunta- ja työelämäosaaminen", "sv": "Samhälls- och arbetslivskompetens"},
    "osaAlueet": [
        {
            "id": 1,
            "koodiUri": d.YTO_OSA_ALUEET[0],
            "nimi": {"fi": "Yhteiskunnassa toimiminen", "sv": "Att verka i samhället"},
        },
        {"id": 2, "koodiUri": d.YTO_OSA_ALUEET[1], "nimi": {"fi": "Työelämässä toimiminen"}},
    ],
}
TUVA_OSAT = [
    {
        "id": 7535560,
        "nimiKoodi": {
            "uri": d.TUVA_OSAT[0],
            "nimi": {"fi": "Opiskelu- ja urasuunnittelutaidot", "sv": "Studiefärdigheter"},
        },
        "laajuusMinimi": 2,
        "laajuusMaksimi": 10,
        "viiteId": 7535291,
    },
    {
        "id": 7535564,
        "nimiKoodi": {"uri": d.TUVA_OSAT[1], "nimi": {"fi": "Työelämätaidot"}},
        "laajuusMinimi": 1,
        "laajuusMaksimi": 20,
        "viiteId": 7535295,
    },
]


def standard_world() -> RegistryWorld:
    """Every code and organisation of ``documents.big_hoks`` known; each unit in a peruste of
    its own, so that the number of requests does not depend on which of two threads asking for
    one shared peruste at once wins (the ePerusteet client does not make them wait)."""
    created = RegistryWorld()
    created.add_peruste(peruste(10, "OPH-10-2020", [OSA_2019], {7000001: 25}))
    created.add_peruste(peruste(11, "OPH-11-2020", [OSA_EN], {7000002: 15}))
    created.add_peruste(peruste(12, "OPH-12-2020", [OSA_FI], {}))
    created.add_peruste(peruste(13, "OPH-13-2020", [YTO], {7000004: 9}))
    created.add_koulutuksen_osat(7534950, TUVA_OSAT)
    names = {
        d.URASUUNNITELMA: {"fi": "Jatko-opinnot", "sv": "Fortsatta studier"},
        d.KOULUTUSSOPIMUS: {"fi": "Koulutussopimus", "sv": "Utbildningsavtal"},
        d.OPPISOPIMUS: {"fi": "Oppisopimus", "sv": "Läroavtal", "en": "Apprenticeship"},
        d.OPPISOPIMUKSEN_PERUSTA: {"fi": "Tutkinto"},
        d.OPPIMISYMPARISTOT[0]: {"fi": "Simulaattori"},
        d.OPPIMISYMPARISTOT[1]: {"fi": "Verkko", "sv": "Nätet"},
        d.PROSESSIT[0]: {"fi": "Suoraan"},
        d.PROSESSIT[1]: {"fi": "Arvioijien kautta"},
        d.PROSESSIT[2]: {"fi": "Näyttö"},
        d.TUKIOPETUS: {"fi": "Tukiopetus", "sv": "Stödundervisning"},
        d.AMMAT_RYHMA: {"fi": "Ammatilliset tutkinnon osat"},
        d.NAYTON_OSA_ALUE: {"fi": "Kuvataide"},
    }
    for uri, nimi in names.items():
        created.add_koodi(uri, **nimi)
    created.add_organisaatio(d.KJ_1, fi="Esimerkkiopisto", sv="Exempelinstitutet")
    created.add_organisaatio(d.KJ_2, fi="Toinen opisto")
    created.add_organisaatio(d.EDUSTAJA_OPPILAITOS, sv="Bara på svenska")
    created.add_organisaatio(d.NAYTTO_OPPILAITOS, fi="Näyttöopisto", en="Demonstration college")
    return created
