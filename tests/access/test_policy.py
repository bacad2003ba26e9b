"""The access decision itself (access/policy.py) and the scoped view it leads to, as pure
functions: every actor kind, every action, each scope boundary."""

from __future__ import annotations

import pytest

from ehoks.access.actor import (
    CasServiceActor,
    EmailActor,
    OfficialActor,
    ServiceClientActor,
    StudentActor,
    SystemActor,
    grants_from_roles,
)
from ehoks.access.errors import NoAccess, NoStatisticsRight, NotOwnHoks, NotPermitted
from ehoks.access.policy import (
    EmailGrants,
    HoksFacts,
    decide,
    is_superuser,
    privileges_on,
    require_statistics_feed,
)
from ehoks.hoks.scoped import scoped_view

OPH = "1.2.246.562.10.00000000001"
KT = "1.2.246.562.10.11111111111"  # koulutustoimija
OL = "1.2.246.562.10.22222222222"  # its oppilaitos
OTHER = "1.2.246.562.10.33333333333"
OPPIJA = "1.2.246.562.24.44444444444"
FACTS = HoksFacts(1, OPPIJA, (OPH, KT, OL), procured_paths=((OPH, OTHER),))


def official(*roles: str) -> OfficialActor:
    return OfficialActor("1.2.246.562.24.1", "V", grants_from_roles(roles))


def test_role_strings_become_grants_and_unknown_ones_nothing():
    grants = grants_from_roles(
        [
            f"ROLE_APP_EHOKS_CRUD_{KT}",
            f"ROLE_APP_EHOKS_HOKS_DELETE_{KT}",
            f"ROLE_APP_EHOKS_FOO_{OL}",
            "ROLE_APP_OTHER_CRUD_1.2.246.562.10.5",
            "garbage",
        ]
    )
    assert {g.organisaatio_oid: g.privileges for g in grants} == {
        KT: frozenset({"read", "write", "update", "delete", "hoks_delete"}),
        OL: frozenset(),
    }
    assert not any(g.superuser for g in grants)
    assert is_superuser(official(f"ROLE_APP_EHOKS_OPHPAAKAYTTAJA_{OPH}"))


@pytest.mark.parametrize(
    ("actor", "action", "basis"),
    [
        (official(f"ROLE_APP_EHOKS_CRUD_{KT}"), "update", "provider"),  # inherited downwards
        (official(f"ROLE_APP_EHOKS_READ_{OL}"), "read", "provider"),
        (official(f"ROLE_APP_EHOKS_READ_{OTHER}"), "read", "procured-training"),
        (official(f"ROLE_APP_EHOKS_HOKS_DELETE_{OL}"), "hoks_delete", "provider"),
        (official(f"ROLE_APP_EHOKS_OPHPAAKAYTTAJA_{OPH}"), "hard_delete", "administration"),
        (ServiceClientActor("c", "c", KT, "CRUD"), "write", "provider"),
        (
            CasServiceActor("s", "o", grants_from_roles([f"ROLE_APP_EHOKS_READ_{OL}"])),
            "read",
            "provider",
        ),
        (StudentActor(OPPIJA, "S"), "read", "own"),
        (StudentActor(OPPIJA, "S"), "share", "own"),
        (SystemActor(), "hard_delete", "system"),
    ],
)
def test_allowed(actor, action, basis):
    access = decide(actor, action, FACTS)
    assert access.basis == basis
    assert access.whole


@pytest.mark.parametrize(
    ("actor", "action", "error"),
    [
        (official(f"ROLE_APP_EHOKS_CRUD_{OTHER}"), "update", NoAccess),  # procured: read only
        (official(f"ROLE_APP_EHOKS_READ_{OL}"), "update", NoAccess),
        (official(f"ROLE_APP_EHOKS_CRUD_{OL}"), "hoks_delete", NoAccess),  # CRUD is not enough
        (official(f"ROLE_APP_EHOKS_CRUD_{OPH}"), "hard_delete", NotPermitted),  # not a super user
        (official(f"ROLE_APP_EHOKS_CRUD_{KT}"), "share", NotOwnHoks),
        (ServiceClientActor("c", "c", OL, "READ"), "write", NoAccess),
        (StudentActor("1.2.246.562.24.55555555555", "T"), "read", NotOwnHoks),
        (StudentActor(OPPIJA, "S"), "update", NotPermitted),
        (StudentActor(None, "Huoltaja", True, "1.2.246.562.24.6"), "read", NotOwnHoks),
        (EmailActor("x@example.org"), "read", NotPermitted),  # named nowhere
    ],
)
def test_denied(actor, action, error):
    with pytest.raises(error):
        decide(actor, action, FACTS)


