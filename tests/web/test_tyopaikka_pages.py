"""The workplace pages in Finnish, Swedish and English: the e-mail login (request a link, have a
code sent, type it in) with an error page or field error for every way it can fail, the parts a
responsible instructor or an assessor may see, and the share recipient's page with every state a
share can be in. Each page: its status code, ``<html lang>``, its key words in the language, no
raw codes, no ISO dates, no JSON."""

from __future__ import annotations

import html as html_lib
import re
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from ehoks.access.actor import EmailActor, StudentActor
from ehoks.auth.models import EmailChallenge
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.demo.loader import DATA_DIR
from ehoks.kernel.clock import today_in_finland
from ehoks.main import create_app
from ehoks.registries.local import import_directory
from ehoks.sharing.models import Jako
from ehoks.web.i18n import format_day
from tests.conftest import API
from tests.factories import OPH, hoks_body, tyopaikkajakso
from tests.sessions import BASE_URL, login

pytest_plugins = ["tests.fakes.smtp"]

LANGS = ("fi", "sv", "en")
OLLI = "olli@example.org"  # responsible instructor of unit A's period
PIRJO = "pirjo@example.org"  # responsible instructor of unit B's period
TIINA = "tiina@example.org"  # working-life assessor of unit B's demonstration
VEERA = "veera@example.org"  # recipient of the shares
# Units of the demo ePerusteet (names in all three languages, requirements and criteria).
UNIT_A = {
    "fi": "Sähkö- ja automaatiotekniikan perusosaaminen",
    "sv": "Grundläggande kunnande inom el- och automationsteknik",
    "en": "Basic skills in electrical engineering and automation",
}
UNIT_B = {
    "fi": "Sähköasennusten toteuttaminen",
    "sv": "Genomförande av elinstallationer",
    "en": "Carrying out electrical installations",
}
# A requirement of each unit and an assessment criterion of unit A, in each language.
REQUIREMENT_A = {
    "fi": "noudattaa sähköturvallisuusmääräyksiä",
    "sv": "följer elsäkerhetsföreskrifterna",
    "en": "complies with electrical safety regulations",
}
REQUIREMENT_B = {
    "fi": "tekee asuntojen sähköasennuksia ja kaapelointeja",
    "sv": "utför elinstallationer och kabeldragningar i bostäder",
    "en": "carries out electrical installations and cabling in homes",
}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RAW_CODE = re.compile(r"\b[a-z]+_[a-z0-9]+\b")
TODAY = today_in_finland()


# The application with the demo ePerusteet and Koodisto and a real SMTP server.


@pytest.fixture
def settings(database_url: str, smtp_server: Any) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        public_url=BASE_URL,
        smtp=smtp_server.settings(),
    )


@pytest.fixture
def app(db, settings, world, tmp_path):
    registries = tmp_path / "demo-registries"
    for name in ("eperusteet", "koodisto"):
        shutil.copytree(DATA_DIR / name, registries / name)
    import_directory(db, registries)
    return create_app(settings, engine=db)


