"""Prepare questions on a topic: what members asked, what officers promised, what is open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from retriever.display import plural
from retriever.results import Filters, PreparePoint, PrepareResult

from ..widgets.citation_list import CitationEntry
from .lookup import LookupScreen, Sections

if TYPE_CHECKING:
    from retriever import Assistant


def _rows(points: list[PreparePoint]) -> list[CitationEntry]:
    return [CitationEntry(p.citation, p.quote) for p in points]


class PrepareScreen(LookupScreen):
    TITLE_TEXT = "Prepare questions"
    INTRO = ("Before a meeting: type a topic (for example CAMHS waiting times) and press Enter "
             "to see the questions members asked before, what officers undertook to do, and "
             "recommendations still to follow up, each with its record. Tab moves to the "
             "list; Enter opens a record.")
    PLACEHOLDER = "Topic to prepare, e.g. foster carers"
    BUSY_TEXT = "Gathering questions, undertakings and recommendations…"

    def fetch(self, assistant: Assistant, topic: str, filters: Filters) -> PrepareResult:
        return assistant.prepare(topic, filters=filters)

    def entries(self, result: PrepareResult) -> tuple[Sections, str]:
        sections: Sections = [
            ("Questions members asked before", _rows(result.questions)),
            ("Undertakings and promises by officers", _rows(result.undertakings)),
            ("Recommendations to follow up", _rows(result.recommendations)),
        ]
        total = sum(len(rows) for _, rows in sections)
        summary = (f"{plural(len(result.questions), 'question')}, "
                   f"{plural(len(result.undertakings), 'undertaking')}, "
                   f"{plural(len(result.recommendations), 'recommendation')} on "
                   f"“{result.topic}”." if total else f"Nothing found on “{result.topic}”.")
        return sections, summary
