"""The JSON body's limit check takes a short way for a body within every limit
(``api.json_body._fits`` after one scan of the text); it must refuse exactly what the full walk
(``find_problem``) refuses, naming the same place."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehoks.api.json_body import find_problem, parse_json_body
from ehoks.errors import EhoksError
from ehoks.limits import TEXT_MAX, LimitSettings

LIMITS = LimitSettings(max_json_depth=4, max_json_items=10)

# Characters around every boundary the check knows: controls the text may hold (tab, LF, CR),
# the ones it may not (C0, DEL, C1), a backslash and the letters of the escapes after it.
CHARACTERS = st.sampled_from(
    ["a", "ä", "\t", "\n", "\r", "\x00", "\x08", "\x0c", "\x1f", "\x7f", "\x85", "\x9f", "\\",
     "u", "b", "f", '"', "/", "€", "\U0001f600"]
)  # fmt: skip
TEXT = st.lists(CHARACTERS, max_size=8).map("".join)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=12), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=30,
)


def _outcome(raw: bytes) -> Any:
    try:
        return ("ok", parse_json_body(raw, "application/json", LIMITS))
    except EhoksError as error:
        return ("refused", error.status_code, str(error))


@settings(max_examples=400, deadline=None)
@given(VALUES, st.booleans())
def test_the_short_way_refuses_what_the_full_walk_refuses(value, ascii_only):
    # Written both ways: non-ASCII as itself, and everything beyond ASCII as \u escapes.
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    outcome = _outcome(raw)
    problem = find_problem(json.loads(raw), LIMITS)
    if problem is None:
        assert outcome[0] == "ok"
    else:
        assert outcome[0] == "refused"
        assert outcome[1] == 400


@pytest.mark.parametrize(
    "raw",
    [
        rb'{"a": "\u0000"}',
        rb'{"a": "x\by"}',
        rb'{"a": "x\fy"}',
        rb'{"\u007f": 1}',
        '{"a": "\x85"}'.encode(),
        rb'{"a": "\ud800"}',
        rb'{"a": ["\u0001"]}',
        b'{"a": "' + b"x" * (TEXT_MAX + 1) + b'"}',
    ],
)
def test_a_control_character_or_an_overlong_text_is_refused_however_written(raw):
    outcome = _outcome(raw)
    assert outcome[0] == "refused", outcome
    assert outcome[1] == 400


@pytest.mark.parametrize(
    "raw", [rb'{"a": "c:\\\\users\\\\b"}', rb'{"a": "\\\\u0041"}', b'{"a": "tab\\there"}']
)
def test_an_escaped_backslash_or_an_allowed_control_is_accepted(raw):
    assert _outcome(raw)[0] == "ok"