@pytest.fixture
def web(app):
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.fixture
def plan(web, clients, world, db):
    """Unit A: Olli's period and a demonstration; unit B: Pirjo's period (at Toinen Oy) and a
    demonstration whose assessor Tiina's address the provider recorded."""
    oppija, oo = world.add_oppija("tyopaikkasivut")
    body = hoks_body(oppija, oo)
    unit_a = body["hankittavat-ammat-tutkinnon-osat"][0]
    unit_a["tutkinnon-osa-koodi-uri"] = "tutkinnonosat_106161"
    unit_a["osaamisen-hankkimistavat"][0]["tyopaikalla-jarjestettava-koulutus"][
        "keskeiset-tyotehtavat"
    ] = ["Kytkentätyöt"]
    unit_a["osaamisen-osoittaminen"][0]["sisallon-kuvaus"] = ["Näyttö A:n sisältö"]
    period_b = tyopaikkajakso("jakso-b", alku="2024-10-01")
    period_b["tyopaikalla-jarjestettava-koulutus"] |= {
        "tyopaikan-nimi": "Toinen Oy",
        "vastuullinen-tyopaikka-ohjaaja": {"nimi": "Pirjo Pomo", "sahkoposti": PIRJO},
        "keskeiset-tyotehtavat": ["Kaapelointi"],
    }
    unit_b = {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_106163",
        "tutkinnon-osa-koodi-versio": 1,
        "osaamisen-hankkimistavat": [period_b],
        "osaamisen-osoittaminen": [
            {
                "nayttoymparisto": {"nimi": "Näyttöpaikka B"},
                "sisallon-kuvaus": ["Näyttö B:n sisältö"],
                "alku": "2025-01-10",
                "loppu": "2025-01-12",
                "tyoelama-osaamisen-arvioijat": [
                    {"nimi": "Tiina Työelämä", "organisaatio": {"nimi": "Arviointi Oy"}}
                ],
            }
        ],
    }
    body["hankittavat-ammat-tutkinnon-osat"] = [unit_a, unit_b]
    headers = clients.headers(OPH)
    created = web.post(f"{API}/hoks", json=body, headers=headers)
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    data = web.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    units = data["hankittavat-ammat-tutkinnon-osat"]
    naytto_b = units[1]["osaamisen-osoittaminen"][0]["module-id"]
    recorded = web.post(
        f"{API}/hoks/{hoks_id}/osat/{naytto_b}/arvioijat",
        json={"nimi": "Tiina Työelämä", "sahkoposti": TIINA},
        headers=headers,
    )
    assert recorded.status_code in (200, 201), recorded.text
    return {
        "hoks_id": hoks_id,
        "oppija": oppija,
        "period_a": units[0]["osaamisen-hankkimistavat"][0]["module-id"],
        "naytto_b": naytto_b,
    }


def add_jako(db, plan, module_ids, **fields) -> str:
    """A share (or consent) for Veera, valid from yesterday for a month unless told."""
    now = datetime.now(UTC)
    jako_id = str(uuid.uuid4())
    values = {
        "laji": "jakolinkki",
        "kohde_tyyppi": "osaamisenhankkiminen",
        "voimassaolo_alku": TODAY - timedelta(days=1),
        "voimassaolo_loppu": TODAY + timedelta(days=30),
        **fields,
    }
    with make_session_factory(db).begin() as session:
        session.add(
            Jako(
                id=jako_id,
                hoks_id=plan["hoks_id"],
                oppija_oid=plan["oppija"],
                module_ids=module_ids,
                vastaanottaja_nimi="Veera Vastaanottaja",
                vastaanottaja_sahkoposti=VEERA,
                created_at=now,
                updated_at=now,
                **values,
            )
        )
    return jako_id


# Checks every page gets.


