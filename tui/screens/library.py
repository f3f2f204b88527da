"""The indexed documents, with a way to add a file by its path and remove the highlighted one.

The write is ``indexer.ingest`` (the same path as ``scrutiny add`` / ``remove`` and the API),
run in a named thread worker with the rebuild's progress on the status line; afterwards the
app switches to the new index generation. Removal asks for a second Delete, because it
rebuilds the index (the file itself is kept in the corpus's ``.scrutiny-trash/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from indexer.corpusfiles import supported_list
from retriever.results import DocumentSummary

from ..errors import Problem, explain
from ..widgets.busy_indicator import BusyIndicator
from ..widgets.document_list import DocumentList
from ..widgets.error_notice import ErrorNotice

if TYPE_CHECKING:
    from ..app import ScrutinyApp


class LibraryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit"),  # first: visible in the footer at any width
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="library-screen")
        self.pending_removal: str | None = None  # doc id awaiting the second Delete
        self.writing = False

    @property
    def scrutiny(self) -> ScrutinyApp:
        return cast("ScrutinyApp", self.app)

    def compose(self) -> ComposeResult:
        corpus = self.scrutiny.settings.corpus_dir
        yield Header()
        yield Static(Content.assemble(
            "Add a file: type its path and press ", ("Enter", "bold"), ". Remove a document: "
            "choose it in the list and press ", ("Delete", "bold"), " twice. Files are copied "
            f"into {corpus}; removed ones are kept in its .scrutiny-trash folder."),
            classes="intro")
        yield Input(placeholder=f"Path of a {supported_list()} file to add", id="add-path")
        yield ErrorNotice(id="error")
        yield BusyIndicator(id="status")
        yield DocumentList(id="documents")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Documents"
        self.query_one("#documents", DocumentList).border_title = "Indexed documents"
        self.query_one("#add-path", Input).focus()
        self.load_documents()

    def action_back(self) -> None:
        if self.pending_removal is not None:
            self._cancel_removal()
            return
        self.app.pop_screen()

    @work(thread=True, name="list-documents", exit_on_error=False)
    def load_documents(self, current: str | None = None) -> None:
        app = self.scrutiny
        try:
            documents = app.ensure_assistant().documents()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a readable notice
            app.call_from_thread(self._failed, explain(exc, app.settings.index_dir))
            return
        app.call_from_thread(self._show_documents, documents, current)

    def _show_documents(self, documents: list[DocumentSummary], current: str | None) -> None:
        self.query_one("#documents", DocumentList).show_documents(documents, current)

    # -- adding ------------------------------------------------------------------------------
    @on(Input.Submitted, "#add-path")
    def submit_path(self, event: Input.Submitted) -> None:
        raw = event.value.strip().strip("'\"")
        if not raw or self._busy():
            return
        path = Path(raw).expanduser()
        self._start(f"Adding {path.name}…")
        self.write_document(path, None)

    # -- removing ----------------------------------------------------------------------------
    def on_document_list_remove_requested(self, message: DocumentList.RemoveRequested) -> None:
        doc = message.document
        if self._busy():
            return
        if self.pending_removal != doc.doc_id:
            self.pending_removal = doc.doc_id
            self.query_one("#status", BusyIndicator).idle(
                f"Remove {doc.doc_id} ({doc.source})? Press Delete again to remove it, "
                "Escape to keep it.")
            return
        self.pending_removal = None
        self._start(f"Removing {doc.doc_id}…")
        self.write_document(None, doc.doc_id)

    def on_option_list_option_highlighted(self) -> None:
        if self.pending_removal is not None:
            self._cancel_removal()

    def _cancel_removal(self) -> None:
        self.pending_removal = None
        self.query_one("#status", BusyIndicator).idle("Nothing was removed.")

    # -- the write ---------------------------------------------------------------------------
    def _busy(self) -> bool:
        if self.writing:
            self.notify("Wait for the current change to finish.", severity="warning")
        return self.writing

    def _start(self, text: str) -> None:
        self.writing = True
        self.query_one("#error", ErrorNotice).clear()
        self.query_one("#status", BusyIndicator).busy(text, job="write")

    @work(thread=True, name="write-document", exit_on_error=False)
    def write_document(self, path: Path | None, doc_id: str | None) -> None:
        """Add ``path`` or remove ``doc_id``, then serve the rebuilt index."""
        from indexer import ingest

        app = self.scrutiny
        status = self.query_one("#status", BusyIndicator)
        doing = f"Adding {path.name}" if path is not None else f"Removing {doc_id}"

        def progress(stage: str, done: int, total: int) -> None:
            app.call_from_thread(status.busy, f"{doing}: {stage} {done}/{total}", "write")

        def embedder() -> object:
            assistant = app.assistant
            return assistant.embedder() if assistant is not None else None

        try:
            if path is not None:
                done = ingest.add_document(app.settings, path, embedder=embedder,
                                           progress=progress)
                verb = "Added" if done.status == "indexed" else "Already indexed:"
                text = f"{verb} {path.name} as {done.doc_id} ({done.documents} documents)."
            else:
                assert doc_id is not None
                done = ingest.remove_document(app.settings, doc_id, embedder=embedder,
                                              progress=progress)
                text = (f"Removed {doc_id}; its file is kept in {done.path.parent} "
                        f"({done.documents} documents).")
            documents = app.reload_index().documents()
        except Exception as exc:  # noqa: BLE001
            failed = "The file was not added" if path is not None else "Nothing was removed"
            app.call_from_thread(self._write_failed,
                                 explain(exc, app.settings.index_dir, failed))
            return
        current = done.doc_id if path is not None else None
        app.call_from_thread(self._written, text, documents, current)

    def _written(self, text: str, documents: list[DocumentSummary], current: str | None
                 ) -> None:
        self.writing = False
        self.query_one("#status", BusyIndicator).idle(text, job="write")
        self._show_documents(documents, current)
        if current is not None:
            self.query_one("#add-path", Input).value = ""
        self.notify(text, title="Documents", timeout=8)

    def _write_failed(self, problem: Problem) -> None:
        self.writing = False
        self.query_one("#status", BusyIndicator).idle("Nothing was changed.", job="write")
        self.query_one("#error", ErrorNotice).show_problem(problem)

    def _failed(self, problem: Problem) -> None:
        self.query_one("#error", ErrorNotice).show_problem(problem)
