"""What every ``ehoks`` command receives: the settings and, on first use, the database and the
runtime its use cases run in (``context.Runtime``: registries, transaction frame)."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.config import Settings
from ehoks.context import Runtime, build_runtime
from ehoks.db import make_engine, make_session_factory


@dataclass
class CliContext:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)
    _runtime: Runtime | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(
                self.settings.database_url, pool_size=self.settings.database_pool_size
            )
        return self._engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @property
    def runtime(self) -> Runtime:
        """Built on first use: commands that need no registries never build them."""
        if self._runtime is None:
            self._runtime = build_runtime(self.settings, self.engine)
        return self._runtime


def cli_context(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliContext):
        raise RuntimeError("ehoks CLI context missing")
    return obj
