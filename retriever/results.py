"""Typed results of the facade; ``to_dict`` gives exactly the JSON contract of DESIGN.md.

The CLI's ``--json``, the HTTP API and the TUI all serialise through these, so the three faces
cannot drift apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from indexer.dates import find_dates
from indexer.errors import QueryError

FILTER_ALIASES = {"date_from": "since", "date_to": "until"}  # the API's names before 0.2
_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
DATE_HELP = "use a year (2014), a month (2014-03) or a day (2014-03-05)"


def parse_day(value: str, *, end: bool = False, name: str = "since") -> str:
    """One ISO day from what people type for ``since``/``until``, on every face.

    A year or a month stands for its first day as ``since`` and its last day as ``until``, so
    ``--since 2014 --until 2014`` means the whole of 2014. Written dates ("14 January 2014",
    "14/01/2014", read day first as UK councils write them) are accepted when the whole value
    is one date. Anything else raises ``QueryError`` naming the value and the accepted forms.
    """
    text = str(value).strip()
    try:
        if m := _YEAR.fullmatch(text):
            return (dt.date(int(m[1]), 12, 31) if end else dt.date(int(m[1]), 1, 1)).isoformat()
        if m := _MONTH.fullmatch(text):
            year, month = int(m[1]), int(m[2])
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return dt.date(year, month, last if end else 1).isoformat()
        found = find_dates(text)
        if len(found) == 1 and found[0].char_start == 0 and \
                not text[found[0].char_end:].strip(" .,"):
            return found[0].iso
    except ValueError:
        pass
    raise QueryError(f"{name} {text!r} is not a date; {DATE_HELP}.")


@dataclass(slots=True)
class Filters:
    """Restrictions applied before ranking. ``since``/``until`` are ISO ``YYYY-MM-DD`` days,
    inclusive; build them from user input with ``Filters.parse`` so every face accepts the
    same forms and gives the same messages."""

    council: str | None = None
    committee: str | None = None
    doc_type: str | None = None
    since: str | None = None
    until: str | None = None

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
    def parse(cls, *, council: str | None = None, committee: str | None = None,
              doc_type: str | None = None, since: str | None = None,
              until: str | None = None) -> Filters:
        """Filters from user input: years, months or dates for ``since``/``until``; a range
        that ends before it starts is an error rather than a silently empty result."""
        start = parse_day(since, name="since") if since else None
        end = parse_day(until, end=True, name="until") if until else None
        if start and end and start > end:
            raise QueryError(f"since {since} is after until {until}: nothing can match; "
                             "swap them or drop one.")
        return cls(council=(council or "").strip() or None,
                   committee=(committee or "").strip() or None, doc_type=doc_type or None,
                   since=start, until=end)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Filters:
        """``parse`` over a mapping (the API's ``filters`` object), where ``date_from`` and
        ``date_to`` still mean ``since`` and ``until``; an unknown key is an error."""
        values: dict[str, Any] = {}
        unknown = []
        for key, value in (data or {}).items():
            name = FILTER_ALIASES.get(key, key)
            if name not in cls.__slots__:
                unknown.append(key)
            elif value not in (None, ""):
                if name in ("since", "until"):  # messages name the key the caller used
                    value = parse_day(value, end=name == "until", name=key)
                if values.get(name) not in (None, value):
                    raise QueryError(f"{key} repeats {name} with another value; give one.")
                values[name] = value
        if unknown:
            raise QueryError(f"unknown filter {', '.join(map(repr, unknown[:5]))}; filters are "
                             f"{', '.join(cls.__slots__)}.")
        return cls.parse(**values)


def clean_ref(ref: str) -> str:
    """A minute reference as people quote it: ``19.`` -> ``19`` (``CS.02``, ``19 (iv)`` kept).

    Minutes number items ``19.``; the dot is layout, and in a spreadsheet column or a
    "minute 19" reference it reads as a typo.
    """
    return (ref or "").strip().rstrip(".:;,").rstrip()


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
    # What was taken from the query and applied, and what had to be relaxed:
    # {"filters": {...}, "from_question": {...}, "relaxed": ["one line", ...]}
    understood: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "understood": self.understood,
                "hits": [h.to_dict() for h in self.hits], "took_ms": round(self.took_ms, 2)}


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
    understood: dict[str, Any] = field(default_factory=dict)  # as in SearchResult
    shape: str = "direct"  # direct | list | timeline | not_found

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "abstained": self.abstained,
                "shape": self.shape, "understood": self.understood,
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


def check_council(filters: Filters, councils: list[str], *, shown: int = 12) -> None:
    """Refuse a council filter that no document matches, listing the councils held.

    Without this a misspelt or absent council gives an empty result that reads like "the
    records say nothing", when the truth is "this index holds no records from there".
    """
    from indexer.gazetteer import council_matches

    if not filters.council or any(council_matches(filters.council, c) for c in councils):
        return
    names = ", ".join(councils[:shown]) or "none (the index is empty)"
    more = f" and {len(councils) - shown} more" if len(councils) > shown else ""
    raise QueryError(f"No records from a council matching {filters.council!r} in this index; "
                     f"it holds {names}{more}.")
