"""The one verifier every composer's draft passes before a user sees it.

Each proposed quote is re-read from the stored document text at its offsets; a quote that does
not match exactly, or whose span is out of range, is dropped. The answer text is then written
from what survived: one quote per line, markers ``[n]`` matching the citations, the record's
date in front of each line of a list or timeline, and markdown emphasis removed from the text
shown (the ``quote`` field stays the exact source text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .compose import Draft
from .display import plain
from .results import AskResult, CitedQuote, Filters

if TYPE_CHECKING:
    from .snapshot import Snapshot

NOT_FOUND = "The records searched do not cover this question."

def verified(snap: Snapshot, question: str, draft: Draft, filters: Filters) -> AskResult:
    citations: list[CitedQuote] = []
    lines: list[str] = []
    for q in draft.quotes:
        text = snap.text_of(q.doc_id)
        if not (0 <= q.start < q.end <= len(text)) or text[q.start:q.end] != q.quote:
            continue  # never show a quote that is not exactly the record
        n = len(citations) + 1
        citations.append(CitedQuote(n=n, quote=q.quote, citation=snap.citation(
            q.doc_id, q.item_ref, q.item_title, q.start, q.end, q.page)))
        lead = f"{q.date or 'undated'} — " if draft.shape in ("list", "timeline") else ""
        lines.append(f"{lead}{plain(q.quote)} [{n}]")
    if not citations:
        return not_found(question, draft.note, [], filters)
    answer = "\n".join(lines)
    if draft.note:
        answer = f"{draft.note}\n{answer}"
    return AskResult(question=question, answer=answer, abstained=False, citations=citations,
                     took_ms=0.0, filters=filters, shape=draft.shape)


def not_found(question: str, reason: str, related: list, filters: Filters) -> AskResult:
    """Nothing quoted: say so, say why in one line, and list where to look next."""
    answer = f"{NOT_FOUND} {reason}".strip()
    if related:
        answer += "\nPossibly related (not an answer):\n" + "\n".join(
            f"- {c.label()}" for c in related)
    return AskResult(question=question, answer=answer, abstained=True, citations=[],
                     took_ms=0.0, related=related, filters=filters, shape="not_found")
