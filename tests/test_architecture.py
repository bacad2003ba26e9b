"""House rules checked on the source tree (house style 9.7): what a linter cannot express, and
the import boundaries that import-linter checks (pyproject.toml, docs/architecture.md)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "ehoks"
PYPROJECT = ROOT / "pyproject.toml"
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


def test_a_request_builds_its_use_case_context_once():
    """Issue 12, item 1: a request's context is built once (``context.request.context_of``,
    cached on the request) and passed on; only the other entrypoints — the CLI's commands, the
    job worker's jobs — call ``Runtime.context`` themselves."""
    entrypoints = ("context/request.py", "context/usecase.py", "cli/")
    offenders = sorted(
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        if not name.startswith(entrypoints)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "context"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "runtime"
    )
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


def _contracts():
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def test_the_import_contracts_hold():
    """The boundaries of docs/architecture.md ("Boundaries"), as pyproject.toml's import-linter
    contracts state them: layers, surfaces, repositories, registries, kernel, cycles. ``make
    lint`` runs the same check; here it fails the suite too."""
    from importlinter.application.use_cases import SUCCESS, lint_imports
    from importlinter.configuration import configure

    configure()
    assert lint_imports(config_filename=str(PYPROJECT), cache_dir=None) == SUCCESS


def _dotted(path: Path) -> str:
    return ".".join(("ehoks", *path.relative_to(SRC).with_suffix("").parts))


def _covered(module: str, expressions: list[str]) -> bool:
    parts = module.split(".")
    for expression in expressions:
        wanted = expression.split(".")
        if len(wanted) == len(parts) and all(
            w in ("*", p) for w, p in zip(wanted, parts, strict=True)
        ):
            return True
    return False


def test_every_route_and_repository_module_is_under_the_contracts():
    """A wildcard cannot match part of a name (``*_routes``), so those modules are listed one by
    one; a new one must be listed too, or the contracts would silently skip it."""
    contracts = _contracts()
    surfaces = contracts["domains-never-import-surfaces"]["protected_modules"]
    repositories = contracts["surfaces-never-touch-repositories"]["forbidden_modules"]
    unlisted = [
        module
        for module in map(_dotted, sorted(SRC.rglob("*.py")))
        if (module.endswith("routes") and not _covered(module, surfaces))
        or (module.endswith("repository") and not _covered(module, repositories))
    ]
    assert unlisted == []


def test_every_top_level_part_has_a_layer():
    """The layers contract checks only the parts it names: a new package must take its place."""
    layered = {
        name.strip()
        for layer in _contracts()["layers"]["layers"]
        for name in layer.replace(":", "|").split("|")
    }
    parts = {
        f"ehoks.{path.stem if path.is_file() else path.name}"
        for path in SRC.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert sorted(parts - layered) == []


# What only the kernel may do: read the system clock, or build the Finnish time zone.
_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
}


def test_only_the_kernel_reads_the_clock():
    """Every "now" and "today" comes from ``ehoks.kernel.clock`` (``now_utc``,
    ``today_in_finland``, a ``Clock``) and the Helsinki zone is its ``HELSINKI``."""
    offenders = []
    for name, tree in _modules():
        if name.startswith("kernel/"):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            if isinstance(function, ast.Attribute):
                owner = function.value
                owner_name = (
                    owner.id
                    if isinstance(owner, ast.Name)
                    else owner.attr
                    if isinstance(owner, ast.Attribute)
                    else None
                )
                if (owner_name, function.attr) in _CLOCK_CALLS:
                    offenders.append(f"{name}:{node.lineno}: {owner_name}.{function.attr}()")
                called = function.attr
            else:
                called = function.id if isinstance(function, ast.Name) else None
            if called in ("ZoneInfo", "gettz", "timezone") and any(
                isinstance(arg, ast.Constant) and arg.value == "Europe/Helsinki"
                for arg in node.args
            ):
                offenders.append(f"{name}:{node.lineno}: a Helsinki zone of its own")
            if called == "ZoneInfo":
                offenders.append(f"{name}:{node.lineno}: ZoneInfo()")
    assert offenders == [], "use ehoks.kernel.clock"


def test_modules_stay_small():
    large = [
        f"{name}: {len(path.read_text().splitlines())}"
        for name, path in ((p.relative_to(SRC).as_posix(), p) for p in SRC.rglob("*.py"))
        if len(path.read_text().splitlines()) > 500 and "migrations/" not in name
    ]
    assert large == []
