"""The HOKS form's words: a label for every field of the data model, titles of repeated parts and
of the form's steps, and a message for every validation rule the API applies. Kept here, beside
the form's routes, because the ``lomake`` catalogue collects the messages of
``routes/virkailija_lomake*`` modules; no router lives in this module."""

from __future__ import annotations

from ehoks.web.i18n import N_

# A label by field key; OVERRIDES where one key means different things in different parts.
LABELS: dict[str, str] = {
    "oppija-oid": N_("Oppijanumero (oppijan OID)"),
    "opiskeluoikeus-oid": N_("Opiskeluoikeuden OID"),
    "tuva-opiskeluoikeus-oid": N_("TUVA-opiskeluoikeuden OID"),
    "sahkoposti": N_("Sähköposti"),
    "puhelinnumero": N_("Puhelinnumero"),
    "urasuunnitelma-koodi-uri": N_("Opiskelijan tavoite"),
    "versio": N_("Lähdejärjestelmän versionumero"),
    "ensikertainen-hyvaksyminen": N_("Ensikertainen hyväksyminen"),
    "hyvaksytty": N_("Hyväksytty"),
    "paivitetty": N_("Päivitetty"),
    "osaamisen-saavuttamisen-pvm": N_("Sovittu osaaminen saavutettu"),
    "osaamisen-hankkimisen-tarve": N_("Osaamisen hankkimisen tarve"),
    "aiemmin-hankitut-ammat-tutkinnon-osat": N_("Aiemmin hankitut ammatilliset tutkinnon osat"),
    "aiemmin-hankitut-paikalliset-tutkinnon-osat": N_(
        "Aiemmin hankitut paikalliset tutkinnon osat"
    ),
    "aiemmin-hankitut-yhteiset-tutkinnon-osat": N_("Aiemmin hankitut yhteiset tutkinnon osat"),
    "hankittavat-ammat-tutkinnon-osat": N_("Hankittavat ammatilliset tutkinnon osat"),
    "hankittavat-paikalliset-tutkinnon-osat": N_("Hankittavat paikalliset tutkinnon osat"),
    "hankittavat-yhteiset-tutkinnon-osat": N_("Hankittavat yhteiset tutkinnon osat"),
    "hankittavat-koulutuksen-osat": N_("Valmentavan koulutuksen osat (TUVA)"),
    "oppimisen-tuki": N_("Oppimisen tuki"),
    "opiskeluvalmiuksia-tukevat-opinnot": N_("Opiskeluvalmiuksia tukevat opinnot"),
    "module-id": N_("Osan tunniste"),
    "tutkinnon-osa-koodi-uri": N_("Tutkinnon osa"),
    "tutkinnon-osan-perusteen-diaarinro": N_("Tutkinnon perusteen diaarinumero"),
    "vaatimuksista-tai-tavoitteista-poikkeaminen": N_(
        "Poikkeaminen ammattitaitovaatimuksista tai osaamistavoitteista"
    ),
    "koulutuksen-jarjestaja-oid": N_("Toteuttavan koulutuksen järjestäjän OID"),
    "olennainen-seikka": N_("Olennainen seikka"),
    "opetus-ja-ohjaus-maara": N_("Opetuksen ja ohjauksen määrä (tuntia)"),
    "osaamisen-osoittaminen": N_("Näytöt"),
    "osaamisen-hankkimistavat": N_("Osaamisen hankkimistavat"),
    "amosaa-tunniste": N_("AMOSAA-tunniste"),
    "nimi": N_("Nimi"),
    "laajuus": N_("Laajuus (osaamispistettä)"),
    "tavoitteet-ja-sisallot": N_("Tavoitteet ja sisällöt"),
    "osa-alueet": N_("Osa-alueet"),
    "osa-alue-koodi-uri": N_("Osa-alue"),
    "valittu-todentamisen-prosessi-koodi-uri": N_("Osaamisen todentamisen prosessi"),
    "tarkentavat-tiedot-naytto": N_("Näyttöjen tarkemmat tiedot"),
    "tarkentavat-tiedot-osaamisen-arvioija": N_("Arvioijien kautta todentaminen"),
    "lahetetty-arvioitavaksi": N_("Lähetetty arvioitavaksi"),
    "aiemmin-hankitun-osaamisen-arvioijat": N_("Arvioijat"),
    "alku": N_("Alkupäivä"),
    "loppu": N_("Loppupäivä"),
    "yksiloiva-tunniste": N_("Yksilöivä tunniste"),
    "ajanjakson-tarkenne": N_("Ajanjakson tarkenne"),
    "osaamisen-hankkimistapa-koodi-uri": N_("Osaamisen hankkimistapa"),
    "jarjestajan-edustaja": N_("Koulutuksen järjestäjän edustaja"),
    "hankkijan-edustaja": N_("Hankkivan koulutuksen järjestäjän edustaja"),
    "tyopaikalla-jarjestettava-koulutus": N_("Työpaikalla järjestettävä koulutus"),
    "muut-oppimisymparistot": N_("Muut oppimisympäristöt"),
    "osa-aikaisuustieto": N_("Osa-aikaisuus (prosenttia työajasta)"),
    "oppisopimuksen-perusta-koodi-uri": N_("Oppisopimuksen perusta"),
    "keskeytymisajanjaksot": N_("Keskeytymisajanjaksot"),
    "vastuullinen-tyopaikka-ohjaaja": N_("Vastuullinen työpaikkaohjaaja"),
    "tyopaikan-nimi": N_("Työpaikan nimi"),
    "tyopaikan-y-tunnus": N_("Työpaikan Y-tunnus"),
    "keskeiset-tyotehtavat": N_("Keskeiset työtehtävät"),
    "rooli": N_("Rooli"),
    "oppilaitos-oid": N_("Oppilaitoksen OID"),
    "oppimisymparisto-koodi-uri": N_("Oppimisympäristö"),
    "jarjestaja": N_("Näytön järjestäjä"),
    "nayttoymparisto": N_("Näyttöympäristö"),
    "sisallon-kuvaus": N_("Sisältö"),
    "koulutuksen-jarjestaja-osaamisen-arvioijat": N_("Koulutuksen järjestäjän arvioijat"),
    "tyoelama-osaamisen-arvioijat": N_("Työelämän arvioijat"),
    "yksilolliset-kriteerit": N_("Yksilölliset arviointikriteerit"),
    "y-tunnus": N_("Y-tunnus"),
    "kuvaus": N_("Kuvaus"),
    "organisaatio": N_("Organisaatio"),
    "koodi-uri": N_("Osa-alue"),
    "oppimisen-tuen-tyyppi-koodi-uri": N_("Tuen tyyppi"),
    "tutkinnon-osan-tyyppi-koodi-uri": N_("Tutkinnon osan tyyppi"),
    "koulutuksen-osa-koodi-uri": N_("Koulutuksen osa"),
}
OVERRIDES: dict[tuple[str, str], str] = {
    ("HankittavaKoulutuksenOsa", "laajuus"): N_("Laajuus (viikkoa)"),
    ("OsaamisenOsoittaminen", "osa-alueet"): N_(
        "Näyttöön sisältyvät yhteisten tutkinnon osien osa-alueet"
    ),
    ("OpiskeluvalmiuksiaTukevatOpinnot", "nimi"): N_("Opinnon nimi"),
    ("TyoelamaOrganisaatio", "nimi"): N_("Organisaation nimi"),
    ("Nayttoymparisto", "nimi"): N_("Näyttöympäristön nimi"),
    ("Nayttoymparisto", "y-tunnus"): N_("Näyttöympäristön Y-tunnus"),
}
HINTS: dict[str, str] = {
    "oppija-oid": N_("Esimerkiksi 1.2.246.562.24.12345678901"),
    "opiskeluoikeus-oid": N_(
        "Koski-palvelun opiskeluoikeus, esimerkiksi 1.2.246.562.15.12345678901"
    ),
    "tuva-opiskeluoikeus-oid": N_(
        "Vain, jos opiskelijalla on tämän rinnalla TUVA-opiskeluoikeus. Kerran tallennettua "
        "tietoa ei voi poistaa tällä lomakkeella."
    ),
    "koulutuksen-jarjestaja-oid": N_("Organisaation OID, esimerkiksi 1.2.246.562.10.12345678901"),
    "oppilaitos-oid": N_("Organisaation OID, esimerkiksi 1.2.246.562.10.12345678901"),
    "yksiloiva-tunniste": N_("Jätä tyhjäksi, niin työpaikkajaksolle luodaan tunniste."),
    "olennainen-seikka": N_(
        "Koulutuksen järjestäjä katsoo, että tutkinnon osaan liittyy olennainen seikka."
    ),
    "tyopaikan-y-tunnus": N_("Muodossa 1234567-8"),
    "y-tunnus": N_("Muodossa 1234567-8"),
    "paivitetty": N_("Suomen aikaa"),
    "hyvaksytty": N_("Suomen aikaa"),
}
LINES_HINT = N_("Kirjoita kukin omalle rivilleen.")

