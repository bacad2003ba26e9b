"""House rules that a linter cannot express (house style 9.7), checked on the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ehoks"
COMPOSITION_ROOTS = {"asgi.py", "cli/__init__.py", "config.py"}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name


def test_settings_are_loaded_only_at_composition_roots():
    offenders = [
        name
        for name, tree in _modules()
        if name not in COMPOSITION_ROOTS
        and ("ehoks.config", "load_settings") in set(_imports(tree))
    ]
    assert offenders == []


def test_sql_statements_are_built_only_in_repositories_and_migrations():
    allowed = ("repository.py", "migrations/", "migrate.py", "db.py", "local/")
    offenders = []
    for name, tree in _modules():
        if name.endswith(allowed) or any(part in name for part in allowed):
            continue
        # A model may spell an index's expression as text: schema, not a statement.
        banned = {"select", "insert", "update", "delete"} | (
            set() if name.endswith("models.py") else {"text"}
        )
        for module, imported in _imports(tree):
            if module == "sqlalchemy" and imported in banned:
                offenders.append(f"{name}: {imported}")
    assert offenders == [], "SQL belongs in repository modules"


def test_domains_never_import_the_surfaces():
    domains = ("hoks/", "access/", "registries/")
    surfaces = ("ehoks.api", "ehoks.cli", "ehoks.main")
    offenders = []
    for name, tree in _modules():
        if not name.startswith(domains) or name.endswith("routes.py"):
            continue
        for module, _ in _imports(tree):
            if module.startswith(surfaces):
                offenders.append(f"{name}: {module}")
    assert offenders == []


def test_registries_never_import_domains():
    offenders = []
    for name, tree in _modules():
        if not name.startswith("registries/"):
            continue
        for module, _ in _imports(tree):
            if module.startswith(("ehoks.hoks", "ehoks.access")):
                offenders.append(f"{name}: {module}")
    assert offenders == []


def test_modules_stay_small():
    large = [
        f"{name}: {len(path.read_text().splitlines())}"
        for name, path in ((p.relative_to(SRC).as_posix(), p) for p in SRC.rglob("*.py"))
        if len(path.read_text().splitlines()) > 500 and "migrations/" not in name
    ]
    assert large == []
