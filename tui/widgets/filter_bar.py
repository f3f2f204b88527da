"""The active filters, shown under the header while any is set."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from retriever.results import Filters

from ..conversation import describe_filters


class FilterBar(Static):
    """Call ``show_filters``; the bar hides itself when no filter is active."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.filters = Filters()

    def on_mount(self) -> None:
        self.show_filters(self.filters)

    def show_filters(self, filters: Filters) -> None:
        self.filters = filters
        summary = describe_filters(filters)
        self.display = bool(summary)
        if summary:
            self.update(Content.assemble(("Filtered ", "bold"), summary,
                                         ("   ctrl+l clears", "$text-muted")))
