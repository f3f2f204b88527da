"""Typed results of the facade; ``to_dict`` gives exactly the JSON contract of DESIGN.md.

The CLI's ``--json``, the HTTP API and the TUI all serialise through these, so the three faces
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Filters:
    """Restrictions applied before ranking. Dates are ISO ``YYYY-MM-DD`` strings."""

    council: str | None = None
    committee: str | None = None
    doc_type: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def merged(self, other: Filters | None) -> Filters:
        """``self`` with the empty fields filled from ``other`` (explicit filters win)."""
        if other is None:
            return Filters(**asdict(self))
        mine, theirs = asdict(self), asdict(other)
        return Filters(**{k: mine[k] if mine[k] else theirs[k] for k in mine})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Filters:
        data = data or {}
        return cls(**{k: (data.get(k) or None) for k in cls.__slots__})


@dataclass(slots=True)
class Citation:
    doc_id: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None
    published: str | None
    item_ref: str
    item_title: str
    source: str
    url: str | None
    char_start: int
    char_end: int
    page: int | None = None

    def label(self) -> str:
        """``council · committee · date · item ref item title``, as users see sources listed."""
        item = " ".join(p for p in (self.item_ref, self.item_title) if p).strip()
        parts = [self.council or "Unknown council", self.committee or self.title,
                 self.date or "undated", item or "(no item)"]
        label = " · ".join(parts)
        if self.page:
            label += f" (p. {self.page})"
        return label

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Hit:
    rank: int
    score: float
    text: str
    chunk_id: int
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "score": round(float(self.score), 6), "text": self.text,
                "chunk_id": self.chunk_id, "citation": self.citation.to_dict()}


@dataclass(slots=True)
class SearchResult:
    query: str
    hits: list[Hit]
    took_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "hits": [h.to_dict() for h in self.hits],
                "took_ms": round(self.took_ms, 2)}


@dataclass(slots=True)
class CitedQuote:
    n: int
    quote: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "quote": self.quote, "citation": self.citation.to_dict()}


@dataclass(slots=True)
class AskResult:
    question: str
    answer: str
    abstained: bool
    citations: list[CitedQuote]
    took_ms: float
    related: list[Citation] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    confidence: float = 0.0  # what abstention was decided on; not part of the JSON contract

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "abstained": self.abstained,
                "citations": [c.to_dict() for c in self.citations],
                "took_ms": round(self.took_ms, 2)}


@dataclass(slots=True)
class ResolutionHit:
    text: str
    kind: str
    item_ref: str
    item_title: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "item_ref": self.item_ref,
                "item_title": self.item_title, "citation": self.citation.to_dict()}


@dataclass(slots=True)
class ResolutionsResult:
    resolutions: list[ResolutionHit]
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"resolutions": [r.to_dict() for r in self.resolutions], "count": self.count}


@dataclass(slots=True)
class DocumentSummary:
    doc_id: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None
    items: int
    chunks: int
    resolutions: int
    source: str
    published: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class DocumentDetail:
    """One document with its text; ``items`` and ``resolutions`` are lists here, not counts."""

    summary: DocumentSummary
    text: str
    items: list[dict[str, Any]]
    resolutions: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    page_starts: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = self.summary.to_dict()
        data.update(text=self.text, items=self.items, resolutions=self.resolutions,
                    attendance=self.attendance)
        return data


@dataclass(slots=True)
class PreparePoint:
    """One thing a councillor may want to press on, with the exact record behind it."""

    kind: str  # "question" | "undertaking" | "recommendation"
    quote: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "quote": self.quote, "citation": self.citation.to_dict()}


@dataclass(slots=True)
class PrepareResult:
    topic: str
    questions: list[PreparePoint]
    undertakings: list[PreparePoint]
    recommendations: list[PreparePoint]

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic,
                "questions": [p.to_dict() for p in self.questions],
                "undertakings": [p.to_dict() for p in self.undertakings],
                "recommendations": [p.to_dict() for p in self.recommendations]}


@dataclass(slots=True)
class Facets:
    """The filter values present in the index, so UIs offer choices instead of free text."""

    councils: list[str]
    committees: list[str]
    doc_types: list[str]
    date_min: str | None
    date_max: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Health:
    status: str
    documents: int
    chunks: int
    model: str
    index_built_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
