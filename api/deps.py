"""Request dependencies: the app state, the facade, the filters and the write-key check.

Declared once here as ``Annotated`` aliases so every router validates filters and keys the
same way and the OpenAPI page documents them the same way.
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from indexer.config import Settings
from indexer.errors import QueryError
from retriever.assistant import Assistant
from retriever.results import Filters

from .schemas import ISO_DATE, DocType
from .state import AppState


def get_state(request: Request) -> AppState:
    return request.app.state.scrutiny


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_assistant(state: StateDep) -> Assistant:
    """The facade on the newest index generation (503 with the build command if none)."""
    return await state.run(state.current)


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def check_dates(date_from: str | None, date_to: str | None) -> None:
    """Reject impossible dates (``2023-02-30``) and reversed ranges with a clear message."""
    parsed = {}
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is None:
            continue
        try:
            parsed[name] = date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"{name} {value!r} is not a date; use YYYY-MM-DD, "
                             "e.g. 2014-01-14.") from None
    if len(parsed) == 2 and parsed["date_from"] > parsed["date_to"]:
        raise QueryError(f"date_from {date_from} is after date_to {date_to}.")


_DATE_DOC = "Only records dated on or {} this day (YYYY-MM-DD)."


def filter_params(
    council: Annotated[str | None, Query(max_length=200, description=(
        "Council name or part of it, e.g. Barnsley."))] = None,
    committee: Annotated[str | None, Query(max_length=200, description=(
        "Committee or body, e.g. scrutiny panel."))] = None,
    doc_type: Annotated[DocType | None, Query(description="Kind of document.")] = None,
    date_from: Annotated[str | None, Query(pattern=ISO_DATE, description=_DATE_DOC.format(
        "after"), json_schema_extra={"format": "date"})] = None,
    date_to: Annotated[str | None, Query(pattern=ISO_DATE, description=_DATE_DOC.format(
        "before"), json_schema_extra={"format": "date"})] = None,
) -> Filters:
    """Query-string filters shared by /search, /resolutions and /documents."""
    check_dates(date_from, date_to)
    return Filters(council=council or None, committee=committee or None,
                   doc_type=doc_type or None, date_from=date_from, date_to=date_to)


FiltersDep = Annotated[Filters, Depends(filter_params)]

_bearer = HTTPBearer(auto_error=False, description=(
    "The server's SCRUTINY_API_KEY. Needed only for POST and DELETE /documents."))


def require_write_key(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """403 when writes are disabled (no key configured), 401 for a missing or wrong key.

    ``hmac.compare_digest`` keeps the comparison constant-time, so response timing does not
    reveal how much of a guessed key was right.
    """
    configured = state.settings.api_key
    if not configured:
        raise HTTPException(403, detail=(
            "Write endpoints are disabled because no API key is configured. Start the server "
            "with SCRUTINY_API_KEY set to enable uploads and deletions."))
    given = credentials.credentials if credentials is not None else ""
    if not given or not hmac.compare_digest(given.encode(), configured.encode()):
        raise HTTPException(401, detail="Missing or wrong API key: send "
                            "`Authorization: Bearer <key>` with the server's SCRUTINY_API_KEY.",
                            headers={"WWW-Authenticate": "Bearer"})


WriteKey = Annotated[None, Depends(require_write_key)]
