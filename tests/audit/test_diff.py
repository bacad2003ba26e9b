"""Field-level changes: the original's format, with list items matched by module-id."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum
from types import MappingProxyType

import pytest
from pydantic import BaseModel, ConfigDict, Field

from ehoks.audit.diff import (
    _json_safe,
    changes,
    json_safe,
    soft_delete_changes,
    undo_delete_changes,
)


def period(module_id: str, alku: str, loppu: str = "2025-06-01", **more):
    return {"module-id": module_id, "alku": alku, "loppu": loppu, **more}


def test_nested_maps_report_each_changed_leaf():
    old = {"a": {"b": 1, "c": 2, "gone": "x"}, "same": True}
    new = {"a": {"b": 1, "c": 3, "d": {"e": 4}}, "same": True}
    assert changes(old, new) == [
        {"path": "a.c", "oldValue": 2, "newValue": 3},
        {"path": "a.gone", "oldValue": "x"},
        {"path": "a.d", "newValue": {"e": 4}},
    ]


def test_a_null_value_is_the_same_as_a_missing_key():
    assert changes({"a": None, "b": 1}, {"b": 1}) == []
    assert changes({"a": 1}, {"a": None}) == [{"path": "a", "oldValue": 1}]


def test_scalar_lists_are_compared_by_index():
    assert changes({"l": ["x", "y"]}, {"l": ["x", "z", "w"]}) == [
        {"path": "l.1", "oldValue": "y", "newValue": "z"},
        {"path": "l.2", "newValue": "w"},
    ]
    assert changes(["x", "y"], ["x"]) == [{"path": "1", "oldValue": "y"}]


def test_create_and_delete_give_the_whole_document():
    assert changes(None, {"a": 1}) == [{"path": "", "newValue": {"a": 1}}]
    assert changes({"a": 1}, None) == [{"path": "", "oldValue": {"a": 1}}]
    assert changes(None, None) == []


def test_module_id_keys_are_not_reported():
    old = {"module-id": "a", "x": 1, "inner": {"module-id": "b"}}
    new = {"module-id": "c", "x": 1, "inner": {"module-id": "d"}}
    assert changes(old, new) == []


def test_inserting_a_learning_period_reports_only_that_period():
    old = {"jaksot": [period("m1", "2024-01-01"), period("m2", "2024-02-01")]}
    new = {
        "jaksot": [
            period("m0", "2023-12-01"),
            period("m1", "2024-01-01"),
            period("m2", "2024-02-01"),
        ]
    }
    assert changes(old, new) == [{"path": "jaksot.0", "newValue": period("m0", "2023-12-01")}]


def test_without_module_ids_the_same_insertion_shifts_every_later_item():
    # What the original reports, for comparison with the test above.
    strip = [
        {k: v for k, v in p.items() if k != "module-id"}
        for p in (
            period("m0", "2023-12-01"),
            period("m1", "2024-01-01"),
        )
    ]
    assert changes([strip[1]], strip) == [
        {"path": "0.alku", "oldValue": "2024-01-01", "newValue": "2023-12-01"},
        {"path": "1", "newValue": strip[1]},
    ]


def test_matched_items_are_diffed_at_their_index_in_the_new_list():
    old = [period("m1", "2024-01-01"), period("m2", "2024-02-01")]
    new = [period("m0", "2023-12-01"), period("m1", "2024-01-01"), period("m2", "2024-03-01")]
    assert changes(old, new) == [
        {"path": "0", "newValue": period("m0", "2023-12-01")},
        {"path": "2.alku", "oldValue": "2024-02-01", "newValue": "2024-03-01"},
    ]


def test_removing_an_item_reports_it_at_its_old_index():
    old = [period("m1", "2024-01-01"), period("m2", "2024-02-01"), period("m3", "2024-03-01")]
    new = [period("m1", "2024-01-01"), period("m3", "2024-03-01")]
    assert changes(old, new) == [{"path": "1", "oldValue": period("m2", "2024-02-01")}]


def test_moving_an_unchanged_item_reports_nothing():
    first, second = period("m1", "2024-01-01"), period("m2", "2024-02-01")
    assert changes([first, second], [second, first]) == []


def test_items_without_an_id_are_paired_in_order_among_themselves():
    old = [period("m1", "2024-01-01"), {"nimi": "a"}, {"nimi": "b"}]
    new = [{"nimi": "a"}, period("m1", "2024-01-01"), {"nimi": "c"}]
    assert changes(old, new) == [{"path": "2.nimi", "oldValue": "b", "newValue": "c"}]


def test_duplicate_module_ids_fall_back_to_index_order():
    old = [period("m1", "2024-01-01"), period("m1", "2024-02-01")]
    new = [period("m1", "2024-02-01")]
    assert changes(old, new) == [
        {"path": "0.alku", "oldValue": "2024-01-01", "newValue": "2024-02-01"},
        {"path": "1", "oldValue": period("m1", "2024-02-01")},
    ]


def test_a_boolean_is_not_the_number_one():
    assert changes({"a": 1}, {"a": True}) == [{"path": "a", "oldValue": 1, "newValue": True}]
    assert changes({"a": 1}, {"a": 1.0}) == []


def test_soft_delete_and_undo_are_recorded_as_in_the_original():
    assert soft_delete_changes() == [{"path": "deleted_at", "newValue": "*ADDED*"}]
    assert undo_delete_changes() == [{"path": "deleted_at", "newValue": "*REMOVED*"}]
    soft_delete_changes().append({"path": "x"})  # each call gives a fresh list
    assert len(soft_delete_changes()) == 1


class Osa(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    module_id: str = Field(alias="module-id")
    koodi_uri: str = Field(alias="koodi-uri")
    laajuus: Decimal | None = None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            datetime(2019, 1, 2, 12, 20, 30, tzinfo=timezone(timedelta(hours=2))),
            "2019-01-02T10:20:30Z",
        ),
        (datetime(2019, 1, 2, 10, 20, 30, 5, tzinfo=UTC), "2019-01-02T10:20:30.000005Z"),
        (date(2024, 8, 1), "2024-08-01"),
        (Decimal("2.5"), 2.5),
        (Decimal("15"), 15),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        ((1, "a"), [1, "a"]),
        ({"k": {2, 1}}, {"k": [1, 2]}),
        (float("inf"), None),
        (
            Osa(module_id="m", koodi_uri="tutkinnonosat_1"),
            {"module-id": "m", "koodi-uri": "tutkinnonosat_1"},
        ),
    ],
)
def test_values_are_made_json_safe(value, expected):
    assert json_safe(value) == expected


def test_models_are_compared_by_their_wire_names():
    old = Osa(module_id="m", koodi_uri="tutkinnonosat_1", laajuus=Decimal("10"))
    new = Osa(module_id="m", koodi_uri="tutkinnonosat_2", laajuus=Decimal("10"))
    assert changes(old, new) == [
        {"path": "koodi-uri", "oldValue": "tutkinnonosat_1", "newValue": "tutkinnonosat_2"}
    ]


class Taso(Enum):
    YKSI = 1
    AIKA = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, -0.0, float("nan"), True, None, "ä"], "b": {"c": date(2024, 1, 1)}},
        {"when": datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=-5)))},
        {"naive": datetime(2024, 1, 1, 12), "time": time(8, 30)},
        {1: "an int key", "big": 2**80},
        {"enum": Taso.YKSI, "enum-time": Taso.AIKA, "set": frozenset({"b", "a"})},
        [Osa(module_id="m", koodi_uri="k", laajuus=Decimal("1.50"))],
        MappingProxyType({"read": "only"}),
    ],
)
def test_the_short_way_gives_what_the_walk_gives(value):
    """``json_safe`` copies through orjson and falls back to the walk; both give the same."""
    assert json_safe(value) == _json_safe(value)
    assert repr(json_safe(value)) == repr(_json_safe(value))  # the same types too
