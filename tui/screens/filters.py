"""Choose filters from the values present in the index (never free text)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select

from retriever.results import Facets, Filters

DOC_TYPE_NAMES = {"minutes": "Minutes", "report": "Officer report", "inspection": "Inspection",
                  "peer_review": "Peer review"}


def year_range(facets: Facets) -> list[str]:
    years = [d[:4] for d in (facets.date_min, facets.date_max) if d and d[:4].isdigit()]
    if not years:
        return []
    return [str(y) for y in range(int(min(years)), int(max(years)) + 1)]


class FiltersScreen(ModalScreen[Filters | None]):
    """Dismisses with the chosen ``Filters``, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
        Binding("ctrl+l", "clear", "Clear all"),
    ]

    def __init__(self, facets: Facets, current: Filters) -> None:
        super().__init__(classes="modal")
        self.facets = facets
        self.current = current

    def _select(self, id: str, prompt: str, values: list[tuple[str, str]],
                value: str | None) -> Select[str]:
        known = {v for _, v in values}
        select: Select[str] = Select(values, prompt=prompt, id=id, allow_blank=True,
                                     value=value if value in known else Select.NULL)
        select.compact = True
        return select

    def compose(self) -> ComposeResult:
        f, c = self.facets, self.current
        years = [(y, y) for y in year_range(f)]
        with Vertical(id="filters-dialog"):
            yield Label("Search only these records", classes="dialog-title")
            with Grid(id="filters-grid"):
                yield Label("Council")
                yield self._select("council", "Any council",
                                   [(v, v) for v in f.councils], c.council)
                yield Label("Committee")
                yield self._select("committee", "Any committee",
                                   [(v, v) for v in f.committees], c.committee)
                yield Label("Document type")
                yield self._select("doc_type", "Any type",
                                   [(DOC_TYPE_NAMES.get(v, v), v) for v in f.doc_types],
                                   c.doc_type)
                yield Label("Since year")
                yield self._select("year_from", "Earliest", years,
                                   c.since[:4] if c.since else None)
                yield Label("Until year")
                yield self._select("year_to", "Latest", years,
                                   c.until[:4] if c.until else None)
            yield Label("Enter opens a list · Ctrl+S applies · Ctrl+L clears · Esc cancels",
                        classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#council", Select).focus()

    def _value(self, id: str) -> str | None:
        value = self.query_one(f"#{id}", Select).value
        return None if value is Select.NULL else str(value)

    def chosen(self) -> Filters:
        year_from, year_to = self._value("year_from"), self._value("year_to")
        if year_from and year_to and year_from > year_to:
            year_from, year_to = year_to, year_from
        return Filters.parse(council=self._value("council"),
                             committee=self._value("committee"),
                             doc_type=self._value("doc_type"), since=year_from, until=year_to)

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#clear")
    def action_clear(self) -> None:
        self.dismiss(Filters())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