def visible(html: str) -> str:
    """The page's text as a reader sees it (no markup, no head)."""
    body = html.split("<body>", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def check(response, status: int, lang: str, *words: str) -> str:
    assert response.status_code == status, visible(response.text)[:3000]
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in response.text
    text = visible(response.text)
    assert not text.startswith(("{", "["))
    for word in words:
        assert word in text, f"{word!r} not on the {lang} page: {text[:3000]}"
    assert not ISO_DATE.search(text), ISO_DATE.search(text)
    assert not RAW_CODE.search(text), RAW_CODE.search(text)
    return text


def csrf(web) -> str:
    page = web.get("/ehoks/tyopaikka")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def ask_link(web, smtp_server, address: str, **form: str) -> str:
    token = csrf(web)
    asked = web.post("/ehoks/tyopaikka", data={"sahkoposti": address, "csrf_token": token, **form})
    assert asked.status_code == 200
    return smtp_server.link_to(address).removeprefix(BASE_URL)


def send_code(web, path: str, lang: str = "fi"):
    return web.post(f"{path}/koodi?lang={lang}", data={"csrf_token": csrf(web)})


# Asking for a link.

REQUEST_WORDS = {
    "fi": ("Työpaikkaohjaajan ja arvioijan kirjautuminen", "Sähköpostiosoite"),
    "sv": ("Inloggning för arbetsplatshandledare och bedömare", "E-postadress"),
    "en": ("Login for workplace instructors and assessors", "Email address"),
}
SENT_WORDS = {
    "fi": ("Tarkista sähköpostisi", "72 tunnin kuluessa"),
    "sv": ("Kontrollera din e-post", "inom 72 timmar"),
    "en": ("Check your email", "within 72 hours"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_request_page_and_the_answer_in_each_language(web, plan, smtp_server, lang):
    check(web.get(f"/ehoks/tyopaikka?lang={lang}"), 200, lang, *REQUEST_WORDS[lang])
    token = csrf(web)
    sent = web.post(f"/ehoks/tyopaikka?lang={lang}", data={"sahkoposti": OLLI, "csrf_token": token})
    check(sent, 200, lang, *SENT_WORDS[lang])
    # Its language links lead to the same answer at an address of its own, sending nothing.
    assert 'href="/ehoks/tyopaikka/lahetetty?lang=sv"' in sent.text
    check(web.get(f"/ehoks/tyopaikka/lahetetty?lang={lang}"), 200, lang, *SENT_WORDS[lang])
    assert len(smtp_server.to(OLLI)) == 1


@pytest.mark.parametrize(
    ("lang", "empty", "malformed"),
    [
        ("fi", "Kirjoita sähköpostiosoite.", "muodossa nimi@esimerkki.fi"),
        ("sv", "Skriv in en e-postadress.", "i formen namn@exempel.fi"),
        ("en", "Type in an email address.", "in the form name@example.com"),
    ],
)
def test_a_missing_or_malformed_address_is_told_next_to_the_field(
    web, plan, smtp_server, lang, empty, malformed
):
    token = csrf(web)
    missing = web.post(
        f"/ehoks/tyopaikka?lang={lang}", data={"sahkoposti": " ", "csrf_token": token}
    )
    check(missing, 400, lang, empty)
    assert 'aria-invalid="true"' in missing.text
    assert 'href="#sahkoposti"' in missing.text  # the summary links to the field
    wrong = web.post(
        f"/ehoks/tyopaikka?lang={lang}", data={"sahkoposti": "olli at work", "csrf_token": token}
    )
    check(wrong, 400, lang, malformed)
    assert 'value="olli at work"' in wrong.text  # what was typed is kept
    assert smtp_server.messages == []


# The mailed link and the code.

CODE_WORDS = {
    "fi": ("Vahvista sähköpostiosoitteesi", "o***@example.org", "Lähetä koodi"),
    "sv": ("Bekräfta din e-postadress", "o***@example.org", "Skicka kod"),
    "en": ("Confirm your email address", "o***@example.org", "Send code"),
}
ENTER_WORDS = {
    "fi": ("Kirjoita sähköpostiisi saamasi koodi", "Koodissa on 6 numeroa."),
    "sv": ("Skriv in koden du fick per e-post", "Koden har 6 siffror."),
    "en": ("Type in the code you received by email", "The code has 6 digits."),
}
WRONG_CODE = {
    "fi": "Koodi ei ole oikein. Tarkista koodi uusimmasta sähköpostista. Yrityksiä jäljellä "
    "tällä koodilla: 4.",
    "sv": "Koden är inte rätt. Kontrollera koden i det senaste e-postmeddelandet. Försök kvar "
    "med den här koden: 4.",
    "en": "The code is not correct. Check the code in the latest email. Tries left with this "
    "code: 4.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_link_code_and_login_in_each_language(web, plan, smtp_server, lang):
    path = ask_link(web, smtp_server, OLLI)
    check(web.get(f"{path}?lang={lang}"), 200, lang, *CODE_WORDS[lang])
    check(send_code(web, path, lang), 200, lang, *ENTER_WORDS[lang])
    # Reloading or switching language shows the code page again without sending a new code.
    check(web.get(f"{path}/koodi?lang={lang}"), 200, lang, *ENTER_WORDS[lang])
    assert len(smtp_server.to(OLLI)) == 2  # the link and one code
    code = smtp_server.code_to(OLLI)
    wrong = "000000" if code != "000000" else "111111"
    refused = web.post(f"{path}?lang={lang}", data={"koodi": wrong, "csrf_token": csrf(web)})
    check(refused, 400, lang, *ENTER_WORDS[lang], WRONG_CODE[lang])
    assert f'value="{wrong}"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    short = web.post(f"{path}?lang={lang}", data={"koodi": "12ab", "csrf_token": csrf(web)})
    check(short, 400, lang, {"fi": "6 numeroa", "sv": "6 siffror", "en": "6 digits"}[lang])
    logged_in = web.post(path, data={"koodi": code, "csrf_token": csrf(web)})
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == "/ehoks/tyopaikka/osat"


LINK_PROBLEMS = {
    "unknown": (
        404,
        {
            "fi": "Kirjautumislinkki ei kelpaa",
            "sv": "Inloggningslänken fungerar inte",
            "en": "The login link is not valid",
        },
    ),
    "expired": (
        410,
        {
            "fi": "Kirjautumislinkki on vanhentunut",
            "sv": "Inloggningslänken har gått ut",
            "en": "The login link has expired",
        },
    ),
    "used": (
        410,
        {
            "fi": "Kirjautumislinkki on jo käytetty",
            "sv": "Inloggningslänken har redan använts",
            "en": "The login link has already been used",
        },
    ),
    "locked": (
        429,
        {
            "fi": "Liian monta väärää koodia",
            "sv": "För många felaktiga koder",
            "en": "Too many wrong codes",
        },
    ),
}
NEXT_STEP = {"fi": "Mitä voit tehdä", "sv": "Vad du kan göra", "en": "What you can do"}
NEW_LINK = {
    "fi": "Pyydä uusi kirjautumislinkki",
    "sv": "Be om en ny inloggningslänk",
    "en": "Ask for a new login link",
}


def _problem_paths(web, db, smtp_server) -> dict[str, str]:
    """One login link in each state that can no longer log anyone in."""
    expired = ask_link(web, smtp_server, OLLI)
    with make_session_factory(db).begin() as session:
        session.execute(
            update(EmailChallenge).values(link_expires_at=datetime.now(UTC) - timedelta(hours=1))
        )
    used = ask_link(web, smtp_server, PIRJO)
    send_code(web, used)
    done = web.post(used, data={"koodi": smtp_server.code_to(PIRJO), "csrf_token": csrf(web)})
    assert done.status_code == 303
    web.cookies.clear()
    locked = ask_link(web, smtp_server, TIINA)
    send_code(web, locked)
    right = smtp_server.code_to(TIINA)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        last = web.post(locked, data={"koodi": wrong, "csrf_token": csrf(web)})
    assert last.status_code == 429
    return {
        "unknown": "/ehoks/sahkoposti/ei-tallaista",
        "expired": expired,
        "used": used,
        "locked": locked,
    }


def test_each_unusable_link_is_a_page_saying_what_to_do_next(web, plan, db, smtp_server):
    paths = _problem_paths(web, db, smtp_server)
    for name, (status, heading) in LINK_PROBLEMS.items():
        for lang in LANGS:
            page = web.get(f"{paths[name]}?lang={lang}")
            text = check(page, status, lang, heading[lang], NEXT_STEP[lang], NEW_LINK[lang])
            assert 'href="/ehoks/tyopaikka"' in page.text
            for english in ("expired", "Ask for a new", "koodi:"):
                if lang != "en":
                    assert english not in text  # never the API's own (English) message


def test_too_many_codes_and_an_expired_code(web, plan, db, smtp_server):
    path = ask_link(web, smtp_server, OLLI)
    for _ in range(5):
        assert send_code(web, path).status_code == 200
    for lang in LANGS:
        check(
            send_code(web, path, lang),
            429,
            lang,
            {
                "fi": "Koodeja on lähetetty enimmäismäärä",
                "sv": "Det högsta antalet koder har skickats",
                "en": "The most codes allowed have been sent",
            }[lang],
        )
    with make_session_factory(db).begin() as session:
        session.execute(
            update(EmailChallenge).values(code_expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    for lang in LANGS:
        expired = web.post(f"{path}?lang={lang}", data={"koodi": "123456", "csrf_token": csrf(web)})
        check(
            expired,
            410,
            lang,
            {
                "fi": "Koodi on vanhentunut.",
                "sv": "Koden har gått ut.",
                "en": "The code has expired.",
            }[lang],
        )
        assert 'aria-invalid="true"' in expired.text


def test_a_login_carries_the_page_to_return_to(web, plan, db, smtp_server):
    jako = add_jako(db, plan, [plan["period_a"]])
    back = f"/ehoks/jako/{jako}"
    form = web.get(f"/ehoks/tyopaikka?paluu={back}")
    assert f'name="paluu" value="{back}"' in form.text
    path = ask_link(web, smtp_server, VEERA, paluu=back)
    send_code(web, path)
    done = web.post(path, data={"koodi": smtp_server.code_to(VEERA), "csrf_token": csrf(web)})
    assert (done.status_code, done.headers["location"]) == (303, back)
    # Another site is never a return path.
    web.cookies.clear()
    path = ask_link(web, smtp_server, OLLI, paluu="//evil.example.org/")
    send_code(web, path)
    done = web.post(path, data={"koodi": smtp_server.code_to(OLLI), "csrf_token": csrf(web)})
    assert done.headers["location"] == "/ehoks/tyopaikka/osat"


# What an instructor and an assessor see.

INSTRUCTOR = {
    "fi": "Olet tämän työpaikalla oppimisen jakson vastuullinen työpaikkaohjaaja",
    "sv": "Du är ansvarig arbetsplatshandledare för den här arbetsplatsperioden",
    "en": "You are the responsible workplace instructor of this on-the-job learning period",
}
ASSESSOR = {
    "fi": "Olet tämän näytön työelämän arvioija",
    "sv": "Du är arbetslivets bedömare i det här yrkesprovet",
    "en": "You are the working-life assessor of this competence demonstration",
}
QUALIFICATION = "Sähkö- ja automaatioalan perustutkinto"  # Koski names it in Finnish only


@pytest.mark.parametrize("lang", LANGS)
def test_an_instructor_sees_only_their_period_with_its_unit(web, plan, db, settings, lang):
    login(web, db, settings, EmailActor(OLLI))
    page = web.get(f"/ehoks/tyopaikka/osat?lang={lang}")
    text = check(
        page,
        200,
        lang,
        "Testi tyopaikkasivut",
        QUALIFICATION,
        INSTRUCTOR[lang],
        UNIT_A[lang],
        REQUIREMENT_A[lang],
        "Esimerkki Oy",
        "Kytkentätyöt",
    )
    assert UNIT_B[lang] not in text
    for other in ("Toinen Oy", "Kaapelointi", "Näyttö A:n sisältö", "Näyttö B:n sisältö"):
        assert other not in text
    assert "opiskelija@example.org" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_an_assessor_sees_only_their_demonstration(web, plan, db, settings, lang):
    login(web, db, settings, EmailActor(TIINA))
    page = web.get(f"/ehoks/tyopaikka/osat?lang={lang}")
    text = check(
        page,
        200,
        lang,
        ASSESSOR[lang],
        UNIT_B[lang],
        REQUIREMENT_B[lang],
        "Näyttöpaikka B",
        "Näyttö B:n sisältö",
    )
    assert UNIT_A[lang] not in text
    for other in ("Toinen Oy", "Kaapelointi", "Esimerkki Oy", "Näyttö A:n sisältö"):
        assert other not in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", "Sinulle ei ole tällä hetkellä näytettäviä tietoja."),
        ("sv", "Det finns för närvarande inga uppgifter att visa för dig."),
        ("en", "There is no information to show you at the moment."),
    ],
)
def test_someone_named_nowhere_sees_why_there_is_nothing(web, plan, db, settings, lang, words):
    login(web, db, settings, EmailActor("kuka@example.org"))
    check(web.get(f"/ehoks/tyopaikka/osat?lang={lang}"), 200, lang, words)


def test_the_parts_page_needs_an_e_mail_login(web, plan, db, settings):
    check(web.get("/ehoks/tyopaikka/osat?lang=sv"), 401, "sv")
    login(web, db, settings, StudentActor(plan["oppija"], "Testi"))
    check(web.get("/ehoks/tyopaikka/osat?lang=en"), 403, "en")


def test_shares_are_listed_with_their_end_and_a_link(web, plan, db, settings):
    jako = add_jako(db, plan, [plan["naytto_b"]], kohde_tyyppi="osaamisenosoittaminen")
    login(web, db, settings, EmailActor(VEERA))
    page = web.get("/ehoks/tyopaikka/osat?lang=fi")
    loppu = format_day(TODAY + timedelta(days=30), "fi")
    check(page, 200, "fi", f"Opiskelija on jakanut nämä tiedot sinulle {loppu} asti", UNIT_B["fi"])
    assert f'href="/ehoks/jako/{jako}"' in page.text


# The share recipient's page.

SHARE_LOGIN = {
    "fi": (
        "Kirjaudu nähdäksesi jaetut tiedot",
        "v***@example.org",
        "Lähetä uusi kirjautumislinkki",
    ),
    "sv": ("Logga in för att se de delade uppgifterna", "v***@example.org", "Skicka en ny"),
    "en": ("Log in to see the shared information", "v***@example.org", "Send a new login link"),
}
SHARE_SENTENCE = {
    "fi": "Työpaikalla oppimisen tiedot on jaettu sinulle {alku}–{loppu}.",
    "sv": "Uppgifterna om lärandet på arbetsplatsen har delats med dig {alku}–{loppu}.",
    "en": "The on-the-job learning details have been shared with you {alku}–{loppu}.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_share_page_before_and_after_login(web, plan, db, settings, smtp_server, lang):
    jako = add_jako(db, plan, [plan["period_a"]])
    before = check(web.get(f"/ehoks/jako/{jako}?lang={lang}"), 200, lang, *SHARE_LOGIN[lang])
    assert "Esimerkki Oy" not in before
    sent = web.post(
        f"/ehoks/jako/{jako}/kirjautumislinkki?lang={lang}", data={"csrf_token": csrf(web)}
    )
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        f"/ehoks/jako/{jako}/kirjautumislinkki",
    )
    check(web.get(f"{sent.headers['location']}?lang={lang}"), 200, lang, "v***@example.org")
    assert len(smtp_server.to(VEERA)) == 1

    login(web, db, settings, EmailActor(VEERA))
    alku = format_day(TODAY - timedelta(days=1), lang)
    loppu = format_day(TODAY + timedelta(days=30), lang)
    text = check(
        web.get(f"/ehoks/jako/{jako}?lang={lang}"),
        200,
        lang,
        SHARE_SENTENCE[lang].format(alku=alku, loppu=loppu),
        "Testi tyopaikkasivut",
        QUALIFICATION,
        UNIT_A[lang],
        REQUIREMENT_A[lang],
        "Esimerkki Oy",
        "Olli Ohjaaja",
    )
    assert UNIT_B[lang] not in text
    assert "Näyttö A:n sisältö" not in text
    assert "opiskelija@example.org" not in text


SHARE_PROBLEMS = {
    "later": (
        423,
        {
            "fi": "Jaetut tiedot ovat nähtävissä {day} alkaen.",
            "sv": "De delade uppgifterna kan ses från och med {day}.",
            "en": "The shared information can be seen from {day}.",
        },
    ),
    "expired": (
        410,
        {
            "fi": "Jaetut tiedot olivat nähtävissä {day} asti.",
            "sv": "De delade uppgifterna kunde ses till och med {day}.",
            "en": "The shared information could be seen until {day}.",
        },
    ),
    "revoked": (
        410,
        {
            "fi": "Jako on peruttu",
            "sv": "Delningen har återkallats",
            "en": "The share has been revoked",
        },
    ),
    "gone": (
        410,
        {
            "fi": "Jaettua osaa ei enää ole",
            "sv": "Den delade delen finns inte längre",
            "en": "The shared part no longer exists",
        },
    ),
    "unknown": (
        404,
        {"fi": "Jakoa ei löydy", "sv": "Delningen hittades inte", "en": "Share not found"},
    ),
    "other": (
        403,
        {
            "fi": "Jako on lähetetty toiseen osoitteeseen",
            "sv": "Delningen skickades till en annan adress",
            "en": "The share was sent to another address",
        },
    ),
}


def test_every_state_of_a_share_is_a_page_of_its_own(web, plan, db, settings):
    later_day, expired_day = TODAY + timedelta(days=3), TODAY - timedelta(days=1)
    ids = {
        "later": add_jako(db, plan, [plan["period_a"]], voimassaolo_alku=later_day),
        "expired": add_jako(
            db,
            plan,
            [plan["period_a"]],
            voimassaolo_alku=TODAY - timedelta(days=9),
            voimassaolo_loppu=expired_day,
        ),
        "revoked": add_jako(db, plan, [plan["period_a"]], revoked_at=datetime.now(UTC)),
        "gone": add_jako(db, plan, ["6f1c2d2e-1111-4222-8333-444455556666"]),
        "unknown": "6f1c2d2e-1111-4222-8333-444455556666",
        "other": add_jako(db, plan, [plan["period_a"]]),
    }
    days = {"later": later_day, "expired": expired_day}
    for name, (status, words) in SHARE_PROBLEMS.items():
        login(
            web, db, settings, EmailActor("someone.else@example.org" if name == "other" else VEERA)
        )
        for lang in LANGS:
            day = format_day(days[name], lang) if name in days else ""
            page = web.get(f"/ehoks/jako/{ids[name]}?lang={lang}")
            text = check(page, status, lang, words[lang].format(day=day), NEXT_STEP[lang])
            assert "Esimerkki Oy" not in text
            assert "Shared link" not in text  # the API's message


def test_a_whole_plan_consent_shows_the_basic_data_and_the_purpose(web, plan, db, settings):
    consent = add_jako(
        db, plan, [], laji="suostumus", kohde_tyyppi=None, tarkoitus="Oppisopimuspaikan haku"
    )
    login(web, db, settings, EmailActor(VEERA))
    for lang, words in (
        ("fi", ("Suostumuksella jaetut tiedot", "Perustiedot", "Käyttötarkoitus")),
        ("sv", ("Uppgifter som lämnats ut med samtycke", "Grunduppgifter", "Ändamål")),
        ("en", ("Information disclosed with consent", "Basic information", "Purpose")),
    ):
        check(
            web.get(f"/ehoks/jako/{consent}?lang={lang}"),
            200,
            lang,
            *words,
            "Oppisopimuspaikan haku",
            "opiskelija@example.org",
            UNIT_A[lang],
            UNIT_B[lang],
        )


def test_the_original_workplace_app_addresses_still_lead_to_the_pages(web):
    jako = "6f1c2d2e-1111-4222-8333-444455556666"
    answer = web.get(f"/ehoks-tyopaikantoimija-ui/{jako}")
    assert (answer.status_code, answer.headers["location"]) == (303, f"/ehoks/jako/{jako}")
    for root in ("/ehoks-tyopaikantoimija-ui/", "/ehoks-tyopaikantoimija-ui"):
        answer = web.get(root)
        assert (answer.status_code, answer.headers["location"]) == (303, "/ehoks/tyopaikka")


def test_a_shared_demonstration_is_titled_as_one(web, plan, db, settings):
    jako = add_jako(db, plan, [plan["naytto_b"]], kohde_tyyppi="osaamisenosoittaminen")
    login(web, db, settings, EmailActor(VEERA))
    alku = format_day(TODAY - timedelta(days=1), "en")
    loppu = format_day(TODAY + timedelta(days=30), "en")
    text = check(
        web.get(f"/ehoks/jako/{jako}?lang=en"),
        200,
        "en",
        "Competence demonstration details",
        f"The competence demonstration details have been shared with you {alku}–{loppu}.",
        UNIT_B["en"],
        "Näyttö B:n sisältö",
        REQUIREMENT_B["en"],
    )
    assert "Toinen Oy" not in text  # the unit's learning period was not shared
