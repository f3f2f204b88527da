"""The scrolling conversation: a welcome text, then one ``ExchangeView`` per question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from .exchange_view import ExchangeView

WELCOME = (
    "Ask a question about the committee records and press Enter.\n\n"
    "For example:\n"
    "  What did officers promise about CAMHS waiting times?\n"
    "  When was the improvement notice lifted?\n"
    "  What questions did members ask about foster carers?\n\n"
    "Answers quote the minutes and reports they come from; the Sources panel lists each one. "
    "Tab to a source and press Enter to read it in full."
)


class ConversationLog(VerticalScroll, can_focus=False):
    """Method calls down: ``add_exchange``, ``exchange``, ``clear_exchanges``.

    Not focusable, so Tab goes straight between the prompt and the sources; the prompt
    scrolls it with Page Up / Page Down.
    """

    _following = False  # keep the end in view (see ``follow``)

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup(
            "[bold]Scrutiny assistant[/]\n" + WELCOME.replace("[", "\\[")), id="welcome")

    def add_exchange(self, question: str, index: int, *, scope: str = "",
                     show_timing: bool = True) -> ExchangeView:
        self.query_one("#welcome").display = False
        view = ExchangeView(question, index, scope=scope, show_timing=show_timing)
        self.mount(view)
        self.follow()
        return view

    def exchange(self, index: int) -> ExchangeView | None:
        for view in self.query(ExchangeView):
            if view.index == index:
                return view
        return None

    def clear_exchanges(self) -> None:
        self.query(ExchangeView).remove()
        self.query_one("#welcome").display = True

    def reveal(self, view: ExchangeView) -> None:
        """Show the end of a newly answered exchange (the newest is always the last)."""
        self.follow()

    def follow(self) -> None:
        """Keep the end in view while the newest exchange grows, until the user scrolls up.

        The answer, its sources line and the timing are laid out over several refreshes; one
        scroll after the first of them once left the end of a long answer below the fold, so
        every growth of the content scrolls again.
        """
        self._following = True
        self.call_after_refresh(self.scroll_end, animate=False)

    def watch_virtual_size(self) -> None:
        if self._following:
            self.call_after_refresh(self.scroll_end, animate=False)

    def on_mouse_scroll_up(self) -> None:
        self._following = False

    def page(self, direction: int) -> None:
        """Page Up / Page Down from the prompt; paging up stops following the end."""
        if direction < 0:
            self._following = False
            self.scroll_page_up(animate=False)
        else:
            self.scroll_page_down(animate=False)
