"""Keys and a short guide, for someone using the assistant for the first time."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# Using the scrutiny assistant

Type a question about the committee records and press **Enter**. The answer quotes the
minutes and reports it comes from: each `[n]` marker matches a source in the **Sources**
panel. Ask a follow-up and the assistant takes the earlier questions into account.

| Key | What it does |
| --- | --- |
| Enter | Ask the question (in a list: open the source) |
| Up / Down | Recall earlier questions |
| Tab / Shift+Tab | Move between the question box and the sources |
| Page Up / Down | Scroll the conversation |
| Ctrl+O | Open the highlighted source (or click a `[n]` marker) |
| Ctrl+F | Choose filters: council, committee, document type, years |
| Ctrl+L | Clear all filters |
| Ctrl+R | Resolutions and agreements on a topic, newest first |
| Ctrl+B | Prepare questions: earlier questions, officers' promises, recommendations |
| F2 | Documents: add a file by its path, or remove a document (Delete, twice) |
| Ctrl+S | Export the conversation, with full citations, to a Markdown file |
| Ctrl+Y | Copy the latest answer and its sources |
| Ctrl+C | In a list of sources: copy the highlighted quote with its full reference |
| Ctrl+U | In a list of sources: copy the highlighted source's web address (its label if none) |
| Ctrl+N | Start a new conversation |
| Ctrl+T | Switch between dark and light colours |
| F1 | This help |
| Ctrl+Q | Quit |

Typing anywhere on the chat screen goes into the question box. In Resolutions and Prepare,
Tab (or Down) moves from the topic box into the list, where Enter opens the record.

**Reading a document:** the cited passage is highlighted. **C** jumps back to it, **O** moves
to the item outline (Enter scrolls to an item), **N** / **P** go to the next or previous item,
**Escape** goes back.

When the records do not answer a question the assistant says so, and lists the nearest
records instead of citing them. Nothing leaves this computer.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="modal")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Markdown(HELP)

    async def action_dismiss(self, result: object = None) -> None:
        self.dismiss(None)
