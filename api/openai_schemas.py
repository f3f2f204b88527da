"""Models of the OpenAI-compatible chat surface (``/v1/chat/completions``, ``/v1/models``).

Kept apart from ``schemas.py`` because they follow OpenAI's shapes, not ours. Requests accept
unknown fields (clients send ``temperature``, ``top_p``, ``user`` ...) and ignore them: the
answer is extractive and cited, so sampling parameters have nothing to change.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .schemas import BodyFilters

MODEL_ID = "scrutiny-assistant"
# Caps that keep one request's validation cheap and its error reply small, whatever it holds.
MAX_PARTS = 32
MAX_CONTENT_CHARS = 20_000


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [
        {"type": "text", "text": "What did Ofsted recommend in 2014?"}]})
    type: str = Field(max_length=50)
    text: str | None = Field(default=None, max_length=MAX_CONTENT_CHARS)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"role": "user", "content": "What did officers promise about CAMHS waiting times?"}]})
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: (Annotated[str, Field(max_length=MAX_CONTENT_CHARS)]
              | Annotated[list[ContentPart], Field(max_length=MAX_PARTS)] | None) = None

    def text(self) -> str:
        """The message as plain text (content parts of type ``text`` joined)."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text or "" for p in self.content if p.type == "text")


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "model": MODEL_ID, "stream": False,
        "messages": [{"role": "user", "content": "When was the improvement notice lifted?"}]}]})
    model: str = Field(default=MODEL_ID, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=50)
    stream: bool = False
    filters: BodyFilters | None = Field(
        default=None, description="Extension: the same filters as /search and /ask.")
    k: int = Field(default=8, ge=1, le=50, description="Extension: passages considered.")


class AssistantMessage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"role": "assistant", "content": "The notice was lifted in 2014 [1]."}]})
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"index": 0, "finish_reason": "stop",
         "message": {"role": "assistant", "content": "The notice was lifted in 2014 [1]."}}]})
    index: int
    message: AssistantMessage
    finish_reason: Literal["stop"]


class Usage(BaseModel):
    """Word counts: the answer is extractive, so there are no model tokens to count."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"prompt_tokens": 9, "completion_tokens": 30, "total_tokens": 39}]})
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "chatcmpl-3f1c", "object": "chat.completion", "created": 1714550000,
        "model": MODEL_ID,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant",
            "content": "The notice was lifted in 2014 [1].\n\nSources:\n[1] Barnsley ..."}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 30, "total_tokens": 39},
        "citations": []}]})
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[dict[str, Any]] = Field(
        default_factory=list, description="Extension: the cited quotes, as in POST /ask.")


class ModelCard(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "local"}]})
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0,
                                    "owned_by": "local"}]}]})
    object: Literal["list"] = "list"
    data: list[ModelCard]