# Titles of one repeated part ("Osaamisen hankkimistapa 2"), and the button adding one.
ITEM_TITLES: dict[str, str] = {
    "AiemminHankittuAmmatillinenTutkinnonOsa": N_("Ammatillinen tutkinnon osa %(n)s"),
    "HankittavaAmmatillinenTutkinnonOsa": N_("Ammatillinen tutkinnon osa %(n)s"),
    "AiemminHankittuPaikallinenTutkinnonOsa": N_("Paikallinen tutkinnon osa %(n)s"),
    "HankittavaPaikallinenTutkinnonOsa": N_("Paikallinen tutkinnon osa %(n)s"),
    "AiemminHankittuYhteinenTutkinnonOsa": N_("Yhteinen tutkinnon osa %(n)s"),
    "HankittavaYhteinenTutkinnonOsa": N_("Yhteinen tutkinnon osa %(n)s"),
    "AiemminHankitunYTOnOsaAlue": N_("Osa-alue %(n)s"),
    "HankittavanYTOnOsaAlue": N_("Osa-alue %(n)s"),
    "KoodistoKoodi": N_("Osa-alue %(n)s"),
    "OsaamisenHankkimistapa": N_("Osaamisen hankkimistapa %(n)s"),
    "OsaamisenOsoittaminen": N_("Näyttö %(n)s"),
    "MuuOppimisymparisto": N_("Oppimisympäristö %(n)s"),
    "Keskeytymisajanjakso": N_("Keskeytys %(n)s"),
    "KoulutuksenJarjestajaArvioija": N_("Arvioija %(n)s"),
    "TyoelamaOsaamisenArvioija": N_("Arvioija %(n)s"),
    "OpiskeluvalmiuksiaTukevatOpinnot": N_("Opinto %(n)s"),
    "OppimisenTuki": N_("Tuki %(n)s"),
    "HankittavaKoulutuksenOsa": N_("Koulutuksen osa %(n)s"),
}
ADD_LABELS: dict[str, str] = {
    "AiemminHankittuAmmatillinenTutkinnonOsa": N_("Lisää ammatillinen tutkinnon osa"),
    "HankittavaAmmatillinenTutkinnonOsa": N_("Lisää ammatillinen tutkinnon osa"),
    "AiemminHankittuPaikallinenTutkinnonOsa": N_("Lisää paikallinen tutkinnon osa"),
    "HankittavaPaikallinenTutkinnonOsa": N_("Lisää paikallinen tutkinnon osa"),
    "AiemminHankittuYhteinenTutkinnonOsa": N_("Lisää yhteinen tutkinnon osa"),
    "HankittavaYhteinenTutkinnonOsa": N_("Lisää yhteinen tutkinnon osa"),
    "AiemminHankitunYTOnOsaAlue": N_("Lisää osa-alue"),
    "HankittavanYTOnOsaAlue": N_("Lisää osa-alue"),
    "KoodistoKoodi": N_("Lisää osa-alue"),
    "OsaamisenHankkimistapa": N_("Lisää osaamisen hankkimistapa"),
    "OsaamisenOsoittaminen": N_("Lisää näyttö"),
    "MuuOppimisymparisto": N_("Lisää oppimisympäristö"),
    "Keskeytymisajanjakso": N_("Lisää keskeytys"),
    "KoulutuksenJarjestajaArvioija": N_("Lisää arvioija"),
    "TyoelamaOsaamisenArvioija": N_("Lisää arvioija"),
    "OpiskeluvalmiuksiaTukevatOpinnot": N_("Lisää opinto"),
    "OppimisenTuki": N_("Lisää tuki"),
    "HankittavaKoulutuksenOsa": N_("Lisää koulutuksen osa"),
}
BASIC_DATA = N_("Perustiedot")

