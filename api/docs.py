"""``/docs`` served from this machine, so the API page works on an offline intranet.

FastAPI's default page loads Swagger UI from a public CDN: offline it renders blank, and
online it tells a third party that someone opened the page. When the ``swagger-ui-bundle``
package (which ships the Swagger UI files) is installed, the page and its assets are served
locally instead; without it the default page is kept.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def local_swagger_ui() -> Path | None:
    """The bundled Swagger UI directory, if the package is installed and complete."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(swagger_ui_path)
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def install_local_docs(app: FastAPI, assets: Path) -> None:
    """Mount the assets and a ``/docs`` page that uses them (create the app with
    ``docs_url=None`` so FastAPI's CDN page is not registered as well)."""
    app.mount(ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} - docs",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")
