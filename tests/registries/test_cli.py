"""``ehoks registry import|export`` through Typer's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from ehoks.cli.context import CliContext
from ehoks.cli.registry import app as registry_app
from ehoks.config import Settings
from ehoks.demo import DEMO_DATA_DIR


@pytest.fixture
def cli(db: Engine) -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = CliContext(settings=Settings(), _engine=db)

    root.add_typer(registry_app, name="registry")
    return root


def test_import_prints_counts_per_registry(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["registry", "import", str(DEMO_DATA_DIR)])

    assert result.exit_code == 0, result.output
    assert "Koski study rights" in result.output
    assert "17" in result.output
    assert "205 new, 0 updated" in result.output


def test_export_writes_the_registry(cli: typer.Typer, tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["registry", "import", str(DEMO_DATA_DIR)])

    result = CliRunner().invoke(cli, ["registry", "export", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out" / "organisaatio").glob("*.json"))) == 11


def test_a_malformed_file_fails_with_its_name(cli: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "onr").mkdir()
    (tmp_path / "onr" / "broken.json").write_text("{", encoding="utf-8")

    result = CliRunner().invoke(cli, ["registry", "import", str(tmp_path)])

    assert result.exit_code == 1
    assert "broken.json" in result.output
