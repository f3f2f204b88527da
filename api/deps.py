"""Request dependencies: the app state, the facade, the filters and the write-key check.

Declared once here as ``Annotated`` aliases so every router validates filters and keys the
same way and the OpenAPI page documents them the same way.
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from indexer.config import Settings
from indexer.errors import QueryError
from retriever.assistant import Assistant
from retriever.results import Filters, check_council

from .schemas import DocType
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


def check_dates(day: str | None, _unused: str | None = None) -> None:
    """Reject an impossible day (``2023-02-30``) with a clear message (the upload form)."""
    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise QueryError(f"date {day!r} is not a date; use YYYY-MM-DD, "
                             "e.g. 2014-01-14.") from None


_FILTER_DOC = {
    "since": "On or after: a year (2014), a month (2014-03) or a day (2014-03-05).",
    "until": "On or before: a year (2014), a month (2014-03) or a day; a year or month means "
             "its last day.",
}


def reject_unknown_params(request: Request) -> None:
    """422 naming any query parameter the endpoint does not take.

    An ignored parameter (a typo such as ``sinse=2015``) would otherwise return unfiltered
    results that look filtered.
    """
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    accepted: list[str] = []
    stack = [dependant]
    while stack:  # the route's own parameters and those of its dependencies
        current = stack.pop()
        accepted += [p.alias for p in current.query_params if p.alias not in accepted]
        stack += current.dependencies
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in accepted]
    if unknown:
        raise RequestValidationError([
            {"loc": ("query", name), "type": "extra_forbidden",
             "msg": "unknown parameter" + (
                 f"; this endpoint takes {', '.join(accepted)}" if i == 0 else "")}
            for i, name in enumerate(unknown[:5])])


def filter_params(
    request: Request,
    council: Annotated[str | None, Query(max_length=200, description=(
        "Council name or part of it, e.g. Barnsley."))] = None,
    committee: Annotated[str | None, Query(max_length=200, description=(
        "Committee or body, e.g. scrutiny panel."))] = None,
    doc_type: Annotated[DocType | None, Query(description="Kind of document.")] = None,
    since: Annotated[str | None, Query(max_length=40, description=_FILTER_DOC["since"],
                                       examples=["2014"])] = None,
    until: Annotated[str | None, Query(max_length=40, description=_FILTER_DOC["until"],
                                       examples=["2016-06"])] = None,
    date_from: Annotated[str | None, Query(max_length=40, deprecated=True, description=(
        "Old name of `since`."))] = None,
    date_to: Annotated[str | None, Query(max_length=40, deprecated=True, description=(
        "Old name of `until`."))] = None,
) -> Filters:
    """Query-string filters shared by /search, /resolutions and /documents; the same parser
    as the CLI and the /ask ``filters`` object, so a year means the same everywhere."""
    reject_unknown_params(request)
    return Filters.from_dict({"council": council, "committee": committee, "doc_type": doc_type,
                              "since": since, "until": until, "date_from": date_from,
                              "date_to": date_to})


async def known_filters(filters: Annotated[Filters, Depends(filter_params)],
                        assistant: AssistantDep) -> Filters:
    """The filters, refused with the councils held when the council matches no document."""
    check_council(filters, assistant.facets().councils)
    return filters


FiltersDep = Annotated[Filters, Depends(known_filters)]

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
