"""``GET /resolutions``: decisions, agreements and undertakings, newest first by default."""

from __future__ import annotations

from dataclasses import astuple
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from ..csvout import CSV_RESPONSE, resolutions_csv
from ..deps import AssistantDep, FiltersDep, StateDep
from ..errors import responses
from ..schemas import MAX_QUERY_CHARS, ResolutionsResponse
from .search import Format

router = APIRouter(tags=["resolutions"])


@router.get("/resolutions", response_model=ResolutionsResponse,
            responses={**CSV_RESPONSE, **responses(422, 503)}, summary="Find resolutions")
async def resolutions(
    state: StateDep,
    assistant: AssistantDep,
    filters: FiltersDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description=(
        "Topic, e.g. `adoption`; empty lists every resolution."))] = "",
    sort: Annotated[Literal["date", "relevance"], Query()] = "date",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    fmt: Format = "json",
) -> Any:
    """Every recorded resolution or agreement on a topic, each with its minute reference,
    meeting, date and committee; e.g. every resolution about adoption since 2012."""
    key = ("resolutions", q, astuple(filters), sort, limit, offset)
    data = await state.cached(key, assistant, assistant.resolutions, q, filters=filters,
                              sort=sort, limit=limit, offset=offset)
    if fmt == "csv":
        return resolutions_csv(data)
    return data
