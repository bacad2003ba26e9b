"""The use-case context (``usecase.py``) and the registries as a use case sees them."""

from ehoks.context.registries import Unprepared
from ehoks.context.usecase import Runtime, UseCase, build_runtime

__all__ = ["Runtime", "Unprepared", "UseCase", "build_runtime"]
