"""A one-line status strip: a spinner and what is happening, or the index's state when idle."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, LoadingIndicator


class BusyIndicator(Horizontal):
    """Call ``busy(text)`` when work starts and ``idle(text)`` when it ends."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._jobs: dict[str, str] = {}
        self._idle_text = ""

    def compose(self) -> ComposeResult:
        spinner = LoadingIndicator(classes="spinner")
        # Hidden until there is work: ``is_mounted`` is still False in ``on_mount``, so a
        # screen with nothing to do (Prepare before a topic is typed) showed busy dots.
        spinner.display = False
        yield spinner
        yield Label("", classes="status-text")

    def on_mount(self) -> None:
        self.call_after_refresh(self._render_state)

    @property
    def is_busy(self) -> bool:
        return bool(self._jobs)

    @property
    def text(self) -> str:
        return str(self.query_one(".status-text", Label).content)

    def busy(self, text: str, job: str = "main") -> None:
        self._jobs[job] = text
        self._render_state()

    def idle(self, text: str | None = None, job: str = "main") -> None:
        self._jobs.pop(job, None)
        if text is not None:
            self._idle_text = text
        self._render_state()

    def _render_state(self) -> None:
        if not self.is_mounted:
            return
        label = self.query_one(".status-text", Label)
        spinner = self.query_one(".spinner", LoadingIndicator)
        if self._jobs:
            label.update(list(self._jobs.values())[-1])
            spinner.display = True
            self.add_class("-busy")
        else:
            label.update(self._idle_text)
            spinner.display = False
            self.remove_class("-busy")
