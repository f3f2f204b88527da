"""OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models``.

Existing chat front ends can then use the assistant as if it were a model. The reply is the
cited answer followed by its sources (label and exact quote), because a chat window has no
other place to show them. Streaming sends the same text as server-sent events in OpenAI's
chunk format; the answer is composed first, so an error still gets a proper status code.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse

from retriever.results import AskResult, Filters

from ..deps import AssistantDep, StateDep
from ..errors import responses
from ..openai_schemas import MODEL_ID, ChatCompletion, ChatCompletionRequest, ModelList

router = APIRouter(prefix="/v1", tags=["openai"])
_PIECE = re.compile(r"\S+\s*|\s+")
# Before OpenAPI 3.2 the schema of an event stream describes one event.
SSE_EVENT = {"type": "object", "required": ["data"], "description": (
    "One server-sent event: `data` is a `chat.completion.chunk` as JSON; the last is `[DONE]`."),
    "properties": {"data": {"type": "string"}, "event": {"type": "string"},
                   "id": {"type": "string"}}}


@router.get("/models", response_model=ModelList, summary="Models (OpenAI-compatible)")
async def models() -> dict[str, Any]:
    """One model: the assistant itself, answering from the local index."""
    return {"object": "list", "data": [
        {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "local"}]}


def render(result: AskResult) -> str:
    """The answer, then ``Sources:`` with each ``[n]`` label and its exact quote."""
    if not result.citations:
        return result.answer
    lines = [result.answer.rstrip(), "", "Sources:"]
    for cited in result.citations:
        lines.append(f"[{cited.n}] {cited.citation.label()}")
        if cited.citation.url:
            lines.append(cited.citation.url)
        lines.extend("> " + line for line in cited.quote.strip().splitlines() if line.strip())
    return "\n".join(lines)


def _question_and_history(body: ChatCompletionRequest) -> tuple[str, list[dict[str, str]]]:
    turns = [(m.role, m.text()) for m in body.messages if m.role in ("user", "assistant")]
    last_user = max((i for i, (role, _) in enumerate(turns) if role == "user"), default=None)
    if last_user is None:
        raise HTTPException(422, detail="messages has no user message to answer.")
    history = [{"role": role, "content": text[:8000]} for role, text in turns[:last_user]]
    return turns[last_user][1], history


def _words(text: str) -> int:
    return len(text.split())


async def _events(completion_id: str, created: int, content: str) -> AsyncIterator[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()

    yield chunk({"role": "assistant", "content": ""})
    pieces = _PIECE.findall(content)
    for start in range(0, len(pieces), 8):
        yield chunk({"content": "".join(pieces[start:start + 8])})
    yield chunk({}, "stop")
    yield b"data: [DONE]\n\n"


@router.post("/chat/completions", response_model=ChatCompletion,
             responses={200: {"content": {"text/event-stream": {"schema": SSE_EVENT}},
                              "description": "JSON, or server-sent events with stream=true."},
                        **responses(422, 503)},
             summary="Chat completion (OpenAI-compatible)")
async def chat_completions(body: ChatCompletionRequest, state: StateDep,
                           assistant: AssistantDep) -> Any:
    """Answers the last user message, with the earlier turns as context for follow-ups.
    `filters` and `k` are optional extensions; sampling parameters are accepted and ignored
    (the answer is extractive)."""
    question, history = _question_and_history(body)
    filters = Filters()
    if body.filters is not None:
        filters = Filters.from_dict(body.filters.model_dump())
    result = await state.run(assistant.ask, question, history=history, filters=filters,
                             k=body.k)
    content = render(result)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    if body.stream:
        return StreamingResponse(_events(completion_id, created, content),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache",
                                          "X-Accel-Buffering": "no"})
    prompt = sum(_words(m.text()) for m in body.messages)
    completion = _words(content)
    return {"id": completion_id, "object": "chat.completion", "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion},
            "citations": [c.to_dict() for c in result.citations]}
