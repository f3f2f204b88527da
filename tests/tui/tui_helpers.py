"""Helpers for the TUI tests.

``FakeAssistant`` is a small in-memory stand-in for ``retriever.Assistant``: it answers from two
tiny synthetic documents with the facade's own result types, can be told to fail or to block,
and keeps the snapshot tests independent of retrieval tuning. ``RecordingAssistant`` wraps the
real facade and records the arguments it was given.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from retriever.results import (
    AskResult,
    Citation,
    CitedQuote,
    DocumentDetail,
    DocumentSummary,
    Facets,
    Filters,
    Health,
    PreparePoint,
    PrepareResult,
    ResolutionHit,
    ResolutionsResult,
)

DOCS = {
    "walsall-2012": dict(
        title="Children and Young People Scrutiny Panel", council="Walsall",
        committee="Children and Young People Scrutiny Panel", doc_type="minutes",
        date="2012-09-13",
        text=("CHILDREN AND YOUNG PEOPLE SCRUTINY PANEL\n\nTHURSDAY, 13 SEPTEMBER, 2012\n\n"
              "226/12 Apologies\n\nApologies were received from Councillor Smith.\n\n"
              "227/12 Foster carers\n\nMembers asked how many foster carers had been "
              "recruited this year. The Head of Service undertook to provide the figures "
              "at the next meeting.\n\nRESOLVED that the report be noted.\n"),
        items=[("226/12", "Apologies"), ("227/12", "Foster carers")],
    ),
    "barnsley-2014": dict(
        title="Children's Services Scrutiny Committee", council="Barnsley",
        committee="Children's Services Scrutiny Committee", doc_type="minutes",
        date="2014-01-14",
        text=("CHILDREN'S SERVICES SCRUTINY COMMITTEE\n\n14TH JANUARY 2014\n\n"
              "15. CAMHS waiting times\n\nOfficers reported that waiting times for CAMHS "
              "had fallen to twelve weeks. It was agreed that officers would report back "
              "in six months.\n\n16. Improvement notice\n\nThe improvement notice was "
              "lifted in December 2013.\n"),
        items=[("15.", "CAMHS waiting times"), ("16.", "Improvement notice")],
    ),
}


def _items(doc: dict) -> list[dict]:
    text = doc["text"]
    starts = [text.index(f"{ref} {title}") for ref, title in doc["items"]]
    ends = starts[1:] + [len(text)]
    return [dict(ref=ref, title=title, char_start=s, char_end=e, page=None)
            for (ref, title), s, e in zip(doc["items"], starts, ends, strict=True)]


def citation_for(doc_id: str, phrase: str) -> tuple[Citation, str]:
    doc = DOCS[doc_id]
    start = doc["text"].index(phrase)
    end = start + len(phrase)
    item = next(i for i in _items(doc) if i["char_start"] <= start < i["char_end"])
    return Citation(doc_id=doc_id, title=doc["title"], council=doc["council"],
                    committee=doc["committee"], doc_type=doc["doc_type"], date=doc["date"],
                    published=doc.get("published"), item_ref=item["ref"],
                    item_title=item["title"], source=f"{doc_id}.txt", url=doc.get("url"),
                    char_start=start, char_end=end), phrase


PASSAGES = [
    ("walsall-2012", "Members asked how many foster carers had been recruited this year. The "
                     "Head of Service undertook to provide the figures at the next meeting."),
    ("barnsley-2014", "Officers reported that waiting times for CAMHS had fallen to twelve "
                      "weeks. It was agreed that officers would report back in six months."),
    ("barnsley-2014", "The improvement notice was lifted in December 2013."),
]


def _allowed(doc_id: str, filters: Filters) -> bool:
    doc = DOCS[doc_id]
    return ((not filters.council or doc["council"] == filters.council)
            and (not filters.committee or doc["committee"] == filters.committee)
            and (not filters.doc_type or doc["doc_type"] == filters.doc_type)
            and (not filters.since or doc["date"] >= filters.since)
            and (not filters.until or doc["date"] <= filters.until))


class FakeAssistant:
    def __init__(self, fail_with: Exception | None = None,
                 gate: threading.Event | None = None) -> None:
        self.fail_with = fail_with
        self.gate = gate  # when set, ask() waits for it (to observe the busy state)
        self.calls: list[tuple[str, str, list[dict[str, str]], Filters]] = []

    def warm_up(self) -> None:
        pass

    def close(self) -> None:
        pass

    def health(self) -> Health:
        return Health(status="ok", documents=len(DOCS), chunks=len(PASSAGES), model="fake",
                      index_built_at=None)

    def facets(self) -> Facets:
        return Facets(councils=["Barnsley", "Walsall"],
                      committees=sorted({d["committee"] for d in DOCS.values()}),
                      doc_types=["minutes"], date_min="2012-09-13", date_max="2014-01-14")

    def ask(self, question: str, history: list[dict[str, str]] | None = None,
            filters: Filters | None = None, k: int = 8) -> AskResult:
        filters = filters or Filters()
        self.calls.append(("ask", question, list(history or []), filters))
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail_with is not None:
            raise self.fail_with
        words = {w.strip("?.,").lower() for w in question.split() if len(w) > 3}
        cited = []
        for doc_id, phrase in PASSAGES:
            if _allowed(doc_id, filters) and words & {w.strip(".,").lower()
                                                       for w in phrase.split()}:
                citation, quote = citation_for(doc_id, phrase)
                cited.append(CitedQuote(n=len(cited) + 1, quote=quote, citation=citation))
        if not cited:
            return AskResult(question=question, answer="The records do not say.",
                             abstained=True, citations=[], took_ms=1.0, filters=filters)
        answer = " ".join(f"{c.quote.split('.')[0]} [{c.n}]." for c in cited)
        named = next((c for c in self.facets().councils if c.lower() in question.lower()), None)
        understood = ({"filters": {"council": named}, "from_question": {"council": named},
                       "relaxed": []} if named else {})
        return AskResult(question=question, answer=answer, abstained=False, citations=cited,
                         took_ms=1.0, filters=filters, understood=understood)

    def resolutions(self, query: str = "", filters: Filters | None = None,
                    sort: str = "date", limit: int = 50, offset: int = 0) -> ResolutionsResult:
        rows = []
        for doc_id, phrase in [("barnsley-2014", "It was agreed that officers would report "
                                "back in six months."),
                               ("walsall-2012", "RESOLVED that the report be noted.")]:
            if _allowed(doc_id, filters or Filters()):
                c, q = citation_for(doc_id, phrase)
                rows.append(ResolutionHit(text=q, kind="agreed" if "agreed" in q else "resolved",
                                          item_ref=c.item_ref, item_title=c.item_title,
                                          citation=c))
        return ResolutionsResult(resolutions=rows, count=len(rows))

    def prepare(self, topic: str, filters: Filters | None = None,
                per_kind: int = 5) -> PrepareResult:
        q = PreparePoint("question", *reversed(citation_for(
            "walsall-2012", "Members asked how many foster carers had been recruited this year.")))
        u = PreparePoint("undertaking", *reversed(citation_for(
            "walsall-2012", "The Head of Service undertook to provide the figures at the next "
                            "meeting.")))
        return PrepareResult(topic=topic, questions=[q], undertakings=[u], recommendations=[])

    def document(self, doc_id: str) -> DocumentDetail:
        doc = DOCS[doc_id]
        items = _items(doc)
        summary = DocumentSummary(doc_id=doc_id, title=doc["title"], council=doc["council"],
                                  committee=doc["committee"], doc_type=doc["doc_type"],
                                  date=doc["date"], items=len(items), chunks=2, resolutions=1,
                                  source=f"{doc_id}.txt")
        return DocumentDetail(summary=summary, text=doc["text"], items=items, resolutions=[],
                              attendance=[])

    def documents(self, filters: Filters | None = None) -> list[DocumentSummary]:
        return [self.document(doc_id).summary for doc_id in sorted(
            DOCS, key=lambda d: DOCS[d]["date"], reverse=True)]


class RecordingAssistant:
    """Delegates to a real ``Assistant`` and records each ``ask`` call's arguments."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.asked: list[dict[str, Any]] = []

    def ask(self, question: str, history: list[dict[str, str]] | None = None,
            filters: Filters | None = None, k: int = 8) -> AskResult:
        self.asked.append({"question": question, "history": list(history or []),
                           "filters": filters})
        return self.inner.ask(question, history=history, filters=filters, k=k)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up."""
    app: App[Any] = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def ask(pilot: Pilot[Any], question: str) -> None:
    """Type a question into the prompt, press Enter, wait for the answer."""
    prompt = pilot.app.screen.query_one("#prompt")
    prompt.focus()
    prompt.value = question
    await pilot.press("enter")
    await settle(pilot)


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, line by line."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip).rstrip() for strip in strips)
