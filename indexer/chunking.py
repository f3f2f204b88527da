"""Token-sized chunks that stay inside one item and map back exactly to the source text.

MiniLM reads at most 256 word pieces. Each chunk is embedded as ``header + text``, so the text
budget is what the header leaves; a chunk that would be cut off by the model is never made.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Chunk, Document, Item
from .structure import leaf_segments

MODEL_TOKENS = 256
SPECIAL_TOKENS = 2  # [CLS] and [SEP]


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
    for item, start, end in leaf_segments(doc.text, doc.items):
        header = make_header(doc, item)
        header_tokens = count(header) + 1
        if header_tokens > 64:  # keep room for the passage; cut the header, never the passage
            header = header[:200]
            header_tokens = count(header) + 1
        budget = max(32, min(chunk_tokens, MODEL_TOKENS - SPECIAL_TOKENS - header_tokens))
        segment = doc.text[start:end]
        if count(segment) <= budget:
            pieces = [segment.strip()]
        else:
            pieces = _splitter(budget, overlap, count).split_text(segment)
        cursor = 0
        for piece in pieces:
            if not piece.strip():
                continue
            found = segment.find(piece, cursor)
            if found == -1:  # the splitter normalised something; fall back to a search from 0
                found = segment.find(piece)
                if found == -1:
                    continue
            cursor = found + max(1, len(piece) // 2)
            a, b = start + found, start + found + len(piece)
            assert doc.text[a:b] == piece
            chunks.append(Chunk(doc_id=doc.doc_id, item_ref=item.ref, item_title=item.title,
                                char_start=a, char_end=b, text=piece, header=header,
                                page=doc.page_at(a)))
    return chunks
