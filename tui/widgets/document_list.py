"""The indexed documents, one line each, for the Documents screen to add to and remove from."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from retriever.results import DocumentSummary


class DocumentList(OptionList):
    """Method call down: ``show_documents``. Posts ``RemoveRequested`` when Delete is pressed
    on a document; the screen decides whether (and how) to remove it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete", "request_removal", "Remove document"),
    ]

    class RemoveRequested(Message):
        def __init__(self, document: DocumentSummary) -> None:
            super().__init__()
            self.document = document

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.documents: list[DocumentSummary] = []

    def show_documents(self, documents: list[DocumentSummary], current: str | None = None
                       ) -> None:
        """List ``documents`` as the index orders them; highlight ``current`` (a doc id)."""
        self.documents = list(documents)
        self.clear_options()
        if not self.documents:
            self.add_option(Option(Content.styled("No documents indexed yet", "$text-muted"),
                                   disabled=True))
            return
        self.add_options([Option(self._line(d)) for d in self.documents])
        ids = [d.doc_id for d in self.documents]
        self.highlighted = ids.index(current) if current in ids else 0

    @property
    def selected(self) -> DocumentSummary | None:
        """The highlighted document, if any."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.documents):
            return None
        return self.documents[self.highlighted]

    def action_request_removal(self) -> None:
        document = self.selected
        if document is not None:
            self.post_message(self.RemoveRequested(document))

    @staticmethod
    def _line(d: DocumentSummary) -> Content:
        return Content.assemble(
            (f"{d.date or 'undated':<10}", "bold"), "  ", f"{d.doc_type:<11}",
            f"{d.council or '?'} · {d.committee or d.title}  ", (d.doc_id, "$text-muted"))
