"""``GET /search``: ranked passages with their citations, as JSON or CSV."""

from __future__ import annotations

from dataclasses import astuple
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from ..csvout import CSV_RESPONSE, search_csv
from ..deps import AssistantDep, FiltersDep, StateDep
from ..errors import responses
from ..schemas import MAX_QUERY_CHARS, SearchResponse

router = APIRouter(tags=["search"])

QueryText = Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description=(
    "Words or a question, e.g. `foster carers recruitment`."), examples=["foster carers"])]
Format = Annotated[Literal["json", "csv"], Query(alias="format", description=(
    "`csv` for a spreadsheet (UTF-8, header row)."))]


@router.get("/search", response_model=SearchResponse,
            responses={**CSV_RESPONSE, **responses(422, 503)}, summary="Search passages")
async def search(
    state: StateDep,
    assistant: AssistantDep,
    filters: FiltersDep,
    q: QueryText,
    k: Annotated[int, Query(ge=1, le=100, description="Hits per page.")] = 10,
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
    offset: Annotated[int, Query(ge=0, le=10_000, description="Hits to skip (paging).")] = 0,
    fmt: Format = "json",
) -> Any:
    """Hybrid (keyword + meaning) search over the indexed records. Each hit is one passage
    inside one minute item, with the exact span it came from."""
    key = ("search", q, k, astuple(filters), sort, offset)
    data = await state.cached(key, assistant, assistant.search, q, k=k, filters=filters,
                              sort=sort, offset=offset)
    if fmt == "csv":
        return search_csv(data)
    return data