# A message for every rule the API checks (the keys of ``web.lomake.virheet``).
RULES: dict[str, str] = {
    "puuttuu": N_("Tämä tieto on pakollinen."),
    "ei-sallittu": N_("Tätä tietoa ei voi tallentaa tähän."),
    "kokonaisluku": N_("Anna kokonaisluku."),
    "luku": N_("Anna luku, esimerkiksi 2,5."),
    "totuusarvo": N_("Valitse kyllä tai ei."),
    "tyhja": N_("Kirjoita tähän jotain tai jätä koko osa pois."),
    "paivamaara": N_("Anna päivämäärä muodossa pp.kk.vvvv, esimerkiksi 31.1.2027."),
    "aika": N_("Anna päivämäärä ja kellonaika."),
    "tunniste": N_("Osan tunniste on virheellinen. Poista osa ja lisää se uudelleen."),
    "liian-pitka": N_("Teksti on liian pitkä. Lyhennä sitä."),
    "ohjausmerkki": N_(
        "Tekstissä on ohjausmerkki, jota ei voi tallentaa. Kirjoita teksti uudelleen."
    ),
    "luku-alue": N_("Luku on liian suuri tai liian pieni."),
    "paivamaara-alue": N_("Anna päivämäärä vuosien 1900 ja 2199 väliltä."),
    "puhelinnumero": N_(
        "Puhelinnumerossa voi olla vain numeroita, välilyöntejä ja merkkejä + - ( )."
    ),
    "oid-opiskeluoikeus": N_(
        "Tarkista opiskeluoikeuden OID. Se on muotoa 1.2.246.562.15.12345678901."
    ),
    "oid-oppija": N_("Tarkista oppijanumero. Se on muotoa 1.2.246.562.24.12345678901."),
    "oid-organisaatio": N_("Tarkista organisaation OID. Se on muotoa 1.2.246.562.10.12345678901."),
    "y-tunnus": N_("Tarkista Y-tunnus. Se on muotoa 1234567-8, ja viimeinen numero on tarkiste."),
    "koodi": N_("Valitse arvo luettelosta."),
    "module-id-tuntematon": N_(
        "Tätä osaa ei enää ole HOKSissa. Poista se ja lisää tarvittaessa uudelleen."
    ),
    "module-id-kahdesti": N_("Sama osa on lomakkeella kahdesti. Poista toinen."),
    "opiskeluoikeus-tyyppi": N_(
        "Opiskeluoikeuden on oltava ammatillisen koulutuksen tai tutkintokoulutukseen "
        "valmentavan koulutuksen (TUVA) opiskeluoikeus."
    ),
    "tuva-opiskeluoikeus": N_(
        "HOKSin oma opiskeluoikeus on TUVA-opiskeluoikeus, joten rinnakkaista "
        "TUVA-opiskeluoikeutta ei voi antaa. Poista tämä tieto."
    ),
    "osaamisen-saavuttamisen-pvm": N_(
        "Päivä voi olla aikaisintaan 2.1.2018 ja enintään kahden viikon päässä tästä päivästä."
    ),
    "opetus-ja-ohjaus-maara": N_("Määrä ei voi olla negatiivinen."),
    "koulutuksen-osan-laajuus": N_("Laajuus ei voi olla negatiivinen."),
    "keskeytymisajanjaksot": N_(
        "Keskeytykset eivät saa olla päällekkäin, ja vain viimeisellä voi olla loppupäivä avoinna."
    ),
    "oht-osa-aikaisuustieto": N_("Anna työpaikkajakson osa-aikaisuus prosentteina väliltä 1–100."),
    "oht-yksiloiva-tunniste": N_("Anna työpaikkajaksolle yksilöivä tunniste."),
    "oht-y-tunnus": N_("Anna työpaikan Y-tunnus."),
    "oht-oppisopimuksen-perusta": N_("Valitse oppisopimuksen perusta."),
    "oht-paivamaarat": N_("Loppupäivä ei voi olla ennen alkupäivää."),
    "oht-alku-opiskeluoikeus": N_("Alkupäivä ei voi olla ennen opiskeluoikeuden alkamispäivää."),
    "oht-loppu-opiskeluoikeus": N_(
        "Loppupäivä ei voi olla opiskeluoikeuden arvioidun päättymispäivän jälkeen."
    ),
    "oht-enintaan-5-vuotta": N_("Jakso voi olla enintään viiden vuoden pituinen."),
    "ei-tuva-tutkinnon-osa": N_(
        "Opiskeluoikeus on TUVA-opiskeluoikeus, joten HOKSissa ei voi olla tutkinnon osia. "
        "Poista tämä osa."
    ),
    "ei-tuva-tukevat-opinnot": N_(
        "Opiskeluoikeus on TUVA-opiskeluoikeus, joten HOKSissa ei voi olla opiskeluvalmiuksia "
        "tukevia opintoja. Poista tämä opinto."
    ),
    "vain-tuva-koulutuksen-osa": N_(
        "Valmentavan koulutuksen osia voi olla vain TUVA-opiskeluoikeuden HOKSissa. Poista tämä "
        "osa."
    ),
    "oppimisen-tuki": N_(
        "Anna alku- ja loppupäivä sekä tutkinnon osan tyyppi, jos tuki on tukiopetusta. Muulle "
        "tuelle niitä ei anneta."
    ),
}
GENERIC = N_("Tarkista tieto: %(field)s.")
SUMMARY_ENTRY = N_("%(where)s: %(message)s")

