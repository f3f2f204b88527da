"""The application: state shared by the screens, background opening of the index, actions.

``create_app`` is the one factory used by ``scrutiny tui`` (through ``run``) and by the tests.
The index is opened, and the model warmed up, in named thread workers, so the prompt can be
used at once; questions asked before the index is ready simply wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from indexer.config import Settings
from retriever.results import Citation, Facets, Filters, Health

from .conversation import Conversation
from .errors import Problem, explain
from .screens.chat import ChatScreen
from .screens.document import DocumentScreen
from .screens.filters import FiltersScreen
from .screens.help import HelpScreen
from .screens.library import LibraryScreen
from .screens.prepare import PrepareScreen
from .screens.resolutions import ResolutionsScreen
from .widgets.citation_list import CitationList

if TYPE_CHECKING:
    from retriever import Assistant

Opener = Callable[[Settings], "Assistant"]

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


def _open_assistant(settings: Settings) -> Assistant:
    from retriever import Assistant

    return Assistant.open(settings.index_dir, settings=settings)


class ScrutinyApp(App[None]):
    """Cited answers over scrutiny records, in the terminal."""

    CSS_PATH = "scrutiny.tcss"
    TITLE = "Scrutiny assistant"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, settings: Settings, assistant: Assistant | None = None, *,
                 export_dir: Path | None = None, show_timings: bool = True,
                 warm_up: bool = True, theme: str | None = None,
                 opener: Opener | None = None) -> None:
        super().__init__()
        self.opener: Opener = opener or _open_assistant
        self.settings = settings
        self.export_dir = export_dir if export_dir is not None else Path.cwd()
        self.show_timings = show_timings
        self.warm_up_model = warm_up and assistant is None
        self.owns_assistant = assistant is None
        self.conversation = Conversation()
        self.filters = Filters()
        self.facets: Facets | None = None
        self.health: Health | None = None
        self.problem: Problem | None = None
        self._assistant = assistant
        self._assistant_lock = threading.Lock()
        self.chat = ChatScreen()
        if theme:
            self.theme = theme

    # -- lifecycle ---------------------------------------------------------------------------
    def get_default_screen(self) -> ChatScreen:
        return self.chat

    def start_loading(self) -> None:
        """Open the index in the background; the chat screen calls this once it is shown."""
        self.chat.status_busy("Opening the index…", job="index")
        self.open_index()

    @property
    def assistant(self) -> Assistant | None:
        return self._assistant

    def ensure_assistant(self) -> Assistant:
        """The open facade, opening the index first if needed. Call from worker threads only.

        Raises the facade's ``ScrutinyError`` (e.g. ``IndexMissingError``) when it cannot.
        """
        with self._assistant_lock:
            if self._assistant is not None:
                return self._assistant
            assistant = self.opener(self.settings)
            facets, health = assistant.facets(), assistant.health()
            self._assistant = assistant
        self.call_from_thread(self._index_opened, facets, health)
        return assistant

    def reload_index(self) -> Assistant:
        """Serve the generation a write has just published. Call from worker threads only."""
        assistant = self._assistant
        if assistant is None:  # there was no index before this write
            return self.ensure_assistant()
        assistant.refresh()
        facets, health = assistant.facets(), assistant.health()
        self.call_from_thread(self._index_opened, facets, health)
        return assistant

    @work(thread=True, name="open-index", exit_on_error=False)
    def open_index(self) -> None:
        try:
            if self._assistant is not None:  # given by the caller (tests, embedding apps)
                facets, health = self._assistant.facets(), self._assistant.health()
                self.call_from_thread(self._index_opened, facets, health)
            else:
                self.ensure_assistant()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a readable notice
            self.call_from_thread(self._index_failed, explain(exc, self.settings.index_dir))

    @work(thread=True, name="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        assistant = self._assistant
        if assistant is None:
            return
        try:
            assistant.warm_up()
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(self.chat.status_idle, job="model",
                                  text=f"The language model could not be loaded: {exc}")
            return
        self.call_from_thread(self.chat.status_idle, job="model")

    def _index_opened(self, facets: Facets, health: Health) -> None:
        already = self.health is not None
        self.facets, self.health, self.problem = facets, health, None
        self.chat.index_ready(health)
        if self.warm_up_model and not already:
            self.chat.status_busy("Loading the language model…", job="model")
            self.warm_up()

    def _index_failed(self, problem: Problem) -> None:
        self.problem = problem
        self.chat.index_failed(problem)

    def close_assistant(self) -> None:
        if self.owns_assistant and self._assistant is not None:
            self._assistant.close()
            self._assistant = None

    # -- state changed by screens ------------------------------------------------------------
    def set_filters(self, filters: Filters | None) -> None:
        if filters is None:  # the filter dialog was cancelled
            return
        self.filters = filters
        if self.screen is self.chat:
            self.chat.focus_prompt()
        for screen in self.screen_stack:
            refresh = getattr(screen, "filters_changed", None)
            if callable(refresh):
                refresh(filters)
        self.refresh_bindings()

    def open_citation(self, citation: Citation, quote: str = "") -> None:
        self.push_screen(DocumentScreen(citation, quote))

    def on_citation_list_opened(self, message: CitationList.Opened) -> None:
        self.open_citation(message.citation, message.quote)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filters":
            return not self.filters.is_empty()
        return True

    # -- actions -----------------------------------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_filters(self) -> None:
        if self.facets is None:
            self.notify("Filters can be chosen once the index is open.", severity="warning")
            return
        self.push_screen(FiltersScreen(self.facets, self.filters), self.set_filters)

    def action_clear_filters(self) -> None:
        if not self.filters.is_empty():
            self.set_filters(Filters())
            self.notify("Filters cleared: searching all records.")

    def action_resolutions(self) -> None:
        self.push_screen(ResolutionsScreen())

    def action_prepare(self) -> None:
        self.push_screen(PrepareScreen())

    def action_library(self) -> None:
        if not isinstance(self.screen, LibraryScreen):
            self.push_screen(LibraryScreen())

    def action_export(self) -> Path | None:
        if not self.conversation.exchanges:
            self.notify("Nothing to export yet: ask a question first.", severity="warning")
            return None
        try:
            path = self.conversation.export(self.export_dir, index_dir=self.settings.index_dir)
        except OSError as exc:
            self.notify(f"Could not write the export: {exc}", severity="error", timeout=10)
            return None
        self.notify(f"Conversation saved to {path}", title="Exported", timeout=8)
        return path

    def action_copy_answer(self) -> None:
        exchange = self.conversation.last_answered()
        if exchange is None:
            self.notify("No answer to copy yet.", severity="warning")
            return
        self.copy_to_clipboard(exchange.to_markdown())
        self.notify("Answer and its sources copied to the clipboard.")

    def action_new_conversation(self) -> None:
        self.conversation.clear()
        self.chat.conversation_cleared()


def create_app(settings: Settings, assistant: Assistant | None = None, *,
               export_dir: Path | None = None, show_timings: bool = True,
               warm_up: bool = True, theme: str | None = None,
               opener: Opener | None = None) -> ScrutinyApp:
    """Build the app.

    ``assistant``: an open facade to use (it is then neither warmed up nor closed here);
    otherwise ``opener(settings)`` (default ``Assistant.open``) runs in a background worker.
    ``export_dir``: where Ctrl+S writes conversations (default: the working directory).
    ``show_timings``: show how long each answer took (tests turn it off for stable snapshots).
    """
    return ScrutinyApp(settings, assistant, export_dir=export_dir, show_timings=show_timings,
                       warm_up=warm_up, theme=theme, opener=opener)


def run(settings: Settings) -> int:
    """Run the terminal UI until the user quits; the ``scrutiny tui`` command calls this."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    app = create_app(settings)
    try:
        app.run()
    finally:
        app.close_assistant()
    return app.return_code or 0
