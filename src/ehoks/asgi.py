"""ASGI entry point for uvicorn/gunicorn workers: ``ehoks.asgi:create`` (a factory)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from ehoks.config import load_settings
from ehoks.main import create_app


def create() -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return create_app(load_settings())
