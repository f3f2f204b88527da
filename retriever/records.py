"""Resolutions, undertakings and "prepare questions": retrieval of particular kinds of record.

These live in the retriever (not the UI) so that the CLI, the API and the TUI give the same
answers to an officer looking up decisions and a councillor preparing for a meeting.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from indexer.sentences import split_sentences

from .query import Understood
from .results import (
    Filters,
    PreparePoint,
    PrepareResult,
    ResolutionHit,
    ResolutionsResult,
    clean_ref,
)
from .search import Candidate, hybrid, understand_turn

if TYPE_CHECKING:
    from indexer.stores import Resolution

    from .assistant import Assistant
    from .snapshot import Snapshot

_QUESTION = re.compile(r"\?\s*$|\b(?:asked|queried|a (?:panel |member |members' )?query|"
                       r"in response to (?:a )?questions?|questions were asked|"
                       r"member(?:s)? (?:asked|questioned|raised|highlighted|pointed out)|"
                       r"sought assurance|following a (?:panel |further |member )?query)\b", re.I)
_PROMISE = re.compile(r"\b(?:undertook to|undertaking|agreed to (?:provide|circulate|report|"
                      r"share|bring)|would (?:report back|provide|bring|circulate|share|return)|"
                      r"will (?:report back|provide|bring|circulate|share)|report back|"
                      r"promised|committed to|it was (?:also )?agreed that)\b", re.I)
_RECOMMEND = re.compile(r"\b(?:recommend(?:ation|ed|s)?|should|must|needs? to|"
                        r"areas? for (?:improvement|development)|action(?:s)? (?:required|"
                        r"needed)|strengthen|improve)\b", re.I)


def find_resolutions(snap: Snapshot, assistant: Assistant, query: str, filters: Filters, *,
                     sort: str, limit: int, offset: int) -> ResolutionsResult:
    """Decisions and agreements matching a topic; newest first unless ``sort='relevance'``."""
    u = understand_turn(snap, query, [], filters) if query else None
    allowed = u.allowed if u is not None else snap.matching_docs(filters)
    store = snap.store
    scores: dict[int, float] = {}
    if u is not None:
        scores = store.resolution_matches(u.terms, 500)
        for rank, c in enumerate(_related_items(snap, assistant, u)):
            assert c.chunk is not None
            for rid in store.resolution_ids(c.chunk.doc_id, c.chunk.item_ref):
                scores[rid] = scores.get(rid, 0.0) + 2.0 / (1 + rank)
        if not scores:
            return ResolutionsResult([], 0)
    if allowed is not None and not allowed:
        return ResolutionsResult([], 0)
    rows = store.resolutions(list(scores) if u is not None else None, allowed)

    def date_of(r: Resolution) -> str:
        return snap.docs[r.doc_id].date or ""

    if sort == "relevance" and scores:
        rows.sort(key=lambda r: scores.get(r.id, 0.0), reverse=True)
    else:
        rows.sort(key=lambda r: (date_of(r), -r.char_start), reverse=True)
        # Within a meeting, keep the minutes' own order.
        rows.sort(key=lambda r: date_of(r), reverse=True)
    page = rows[offset:offset + limit]
    hits = [ResolutionHit(text=r.text, kind=r.kind, item_ref=clean_ref(r.item_ref),
                          item_title=r.item_title,
                          citation=snap.citation(r.doc_id, r.item_ref, r.item_title,
                                                 r.char_start, r.char_end,
                                                 snap.page_at(r.doc_id, r.char_start)))
            for r in page]
    return ResolutionsResult(hits, len(rows))


# A list marker: "1.", "(ii)", "b)", "viii " (numbered questions), "- ", "• ".
_MARKER = re.compile(r"^\s*(?:\(?\d+(?:\.\d+)*[.)]?|\(?[ivxlc]+[.)]|[ivxlc]{2,}\b|\(?[a-z][.)]|"
                     r"[-•–·])\s*")
_LIST_ITEM = re.compile(r"^\s*(?:\(?(?:\d+|[ivxlc]+|[a-z])[.)]|[-•–·]\s)")
MAX_POINT = 700


def statements(text: str, base: int = 0) -> list[tuple[int, int]]:
    """Spans of whole statements in a passage: sentences, with a lead-in and its list as one.

    Minutes write decisions as a lead-in and a list ("IT WAS AGREED that:" then "(i) ...").
    Split into sentences, the lead-in alone reads as an undertaking with nothing in it, and a
    list item without its lead-in ("1. officers will provide ...") is a fragment. So a lead-in
    takes the items after it, a lead-in with no items is dropped, and so is any fragment.
    """
    spans = split_sentences(text, base)
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        a, b = spans[i]
        if text[a - base:b - base].rstrip().endswith(":"):
            j = i + 1
            while (j < len(spans) and _LIST_ITEM.match(text[spans[j][0] - base:])
                   and not text[spans[j - 1][1] - base:spans[j][0] - base].strip()
                   and (j == i + 1 or spans[j][1] - a <= MAX_POINT)):
                j += 1
            if j > i + 1:
                out.append((a, spans[j - 1][1]))
            i = j
            continue
        if not is_fragment(text[a - base:b - base]):
            out.append((a, b))
        i += 1
    return out


def is_fragment(sentence: str) -> bool:
    """A piece that does not stand alone: it starts in lower case once any list marker is
    removed, has fewer than four words, or is a lead-in ending with a colon."""
    body = _MARKER.sub("", sentence, count=1).lstrip("\"'“‘(")
    first = next((ch for ch in body if ch.isalpha()), "")
    return (not first or first.islower() or len(body.split()) < 4
            or sentence.rstrip().endswith(":"))


def _related_items(snap: Snapshot, assistant: Assistant, u: Understood,
                   top: int = 15) -> list[Candidate]:
    """Items the hybrid search finds about the topic; their decisions gain some weight.

    Under a filter the nearest items are whatever the filter leaves, related or not: taking
    them made ``council=Walsall`` add unrelated decisions instead of removing some. So a filter
    narrows without lowering the bar: a filtered item counts when it has the topic's words or
    is among the items found without the filter (topic AND filter, never topic OR filter).
    """
    # Nearest is not related: in a small index the top items of a topic no record holds are
    # whatever is least far ("zebra crossing" found a panel's unrelated agreements). An item
    # counts when it holds the topic's words or means it as closely as an answer must.
    bar = assistant.settings.abstain_threshold
    found = [c for c in hybrid(snap, assistant, u, pool=2 * top)[:top]
             if c.keyword_rank is not None or c.dense >= bar]
    if u.allowed is None:  # neither a filter nor the question narrowed the documents
        return found
    everywhere = replace(u, filters=Filters(), allowed=None, scoped=False, notes=[])
    unfiltered = hybrid(snap, assistant, everywhere, pool=2 * top)[:top]
    relevant = {c.chunk_id for c in unfiltered}
    return [c for c in found if c.keyword_rank is not None or c.chunk_id in relevant]


def prepare_questions(snap: Snapshot, assistant: Assistant, topic: str, filters: Filters, *,
                      per_kind: int) -> PrepareResult:
    """What members asked before, what officers promised, and what was recommended."""
    u = understand_turn(snap, topic, [], filters)
    if u.allowed is not None and not u.allowed:
        return PrepareResult(topic, [], [], [])
    cands = hybrid(snap, assistant, u, pool=40)[:20]
    found: dict[str, list[PreparePoint]] = {"question": [], "undertaking": [],
                                            "recommendation": []}
    seen: set[tuple[str, int]] = set()
    for c in cands:
        row = c.chunk
        assert row is not None
        meta = snap.docs[row.doc_id]
        for a, b in statements(row.text, row.char_start):
            if (row.doc_id, a) in seen:
                continue
            text = row.text[a - row.char_start: b - row.char_start]
            kind = None
            if meta.doc_type == "minutes" and _PROMISE.search(text):
                kind = "undertaking"
            elif meta.doc_type == "minutes" and _QUESTION.search(text):
                kind = "question"
            elif meta.doc_type != "minutes" and _RECOMMEND.search(text):
                kind = "recommendation"
            if kind is None or len(found[kind]) >= per_kind:
                continue
            quote = snap.text_of(row.doc_id)[a:b]
            if quote != text:
                continue
            seen.add((row.doc_id, a))
            cit = snap.citation(row.doc_id, row.item_ref, row.item_title, a, b,
                                snap.page_at(row.doc_id, a) or row.page)
            found[kind].append(PreparePoint(kind=kind, quote=quote, citation=cit))
    return PrepareResult(topic=topic, questions=found["question"],
                         undertakings=found["undertaking"],
                         recommendations=found["recommendation"])
