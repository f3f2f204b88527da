"""``GET /health``: is there an index, how big is it, which model answers from it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import AssistantDep, StateDep
from ..errors import responses
from ..schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses=responses(503),
            summary="Index and model status")
async def health(state: StateDep, assistant: AssistantDep) -> dict[str, Any]:
    """Counts and build time of the index being served; 503 (with the build command) when
    no index exists yet, so a monitor can tell "up but empty" from "ready"."""
    result = await state.run(assistant.health)
    return result.to_dict()
