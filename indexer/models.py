"""The shared vocabulary of the project: what a scrutiny record is made of.

Every layer above the indexer speaks in these types. All character offsets refer to
``Document.text``, which is the exact text the reader produced, so a quote can always be
re-derived as ``document.text[char_start:char_end]`` and checked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DOC_TYPES = ("minutes", "report", "inspection", "peer_review")


@dataclass(slots=True)
class Item:
    """A minute item, numbered paragraph or heading, with the span it governs."""

    ref: str
    title: str
    char_start: int
    char_end: int
    page: int | None = None
    level: int = 1  # 0 appendix, 1 minute item or section, 2+ sub-paragraphs and sub-headings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Resolution:
    """A decision, agreement or undertaking recorded in the minutes.

    ``kind`` is ``resolved``, ``agreed`` or ``undertaking``; undertakings matter to councillors
    because they are promises that can be followed up at the next meeting.
    """

    text: str
    kind: str
    item_ref: str
    item_title: str
    char_start: int
    char_end: int


@dataclass(slots=True)
class Attendee:
    """One person named in an attendance block (present, apologies, officers, witnesses)."""

    name: str
    role: str
    char_start: int
    char_end: int


@dataclass(slots=True)
class Document:
    """One source file, decoded, with the metadata recognised from it.

    ``page_starts`` holds the character offset at which each PDF page begins, so that any span
    can be mapped to the page a citation should name.
    """

    doc_id: str
    source: str
    text: str
    title: str = ""
    council: str | None = None
    committee: str | None = None
    doc_type: str = "report"
    date: str | None = None
    date_start: str | None = None  # first day when the record covers a range (a visit)
    published: str | None = None  # when the document was issued (``date`` = when it happened)
    url: str | None = None  # the document's web address, where the source has one
    page_starts: list[int] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)
    attendance: list[Attendee] = field(default_factory=list)
    content_hash: str = ""

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None for formats without pages."""
        if not self.page_starts:
            return None
        page = 1
        for number, start in enumerate(self.page_starts, start=1):
            if start <= offset:
                page = number
            else:
                break
        return page

    def item_at(self, offset: int) -> Item | None:
        """The innermost item whose span contains ``offset``."""
        best: Item | None = None
        for item in self.items:
            if item.char_start <= offset < item.char_end:
                if best is None or item.char_start >= best.char_start:
                    best = item
        return best


@dataclass(slots=True)
class Chunk:
    """A retrievable passage: a span of one item, plus the header it was embedded with."""

    doc_id: str
    item_ref: str
    item_title: str
    char_start: int
    char_end: int
    text: str
    header: str
    page: int | None = None
    chunk_id: int | None = None

    @property
    def embed_text(self) -> str:
        """What the model reads: the header gives context the bare passage may lack."""
        return f"{self.header}\n{self.text}" if self.header else self.text


@dataclass(slots=True)
class SkippedFile:
    """A file the build could not index, and why, so the user can fix it."""

    path: str
    reason: str


@dataclass(slots=True)
class BuildReport:
    """What a build did, for the summary line and for scripts (``--json``)."""

    index_dir: str
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    # indexed this build without a recognised council or date: the user may add a sidecar
    unrecognised: list[SkippedFile] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_total: int = 0
    documents_total: int = 0
    seconds: float = 0.0
    model_loaded: bool = False
    notes: list[str] = field(default_factory=list)  # repairs made (a damaged live index)

    @property
    def changed(self) -> bool:
        return bool(self.indexed or self.removed)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changed"] = self.changed
        return data
