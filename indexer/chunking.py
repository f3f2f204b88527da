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
    for item, start, end in leaf_segments(doc.text, doc.items):
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
                a, b = w_start + found, w_start + found + len(piece)
                assert doc.text[a:b] == piece
                chunks.append(Chunk(doc_id=doc.doc_id, item_ref=item.ref,
                                    item_title=item.title, char_start=a, char_end=b, text=piece,
                                    header=header, page=doc.page_at(a)))
    return chunks


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
