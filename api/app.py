"""The app factory: one FastAPI app per settings object, no module-level globals.

Tests build an app around the session's shared ``Assistant``; ``scrutiny serve`` builds one
that opens the index and loads the model once in its lifespan. Either way every router
reaches the facade through ``api.deps``, never through an import-time singleton.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from indexer.config import Settings

from . import errors
from .docs import install_local_docs, local_swagger_ui
from .guards import RequestGuard, default_hosts
from .routers import ask, chat, documents, health, resolutions, search
from .state import AppState

if TYPE_CHECKING:
    from indexer.embedding import Embedder
    from retriever.assistant import Assistant

log = logging.getLogger("scrutiny.api")

DESCRIPTION = """\
Search, cited answers, resolutions and documents over local-government scrutiny records
(committee minutes, officer reports, inspections, peer challenges). Everything runs on this
machine; nothing is sent anywhere.

* Read endpoints are open. `POST /documents` and `DELETE /documents/{doc_id}` need
  `Authorization: Bearer <SCRUTINY_API_KEY>` and are disabled when no key is configured.
  A slow upload answers 202 with `/uploads/{upload_id}` to poll; a deleted document's file is
  moved to `.scrutiny-trash/` in the corpus, not destroyed.
* Errors are JSON `{"detail": "..."}`; 503 means no index has been built yet
  (run `scrutiny index` on the server).
* `format=csv` on `/search` and `/resolutions` gives a spreadsheet-ready CSV.
* `/v1/chat/completions` is OpenAI-compatible, so chat front ends can use the assistant.
"""

# Non-upload bodies (POST /ask, chat) are small; uploads get their configured limit plus
# room for the multipart envelope and the metadata fields.
MULTIPART_OVERHEAD = 1024 * 1024


UPLOAD_FORM_EXAMPLE = {"file": "minutes-2019-06-05.pdf", "committee": "Corporate Parenting Board",
                       "doc_type": "minutes", "date": "2019-06-05"}


def _document_upload_form(app: FastAPI) -> None:
    """Give the generated multipart form of POST /documents an example, like every model."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for name, body in schema.get("components", {}).get("schemas", {}).items():
                if name.startswith("Body_upload_document"):
                    body["examples"] = [UPLOAD_FORM_EXAMPLE]
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


def allowed_hosts(settings: Settings, bound: str | None) -> tuple[str, ...]:
    """SCRUTINY_ALLOWED_HOSTS, else the bound address and the loopback names; an app that is
    not served by ``serve`` (tests, embedding in-process) also answers Starlette's test
    client name."""
    if settings.allowed_hosts:
        return settings.allowed_hosts
    return default_hosts(bound) if bound else (*default_hosts(), "testserver")


def create_app(settings: Settings, assistant: Assistant | None = None, *,
               embedder: Embedder | None = None, warm_up: bool = True,
               bound_host: str | None = None) -> FastAPI:
    """Build the app. With ``assistant`` given (tests, embedding applications) it is used as
    is and not closed at shutdown; otherwise the lifespan opens ``settings.index_dir``,
    loads the model (or uses ``embedder``) and warms it up, and starts anyway (503 on data
    endpoints) if there is no index yet."""
    state = AppState(settings, assistant, embedder)
    swagger_assets = local_swagger_ui()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state.assistant is None:
            await anyio.to_thread.run_sync(state.open_at_startup, warm_up)
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="Scrutiny assistant API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None if swagger_assets else "/docs",
        redoc_url=None,  # ReDoc would load its script from a CDN
        max_body_size=settings.max_upload_mb * 1024 * 1024 + MULTIPART_OVERHEAD,
    )
    app.state.scrutiny = state
    errors.install(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"],
                           allow_credentials=False, max_age=600)
    app.add_middleware(RequestGuard, allowed=allowed_hosts(settings, bound_host))
    for module in (health, search, ask, resolutions, documents, chat):
        app.include_router(module.router)

    _document_upload_form(app)
    if swagger_assets:
        install_local_docs(app, swagger_assets)

    @app.get("/", include_in_schema=False)
    async def root() -> dict[str, str]:
        return {"name": "scrutiny-assistant", "docs": "/docs", "openapi": "/openapi.json"}

    return app
