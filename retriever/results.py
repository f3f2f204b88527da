"""The results of the facade, each shape defined once: these models *are* the JSON contract.

The CLI's ``--json`` prints ``to_dict()``, the HTTP API names the same classes as its
``response_model`` (so its OpenAPI schemas, examples included, come from here) and the TUI
reads their attributes: the three faces cannot drift apart. Field order is the order of the
JSON; field names are part of the public interface: add fields, never rename them. Fields
marked ``exclude`` are for the faces' own use and never leave the process.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, ClassVar, Literal, NotRequired, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SkipValidation,
    model_validator,
)
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from indexer import models

from .filters import (  # noqa: F401 - re-exported: the faces import filters from here
    DATE_HELP,
    FILTER_ALIASES,
    Filters,
    check_council,
    parse_day,
)

# Rounded on the way out only: ranking and abstention use the full values.
Score = Annotated[float, PlainSerializer(lambda v: round(float(v), 6), return_type=float)]
Millis = Annotated[float, PlainSerializer(lambda v: round(float(v), 2), return_type=float)]

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
HIT_EXAMPLE = {"rank": 1, "score": 0.71, "text": "RESOLVED that the report be noted.",
               "chunk_id": 42, "citation": CITATION_EXAMPLE}
RESOLUTION_EXAMPLE = {"text": "RESOLVED that the report be noted.", "kind": "resolved",
                      "item_ref": "5", "item_title": "Ofsted Inspection",
                      "citation": CITATION_EXAMPLE}
SUMMARY_EXAMPLE = {k: CITATION_EXAMPLE[k] for k in (
    "doc_id", "title", "council", "committee", "doc_type", "date", "source", "published",
    "url")} | {"items": 12, "chunks": 31, "resolutions": 6}
ITEM_EXAMPLE = {"ref": "226/12", "title": "Ofsted Report", "char_start": 1200,
                "char_end": 2900, "page": None}


def examples(*example: dict[str, Any], **config: Any) -> ConfigDict:
    """A model's configuration with its examples for the OpenAPI page."""
    return ConfigDict(json_schema_extra={"examples": list(example)}, **config)


class Shape(BaseModel):
    """A result: validated once when built, ``to_dict`` for the JSON every face prints.

    Positional arguments are accepted in the order ``positional`` names (the field order when
    it is empty), as the dataclasses these replace accepted them.
    """

    positional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **data: Any) -> None:
        names = type(self).positional or tuple(type(self).model_fields)
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes at most {len(names)} positional "
                            f"arguments ({len(args)} given)")
        for name, value in zip(names, args, strict=False):
            if name in data:
                raise TypeError(f"{type(self).__name__} got {name!r} twice")
            data[name] = value
        super().__init__(**data)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def clean_ref(ref: str) -> str:
    """A minute reference as people quote it: ``19.`` -> ``19`` (``CS.02``, ``19 (iv)`` kept).

    Minutes number items ``19.``; the dot is layout, and in a spreadsheet column or a
    "minute 19" reference it reads as a typo.
    """
    return (ref or "").strip().rstrip(".:;,").rstrip()


class Citation(Shape):
    model_config = examples(CITATION_EXAMPLE)
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

    def label(self) -> str:
        """``council · committee · date · item ref item title``, as users see sources listed."""
        item = " ".join(p for p in (self.item_ref, self.item_title) if p).strip()
        parts = [self.council or "Unknown council", self.committee or self.title,
                 self.date or "undated", item or "(no item)"]
        label = " · ".join(parts)
        if self.page:
            label += f" (p. {self.page})"
        return label


class SearchHit(Shape):
    model_config = examples(HIT_EXAMPLE)
    rank: int
    score: Score
    text: str
    chunk_id: int
    citation: Citation


class Understood(TypedDict, total=False):
    """What was applied: the filters given, what the question implied, what was relaxed."""

    # A dict, not a model: the faces merge and read it as one ({**understood, ...}).
    __pydantic_config__ = examples({  # type: ignore[misc]
        "filters": {"council": "Barnsley Metropolitan Borough Council"},
        "from_question": {"council": "Barnsley Metropolitan Borough Council",
                          "years": ["2014"]}, "relaxed": []})
    filters: Annotated[dict[str, str], Field(default_factory=dict)]
    from_question: Annotated[dict[str, str | list[str]], Field(default_factory=dict)]
    relaxed: Annotated[list[str], Field(default_factory=list)]


class SearchResponse(Shape):
    model_config = examples({"query": "foster carers", "understood": {}, "hits": [HIT_EXAMPLE],
                             "took_ms": 18.4})
    positional = ("query", "hits", "took_ms", "understood")
    query: str
    understood: Understood = Field(default_factory=dict)  # type: ignore[assignment]
    hits: list[SearchHit]
    took_ms: Millis


class CitedQuote(Shape):
    model_config = examples({"n": 1, "quote": "RESOLVED that the report be noted.",
                             "citation": CITATION_EXAMPLE})
    n: int = Field(description="The marker [n] used in the answer text.")
    quote: str = Field(description="Exact source text document.text[char_start:char_end].")
    citation: Citation


