"""Token-sized chunks that stay inside one item and map back exactly to the source text.

MiniLM reads at most 256 word pieces. Each chunk is embedded as ``header + text``, so the text
budget is what the header leaves; a chunk that would be cut off by the model is never made.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .models import Chunk, Document, Item
from .pdftext import excluded_spans
from .structure import leaf_segments

MODEL_TOKENS = 256
SPECIAL_TOKENS = 2  # [CLS] and [SEP]
WINDOW_CHARS = 20_000  # long items are split in windows: the splitter is superlinear in length


def make_header(doc: Document, item: Item) -> str:
    """Context a passage may not state itself: whose meeting, when, and which item."""
    parts = [doc.council or "", doc.committee or doc.title, doc.date or "",
             " ".join(p for p in (item.ref, item.title) if p)]
    return " · ".join(p for p in parts if p)


def _splitter(budget: int, overlap: int, count: Callable[[str], int]):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=budget, chunk_overlap=min(overlap, budget // 4), length_function=count,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""], keep_separator="end",
        strip_whitespace=True)


def chunk_document(doc: Document, count: Callable[[str], int], chunk_tokens: int = 200,
                   overlap: int = 32) -> list[Chunk]:
    """Split each item's own text (not its children's) into token-budgeted passages."""
    chunks: list[Chunk] = []
    segments = leaf_segments(doc.text, doc.items)
    segments = merge_headings(doc.text, without(segments, excluded_spans(doc.text,
                                                                          doc.page_starts)))
    for item, start, end in segments:
        header = make_header(doc, item)
        header_tokens = count(header) + 1
        if header_tokens > 64:  # keep room for the passage; cut the header, never the passage
            header = header[:200]
            header_tokens = count(header) + 1
        budget = max(32, min(chunk_tokens, MODEL_TOKENS - SPECIAL_TOKENS - header_tokens))
        for w_start, w_end in windows(doc.text, start, end):
            segment = doc.text[w_start:w_end]
            if count(segment) <= budget:
                pieces = [segment.strip()]
            else:
                pieces = _splitter(budget, overlap, count).split_text(segment)
            spans: list[tuple[int, int]] = []
            cursor = 0
            for piece in pieces:
                if not piece.strip():
                    continue
                found = segment.find(piece, cursor)
                if found == -1:  # the splitter normalised something; search from the start
                    found = segment.find(piece)
                    if found == -1:
                        continue
                cursor = found + max(1, len(piece) // 2)
                spans.append((w_start + found, w_start + found + len(piece)))
            for a, b in _glue_headings(doc.text, spans, count, budget):
                owner, head = item, header
                if b <= item.char_start:  # a heading that did not fit with what it heads
                    owner = doc.item_at(a) or item
                    head = make_header(doc, owner)[:200]
                chunks.append(Chunk(doc_id=doc.doc_id, item_ref=owner.ref,
                                    item_title=owner.title, char_start=a, char_end=b,
                                    text=doc.text[a:b], header=head, page=doc.page_at(a)))
    return chunks


def _is_heading(piece: str) -> bool:
    piece = piece.strip()
    return bool(piece) and "\n" not in piece and len(piece.split()) <= HEADING_WORDS \
        and not _ENDS_PROSE.search(piece)


def _glue_headings(text: str, spans: list[tuple[int, int]], count: Callable[[str], int],
                   budget: int) -> list[tuple[int, int]]:
    """A piece the splitter left as a bare heading goes with the piece after it, if they fit."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and _is_heading(text[out[-1][0]:out[-1][1]]) and out[-1][1] <= a \
                and count(text[out[-1][0]:b]) <= budget:
            a = out.pop()[0]
        out.append((a, b))
    return out


Segment = tuple[Item, int, int]
HEADING_WORDS = 25
_ENDS_PROSE = re.compile(r"[.;!][\"'”’)]?$")


def without(segments: list[Segment], spans: list[tuple[int, int]]) -> list[Segment]:
    """Segments with the excluded spans (back matter, address blocks) cut out of them."""
    if not spans:
        return segments
    out: list[Segment] = []
    for item, a, b in segments:
        pieces = [(a, b)]
        for x, y in spans:
            nxt = []
            for p, q in pieces:
                if y <= p or x >= q:
                    nxt.append((p, q))
                    continue
                if x > p:
                    nxt.append((p, x))
                if y < q:
                    nxt.append((y, q))
            pieces = nxt
        out.extend((item, p, q) for p, q in pieces)
    return out


def merge_headings(text: str, segments: list[Segment]) -> list[Segment]:
    """A segment that is only a heading joins the passage it heads.

    Alone it is a chunk that says nothing yet matches questions on its words, so it ranked
    first ("Appendix 3 – Ofsted Recommendations and Actions"); joined, the heading gives the
    passage its context. The passage's item owns the merged span.
    """
    out: list[Segment] = []
    pending: int | None = None
    for item, a, b in segments:
        start = a if pending is None else pending
        if pending is not None and text[out[-1][2]:a].strip():
            start = a  # something stands between: not a heading of this passage
        if pending is not None and start == pending:
            out.pop()
        piece = text[a:b].strip()
        if len(piece.split()) <= HEADING_WORDS and not _ENDS_PROSE.search(piece) \
                and "\n" not in piece:
            pending = start
        else:
            pending = None
        out.append((item, start, b))
    return out


def windows(text: str, start: int, end: int, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into spans of at most ``size`` characters at the best natural
    break (paragraph, line, sentence, word), so that one enormous item or a file that is a
    single 50 MB line costs time and memory in proportion to its length."""
    spans: list[tuple[int, int]] = []
    while end - start > size:
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            found = text.rfind(sep, start + size // 2, start + size)
            if found != -1:
                cut = found + len(sep)
                break
        if cut == -1:
            cut = start + size
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans
