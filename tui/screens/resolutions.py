"""Resolutions and agreements on a topic, newest first; each opens its minute item."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from retriever.results import Filters, ResolutionsResult

from ..widgets.citation_list import CitationEntry
from .lookup import LookupScreen, Sections

if TYPE_CHECKING:
    from retriever import Assistant

KIND_MARKERS = {"resolved": "RESOLVED", "agreed": "AGREED", "undertaking": "UNDERTAKING"}


class ResolutionsScreen(LookupScreen):
    TITLE_TEXT = "Resolutions and agreements"
    INTRO = ("What committees resolved or agreed, newest first. Type a topic (for example "
             "adoption, or foster carers) and press Enter; leave it empty to list them all. "
             "Tab moves to the list, where Enter opens a resolution's minute item.")
    PLACEHOLDER = "Topic, e.g. adoption (empty lists every resolution)"
    BUSY_TEXT = "Finding resolutions…"
    RUN_ON_MOUNT: ClassVar[bool] = True

    def fetch(self, assistant: Assistant, topic: str, filters: Filters) -> ResolutionsResult:
        return assistant.resolutions(topic, filters=filters, sort="date")

    def entries(self, result: ResolutionsResult) -> tuple[Sections, str]:
        rows = [CitationEntry(r.citation, r.text, KIND_MARKERS.get(r.kind, r.kind.upper()))
                for r in result.resolutions]
        about = f" about “{self.topic}”" if self.topic else ""
        if not rows:
            return [("", rows)], f"No resolutions found{about}."
        shown = f"{len(rows)} of {result.count}" if result.count > len(rows) else f"{len(rows)}"
        what = "resolution or agreement" if len(rows) == 1 and result.count == 1 \
            else "resolutions and agreements"
        return [("", rows)], f"{shown} {what}{about}, newest first."
