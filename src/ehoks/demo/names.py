"""Invented names for the synthetic population of ``demo generate``: people, places, streets and
workplaces. Common Finnish and Finland-Swedish names; any resemblance to a real person is chance,
and the identity codes they get are in the artificial range no real person has."""

from __future__ import annotations

ETUNIMET_NAISET = (
    "Aino", "Eevi", "Emma", "Helmi", "Ella", "Sofia", "Linnea", "Isla", "Aada", "Venla",
    "Lilja", "Olivia", "Kerttu", "Enni", "Iida", "Siiri", "Elli", "Aava", "Pihla", "Vilma",
    "Minea", "Saana", "Nelli", "Veera", "Elin", "Ebba", "Alva", "Stella",
)  # fmt: skip
ETUNIMET_MIEHET = (
    "Eetu", "Leevi", "Onni", "Väinö", "Niilo", "Eino", "Elias", "Oliver", "Leo", "Veeti",
    "Aatu", "Joona", "Lenni", "Topias", "Rasmus", "Eemil", "Valtteri", "Otto", "Aapo", "Juho",
    "Santeri", "Miro", "Daniel", "Arttu", "Anton", "Hugo", "Axel", "Linus",
)  # fmt: skip
SUKUNIMET = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
    "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen",
    "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen",
    "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen",
    "Ahonen", "Hiltunen", "Hirvonen", "Leinonen", "Manninen", "Kettunen", "Hakala",
    "Lindqvist", "Sjöberg", "Nyström", "Holmberg",
)  # fmt: skip

# Place names are compounds of these, which keeps them invented and their Finnish grammar simple.
PAIKAT_ALKU = (
    "Kallio", "Harju", "Mänty", "Koivu", "Ranta", "Lehto", "Kivi", "Haapa", "Pihlaja",
    "Vaahtera", "Kuusi", "Tammi", "Leppä", "Paju", "Saarni", "Honka",
)  # fmt: skip
PAIKAT_LOPPU = ("vaara", "niemi", "lahti", "salo", "mäki", "joki", "kylä", "saari")

KADUT = (
    "Koulukatu", "Rantatie", "Teollisuustie", "Opintie", "Kauppakatu", "Puistokatu",
    "Asemakatu", "Pajatie", "Metsätie", "Satamakatu", "Kirkkokatu", "Myllytie",
)  # fmt: skip

# Workplace kinds by the qualification's koulutus code; "Palvelu" for any other.
TYOPAIKAT = {
    "371101": ("Hoivakoti", "Palvelutalo", "Kotihoito"),
    "351407": ("Sähköasennus", "Kiinteistösähkö"),
    "381204": ("Ravintola", "Ateriapalvelu"),
    "351106": ("Konepaja", "Metallityö"),
    "331101": ("Kauppa", "Verkkokauppa"),
    "334117": ("Tilitoimisto", "Taloushallinto"),
    "381203": ("Kuljetusliike", "Logistiikka"),
    "374115": ("Päiväkoti", "Koulunkäyntiavustus"),
    "361201": ("Metsäpalvelu", "Puunkorjuu"),
    "381410": ("Parturi-Kampaamo", "Hiusstudio"),
    "341101": ("Ohjelmistotalo", "IT-palvelu"),
    "351301": ("Autokorjaamo", "Autohuolto"),
    "351201": ("Rakennusliike", "Remontti"),
}

ASCII = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "A", "Ö": "O", "Å": "A", " ": "-"})


def ascii_name(value: str) -> str:
    """For e-mail addresses and domains: lower case, without Finnish letters."""
    return value.translate(ASCII).lower()
