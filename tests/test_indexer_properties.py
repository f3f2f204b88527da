"""Property checks on generated minutes: whatever the text, every span the indexer records maps
back exactly to the document text, and chunks never leave their item."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.chunking import chunk_document
from indexer.metadata import recognise
from indexer.models import Document
from indexer.records import find_attendance, find_resolutions
from indexer.structure import build_items, find_headings

WORDS = ["the", "panel", "report", "foster", "carers", "adoption", "CAMHS", "waiting", "times",
         "Director", "noted", "officers", "would", "provide", "figures", "café", "£1,200", "–",
         "“quoted”", "Councillor", "Smith", "agreed", "resolved", "that", "1.", "(ii)", "2.6",
         "\t", "self-assessment", "Ofsted's"]


def _count(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=40).map(
    lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=8).map(" ".join)
decision = st.sampled_from([
    "RESOLVED that the report be noted.",
    "Resolved That: 1. the report be noted; 2. officers report back.",
    "IT WAS AGREED that the Chair write to the Cabinet Member.",
    "It was agreed:\n\nThat the update be noted.",
    "The Director undertook to provide the figures.",
    "Resolved\n\nThat:\n\n1. the plan be approved;\n2. the report be noted.",
    "- It was also agreed that officers would circulate the plan;",
])
item_body = st.lists(st.one_of(paragraph, decision), min_size=1, max_size=5).map("\n\n".join)


@st.composite
def minutes(draw) -> str:
    style = draw(st.sampled_from(["{n}. {t}", "{n}/19 {T}", "CS.{n:02d} {T}", "{n}.0 {t}"]))
    first = draw(st.integers(min_value=1, max_value=25))
    count = draw(st.integers(min_value=1, max_value=6))
    parts = ["WALSALL COUNCIL\n\nCHILDREN'S SCRUTINY PANEL\n\nTuesday 16 October 2018",
             "Present: Councillor Adams (Chair), Councillor Baker"]
    for n in range(first, first + count):
        title = draw(st.sampled_from(["Apologies", "Fostering Update", "Work Programme",
                                      "Date of Next Meeting", "Questions from the Public"]))
        parts.append(style.format(n=n, t=title, T=title.upper()))
        parts.append(draw(item_body))
    sep = draw(st.sampled_from(["\n\n", "\n\n\n", "\n \n"]))
    return sep.join(parts) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=minutes(), chunk_tokens=st.sampled_from([40, 80, 200]))
def test_every_span_maps_back_and_chunks_stay_in_their_item(text: str, chunk_tokens: int) -> None:
    meta = recognise(text, "generated.txt")
    items = build_items(text, find_headings(text, meta.doc_type))
    doc = Document(doc_id="g", source="generated.txt", text=text, council=meta.council,
                   committee=meta.committee, date=meta.date, doc_type=meta.doc_type, items=items)
    assert meta.date == "2018-10-16"
    for it in items:
        assert 0 <= it.char_start < it.char_end <= len(text)
    for r in find_resolutions(text, items):
        assert text[r.char_start:r.char_end] == r.text
        assert any(it.ref == r.item_ref and it.char_start <= r.char_start and
                   r.char_end <= it.char_end for it in items)
    for a in find_attendance(text, items):
        assert text[a.char_start:a.char_end] == a.name
    chunks = chunk_document(doc, _count, chunk_tokens=chunk_tokens, overlap=8)
    bounds = {b for it in items for b in (it.char_start, it.char_end)}
    covered = 0
    for c in chunks:
        assert text[c.char_start:c.char_end] == c.text and c.text.strip()
        # A chunk stays in its item, except that an item holding only its heading joins the
        # passage it heads (a heading-only chunk said nothing and ranked first): then only
        # heading lines precede the boundary, and the chunk belongs to the headed item.
        inner = [b for b in bounds if c.char_start < b < c.char_end]
        lead = text[c.char_start:max(inner)] if inner else ""
        assert all(len(line.split()) <= 25 and not line.rstrip().endswith((".", ";"))
                   for line in lead.strip().split("\n") if line.strip())
        starts = [it.char_start for it in items if c.char_start < it.char_start < c.char_end]
        owner_at = max(starts) if starts else c.char_start
        assert c.item_ref == (doc.item_at(owner_at) or items[0]).ref
        assert _count(c.text) <= chunk_tokens
        covered += len(c.text)
    # Nothing of substance is lost: every word of the text is in some chunk.
    words = set(re.findall(r"\w+", text))
    in_chunks = set(re.findall(r"\w+", " ".join(c.text for c in chunks)))
    assert words <= in_chunks, words - in_chunks
