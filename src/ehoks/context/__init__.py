"""The use-case context (``usecase.py``) and the registries as a use case sees them."""

from ehoks.context.registries import Unprepared
from ehoks.context.usecase import Outbox, Runtime, UseCase, build_runtime

__all__ = ["Outbox", "Runtime", "Unprepared", "UseCase", "build_runtime"]
