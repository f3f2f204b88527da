"""The navigable outline of a document's items (minute references and headings)."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class ItemOutline(OptionList):
    """Method call down: ``show_items``. Posts ``ItemChosen`` when an item is selected."""

    class ItemChosen(Message):
        def __init__(self, char_start: int) -> None:
            super().__init__()
            self.char_start = char_start

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.items: list[dict[str, Any]] = []

    def show_items(self, items: list[dict[str, Any]], current: int | None = None) -> None:
        """List items in document order, indented by nesting; highlight the one at ``current``."""
        self.items = sorted(items, key=lambda i: (int(i.get("char_start", 0)),
                                                  -int(i.get("char_end", 0))))
        self.clear_options()
        options: list[Option] = []
        open_ends: list[int] = []
        for item in self.items:
            start, end = int(item.get("char_start", 0)), int(item.get("char_end", 0))
            while open_ends and open_ends[-1] <= start:
                open_ends.pop()
            depth = len(open_ends)
            open_ends.append(end)
            ref = str(item.get("ref") or "").strip()
            title = str(item.get("title") or "").strip()
            options.append(Option(Content.assemble(
                "  " * min(depth, 3), (ref, "bold"), " " if ref and title else "", title)))
        if not options:
            options = [Option(Content.styled("No items recognised", "$text-muted"),
                              disabled=True)]
        self.add_options(options)
        if current is not None and self.items:
            self.highlighted = self.index_at(current)

    def index_at(self, offset: int) -> int:
        """The innermost item containing ``offset`` (or the last one starting before it)."""
        best = 0
        for i, item in enumerate(self.items):
            if int(item.get("char_start", 0)) <= offset:
                best = i
            else:
                break
        return best

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.items):
            self.post_message(self.ItemChosen(int(self.items[event.option_index]["char_start"])))