# Refusals of the service that are about the study right (shown at its field).
SERVICE_ERRORS: dict[str, str] = {
    "OpiskeluoikeusNotFound": N_("Opiskeluoikeutta ei löydy Koski-palvelusta."),
    "OpiskeluoikeusNotOppijan": N_("Opiskeluoikeus ei ole tämän oppijan."),
    "HoksAlreadyExists": N_("Tälle opiskeluoikeudelle on jo tehty HOKS."),
    "ArchivedHoksExists": N_(
        "Tälle opiskeluoikeudelle on tehty HOKS, joka on poistettu. Ota yhteyttä eHOKS-tukeen."
    ),
    "OpiskeluoikeusIncluded": N_(
        "Opiskeluoikeus sisältyy toiseen opiskeluoikeuteen. Tee HOKS sille opiskeluoikeudelle."
    ),
    "OpiskeluoikeusNotActive": N_("Opiskeluoikeus ei ole enää voimassa."),
    "NotPermitted": N_(
        "Sinulla ei ole oikeutta tallentaa HOKSia tämän opiskeluoikeuden oppilaitokseen."
    ),
}
NOT_SAVED = N_("HOKSia ei voitu tallentaa. Tarkista tiedot ja yritä uudelleen.")

# Values in the list of changes.
YES = N_("Kyllä")
NO = N_("Ei")
ADDED = N_("Lisätty")
REMOVED = N_("Poistettu")
EMPTY = N_("(tyhjä)")
NAME_MISSING = N_("%(code)s (nimeä ei saatu)")
