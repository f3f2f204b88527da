"""A list of cited records: label, link, quote; Enter or a click opens the record, Ctrl+U copies
its link (or its label when it has none) to paste into an email."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from retriever.display import plain
from retriever.results import Citation

PREVIEW_CHARS = 320


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The quote on a few lines: markup stripped, whitespace collapsed, cut at a word."""
    flat = plain(text)
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + " …"


@dataclass(frozen=True, slots=True)
class CitationEntry:
    """One row: ``marker`` is ``[1]`` for answer sources or a kind such as ``RESOLVED``."""

    citation: Citation
    quote: str = ""
    marker: str = ""


def entry_text(entry: CitationEntry) -> str:
    """What "copy source" puts on the clipboard: the quote and its full reference."""
    from ..conversation import citation_reference

    marker = f"{entry.marker} " if entry.marker else ""
    quote = f"“{plain(entry.quote)}”\n" if entry.quote else ""
    return f"{marker}{quote}{citation_reference(entry.citation)}"


class CitationList(OptionList):
    """Shows ``CitationEntry`` rows, optionally under section headings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "copy_entry", "Copy source"),
        Binding("ctrl+u", "copy_link", "Copy link"),
    ]

    class Opened(Message):
        """The user chose a record to read."""

        def __init__(self, citation: Citation, quote: str) -> None:
            super().__init__()
            self.citation = citation
            self.quote = quote

    def __init__(self, *, empty_text: str = "", id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.empty_text = empty_text
        self.entries: list[CitationEntry] = []
        self._by_option: dict[str, CitationEntry] = {}

    def on_mount(self) -> None:
        if not self.entries:
            self.show_entries([])

    @staticmethod
    def _prompt(entry: CitationEntry) -> Content:
        head = Content.assemble(
            (f"{entry.marker} ", "bold $accent") if entry.marker else "",
            (plain(entry.citation.label()), "bold"),
        )
        if entry.citation.url:
            head = Content.assemble(head, "\n", (entry.citation.url, "underline $text-muted"))
        if not entry.quote:
            return head
        return Content.assemble(head, "\n", (preview(entry.quote), "italic $text-muted"))

    def show_entries(self, entries: list[CitationEntry],
                     sections: list[tuple[str, list[CitationEntry]]] | None = None) -> None:
        """Replace the rows; with ``sections``, rows are grouped under disabled headings."""
        self.clear_options()
        self._by_option.clear()
        groups = sections if sections is not None else [("", entries)]
        self.entries = [e for _, group in groups for e in group]
        options: list[Option | None] = []
        for heading, group in groups:
            if heading:
                if options:
                    options.append(None)
                options.append(Option(Content.styled(heading, "bold $secondary"),
                                      disabled=True))
            for entry in group:
                if options and options[-1] is not None and not options[-1].disabled:
                    options.append(None)
                option_id = f"entry-{len(self._by_option)}"
                self._by_option[option_id] = entry
                options.append(Option(self._prompt(entry), id=option_id))
            if heading and not group:
                options.append(Option(Content.styled("  nothing found", "$text-muted"),
                                      disabled=True))
        if not self.entries and self.empty_text and sections is None:
            options = [Option(Content.styled(self.empty_text, "$text-muted"), disabled=True)]
        self.add_options(options)
        first = next((i for i, o in enumerate(self._options) if not o.disabled), None)
        self.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._by_option.get(event.option.id or "")
        if entry is not None:
            self.post_message(self.Opened(entry.citation, entry.quote))

    def highlighted_entry(self) -> CitationEntry | None:
        option = self.highlighted_option
        return self._by_option.get(option.id or "") if option else None

    def action_copy_entry(self) -> None:
        """Copy the highlighted record's quote and reference, for a briefing note."""
        entry = self.highlighted_entry()
        if entry is None:
            return
        self.app.copy_to_clipboard(entry_text(entry))
        self.app.notify(f"Copied {entry.marker or 'the source'} with its reference.")

    def open_highlighted(self) -> None:
        """Open the highlighted row, as Enter would."""
        option = self.highlighted_option
        entry = self._by_option.get(option.id or "") if option else None
        if entry is not None:
            self.post_message(self.Opened(entry.citation, entry.quote))

    def action_copy_link(self) -> None:
        """Copy the highlighted record's web address; its label when it has none."""
        entry = self.highlighted_entry()
        if entry is None:
            self.app.notify("No source selected to copy.", severity="warning")
            return
        citation = entry.citation
        self.app.copy_to_clipboard(citation.url or citation.label())
        self.app.notify("Link copied to the clipboard." if citation.url else
                        "This source has no web address; its label was copied.")
