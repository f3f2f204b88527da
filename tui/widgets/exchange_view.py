"""One question and its answer in the conversation; ``[n]`` markers open their sources."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.widgets import Static

from retriever.display import plain, understood_line
from retriever.results import AskResult

from ..errors import Problem

_MARKER = re.compile(r"\[(\d+)\]")


def answer_content(answer: str, index: int) -> Content:
    """The answer with each ``[n]`` marker bold and clickable (opens source n)."""
    markup: list[str] = []
    last = 0
    for match in _MARKER.finditer(answer):
        markup.append(escape(answer[last:match.start()]))
        n = match.group(1)
        markup.append(f"[bold $accent @click=screen.open_source({index},{n})]\\[{n}][/]")
        last = match.end()
    markup.append(escape(answer[last:]))
    return Content.from_markup("".join(markup))


class ExchangeView(Vertical):
    """Method calls down: ``show_result`` / ``show_problem``. Posts ``Selected`` on click."""

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, question: str, index: int, *, scope: str = "",
                 show_timing: bool = True) -> None:
        super().__init__(classes="exchange -pending")
        self.question = question
        self.index = index
        self.scope = scope
        self.show_timing = show_timing
        self.result: AskResult | None = None

    def compose(self) -> ComposeResult:
        head = Content.assemble(("You  ", "bold $secondary"), self.question)
        if self.scope:
            head = Content.assemble(head, (f"  ({self.scope})", "$text-muted"))
        yield Static(head, classes="question")
        yield Static(Content.styled("Searching the records…", "italic $text-muted"),
                     classes="answer")
        yield Static("", classes="sources-line")

    def show_result(self, result: AskResult) -> None:
        self.result = result
        self.remove_class("-pending", "-failed")
        self.set_class(result.abstained, "-abstained")
        self.query_one(".answer", Static).update(answer_content(result.answer, self.index))
        lines: list[Content | str] = []
        # What was taken from the question and applied (what was relaxed is in the answer).
        understood = understood_line({**result.understood, "relaxed": []})
        if understood:
            lines.append(Content.styled(understood, "italic $text-muted"))
        for cq in result.citations:
            lines.append(Content.assemble((f"[{cq.n}] ", "bold $accent"),
                                          plain(cq.citation.label())))
        if result.abstained and result.related:
            lines.append(Content.styled("The nearest records are listed under Sources; "
                                        "they do not answer the question.", "italic"))
        if self.show_timing:
            took = (f"{result.took_ms:.0f} ms" if result.took_ms < 1000
                    else f"{result.took_ms / 1000:.1f} s")
            lines.append(Content.styled(f"answered in {took}", "$text-muted"))
        sources = self.query_one(".sources-line", Static)
        sources.update(Content("\n").join(lines))
        sources.display = bool(lines)

    def show_problem(self, problem: Problem) -> None:
        self.remove_class("-pending")
        self.add_class("-failed")
        text = Content.assemble((f"{problem.title}: ", "bold $error"), problem.message)
        if problem.fix:
            text = Content.assemble(text, ("\nTo fix: ", "bold"), (problem.fix, "bold $warning"))
        self.query_one(".answer", Static).update(text)
        self.query_one(".sources-line", Static).display = False

    def on_click(self) -> None:
        self.post_message(self.Selected(self.index))

