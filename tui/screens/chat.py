"""The main screen: the conversation, its sources, the prompt and the status line."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Key, Resize
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from retriever.results import AskResult, Filters, Health

from ..conversation import Exchange, describe_filters
from ..errors import Problem, explain
from ..widgets.busy_indicator import BusyIndicator
from ..widgets.citation_list import CitationEntry, CitationList
from ..widgets.conversation_log import ConversationLog
from ..widgets.error_notice import ErrorNotice
from ..widgets.exchange_view import ExchangeView
from ..widgets.filter_bar import FilterBar
from ..widgets.prompt_input import PromptInput

if TYPE_CHECKING:
    from ..app import ScrutinyApp

NARROW_WIDTH = 90


class ChatScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so the footer shows it at any width (the app's binding keeps this place).
        Binding("ctrl+q", "app.quit", "Quit"),
        Binding("f1", "app.help", "Help"),
        Binding("ctrl+f", "app.filters", "Filters"),
        Binding("ctrl+l", "app.clear_filters", "Clear filters"),
        Binding("ctrl+r", "app.resolutions", "Resolutions"),
        Binding("ctrl+b", "app.prepare", "Prepare"),
        Binding("f2", "app.library", "Documents", show=False),
        Binding("ctrl+s", "app.export", "Export"),
        Binding("ctrl+y", "app.copy_answer", "Copy"),
        Binding("ctrl+n", "app.new_conversation", "New chat", show=False),
        Binding("ctrl+o", "open_first_source", "Open source", show=False),
        Binding("pageup", "scroll_conversation(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_conversation(1)", "Scroll down", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="chat")
        self.shown_index: int | None = None

    @property
    def scrutiny(self) -> ScrutinyApp:
        return cast("ScrutinyApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        with Horizontal(id="main"):
            yield ConversationLog(id="conversation")
            yield CitationList(id="sources",
                               empty_text="The sources of each answer are listed here.")
        yield ErrorNotice(id="error")
        yield BusyIndicator(id="status")
        yield PromptInput(id="prompt",
                          placeholder="Ask a question about the records and press Enter")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sources", CitationList).border_title = "Sources"
        self.query_one("#prompt", PromptInput).focus()
        self.scrutiny.start_loading()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    def on_key(self, event: Key) -> None:
        """Typing anywhere on this screen goes into the question box."""
        if event.is_printable and event.character and not isinstance(self.focused, Input):
            prompt = self.query_one("#prompt", PromptInput)
            prompt.focus()
            prompt.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def focus_prompt(self) -> None:
        self.query_one("#prompt", PromptInput).focus()

    # -- method calls from the app -----------------------------------------------------------
    def status_busy(self, text: str, job: str = "main") -> None:
        self.query_one("#status", BusyIndicator).busy(text, job=job)

    def status_idle(self, job: str = "main", text: str | None = None) -> None:
        self.query_one("#status", BusyIndicator).idle(text, job=job)

    def index_ready(self, health: Health) -> None:
        self.query_one("#error", ErrorNotice).clear()
        self.status_idle(job="index", text=f"Ready: {health.documents} documents, "
                         f"{health.chunks} passages indexed.")

    def index_failed(self, problem: Problem) -> None:
        self.query_one("#error", ErrorNotice).show_problem(problem)
        self.status_idle(job="index", text="No index open.")

    def filters_changed(self, filters: Filters) -> None:
        self.query_one("#filter-bar", FilterBar).show_filters(filters)

    def conversation_cleared(self) -> None:
        self.query_one("#conversation", ConversationLog).clear_exchanges()
        self.query_one("#sources", CitationList).show_entries([])
        self.query_one("#sources", CitationList).border_title = "Sources"
        self.shown_index = None

    # -- asking ------------------------------------------------------------------------------
    @on(Input.Submitted, "#prompt")
    def submit_question(self, event: Input.Submitted) -> None:
        prompt = self.query_one("#prompt", PromptInput)
        question = event.value.strip()
        if not question:
            return
        if any(w.name == "ask" and not w.is_finished for w in self.workers):
            self.notify("Still answering the previous question…", severity="warning")
            return
        prompt.remember(question)
        prompt.value = ""
        app = self.scrutiny
        history = app.conversation.history()
        exchange = app.conversation.add(question, app.filters)
        index = len(app.conversation) - 1
        view = self.query_one("#conversation", ConversationLog).add_exchange(
            question, index, scope=describe_filters(exchange.filters),
            show_timing=app.show_timings)
        self.query_one("#error", ErrorNotice).clear()
        self.status_busy("Searching the records…", job="ask")
        self.ask(exchange, view, history)

    @work(thread=True, name="ask", exit_on_error=False)
    def ask(self, exchange: Exchange, view: ExchangeView,
            history: list[dict[str, str]]) -> None:
        app = self.scrutiny
        try:
            assistant = app.ensure_assistant()
            result = assistant.ask(exchange.question, history=history, filters=exchange.filters)
        except Exception as exc:  # noqa: BLE001 - shown to the user with the fix
            app.call_from_thread(self.question_failed, exchange, view,
                                 explain(exc, app.settings.index_dir))
            return
        app.call_from_thread(self.question_answered, exchange, view, result)

    def question_answered(self, exchange: Exchange, view: ExchangeView,
                          result: AskResult) -> None:
        exchange.result = result
        view.show_result(result)
        self.show_sources(view.index)
        self.status_idle(job="ask")
        self.query_one("#conversation", ConversationLog).reveal(view)

    def question_failed(self, exchange: Exchange, view: ExchangeView, problem: Problem) -> None:
        """Drop the failed exchange, explain, and put the question back in the prompt."""
        conversation = self.scrutiny.conversation
        if exchange in conversation.exchanges:
            conversation.exchanges.remove(exchange)
        view.remove()
        if not conversation.exchanges:
            self.query_one("#conversation", ConversationLog).clear_exchanges()
        self.query_one("#error", ErrorNotice).show_problem(problem)
        self.status_idle(job="ask")
        prompt = self.query_one("#prompt", PromptInput)
        if not prompt.value:
            prompt.value = exchange.question
            prompt.cursor_position = len(exchange.question)
        prompt.focus()

    # -- sources -----------------------------------------------------------------------------
    def show_sources(self, index: int) -> None:
        exchanges = self.scrutiny.conversation.exchanges
        if not 0 <= index < len(exchanges) or exchanges[index].result is None:
            return
        result = cast(AskResult, exchanges[index].result)
        entries = [CitationEntry(cq.citation, cq.quote, f"[{cq.n}]") for cq in result.citations]
        sources = self.query_one("#sources", CitationList)
        if result.abstained and not entries:
            sections = [("Nearest records (they do not answer the question)",
                         [CitationEntry(c) for c in result.related])]
            sources.show_entries([], sections=sections)
        else:
            sources.show_entries(entries)
        sources.border_title = f"Sources ({len(entries)})" if entries else "Sources"
        self.shown_index = index

    def on_exchange_view_selected(self, message: ExchangeView.Selected) -> None:
        self.show_sources(message.index)

    def action_open_source(self, index: int, n: int) -> None:
        """Open source ``n`` of answer ``index`` (the ``[n]`` markers are links to this)."""
        exchanges = self.scrutiny.conversation.exchanges
        if 0 <= index < len(exchanges) and exchanges[index].result is not None:
            for cq in cast(AskResult, exchanges[index].result).citations:
                if cq.n == n:
                    self.scrutiny.open_citation(cq.citation, cq.quote)
                    return

    def action_open_first_source(self) -> None:
        sources = self.query_one("#sources", CitationList)
        if sources.entries:
            sources.open_highlighted()

    def action_scroll_conversation(self, direction: int) -> None:
        self.query_one("#conversation", ConversationLog).page(direction)
