"""Shared shape of the topic screens (resolutions, prepare): a topic box and cited results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from retriever.results import Filters

from ..errors import explain
from ..widgets.busy_indicator import BusyIndicator
from ..widgets.citation_list import CitationEntry, CitationList
from ..widgets.error_notice import ErrorNotice
from ..widgets.filter_bar import FilterBar

if TYPE_CHECKING:
    from retriever import Assistant

    from ..app import ScrutinyApp

Sections = list[tuple[str, list[CitationEntry]]]


class LookupScreen(Screen[None]):
    """Subclasses set the texts and implement ``fetch`` (worker thread) and ``entries``."""

    TITLE_TEXT: ClassVar[str] = ""
    INTRO: ClassVar[str] = ""
    PLACEHOLDER: ClassVar[str] = ""
    BUSY_TEXT: ClassVar[str] = "Searching the records…"
    RUN_ON_MOUNT: ClassVar[bool] = False
    EMPTY_TEXT: ClassVar[str] = "Type a topic and press Enter."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit"),  # first: visible in the footer at any width
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+f", "app.filters", "Filters"),
        Binding("ctrl+l", "app.clear_filters", "Clear filters"),
    ]

    def __init__(self, topic: str = "") -> None:
        super().__init__(classes="lookup-screen")
        self.topic = topic
        self.result: Any = None

    @property
    def scrutiny(self) -> ScrutinyApp:
        return cast("ScrutinyApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        yield Static(Content(self.INTRO), classes="intro")
        yield Input(self.topic, placeholder=self.PLACEHOLDER, id="topic", select_on_focus=False)
        yield ErrorNotice(id="error")
        yield BusyIndicator(id="status")
        yield CitationList(id="results", empty_text=self.EMPTY_TEXT)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.TITLE_TEXT
        self.query_one("#filter-bar", FilterBar).show_filters(self.scrutiny.filters)
        self.query_one("#topic", Input).focus()
        if self.RUN_ON_MOUNT or self.topic:
            self.run_lookup(self.topic)

    def on_key(self, event: Key) -> None:
        """Typing while the results list has focus goes into the topic box; Down in the
        topic box moves into the results, as Tab does."""
        results = self.query_one("#results", CitationList)
        if event.key == "down" and isinstance(self.focused, Input) and results.entries:
            results.focus()
            event.stop()
            event.prevent_default()
            return
        if event.is_printable and event.character and not isinstance(self.focused, Input):
            topic = self.query_one("#topic", Input)
            topic.focus()
            topic.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def filters_changed(self, filters: Filters) -> None:
        self.query_one("#filter-bar", FilterBar).show_filters(filters)
        if self.result is not None or self.RUN_ON_MOUNT:
            self.run_lookup(self.query_one("#topic", Input).value)

    @on(Input.Submitted, "#topic")
    def submit_topic(self, event: Input.Submitted) -> None:
        self.run_lookup(event.value)

    def run_lookup(self, topic: str) -> None:
        self.topic = topic.strip()
        self.query_one("#error", ErrorNotice).clear()
        self.query_one("#status", BusyIndicator).busy(self.BUSY_TEXT)
        self.lookup(self.topic, self.scrutiny.filters)

    @work(thread=True, exclusive=True, name="lookup", exit_on_error=False)
    def lookup(self, topic: str, filters: Filters) -> None:
        app = self.scrutiny
        try:
            result = self.fetch(app.ensure_assistant(), topic, filters)
        except Exception as exc:  # noqa: BLE001
            problem = explain(exc, app.settings.index_dir)
            app.call_from_thread(self._failed, problem)
            return
        app.call_from_thread(self._show, result)

    def _failed(self, problem: Any) -> None:
        self.query_one("#status", BusyIndicator).idle("")
        self.query_one("#error", ErrorNotice).show_problem(problem)

    def _show(self, result: Any) -> None:
        self.result = result
        sections, summary = self.entries(result)
        results = self.query_one("#results", CitationList)
        if len(sections) == 1 and not sections[0][0]:
            results.show_entries(sections[0][1])
        else:
            results.show_entries([], sections=sections)
        self.query_one("#status", BusyIndicator).idle(summary)
        # Focus stays where the user is: in the topic box Enter searches again, and Tab (or
        # Down) moves into the list, where Enter opens the record. Moving focus to the list
        # here made Tab go back to the topic box, so Enter re-ran the search.
        if results.entries and not isinstance(self.focused, Input):
            results.focus()

    # -- for subclasses ----------------------------------------------------------------------
    def fetch(self, assistant: Assistant, topic: str, filters: Filters) -> Any:
        raise NotImplementedError

    def entries(self, result: Any) -> tuple[Sections, str]:
        """Sections of rows (one unnamed section for a flat list) and a one-line summary."""
        raise NotImplementedError
