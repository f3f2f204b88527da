"""``POST /ask``: a short answer whose every claim is a quoted, cited source passage."""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

from fastapi import APIRouter

from retriever.results import Filters, check_council

from ..deps import AssistantDep, StateDep
from ..errors import responses
from ..schemas import AskRequest, AskResponse

router = APIRouter(tags=["ask"])


@router.post("/ask", response_model=AskResponse, responses=responses(422, 503),
             summary="Answer a question with citations")
async def ask(body: AskRequest, state: StateDep, assistant: AssistantDep) -> dict[str, Any]:
    """The answer marks its sources `[1]`, `[2]` matching `citations[].n`; when the records
    do not answer the question, `abstained` is true and nothing is cited."""
    filters = Filters.from_dict(body.filters.model_dump(exclude_unset=True))
    check_council(filters, assistant.facets().councils)
    history = [m.model_dump() for m in body.history]
    key = ("ask", body.question, tuple((m["role"], m["content"]) for m in history),
           astuple(filters), body.k)
    return await state.cached(key, assistant, assistant.ask, body.question, history=history,
                              filters=filters, k=body.k)
