"""Read a whole document, scrolled to the cited passage, with its item outline beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from retriever.results import Citation, DocumentDetail

from ..errors import explain
from ..widgets.document_body import DocumentBody
from ..widgets.error_notice import ErrorNotice
from ..widgets.item_outline import ItemOutline

if TYPE_CHECKING:
    from ..app import ScrutinyApp

NARROW_WIDTH = 70


def locate_quote(text: str, citation: Citation, quote: str) -> tuple[int, int]:
    """The span to highlight: the citation's, unless the quote is found elsewhere instead."""
    start, end = citation.char_start, citation.char_end
    if not quote or text[start:end] == quote:
        return start, end
    found = text.find(quote, max(0, start - 2000))
    if found < 0:
        found = text.find(quote)
    return (found, found + len(quote)) if found >= 0 else (start, end)


class DocumentScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit"),  # first: visible in the footer at any width
        Binding("escape", "app.pop_screen", "Back"),
        Binding("c", "cited", "Cited passage"),
        Binding("o", "outline", "Outline"),
        Binding("n", "next_item", "Next item", show=False),
        Binding("p", "previous_item", "Previous item", show=False),
    ]

    def __init__(self, citation: Citation, quote: str = "") -> None:
        super().__init__(classes="document-screen")
        self.citation = citation
        self.quote = quote
        self.detail: DocumentDetail | None = None

    @property
    def scrutiny(self) -> ScrutinyApp:
        return cast("ScrutinyApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        cited = Content.assemble(("Cited: ", "bold"), self.citation.label())
        if self.citation.url:
            cited = Content.assemble(cited, "  ", (self.citation.url, "underline"))
        yield Static(cited, id="doc-citation")
        yield ErrorNotice(id="doc-error")
        with Horizontal(id="doc-main"):
            yield ItemOutline(id="outline")
            yield DocumentBody(id="doc-body")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.citation.title or self.citation.doc_id
        self.query_one("#outline", ItemOutline).border_title = "Items"
        self.load_document()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    @work(thread=True, name="load-document", exit_on_error=False)
    def load_document(self) -> None:
        app = self.scrutiny
        try:
            detail = app.ensure_assistant().document(self.citation.doc_id)
        except Exception as exc:  # noqa: BLE001
            problem = explain(exc, app.settings.index_dir)
            app.call_from_thread(self.query_one("#doc-error", ErrorNotice).show_problem, problem)
            return
        app.call_from_thread(self.show_document, detail)

    async def show_document(self, detail: DocumentDetail) -> None:
        self.detail = detail
        span = locate_quote(detail.text, self.citation, self.quote)
        body = self.query_one("#doc-body", DocumentBody)
        starts = [int(item.get("char_start", 0)) for item in detail.items]
        await body.show(detail.text, highlight=span, cut_points=starts)
        self.query_one("#outline", ItemOutline).show_items(detail.items, current=span[0])
        body.border_title = detail.summary.title or detail.summary.source
        body.scroll_to_highlight()
        body.focus()

    def on_item_outline_item_chosen(self, message: ItemOutline.ItemChosen) -> None:
        self.query_one("#doc-body", DocumentBody).scroll_to_offset(message.char_start)

    def action_cited(self) -> None:
        body = self.query_one("#doc-body", DocumentBody)
        body.scroll_to_highlight()
        body.focus()

    def action_outline(self) -> None:
        outline = self.query_one("#outline", ItemOutline)
        if self.has_class("-narrow"):
            self.toggle_class("-show-outline")
        if outline.has_focus:
            self.query_one("#doc-body", DocumentBody).focus()
        else:
            outline.focus()

    def _step_item(self, step: int) -> None:
        outline = self.query_one("#outline", ItemOutline)
        if not outline.items:
            return
        current = outline.highlighted if outline.highlighted is not None else -1
        target = max(0, min(len(outline.items) - 1, current + step))
        outline.highlighted = target
        self.query_one("#doc-body", DocumentBody).scroll_to_offset(
            int(outline.items[target]["char_start"]))

    def action_next_item(self) -> None:
        self._step_item(1)

    def action_previous_item(self) -> None:
        self._step_item(-1)
