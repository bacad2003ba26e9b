"""Counting the SQL statements a piece of work sends (issue 12: the statements each request
needs and no more)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements(target: Engine | type[Engine] = Engine) -> Iterator[list[str]]:
    """The statements sent on ``target`` — one engine, or by default every engine of the
    process (the request's, the registry lookups', the audit appender's) — while the block
    runs, whitespace folded. Transaction control is left out: psycopg sends ``BEGIN`` with the
    first statement, and SQLite's is our own."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        text = " ".join(statement.split())
        if not text.upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(text)

    event.listen(target, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", count)
