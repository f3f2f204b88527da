"""Pydantic models of the HTTP contract (DESIGN.md), with examples for the OpenAPI page.

The facade's ``to_dict`` output is validated against these before it leaves the server, so
the published schema and the bytes on the wire cannot drift apart. Field names here are part
of the public interface: add fields, never rename them.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from indexer.models import DOC_TYPES

DocType = Literal["minutes", "report", "inspection", "peer_review"]
assert set(DOC_TYPES) == set(get_args(DocType)), "DocType must follow indexer.models.DOC_TYPES"

MAX_QUERY_CHARS = 1000
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"

CITATION_EXAMPLE: dict[str, Any] = {
    "doc_id": "barnsley-childrens-services-scrutiny-committee-2014-01-14",
    "title": "Children's Services Scrutiny Committee",
    "council": "Barnsley Metropolitan Borough Council",
    "committee": "Children's Services Scrutiny Committee",
    "doc_type": "minutes",
    "date": "2014-01-14",
    "published": "2014-01-21",
    "item_ref": "5",
    "item_title": "Ofsted Inspection of Services for Children in Need of Help and Protection",
    "source": "barnsley-childrens-services-scrutiny-committee-2014-01-14.txt",
    "url": "https://democracy.barnsley.gov.uk/ieListDocuments.aspx?CId=145&MId=5012",
    "char_start": 2140,
    "char_end": 2515,
    "page": None,
}


def _examples(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


class ErrorResponse(BaseModel):
    """Every error: one sentence saying what is wrong and what to do about it."""

    model_config = _examples({"detail": "No document with id 'x' in this index."})
    detail: str
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For 422 only: each invalid field and why.")


class Citation(BaseModel):
    model_config = _examples(CITATION_EXAMPLE)
    doc_id: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None = Field(description="ISO YYYY-MM-DD when the meeting or inspection "
                             "happened, or null when undated.")
    published: str | None = Field(default=None, description="ISO YYYY-MM-DD when the document "
                                  "was issued, where known.")
    item_ref: str
    item_title: str
    source: str = Field(description="The source file, relative to the corpus directory.")
    url: str | None = Field(default=None, description="The document's web address (e.g. the "
                            "meeting page), where the source has one.")
    char_start: int
    char_end: int
    page: int | None = Field(default=None, description="1-based page, PDFs only.")


HIT_EXAMPLE = {"rank": 1, "score": 0.71, "text": "RESOLVED that the report be noted.",
               "chunk_id": 42, "citation": CITATION_EXAMPLE}


class SearchHit(BaseModel):
    model_config = _examples(HIT_EXAMPLE)
    rank: int
    score: float
    text: str
    chunk_id: int
    citation: Citation


class Understood(BaseModel):
    """What was applied: the filters given, what the question implied, what was relaxed."""

    model_config = _examples({"filters": {"council": "Barnsley Metropolitan Borough Council"},
                              "from_question": {"council": "Barnsley Metropolitan Borough "
                                                "Council", "years": ["2014"]},
                              "relaxed": []})
    filters: dict[str, str] = Field(default_factory=dict)
    from_question: dict[str, str | list[str]] = Field(default_factory=dict)
    relaxed: list[str] = Field(default_factory=list)


class SearchResponse(BaseModel):
    model_config = _examples({"query": "foster carers", "understood": {}, "hits": [HIT_EXAMPLE],
                              "took_ms": 18.4})
    query: str
    understood: Understood = Field(default_factory=Understood)
    hits: list[SearchHit]
    took_ms: float


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
    filters: Filters = Field(default_factory=Filters)
    k: int = Field(default=8, ge=1, le=50, description="Passages considered for the answer.")

    @field_validator("filters", mode="before")
    @classmethod
    def _few_filter_keys(cls, value: Any) -> Any:
        return limit_keys(value)


class CitedQuote(BaseModel):
    model_config = _examples({"n": 1, "quote": "RESOLVED that the report be noted.",
                              "citation": CITATION_EXAMPLE})
    n: int = Field(description="The marker [n] used in the answer text.")
    quote: str = Field(description="Exact source text document.text[char_start:char_end].")
    citation: Citation


class AskResponse(BaseModel):
    model_config = _examples({
        "question": "When was the improvement notice lifted?",
        "answer": "The improvement notice was lifted in 2014 [1].", "abstained": False,
        "citations": [{"n": 1, "quote": "the improvement notice was lifted",
                       "citation": CITATION_EXAMPLE}], "took_ms": 95.1})
    question: str
    answer: str
    abstained: bool = Field(description="True when the records do not answer the question.")
    shape: Literal["direct", "list", "timeline", "not_found"] = Field(
        default="direct", description="direct: the sentences that answer; list: every decision "
        "or recommendation found, dated; timeline: dated quotes in date order; not_found.")
    understood: Understood = Field(default_factory=Understood)
    citations: list[CitedQuote]
    took_ms: float


RESOLUTION_EXAMPLE = {"text": "RESOLVED that the report be noted.", "kind": "resolved",
                      "item_ref": "5", "item_title": "Ofsted Inspection",
                      "citation": CITATION_EXAMPLE}


class ResolutionHit(BaseModel):
    model_config = _examples(RESOLUTION_EXAMPLE)
    text: str
    kind: str = Field(description="resolved, agreed or undertaking.")
    item_ref: str
    item_title: str
    citation: Citation


class ResolutionsResponse(BaseModel):
    model_config = _examples({"resolutions": [RESOLUTION_EXAMPLE], "count": 1})
    resolutions: list[ResolutionHit]
    count: int


SUMMARY_EXAMPLE = {k: CITATION_EXAMPLE[k] for k in (
    "doc_id", "title", "council", "committee", "doc_type", "date", "source", "published",
    "url")} | {"items": 12, "chunks": 31, "resolutions": 6}


class DocumentSummary(BaseModel):
    model_config = _examples(SUMMARY_EXAMPLE)
    doc_id: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None
    items: int
    chunks: int
    resolutions: int = 0
    source: str = ""
    published: str | None = None
    url: str | None = None


class DocumentsResponse(BaseModel):
    model_config = _examples({"documents": [SUMMARY_EXAMPLE], "count": 1, "offset": 0,
                              "limit": 100})
    documents: list[DocumentSummary]
    count: int = Field(description="Documents matching the filters, before paging.")
    offset: int = 0
    limit: int = 100


class Item(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"ref": "226/12", "title": "Ofsted Report", "char_start": 1200, "char_end": 2900,
         "page": None}]})
    ref: str
    title: str
    char_start: int
    char_end: int
    page: int | None = None


class RecordResolution(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"text": "RESOLVED that the report be noted.", "kind": "resolved", "item_ref": "5.",
         "item_title": "Ofsted Inspection", "char_start": 2140, "char_end": 2175}]})
    text: str
    kind: str
    item_ref: str
    item_title: str
    char_start: int
    char_end: int


class Attendee(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"name": "Councillor Smith", "role": "present", "char_start": 80, "char_end": 96}]})
    name: str
    role: str
    char_start: int
    char_end: int


_DETAIL_BASE = {k: v for k, v in SUMMARY_EXAMPLE.items() if k not in ("items", "resolutions")}


class DocumentDetail(BaseModel):
    """One document with its full text; ``items`` and ``resolutions`` are lists here."""

    model_config = _examples(_DETAIL_BASE | {
        "text": "MINUTES ...", "items": [], "resolutions": [], "attendance": []})
    doc_id: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None
    chunks: int
    source: str = ""
    published: str | None = None
    url: str | None = None
    text: str
    items: list[Item]
    resolutions: list[RecordResolution]
    attendance: list[Attendee] = Field(default_factory=list)


class DocumentItem(BaseModel):
    """One item of a document (``?item=``): its span, its text and its resolutions."""

    model_config = _examples({k: SUMMARY_EXAMPLE[k] for k in (
        "doc_id", "title", "council", "committee", "doc_type", "date", "source", "url")} | {
        "item": {"ref": "226/12", "title": "Ofsted Report", "char_start": 1200,
                 "char_end": 2900, "page": None},
        "text": "226/12 OFSTED REPORT ...", "resolutions": []})
    doc_id: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None
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


class Health(BaseModel):
    model_config = _examples({"status": "ok", "documents": 5, "chunks": 140,
                              "model": "all-MiniLM-L6-v2 (bundled)",
                              "index_built_at": "2024-05-01T10:00:00Z"})
    status: str
    documents: int
    chunks: int
    model: str
    index_built_at: str | None


class Facets(BaseModel):
    model_config = _examples({"councils": ["Barnsley Metropolitan Borough Council"],
                              "committees": ["Children's Services Scrutiny Committee"],
                              "doc_types": ["minutes"], "date_min": "2012-09-13",
                              "date_max": "2022-03-03"})
    councils: list[str]
    committees: list[str]
    doc_types: list[str]
    date_min: str | None
    date_max: str | None
