"""ASGI entry point for uvicorn/gunicorn workers: ``ehoks.asgi:create`` (a factory)."""

from __future__ import annotations

from fastapi import FastAPI

from ehoks.config import load_settings
from ehoks.logsafe import configure_logging
from ehoks.main import create_app


def create() -> FastAPI:
    configure_logging()
    return create_app(load_settings())
