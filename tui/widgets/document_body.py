"""A document's full text in paragraph blocks, scrolled to and highlighting a cited span."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
CONTEXT_LINES = 2  # lines shown above a passage scrolled to, so its heading stays in view
MAX_BLOCKS = 600  # longer documents merge paragraphs so the viewer stays quick
HIGHLIGHT_STYLE = "bold $text on $warning-muted"


def block_spans(text: str, cut_points: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Split ``text`` into display blocks at paragraph breaks and at the given offsets.

    Cut points (item starts, the cited passage) are snapped back to the start of their line and
    always begin a block; paragraphs are merged when the document is long.
    """
    if not text:
        return []
    forced = {0}
    for point in cut_points:
        if 0 < point < len(text):
            forced.add(text.rfind("\n", 0, point) + 1)
    paragraph_starts = {m.end() for m in _PARAGRAPH_BREAK.finditer(text)}
    starts = sorted(s for s in forced | paragraph_starts if s < len(text))
    min_len = len(text) // MAX_BLOCKS
    kept: list[int] = []
    for start in starts:
        if not kept or start in forced or start - kept[-1] >= min_len:
            kept.append(start)
    ends = kept[1:] + [len(text)]
    return [(s, e) for s, e in zip(kept, ends, strict=True) if text[s:e].strip()]


class DocumentBody(VerticalScroll, can_focus=True):
    """Method calls down: ``show`` then ``scroll_to_offset``; read ``highlighted_text``."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = ""
        self.spans: list[tuple[int, int]] = []
        self.highlight: tuple[int, int] | None = None

    @property
    def highlighted_text(self) -> str:
        """The exact source text shown highlighted (empty when nothing is)."""
        if self.highlight is None:
            return ""
        start, end = self.highlight
        return self.text[start:end]

    async def show(self, text: str, *, highlight: tuple[int, int] | None = None,
                   cut_points: Iterable[int] = ()) -> None:
        self.text = text
        if highlight is not None:
            start, end = max(0, highlight[0]), min(len(text), highlight[1])
            highlight = (start, end) if end > start else None
        self.highlight = highlight
        cuts = list(cut_points) + ([highlight[0]] if highlight else [])
        self.spans = block_spans(text, cuts)
        blocks = [self._block(start, end) for start, end in self.spans]
        await self.remove_children()
        if not blocks:
            blocks = [Static(Content.styled("(This document has no text.)", "italic"))]
        await self.mount_all(blocks)

    def _block(self, start: int, end: int) -> Static:
        raw = self.text[start:end].rstrip()
        content = Content(raw)
        classes = "block"
        if self.highlight is not None:
            h_start, h_end = self.highlight
            lo, hi = max(h_start, start) - start, min(h_end, start + len(raw)) - start
            if lo < hi:
                content = content.stylize(HIGHLIGHT_STYLE, lo, hi)
                classes += " -cited"
        return Static(content, classes=classes)

    def block_index(self, offset: int) -> int:
        starts = [s for s, _ in self.spans]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll the block holding ``offset`` near the top (once layout has run)."""
        if not self.spans:
            return
        index = self.block_index(offset)
        blocks = list(self.query(".block").results(Static))
        if index < len(blocks):
            self.call_after_refresh(self._scroll_to_block, blocks[index])

    def _scroll_to_block(self, block: Static) -> None:
        y = block.virtual_region.y - block.styles.margin.top - CONTEXT_LINES
        self.scroll_to(y=max(0, y), animate=False, immediate=True)

    def scroll_to_highlight(self) -> None:
        if self.highlight is not None:
            self.scroll_to_offset(self.highlight[0])