class AskResponse(Shape):
    model_config = examples({
        "question": "When was the improvement notice lifted?",
        "answer": "The improvement notice was lifted in 2014 [1].", "abstained": False,
        "citations": [{"n": 1, "quote": "the improvement notice was lifted",
                       "citation": CITATION_EXAMPLE}], "took_ms": 95.1})
    positional = ("question", "answer", "abstained", "citations", "took_ms", "related",
                  "filters", "confidence", "understood", "shape")
    question: str
    answer: str
    abstained: bool = Field(description="True when the records do not answer the question.")
    shape: Literal["direct", "list", "timeline", "not_found"] = Field(
        default="direct", description="direct: the sentences that answer; list: every decision "
        "or recommendation found, dated; timeline: dated quotes in date order; not_found.")
    understood: Understood = Field(default_factory=dict)  # type: ignore[assignment]
    citations: list[CitedQuote]
    took_ms: Millis
    # For the faces, not the JSON: what abstention was decided on, further sources, filters.
    related: list[Citation] = Field(default_factory=list, exclude=True)
    filters: SkipValidation[Filters] = Field(default_factory=Filters, exclude=True)
    confidence: float = Field(default=0.0, exclude=True)


class ResolutionHit(Shape):
    model_config = examples(RESOLUTION_EXAMPLE)
    text: str
    kind: str = Field(description="resolved, agreed or undertaking.")
    item_ref: str
    item_title: str
    citation: Citation


class ResolutionsResponse(Shape):
    model_config = examples({"resolutions": [RESOLUTION_EXAMPLE], "count": 1})
    resolutions: list[ResolutionHit]
    count: int


class DocumentBase(Shape):
    """The fields every view of a document starts with (not a response of its own)."""

    doc_id: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None


class DocumentSummary(DocumentBase):
    model_config = examples(SUMMARY_EXAMPLE)
    items: int
    chunks: int
    resolutions: int = 0
    source: str = ""
    published: str | None = None
    url: str | None = None


class Item(TypedDict):
    __pydantic_config__ = examples(ITEM_EXAMPLE, extra="allow")  # type: ignore[misc]
    ref: str
    title: str
    char_start: int
    char_end: int
    page: NotRequired[Annotated[int | None, Field(default=None)]]


def _as_dict_shape(name: str, record: type, example: dict[str, Any]) -> Any:
    """The JSON shape of an indexer record (a ``TypedDict`` of the dataclass's fields, extra
    keys allowed), so a document's decisions and attendance are listed exactly as the indexer
    defines them, as plain dicts the faces read by key."""
    hints = get_type_hints(record)
    fields = {f.name: hints[f.name] for f in dataclasses.fields(record)}
    shape = TypedDict(name, fields)  # type: ignore[misc]
    shape.__pydantic_config__ = examples(example, extra="allow")
    return shape


RecordResolution = _as_dict_shape("RecordResolution", models.Resolution, {
    "text": "RESOLVED that the report be noted.", "kind": "resolved", "item_ref": "5.",
    "item_title": "Ofsted Inspection", "char_start": 2140, "char_end": 2175})
Attendee = _as_dict_shape("Attendee", models.Attendee, {
    "name": "Councillor Smith", "role": "present", "char_start": 80, "char_end": 96})


class DocumentDetail(DocumentBase):
    """One document with its full text; ``items`` and ``resolutions`` are lists here."""

    model_config = examples({k: v for k, v in SUMMARY_EXAMPLE.items()
                             if k not in ("items", "resolutions")}
                            | {"text": "MINUTES ...", "items": [], "resolutions": [],
                               "attendance": []})
    chunks: int
    source: str = ""
    published: str | None = None
    url: str | None = None
    text: str
    items: list[Item]
    resolutions: list[RecordResolution]
    attendance: list[Attendee] = Field(default_factory=list)
    page_starts: list[int] = Field(default_factory=list, exclude=True)
    item_count: int = Field(default=0, exclude=True)  # the summary's counts
    resolution_count: int = Field(default=0, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _from_summary(cls, data: Any) -> Any:
        """``DocumentDetail(summary=DocumentSummary(...), text=..., ...)``, as built from the
        catalogue entry."""
        if isinstance(data, dict) and isinstance(data.get("summary"), DocumentSummary):
            summary = data.pop("summary").model_dump()
            counts = {"item_count": summary.pop("items"),
                      "resolution_count": summary.pop("resolutions")}
            data = summary | counts | data
        return data

    @property
    def summary(self) -> DocumentSummary:
        return DocumentSummary(**{k: getattr(self, k) for k in DocumentSummary.model_fields
                                  if k not in ("items", "resolutions")},
                               items=self.item_count, resolutions=self.resolution_count)


class PreparePoint(Shape):
    """One thing a councillor may want to press on, with the exact record behind it."""

    kind: str  # "question" | "undertaking" | "recommendation"
    quote: str
    citation: Citation


class PrepareResult(Shape):
    topic: str
    questions: list[PreparePoint]
    undertakings: list[PreparePoint]
    recommendations: list[PreparePoint]


class Facets(Shape):
    # The filter values present in the index, so UIs offer choices instead of free text.
    model_config = examples({"councils": ["Barnsley Metropolitan Borough Council"],
                             "committees": ["Children's Services Scrutiny Committee"],
                             "doc_types": ["minutes"], "date_min": "2012-09-13",
                             "date_max": "2022-03-03"})
    councils: list[str]
    committees: list[str]
    doc_types: list[str]
    date_min: str | None
    date_max: str | None


class Health(Shape):
    model_config = examples({"status": "ok", "documents": 5, "chunks": 140,
                             "model": "all-MiniLM-L6-v2 (bundled)",
                             "index_built_at": "2024-05-01T10:00:00Z"})
    status: str
    documents: int
    chunks: int
    model: str
    index_built_at: str | None


# The retriever's names for the responses above (one class each, two names).
Hit = SearchHit
SearchResult = SearchResponse
AskResult = AskResponse
ResolutionsResult = ResolutionsResponse