def test_an_unknown_organisation_grants_nothing():
    facts = HoksFacts(1, OPPIJA, None)
    with pytest.raises(NoAccess):
        decide(official(f"ROLE_APP_EHOKS_CRUD_{OPH}"), "read", facts)


def _email_facts(**grants) -> HoksFacts:
    return HoksFacts(1, OPPIJA, (OPH, KT, OL), email=EmailGrants(**grants))


def test_an_address_gets_only_the_parts_it_is_named_for():
    actor = EmailActor("o@example.org")
    access = decide(actor, "read", _email_facts(instructor=frozenset({"p1"})))
    assert (access.basis, access.parts) == ("instructor", frozenset({"p1"}))
    access = decide(
        actor,
        "read",
        _email_facts(assessor=frozenset({"n1"}), shares={"s1": frozenset({"p2"})}),
    )
    assert access.basis == "assessor,share"
    assert access.parts == frozenset({"n1", "p2"})
    assert access.basis_ref == "s1"
    whole = decide(actor, "read", _email_facts(consents={"c1": frozenset()}))
    assert (whole.basis, whole.parts, whole.basis_ref) == ("consent", None, "c1")
    with pytest.raises(NotPermitted):
        decide(actor, "update", _email_facts(instructor=frozenset({"p1"})))


DOCUMENT = {
    "id": 1,
    "eid": "e",
    "oppija-oid": OPPIJA,
    "opiskeluoikeus-oid": "oo",
    "sahkoposti": "opiskelija@example.org",
    "hankittavat-ammat-tutkinnon-osat": [
        {
            "module-id": "u1",
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
            "osaamisen-hankkimistavat": [{"module-id": "p1"}, {"module-id": "p2"}],
            "osaamisen-osoittaminen": [{"module-id": "n1"}],
        },
        {"module-id": "u2", "osaamisen-hankkimistavat": [{"module-id": "p3"}]},
    ],
    "hankittavat-yhteiset-tutkinnon-osat": [
        {
            "module-id": "y1",
            "osa-alueet": [
                {"module-id": "a1", "osaamisen-hankkimistavat": [{"module-id": "p4"}]},
                {"module-id": "a2", "osaamisen-hankkimistavat": [{"module-id": "p5"}]},
            ],
        }
    ],
    "aiemmin-hankitut-ammat-tutkinnon-osat": [{"module-id": "x1"}],
    "opiskeluvalmiuksia-tukevat-opinnot": [{"module-id": "o1"}],
}


def test_scoped_view_holds_the_part_under_its_unit_and_nothing_else():
    view = scoped_view(DOCUMENT, frozenset({"p2"}))
    assert view == {
        "id": 1,
        "eid": "e",
        "oppija-oid": OPPIJA,
        "opiskeluoikeus-oid": "oo",
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "module-id": "u1",
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_1",
                "osaamisen-hankkimistavat": [{"module-id": "p2"}],
            }
        ],
    }


def test_scoped_view_of_a_yto_part_keeps_its_sub_area_only():
    view = scoped_view(DOCUMENT, frozenset({"p5"}))
    yto = view["hankittavat-yhteiset-tutkinnon-osat"]
    assert yto == [
        {
            "module-id": "y1",
            "osa-alueet": [{"module-id": "a2", "osaamisen-hankkimistavat": [{"module-id": "p5"}]}],
        }
    ]
    assert "hankittavat-ammat-tutkinnon-osat" not in view


def test_a_shared_unit_comes_whole_and_unknown_ids_show_nothing():
    view = scoped_view(DOCUMENT, frozenset({"u2"}))
    assert view["hankittavat-ammat-tutkinnon-osat"] == [
        DOCUMENT["hankittavat-ammat-tutkinnon-osat"][1]
    ]
    assert scoped_view(DOCUMENT, frozenset({"gone"})) == {
        "id": 1,
        "eid": "e",
        "oppija-oid": OPPIJA,
        "opiskeluoikeus-oid": "oo",
    }


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        ([f"ROLE_APP_EHOKS_VIPUNEN_{OPH}"], True),
        ([f"ROLE_APP_EHOKS_READ_{OPH}"], True),
        ([f"ROLE_APP_EHOKS_CRUD_{KT}"], False),
        (["ROLE_APP_EHOKS_VIPUNEN_1.2.246.562.10.11111111111"], False),
    ],
)
def test_the_vipunen_feed_needs_the_right_on_the_oph_root(roles, allowed):
    actor = CasServiceActor("vipunen", "1.2.246.562.24.1", grants_from_roles(roles))
    if allowed:
        require_statistics_feed(actor)
    else:
        with pytest.raises(NoStatisticsRight):
            require_statistics_feed(actor)


def test_the_vipunen_role_gives_nothing_else():
    actor = ServiceClientActor("v", "Vipunen", OPH, "VIPUNEN")
    assert privileges_on(actor, [OPH, KT]) == frozenset({"statistics"})
