"""HTTP API over the retriever facade (FastAPI). Build apps with ``api.app.create_app``."""

from __future__ import annotations

__all__ = ["create_app", "serve"]


def __getattr__(name: str):  # lazy: importing ``api`` must not import FastAPI or torch
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "serve":
        from .server import serve

        return serve
    raise AttributeError(name)
