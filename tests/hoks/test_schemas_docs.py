"""``docs/data-model.md`` is generated from the templates and must not drift from them."""

from __future__ import annotations

from pathlib import Path

from ehoks.hoks.schemas.docs import REGENERATE, render_data_model_markdown
from ehoks.hoks.schemas.rules import FIELD_RULES, OBJECT_RULES

DATA_MODEL = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def test_data_model_document_is_up_to_date():
    rendered = render_data_model_markdown()
    current = DATA_MODEL.read_text(encoding="utf-8") if DATA_MODEL.exists() else ""
    assert current == rendered, (
        f"docs/data-model.md is out of date; regenerate it with: {REGENERATE}"
    )


def test_document_lists_every_rule_message():
    rendered = render_data_model_markdown()
    for rule in (*FIELD_RULES.values(), *OBJECT_RULES.values()):
        assert rule.message in rendered
