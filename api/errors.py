"""Translate failures to JSON ``{"detail": ...}`` with the right status, and nothing more.

Officers' scripts branch on the status code and show ``detail`` to a person, so each message
says what to do. Server paths and stack traces never leave the process: tracebacks go to the
log, and absolute paths in messages are reduced to their file names.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from indexer.errors import (
    IndexCorruptError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexMissingError,
    IndexWriteError,
    NotFoundError,
    QueryError,
    ReadError,
    ScrutinyError,
    StoreUnavailableError,
)
from indexer.stores import damage_errors

log = logging.getLogger("scrutiny.api")

BUILD_COMMAND = "scrutiny index"
NO_INDEX = (f"No index has been built yet. Build one on the server with `{BUILD_COMMAND}` "
            "(or upload a document with POST /documents); this server picks it up without a "
            "restart.")
# A filesystem path under a usual root (API routes such as /documents/x are left alone, and
# so are dates and minute references such as 13/09/2012 and 226/12).
_ABS_PATH = re.compile(r"(?<![\w.:/\\-])(?:[A-Za-z]:\\|/(?:tmp|home|root|srv|var|usr|opt|work|"
                       r"mnt|data|media|etc|Users|private|run|proc|dev)(?=[/\s'\"]|$))"
                       r"[^\s'\"]*")


def scrub(message: str) -> str:
    """Reduce server paths to their last component (``/srv/x/corpus/a.pdf`` -> ``a.pdf``)."""
    def last(match: re.Match[str]) -> str:
        parts = [p for p in re.split(r"[\\/]", match.group(0).rstrip(".,;:)")) if p]
        tail = match.group(0)[len(match.group(0).rstrip(".,;:)")):]
        return (parts[-1] if len(parts) > 1 else "(path)") + tail

    return _ABS_PATH.sub(last, message)


def status_for(exc: ScrutinyError) -> int:
    """The HTTP status of a library error; the order matters only for subclasses."""
    if isinstance(exc, QueryError):
        return 422
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ReadError):
        return 422
    if isinstance(exc, IndexLockedError):
        return 409
    if isinstance(exc, IndexMissingError | IndexIncompatibleError | IndexCorruptError
                  | IndexWriteError | StoreUnavailableError):
        return 503
    return 400


def detail_for(exc: ScrutinyError) -> str:
    if isinstance(exc, IndexMissingError):
        return NO_INDEX
    if isinstance(exc, IndexIncompatibleError):
        return ("The index was built with another version or model and cannot be read. "
                f"Rebuild it on the server with `{BUILD_COMMAND}`.")
    if isinstance(exc, IndexCorruptError):
        return f"The index failed an integrity check. Rebuild it with `{BUILD_COMMAND}`."
    if isinstance(exc, IndexLockedError):
        return "Another build is updating the index. Try again when it has finished."
    if isinstance(exc, StoreUnavailableError):
        return ("The index's database (PostgreSQL) is not answering. Try again in a moment; "
                "if it persists, check the database server.")
    if isinstance(exc, IndexWriteError):
        return "The server cannot write its index directory (permissions or disk space)."
    return scrub(str(exc)) or type(exc).__name__


def error_body(request: Request, detail: str, errors: list[dict[str, Any]] | None = None
               ) -> dict[str, Any]:
    """``{"detail": ...}``; under ``/v1`` also OpenAI's ``error`` object, which its clients
    show to the user instead of a bare status code."""
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    if request.url.path.startswith("/v1/"):
        body["error"] = {"message": detail, "type": "invalid_request_error", "code": None}
    return body


async def _scrutiny_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScrutinyError)
    status = status_for(exc)
    headers = {"Retry-After": "10"} if status in (409, 503) else None
    if status >= 500 and not isinstance(exc, IndexMissingError):
        log.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc)
    return JSONResponse(error_body(request, detail_for(exc)), status_code=status,
                        headers=headers)


MAX_ERRORS = 5  # validation errors listed in a 422; the rest are counted, not copied
MAX_ERROR_CHARS = 200  # per location and per message


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 3] + "..."


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with one readable sentence plus the first few fields; the raw input is not echoed.

    Bounded: a body of a million bad parts yields a reply of a few KB, not one entry each
    (a 25 MB body once produced a 76 MB reply, and a larger one exhausted the memory).
    """
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    errors = []
    for err in raw[:MAX_ERRORS]:
        loc = _clip(".".join(str(p) for p in err.get("loc", ())))
        errors.append({"loc": loc, "msg": _clip(str(err.get("msg", "invalid")))})
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors) or "Invalid request."
    if len(raw) > MAX_ERRORS:
        detail += f"; and {len(raw) - MAX_ERRORS} more problem(s)"
    return JSONResponse(error_body(request, scrub(detail), errors), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = str(exc.detail)
    if exc.status_code == 413 and detail == "Content Too Large":  # Starlette's body limit
        state = getattr(request.app.state, "scrutiny", None)
        limit = state.settings.max_upload_mb if state is not None else "the"
        detail = f"The request is larger than the {limit} MB upload limit " \
                 "(SCRUTINY_MAX_UPLOAD_MB)."
    if exc.status_code == 400 and "parsing the body" in detail:
        # A body that is not JSON is invalid input like any other: 422, as documented.
        return JSONResponse(error_body(request, "The request body is not valid JSON (UTF-8)."),
                            status_code=422)
    return JSONResponse(error_body(request, detail), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """Damage SQLite meets only mid-query (a page nobody read at start-up): the repair message,
    not "Internal error"."""
    log.warning("index damaged on %s: %s", request.url.path, exc)
    return JSONResponse(error_body(request, (
        "The index is damaged and cannot answer this. Run `scrutiny check` on the server, "
        f"then `{BUILD_COMMAND} --rebuild`.")), status_code=503, headers={"Retry-After": "60"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """The catch-all: log the traceback here, tell the client only that it failed."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body(request, "Internal error; the server log has the details."),
                        status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ScrutinyError, _scrutiny_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for damaged in damage_errors():
        app.add_exception_handler(damaged, _database_error)
    app.add_exception_handler(Exception, _unexpected)


# Documented on every operation so clients (and schemathesis) know each status it may return.
def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {400: "The request cannot be used as it is.",
            401: "Missing or wrong API key (Authorization: Bearer <key>).",
            403: "Write endpoints are disabled: no API key is configured on the server.",
            404: "No such document or item.",
            409: "Another build is updating the index, or the corpus does not match it.",
            413: "The upload is larger than the configured limit.",
            415: "Unsupported file type.",
            422: "Invalid query, filter, date, k or file (the reason is in detail).",
            500: "Internal error.",
            507: "The server's disk is full; nothing was stored.",
            503: f"No usable index: build one with `{BUILD_COMMAND}`."}
    from .schemas import ErrorResponse

    return {code: {"model": ErrorResponse, "description": text[code]} for code in codes}
