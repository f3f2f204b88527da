"""The HTTP contract (DESIGN.md): requests here, responses from the retriever's results.

Every result shape is defined once, in ``retriever.results``, and named here as the routes'
``response_model``: the facade's ``to_dict`` output is validated against the same class before
it leaves the server, so the published schema, the CLI's ``--json`` and the bytes on the wire
cannot drift apart. What is only HTTP lives here: request bodies, paging and write envelopes,
errors. Field names are part of the public interface: add fields, never rename them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from indexer.models import DOC_TYPES
from retriever.assistant import MAX_QUERY_CHARS
from retriever.results import (
    CITATION_EXAMPLE,
    ITEM_EXAMPLE,
    SUMMARY_EXAMPLE,
    AskResponse,
    Attendee,
    Citation,
    CitedQuote,
    DocumentBase,
    DocumentDetail,
    DocumentSummary,
    Facets,
    Health,
    Item,
    RecordResolution,
    ResolutionHit,
    ResolutionsResponse,
    SearchHit,
    SearchResponse,
    Understood,
)
from retriever.results import examples as _examples

__all__ = [
    "CITATION_EXAMPLE", "ISO_DATE", "MAX_QUERY_CHARS", "SUMMARY_EXAMPLE", "AskRequest",
    "AskResponse", "Attendee", "Citation", "CitedQuote", "DeleteResponse", "DocType",
    "DocumentDetail", "DocumentItem", "DocumentSummary", "DocumentsResponse", "ErrorResponse",
    "Facets", "Filters", "Health", "HistoryMessage", "Item", "RecordResolution",
    "ResolutionHit", "ResolutionsResponse", "SearchHit", "SearchResponse", "Understood",
    "UploadResponse", "BodyFilters", "limit_keys",
]

DocType = Literal["minutes", "report", "inspection", "peer_review"]
assert set(DOC_TYPES) == set(get_args(DocType)), "DocType must follow indexer.models.DOC_TYPES"

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


class ErrorResponse(BaseModel):
    """Every error: one sentence saying what is wrong and what to do about it."""

    model_config = _examples({"detail": "No document with id 'x' in this index."})
    detail: str
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For 422 only: each invalid field and why.")


_DAY = {"since": "On or after: a year (2014), a month (2014-03) or a day (2014-03-05).",
        "until": "On or before: a year, a month or a day; a year or month means its last day."}


class Filters(BaseModel):
    """Restrictions applied before ranking; every field is optional. The same names as the
    query parameters of /search and /resolutions and the CLI's options."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"council": "Barnsley", "since": "2012", "until": "2018-06"}]})
    council: str | None = Field(default=None, max_length=200)
    committee: str | None = Field(default=None, max_length=200)
    doc_type: DocType | None = None
    since: str | None = Field(default=None, max_length=40, description=_DAY["since"])
    until: str | None = Field(default=None, max_length=40, description=_DAY["until"])
    date_from: str | None = Field(default=None, max_length=40, deprecated=True,
                                  description="Old name of `since`.")
    date_to: str | None = Field(default=None, max_length=40, deprecated=True,
                                description="Old name of `until`.")


MAX_FILTER_KEYS = 20


def limit_keys(value: Any) -> Any:
    """Refuse a filters object with more keys than any valid one has, before each unknown
    key becomes its own validation error (4.5 MB of keys once froze the server for 5 s)."""
    if isinstance(value, dict) and len(value) > MAX_FILTER_KEYS:
        raise ValueError(f"filters has {len(value)} keys; at most {MAX_FILTER_KEYS} are allowed")
    return value


# A request's ``filters`` (POST /ask, the chat extension), its size checked first.
BodyFilters = Annotated[Filters, BeforeValidator(limit_keys)]


class HistoryMessage(BaseModel):
    model_config = _examples({"role": "user", "content": "What did Ofsted find in 2014?"})
    role: Literal["user", "assistant"]
    content: str = Field(max_length=8000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "question": "When was the improvement notice lifted?",
        "history": [], "filters": {"council": "Barnsley"}, "k": 8}]})
    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    history: list[HistoryMessage] = Field(default_factory=list, max_length=20)
    filters: BodyFilters = Field(default_factory=Filters)
    k: int = Field(default=8, ge=1, le=50, description="Passages considered for the answer.")


class DocumentsResponse(BaseModel):
    model_config = _examples({"documents": [SUMMARY_EXAMPLE], "count": 1, "offset": 0,
                              "limit": 100})
    documents: list[DocumentSummary]
    count: int = Field(description="Documents matching the filters, before paging.")
    offset: int = 0
    limit: int = 100


class DocumentItem(DocumentBase):
    """One item of a document (``?item=``): its span, its text and its resolutions."""

    model_config = _examples({k: SUMMARY_EXAMPLE[k] for k in (
        "doc_id", "title", "council", "committee", "doc_type", "date", "source", "url")} | {
        "item": ITEM_EXAMPLE, "text": "226/12 OFSTED REPORT ...", "resolutions": []})
    source: str = ""
    published: str | None = None
    url: str | None = None
    item: Item
    text: str = Field(description="document.text[item.char_start:item.char_end]")
    resolutions: list[RecordResolution]


class UploadResponse(BaseModel):
    model_config = _examples({"status": "indexed", "document": SUMMARY_EXAMPLE,
                              "documents": 6, "took_ms": 2300.0})
    status: Literal["indexed", "unchanged"]
    document: DocumentSummary
    documents: int = Field(description="Documents in the index after the upload.")
    took_ms: float


class DeleteResponse(BaseModel):
    model_config = _examples({"status": "deleted", "doc_id": SUMMARY_EXAMPLE["doc_id"],
                              "documents": 4})
    status: Literal["deleted"]
    doc_id: str
    documents: int = Field(description="Documents in the index after the removal.")
